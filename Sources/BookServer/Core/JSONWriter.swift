import BookModel
import Foundation
import NIOCore
import Vapor

/// A small JSON writer for the hot responses (books, pages of books, the profile), straight into
/// the response's bytes, without Foundation's `JSONEncoder`. It writes what our `JSONEncoder`
/// (`.iso8601` dates, default options) writes for the same values: `/` as `\/`, `"` and `\` escaped,
/// `\b \f \n \r \t` short, other control characters as `\u00xx`, everything else as UTF-8; dates
/// as `yyyy-MM-ddTHH:mm:ssZ` in UTC with the fraction dropped. `JSONWriterTests` holds it to that.
struct JSONWriter {
    private(set) var buffer: ByteBuffer

    init(capacity: Int = 1024) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    /// `{`, then `key(...)` + a value for each member, then `}`.
    mutating func beginObject() { buffer.writeInteger(UInt8(ascii: "{")); first = true }
    mutating func endObject() { buffer.writeInteger(UInt8(ascii: "}")); first = false }
    mutating func beginArray() { buffer.writeInteger(UInt8(ascii: "[")); first = true }
    mutating func endArray() { buffer.writeInteger(UInt8(ascii: "]")); first = false }

    /// Whether the next member or element is the first of its object or array.
    private var first = true

    /// The separator before an array element.
    mutating func element() {
        if !first { buffer.writeInteger(UInt8(ascii: ",")) }
        first = false
    }

    /// A member's key (a plain ASCII name of ours, written as is) and the colon.
    mutating func key(_ name: StaticString) {
        element()
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(name)
        buffer.writeStaticString("\":")
        first = true  // the value that follows needs no comma
    }

    /// A member's key as the bytes `keyBytes` made of it once (`"name":`), for keys written per row.
    mutating func key(bytes: UnsafeRawBufferPointer) {
        element()
        buffer.writeBytes(bytes)
        first = true
    }

    /// What `key(_:)` writes for `name`, to be written again and again with `key(bytes:)`.
    static func keyBytes(_ name: String) -> [UInt8] {
        var json = JSONWriter(capacity: name.utf8.count + 8)
        json.key(name)
        return Array(json.buffer.readableBytesView)
    }

    /// A member's key that is data (any text, escaped as a string is).
    mutating func key(_ name: String) {
        element()
        string(name)
        buffer.writeInteger(UInt8(ascii: ":"))
        first = true
    }

    /// A number given as its JSON text (as a YAML scalar spells it).
    mutating func number(_ text: String) { buffer.writeString(text); first = false }

