import BookModel
import Foundation
import OpenAPIKit30
import Testing
import Vapor
import Yams

@testable import BookServer

/// The served document (`Resources/openapi.yaml` with the book schemas made from BookModel) is a
/// valid OpenAPI 3.0 document, and it describes exactly the routes
/// `routes.swift` registers: no route undocumented, no documented path the server does not answer
/// (parameters compared by position, `{}`).
@Suite struct OpenAPIDocumentTests {
    /// Pages for a browser, opened from the links in e-mails: HTML, not the JSON API.
    static let browserPages: Set<String> = [
        "GET /activate/{}/{}", "GET /reset/{}/{}", "POST /reset/{}/{}", "GET /confirm-email/{}/{}",
    ]

    /// Decoded once for all tests: decoding is slow in a debug build, and the suites share two threads.
    static let decoded = Result {
        try JSONDecoder().decode(OpenAPI.Document.self, from: Data(buffer: try OpenAPIDocument.json()))
    }
    func document() throws -> OpenAPI.Document { try Self.decoded.get() }

    @Test func isAValidOpenAPIDocument() throws {
        let doc = try document()
        try doc.validate()
        #expect(doc.openAPIVersion == .v3_0_3)
        // Shared answers live once, in components, and are used by reference.
        #expect(doc.components.responses.count >= 5)
        #expect(try OpenAPIDocument.json().readableBytes > 10_000)
    }

    @Test func bookSchemasAreMadeFromBookModelsFields() throws {
        let schemas = try document().components.schemas
        for name in ["Book", "BookWrite", "BookPatch"] {
            let schema = try #require(schemas[.init(stringLiteral: name)]?.objectContext, "\(name)")
            for field in BookField.all {
                let property = try #require(schema.properties[field.name], "\(name).\(field.name)")
                #expect(property.nullable == !(field.required || field.kind == .flag), "\(name).\(field.name)")
                if let max = field.maxLength { #expect(property.stringContext?.maxLength == max, "\(name).\(field.name)") }
            }
        }
        let write = try #require(schemas["BookWrite"]?.objectContext)
        #expect(Set(write.requiredProperties) == Set(BookField.all.filter(\.required).map(\.name)))
        let output = try #require(schemas["Book"]?.objectContext)
        #expect(Set(output.requiredProperties) == Set(BookField.all.map(\.name) + ["id", "user", "created_at", "updated_at"]))
        #expect(schemas["BookPatch"]?.objectContext?.requiredProperties == [])
        #expect(schemas["BookWrite"]?.vendorExtensions["x-book-fields"] == nil)
    }

    @Test func documentsEveryRouteAndNothingElse() async throws {
        let app = try await Application.make(.testing)
        do {
            try routes(app)
            // Routes that only answer 405 for a method (APIErrorMiddleware.refusedMethod) offer nothing.
            let served = Set(
                app.routes.all.filter { $0.userInfo[APIErrorMiddleware.refusedMethod] == nil }.map { route in
                    "\(route.method.rawValue) /"
                        + route.path.map { component -> String in
                            switch component {
                            case .parameter: "{}"
                            default: component.description
                            }
                        }.joined(separator: "/")
                })
            let doc = try document()
            var documented = Set<String>()
            for (path, item) in doc.paths {
                guard case .b(let pathItem) = item else { continue }
                var trimmed = path.rawValue.hasSuffix("/") ? String(path.rawValue.dropLast()) : path.rawValue
                // Parameters by position: the document's `{id}` is the route's `:bookID`.
                trimmed = trimmed.replacing(/\{[^}\/]+\}/, with: "{}")
                for endpoint in pathItem.endpoints {
                    documented.insert("\(endpoint.method.rawValue.uppercased()) \(trimmed)")
                }
            }
            #expect(
                served.subtracting(Self.browserPages).subtracting(documented).sorted() == [], "routes missing from openapi.yaml")
            #expect(documented.subtracting(served).sorted() == [], "documented but not served")
        } catch {
            try await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
