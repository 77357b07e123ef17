import Testing
@testable import BookClient

@Suite("QR code of the device-login URL")
struct QRCodeTests {
    /// Modules as hex rows, as in `QRGolden`.
    static func hexRows(_ q: QRCode) -> [String] {
        q.modules.map { row in
            var bits = row
            while bits.count % 4 != 0 { bits.append(false) }
            return stride(from: 0, to: bits.count, by: 4).map { i in
                String((0..<4).reduce(0) { $0 << 1 | (bits[i + $1] ? 1 : 0) }, radix: 16)
            }.joined()
        }
    }

    @Test(arguments: QRGolden.cases.indices)
    func sameModulesAsAnIndependentEncoder(index: Int) throws {
        // setup
        let golden = QRGolden.cases[index]
        // exercise
        let q = try #require(QRCode(golden.text, mask: golden.mask))
        // validate
        #expect(q.version == golden.version)
        #expect(q.size == golden.version * 4 + 17)
        #expect(Self.hexRows(q) == golden.rows)
    }

    @Test func aMaskIsChosenAndTooLongTextIsRefused() throws {
        let q = try #require(QRCode("http://127.0.0.1:34127/realms/books/device?user_code=MCTK-MDZV"))
        #expect((0..<8).contains(q.mask))
        let forced = try #require(QRCode("http://127.0.0.1:34127/realms/books/device?user_code=MCTK-MDZV", mask: q.mask))
        #expect(forced == q)
        #expect(QRCode(String(repeating: "x", count: 300)) == nil)
    }

    @Test func shortTextIsPaddedAsTheStandardSays() {
        // 13 bytes in version 1-M (16 data codewords): mode and count, the bytes, the terminator,
        // then the pad codeword 0xEC; then 10 error correction codewords.
        let c = QRCode.codewords(Array("HELLO booktui".utf8), version: 1)
        #expect(c.count == 26)
        #expect(c[0] == 0x40 && c[1] == 0xD4 && c[14] == 0x90 && c[15] == 0xEC)
    }

    @Test func halfBlocksPackTwoRowsWithAQuietZone() throws {
        let q = try #require(QRCode("HELLO booktui"))
        let lines = q.halfBlockLines(quiet: 2)
        #expect(lines.count == (q.size + 4 + 1) / 2)
        #expect(lines.allSatisfy { $0.count == q.size + 4 })
        #expect(lines[0].allSatisfy { $0 == " " })                  // quiet zone above
        #expect(lines[1].dropFirst(2).hasPrefix("█▀▀▀▀▀█"))           // the finder's top rows
    }
}
