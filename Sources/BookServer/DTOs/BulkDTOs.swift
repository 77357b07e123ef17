import Vapor

/// `POST /api/books/bulk/`: what became of each book sent, and the totals.
struct BulkItemDTO: Content {
    var index: Int
    var status: String
    var id: Int?
    var errors: [String: [String]]?
}

struct BulkResultDTO: Content {
    var created: Int
    var exists: Int
    var invalid: Int
    var results: [BulkItemDTO]
}
