import Foundation
import SQLKit

/// One row of a result, read by column name as SQLKit asks (`decode(column:as:)`), or by position.
public struct MariaDBRow: SQLRow, Sendable {
    public let columns: MariaDBColumns
    public let values: [String?]

    public init(columns: MariaDBColumns, values: [String?]) {
        self.columns = columns
        self.values = values
    }

    public var allColumns: [String] { columns.names }

    public func contains(column: String) -> Bool { columns.index[column] != nil }

    public func decodeNil(column: String) throws -> Bool {
        guard let i = columns.index[column] else { throw MissingColumn(column: column) }
        return values[i] == nil
    }

    public func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let i = columns.index[column] else { throw MissingColumn(column: column) }
        return try MariaDBDecoding.decode(values[i], as: D.self, column: column)
    }

    public struct MissingColumn: Error, CustomStringConvertible {
        public var column: String
        public var description: String { "no column \(column) in the row" }
    }
}

/// Text values from the server into Swift types: numbers, flags (`TINYINT(1)`), dates
/// (`DATETIME(6)`, UTC), strings, and any `Decodable` built from those.
public enum MariaDBDecoding {
    struct Mismatch: Error, CustomStringConvertible {
        var column: String
        var type: String
        var description: String { "column \(column) cannot be read as \(type)" }
    }

    static func decode<D: Decodable>(_ text: String?, as type: D.Type, column: String) throws -> D {
        if let text {
            if D.self == String.self { return text as! D }
            if D.self == Int.self, let n = Int(text) { return n as! D }
            if D.self == Bool.self, let b = bool(text) { return b as! D }
            if D.self == Date.self, let d = MariaDBTime.date(text) { return d as! D }
        }
        return try D(from: ValueDecoder(text: text, column: column))
    }

    public static func bool(_ text: String) -> Bool? {
        switch text {
        case "1", "true", "TRUE": true
        case "0", "false", "FALSE": false
        default: Int(text).map { $0 != 0 }
        }
    }

    struct ValueDecoder: Decoder, SingleValueDecodingContainer {
        let text: String?
        let column: String
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            throw Mismatch(column: column, type: "a keyed container")
        }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            throw Mismatch(column: column, type: "an unkeyed container")
        }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

        func decodeNil() -> Bool { text == nil }

        func value() throws -> String {
            guard let text else { throw Mismatch(column: column, type: "a value (it is NULL)") }
            return text
        }
        func number<N: LosslessStringConvertible>(_ type: N.Type) throws -> N {
            guard let n = N(try value()) else { throw Mismatch(column: column, type: "\(N.self)") }
            return n
        }
        func decode(_ type: Bool.Type) throws -> Bool {
            guard let b = MariaDBDecoding.bool(try value()) else { throw Mismatch(column: column, type: "Bool") }
            return b
        }
        func decode(_ type: String.Type) throws -> String { try value() }
        func decode(_ type: Double.Type) throws -> Double { try number(Double.self) }
        func decode(_ type: Float.Type) throws -> Float { try number(Float.self) }
        func decode(_ type: Int.Type) throws -> Int { try number(Int.self) }
        func decode(_ type: Int8.Type) throws -> Int8 { try number(Int8.self) }
        func decode(_ type: Int16.Type) throws -> Int16 { try number(Int16.self) }
        func decode(_ type: Int32.Type) throws -> Int32 { try number(Int32.self) }
        func decode(_ type: Int64.Type) throws -> Int64 { try number(Int64.self) }
        func decode(_ type: UInt.Type) throws -> UInt { try number(UInt.self) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try number(UInt8.self) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try number(UInt16.self) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try number(UInt32.self) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try number(UInt64.self) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            if T.self == Date.self {
                guard let d = MariaDBTime.date(try value()) else { throw Mismatch(column: column, type: "Date") }
                return d as! T
            }
            if T.self == UUID.self {
                guard let u = UUID(uuidString: try value()) else { throw Mismatch(column: column, type: "UUID") }
                return u as! T
            }
            if T.self == Data.self { return Data(try value().utf8) as! T }
            if T.self == Decimal.self {
                guard let d = Decimal(string: try value()) else { throw Mismatch(column: column, type: "Decimal") }
                return d as! T
            }
            return try T(from: self)
        }
    }
}

