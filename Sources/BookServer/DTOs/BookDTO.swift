import BookModel
import Foundation
import Vapor

/// A book as the API shows it: `id`, BookModel's fields (`BookField.all`), `user` and the
/// timestamps, in `BookDTO.slots`' order. Absent values are sent as `null`.
struct BookDTO: Content {
    var id: Int
    var user: Int
    /// One value per `BookField.all`, in its order; nil where the book has none.
    var values: [BookValue?]
    var created_at: Date?
    var updated_at: Date?

    init(id: Int, user: Int, values: [BookValue?], created_at: Date? = nil, updated_at: Date? = nil) {
        precondition(values.count == BookField.all.count, "a BookDTO has one value per BookField")
        self.id = id
        self.user = user
        self.values = values
        self.created_at = created_at
        self.updated_at = updated_at
    }

    subscript(field: BookField) -> BookValue? {
        get { values[field.position] }
        set { values[field.position] = newValue }
    }

    /// One place of a book object. Trivial to copy: the hot loops (`BookRows`, `JSONWriter`) go
    /// through it for every column of every row.
    enum Slot: Sendable, Equatable {
        case id, user, createdAt, updatedAt
        /// A field: where it is in `BookField.all`, its kind, and whether it may be null.
        case field(position: Int, kind: BookField.Kind, optional: Bool)

        /// Its key in the API.
        var key: String {
            switch self {
            case .id: "id"
            case .field(let position, _, _): BookField.all[position].name
            case .user: "user"
            case .createdAt: "created_at"
            case .updatedAt: "updated_at"
            }
        }

        /// Its column in `books`.
        var column: String { self == .user ? "user_id" : key }
    }

    /// The order of a book's keys: the seed's (Django REST framework's, with `user` after the
    /// seed's required fields), then ours, then the timestamps. Rows are selected in this order too.
    static let slots: [Slot] = {
        let fields = BookField.all.enumerated().map { position, field in
            Slot.field(position: position, kind: field.kind, optional: !field.required && field.kind != .flag)
        }
        let seedRequired = BookField.all.prefix { $0.origin == .seed && $0.required }.count
        return [.id] + fields.prefix(seedRequired) + [.user] + fields.dropFirst(seedRequired) + [.createdAt, .updatedAt]
    }()

    /// Every slot's key as `JSONWriter` writes it (`"title":`), one after another, made once, and
    /// where each one is in it.
    static let keyBytes: [UInt8] = slots.flatMap { JSONWriter.keyBytes($0.key) }
    static let keyRanges: [Range<Int>] = {
        var start = 0
        return slots.map { slot in
            let count = JSONWriter.keyBytes(slot.key).count
            defer { start += count }
            return start..<(start + count)
        }
    }()
}

extension BookDTO {
    init(_ book: Book) {
        self.init(
            id: book.id!, user: book.$owner.id, values: BookField.all.map(book.get),
            created_at: book.createdAt, updated_at: book.updatedAt)
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for slot in Self.slots {
            let key = Key(slot.key)
            switch slot {
            case .id: try c.encode(id, forKey: key)
            case .user: try c.encode(user, forKey: key)
            case .createdAt: try c.encode(NullEncodable(wrappedValue: created_at), forKey: key)
            case .updatedAt: try c.encode(NullEncodable(wrappedValue: updated_at), forKey: key)
            case .field(let position, _, _):
                switch values[position] {
                case .text(let s)?: try c.encode(s, forKey: key)
                case .number(let n)?: try c.encode(n, forKey: key)
                case .flag(let b)?: try c.encode(b, forKey: key)
                case nil: try c.encodeNil(forKey: key)
                }
            }
        }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        var values = [BookValue?]()
        for field in BookField.all {
            let key = Key(field.name)
            switch field.kind {
            case .text, .lines, .isbn: values.append(try c.decodeIfPresent(String.self, forKey: key).map(BookValue.text))
            case .integer, .year: values.append(try c.decodeIfPresent(Int.self, forKey: key).map(BookValue.number))
            case .flag: values.append(try c.decodeIfPresent(Bool.self, forKey: key).map(BookValue.flag))
            }
        }
        self.init(
            id: try c.decode(Int.self, forKey: Key("id")), user: try c.decode(Int.self, forKey: Key("user")),
            values: values, created_at: try c.decodeIfPresent(Date.self, forKey: Key("created_at")),
            updated_at: try c.decodeIfPresent(Date.self, forKey: Key("updated_at")))
    }
}

/// A page of results in Django REST framework's `PageNumberPagination` shape.
struct PageDTO<Item: Content>: Content {
    var count: Int
    @NullEncodable var next: String?
    @NullEncodable var previous: String?
    var results: [Item]
}
