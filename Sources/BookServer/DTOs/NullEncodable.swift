/// An optional that is written as `null` when absent, not left out: the API's objects always have
/// the same keys (the seed's Django REST framework answers that way). Decoding takes a missing key
/// as nil too.
@propertyWrapper
public struct NullEncodable<Wrapped: Codable & Sendable>: Codable, Sendable {
    public var wrappedValue: Wrapped?

    public init(wrappedValue: Wrapped?) { self.wrappedValue = wrappedValue }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        wrappedValue = c.decodeNil() ? nil : try c.decode(Wrapped.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let wrappedValue { try c.encode(wrappedValue) } else { try c.encodeNil() }
    }
}

extension NullEncodable: Equatable where Wrapped: Equatable {}

extension KeyedDecodingContainer {
    /// A missing key is nil, as for a plain optional.
    public func decode<T>(_ type: NullEncodable<T>.Type, forKey key: Key) throws -> NullEncodable<T> {
        try decodeIfPresent(type, forKey: key) ?? NullEncodable(wrappedValue: nil)
    }
}