    mutating func null() { buffer.writeStaticString("null"); first = false }
    mutating func bool(_ value: Bool) { buffer.writeStaticString(value ? "true" : "false"); first = false }
    mutating func int(_ value: Int) { digits(value, 1); first = false }
    mutating func int(_ value: Int?) { if let value { int(value) } else { null() } }
    mutating func string(_ value: String?) { if let value { string(value) } else { null() } }
    mutating func date(_ value: Date?) { if let value { date(value) } else { null() } }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { string(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// A string given as its UTF-8 bytes.
    mutating func string(utf8 bytes: UnsafeRawBufferPointer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var start = 0
        for (i, byte) in bytes.enumerated() {
            let escape: StaticString? =
                switch byte {
                case UInt8(ascii: "\""): "\\\""
                case UInt8(ascii: "\\"): "\\\\"
                case UInt8(ascii: "/"): "\\/"
                case 0x08: "\\b"
                case 0x0C: "\\f"
                case 0x0A: "\\n"
                case 0x0D: "\\r"
                case 0x09: "\\t"
                default: nil
                }
            guard escape != nil || byte < 0x20 else { continue }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[start..<i]))
            if let escape {
                buffer.writeStaticString(escape)
            } else {
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                buffer.writeStaticString("\\u00")
                buffer.writeInteger(hex[Int(byte >> 4)])
                buffer.writeInteger(hex[Int(byte & 0x0F)])
            }
            start = i + 1
        }
        buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[start...]))
        buffer.writeInteger(UInt8(ascii: "\""))
        first = false
    }

    /// `yyyy-MM-ddTHH:mm:ssZ` in UTC, the fraction of a second dropped.
    mutating func date(_ value: Date) {
        let seconds = Int(value.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let inDay = seconds - days * 86_400
        // Days since 1970-01-01 to a civil date (the proleptic Gregorian calendar).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        buffer.writeInteger(UInt8(ascii: "\""))
        digits(year, 4); buffer.writeInteger(UInt8(ascii: "-"))
        digits(month, 2); buffer.writeInteger(UInt8(ascii: "-"))
        digits(day, 2); buffer.writeInteger(UInt8(ascii: "T"))
        digits(inDay / 3600, 2); buffer.writeInteger(UInt8(ascii: ":"))
        digits(inDay / 60 % 60, 2); buffer.writeInteger(UInt8(ascii: ":"))
        digits(inDay % 60, 2); buffer.writeStaticString("Z\"")
        first = false
    }

    /// `value` in decimal, zero-padded to `width` digits, without making a `String` of it.
    private mutating func digits(_ value: Int, _ width: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { text in
            var start = text.count
            var rest = value.magnitude
            repeat {
                start -= 1
                text[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            while text.count - start < width { start -= 1; text[start] = UInt8(ascii: "0") }
            if value < 0 { start -= 1; text[start] = UInt8(ascii: "-") }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(text)[start...]))
        }
    }

    /// A `200` (or `status`) JSON response with what was written.
    func response(status: HTTPStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: status, headers: headers, body: .init(buffer: buffer))
    }
}

/// A value the hot routes answer with, written by `JSONWriter` in the same shape as its `Encodable`.
protocol JSONWritable {
    func write(to json: inout JSONWriter)
}

extension JSONWritable {
    func jsonResponse(status: HTTPStatus = .ok, capacity: Int = 1024) -> Response {
        var json = JSONWriter(capacity: capacity)
        write(to: &json)
        return json.response(status: status)
    }
}

extension BookDTO: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.beginObject()
        Self.keyBytes.withUnsafeBytes { keys in
            for (i, slot) in Self.slots.enumerated() {
                json.key(bytes: UnsafeRawBufferPointer(rebasing: keys[Self.keyRanges[i]]))
                switch slot {
                case .id: json.int(id)
                case .user: json.int(user)
                case .createdAt: json.date(created_at)
                case .updatedAt: json.date(updated_at)
                case .field(let position, _, _):
                    switch values[position] {
                    case .text(let s)?: json.string(s)
                    case .number(let n)?: json.int(n)
                    case .flag(let b)?: json.bool(b)
                    case nil: json.null()
                    }
                }
            }
        }
        json.endObject()
    }
}

extension Array: JSONWritable where Element: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.beginArray()
        for element in self {
            json.element()
            element.write(to: &json)
        }
        json.endArray()
    }
}

extension PageDTO: JSONWritable where Item: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("count"); json.int(count)
        json.key("next"); json.string(next)
        json.key("previous"); json.string(previous)
        json.key("results"); results.write(to: &json)
        json.endObject()
    }
}

extension ProfileDTO: JSONWritable {
    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("id"); json.int(id)
        json.key("username"); json.string(username)
        json.key("email"); json.string(email)
        json.key("first_name"); json.string(first_name)
        json.key("last_name"); json.string(last_name)
        json.key("date_joined"); json.date(date_joined)
        json.key("last_login"); json.date(last_login)
        json.key("book_count"); json.int(book_count)
        json.key("roles"); json.beginArray()
        for role in roles { json.element(); json.string(role) }
        json.endArray()
        json.key("auth_source"); json.string(auth_source)
        json.key("pending_email"); json.string(pending_email)
        json.endObject()
    }
}
