import Testing

@testable import BookTUI

@Suite("QR codes of addresses, drawn as text")
struct QRCodeTests {
    let url = "http://127.0.0.1:34127/realms/books/device?user_code=MCTK-MDZV"

    @Test func aURLBecomesASmallCodeWithItsFinderPatterns() throws {
        let q = try #require(QRCode(url))
        #expect(q.size == q.version * 4 + 17)
        #expect((3...5).contains(q.version))  // 62 bytes at level M
        // The three finder patterns: a dark 7×7 ring with a dark 3×3 centre, in three corners.
        for (top, left) in [(0, 0), (0, q.size - 7), (q.size - 7, 0)] {
            for i in 0..<7 {
                #expect(q.modules[top][left + i] && q.modules[top + 6][left + i])
                #expect(q.modules[top + i][left] && q.modules[top + i][left + 6])
            }
            #expect(!q.modules[top + 1][left + 1] && q.modules[top + 3][left + 3])
        }
    }

    @Test func tooLongTextIsRefused() {
        #expect(QRCode(String(repeating: "x", count: QRCode.maxBytes + 1)) == nil)
        #expect(QRCode(String(repeating: "x", count: QRCode.maxBytes)) != nil)
        #expect(QRCode("") == nil)
    }

    @Test func halfBlocksPackTwoRowsWithAQuietZone() throws {
        let q = try #require(QRCode("HELLO booktui"))
        let lines = q.halfBlockLines(quiet: 2)
        #expect(lines.count == (q.size + 4 + 1) / 2)
        #expect(lines.allSatisfy { $0.count == q.size + 4 })
        #expect(lines[0].allSatisfy { $0 == " " })  // quiet zone above
        #expect(lines[1].dropFirst(2).hasPrefix("█▀▀▀▀▀█"))  // the finder's top rows
    }
}