/// Bind values (whatever SQLKit and Fluent hand over: numbers, strings, flags, dates, optionals,
/// string enums) into `MariaDBValue`s.
public enum MariaDBEncoding {
    public struct Unsupported: Error, CustomStringConvertible {
        public var description: String
    }

    public static func value(_ bind: any Encodable) throws -> MariaDBValue {
        switch bind {
        case let v as String: return .text(v)
        case let v as Int: return .int(Int64(v))
        case let v as Bool: return .int(v ? 1 : 0)
        case let v as Date: return .date(v)
        case let v as Double: return .double(v)
        case let v as Int64: return .int(v)
        case let v as Int32: return .int(Int64(v))
        case let v as UUID: return .text(v.uuidString)
        case let v as Data: return .bytes(Array(v))
        case let v as [UInt8]: return .bytes(v)
        default:
            let encoder = ValueEncoder()
            try bind.encode(to: encoder)
            guard let value = encoder.box.value else { throw Unsupported(description: "\(type(of: bind)) encodes no value") }
            return value
        }
    }

    final class Box { var value: MariaDBValue? }

    struct ValueEncoder: Encoder, SingleValueEncodingContainer {
        var box = Box()
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(Refuse<Key>())
        }
        func unkeyedContainer() -> any UnkeyedEncodingContainer { RefuseUnkeyed() }
        func singleValueContainer() -> any SingleValueEncodingContainer { self }

        mutating func encodeNil() throws { box.value = .null }
        mutating func encode(_ value: Bool) throws { box.value = .int(value ? 1 : 0) }
        mutating func encode(_ value: String) throws { box.value = .text(value) }
        mutating func encode(_ value: Double) throws { box.value = .double(value) }
        mutating func encode(_ value: Float) throws { box.value = .double(Double(value)) }
        mutating func encode(_ value: Int) throws { box.value = .int(Int64(value)) }
        mutating func encode(_ value: Int8) throws { box.value = .int(Int64(value)) }
        mutating func encode(_ value: Int16) throws { box.value = .int(Int64(value)) }
        mutating func encode(_ value: Int32) throws { box.value = .int(Int64(value)) }
        mutating func encode(_ value: Int64) throws { box.value = .int(value) }
        mutating func encode(_ value: UInt) throws { box.value = .int(Int64(value)) }
        mutating func encode(_ value: UInt8) throws { box.value = .int(Int64(value)) }
        mutating func encode(_ value: UInt16) throws { box.value = .int(Int64(value)) }
        mutating func encode(_ value: UInt32) throws { box.value = .int(Int64(value)) }
        mutating func encode(_ value: UInt64) throws { box.value = .int(Int64(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws { box.value = try MariaDBEncoding.value(value) }
    }

    /// Nested values (arrays, objects) are not columns we have: refused, not guessed.
    struct Refuse<Key: CodingKey>: KeyedEncodingContainerProtocol {
        var codingPath: [any CodingKey] { [] }
        mutating func encodeNil(forKey key: Key) throws { throw Unsupported(description: "nested values cannot be bound") }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            throw Unsupported(description: "nested values cannot be bound")
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey>
        { KeyedEncodingContainer(Refuse<NestedKey>()) }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { RefuseUnkeyed() }
        mutating func superEncoder() -> any Encoder { ValueEncoder() }
        mutating func superEncoder(forKey key: Key) -> any Encoder { ValueEncoder() }
    }

    struct RefuseUnkeyed: UnkeyedEncodingContainer {
        var codingPath: [any CodingKey] { [] }
        var count: Int { 0 }
        mutating func encodeNil() throws { throw Unsupported(description: "nested values cannot be bound") }
        mutating func encode<T: Encodable>(_ value: T) throws { throw Unsupported(description: "nested values cannot be bound") }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey>
        {
            KeyedEncodingContainer(Refuse<NestedKey>())
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { RefuseUnkeyed() }
        mutating func superEncoder() -> any Encoder { ValueEncoder() }
    }
}
