import Foundation
import Testing

@testable import BookServer

@Suite struct PolicyTests {
    func principal(_ roles: Set<String>) -> Principal {
        let user = User(username: "u", email: "u@example.org", passwordHash: "", isActive: true)
        user.id = 1
        return Principal(user: user, roles: roles, source: .local, tokenID: "j", tokenExpiresAt: Date())
    }

    @Test func librariansCatalogue() throws {
        for action in Policy.Action.allCases {
            try Policy().authorize(action, principal(["librarian"]))
        }
    }

    @Test func othersReadOnly() {
        let reader = principal([])
        for action in [Policy.Action.createBook, .changeBook, .deleteBook] {
            #expect(throws: APIError.self) { try Policy().authorize(action, reader) }
        }
        #expect(throws: Never.self) { try Policy().authorize(.readOwnBooks, reader) }
        #expect(throws: Never.self) { try Policy().authorize(.changeProfile, reader) }
    }
}
