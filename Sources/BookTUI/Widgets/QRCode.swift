import CQRencode

/// A QR code for short text such as a sign-in or web page address, so a phone can open it from
/// the terminal: libqrencode's modules (byte mode, error correction level M), drawn as text.
public struct QRCode: Sendable, Equatable {
    public let version: Int
    /// `modules[row][column]`, true = dark.
    public let modules: [[Bool]]
    public var size: Int { modules.count }

    /// The longest text offered as a QR code: version 10-M holds 213 bytes, and larger codes no
    /// longer fit a terminal of 80×24 drawn two modules per line.
    public static let maxBytes = 213

    /// Encodes `text` (UTF-8); nil when it is longer than `maxBytes` or libqrencode refuses it.
    public init?(_ text: String) {
        guard !text.isEmpty, text.utf8.count <= Self.maxBytes,
            let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M)
        else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let data = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        version = Int(code.pointee.version)
        modules = (0..<width).map { row in (0..<width).map { data[row * width + $0] & 1 == 1 } }
    }

    /// Two module rows per text line with half blocks, a quiet zone of `quiet` modules around.
    /// Dark modules are drawn as ink (`█`, `▀`, `▄`): print it dark on a light background.
    public func halfBlockLines(quiet: Int = 2) -> [String] {
        let n = size + 2 * quiet
        func dark(_ r: Int, _ c: Int) -> Bool {
            let (rr, cc) = (r - quiet, c - quiet)
            return rr >= 0 && cc >= 0 && rr < size && cc < size && modules[rr][cc]
        }
        return stride(from: 0, to: n, by: 2).map { r in
            String(
                (0..<n).map { c -> Character in
                    switch (dark(r, c), dark(r + 1, c)) {
                    case (true, true): return "█"
                    case (true, false): return "▀"
                    case (false, true): return "▄"
                    case (false, false): return " "
                    }
                })
        }
    }
}
