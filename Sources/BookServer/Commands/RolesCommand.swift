import Fluent
import Vapor

/// `book-server roles grant|revoke USER ROLE` and `book-server roles list USER`: local users' roles.
struct RolesCommand: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["grant": Grant(), "revoke": Revoke(), "list": List()]
    var help: String { "Manage the roles of local users (grant, revoke, list)" }

    struct ChangeSignature: CommandSignature {
        @Argument(name: "user", help: "The username") var user: String
        @Argument(name: "role", help: "The role, e.g. librarian") var role: String
    }

    struct Grant: AsyncCommand {
        var help: String { "Give USER the role ROLE" }
        func run(using context: CommandContext, signature: ChangeSignature) async throws {
            let user = try await RolesCommand.user(signature.user, context)
            let db = context.application.db
            if try await UserRole.query(on: db).filter(\.$user.$id == user.requireID()).filter(\.$role == signature.role).count()
                == 0
            {
                try await UserRole(userID: user.requireID(), role: signature.role).create(on: db)
            }
            context.console.print("\(user.username): \(try await user.roleNames(on: db).joined(separator: ", "))")
        }
    }

    struct Revoke: AsyncCommand {
        var help: String { "Take the role ROLE from USER" }
        func run(using context: CommandContext, signature: ChangeSignature) async throws {
            let user = try await RolesCommand.user(signature.user, context)
            let db = context.application.db
            try await UserRole.query(on: db).filter(\.$user.$id == user.requireID()).filter(\.$role == signature.role).delete()
            let roles = try await user.roleNames(on: db)
            context.console.print("\(user.username): \(roles.isEmpty ? "(no roles)" : roles.joined(separator: ", "))")
        }
    }

    struct List: AsyncCommand {
        struct Signature: CommandSignature {
            @Argument(name: "user", help: "The username") var user: String
        }
        var help: String { "Show USER's roles" }
        func run(using context: CommandContext, signature: Signature) async throws {
            let user = try await RolesCommand.user(signature.user, context)
            let roles = try await user.roleNames(on: context.application.db)
            context.console.print(roles.isEmpty ? "(no roles)" : roles.joined(separator: "\n"))
        }
    }

    static func user(_ name: String, _ context: CommandContext) async throws -> User {
        guard let user = try await User.find(username: name, on: context.application.db) else {
            throw Abort(.notFound, reason: "No user named \(name).")
        }
        return user
    }
}
