/// A QR code (ISO/IEC 18004, model 2) for short text such as a device-login URL, so a phone can
/// open it from the terminal. Byte mode, versions 1–10, error correction level M; no Swift package
/// on this machine makes QR codes, and this much is small and fixed by the standard.
public struct QRCode: Sendable, Equatable {
    public let version: Int
    public let mask: Int
    /// `modules[row][column]`, true = dark.
    public let modules: [[Bool]]
    public var size: Int { modules.count }

    /// Per version (index 1–10), level M: EC codewords per block and the blocks' data codewords.
    static let levelM: [(ec: Int, blocks: [Int])] = [
        (0, []),
        (10, [16]), (16, [28]), (26, [44]), (18, [32, 32]), (24, [43, 43]),
        (16, [27, 27, 27, 27]), (18, [31, 31, 31, 31]), (22, [38, 38, 39, 39]),
        (22, [36, 36, 36, 37, 37]), (26, [43, 43, 43, 43, 44]),
    ]
    static let alignment: [[Int]] = [
        [], [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50],
    ]

    /// Encodes `text` (UTF-8); nil when it is too long for version 10-M (about 210 bytes).
    /// - Parameter mask: force a mask pattern (0–7), for tests; otherwise the one with the lowest
    ///   penalty is used.
    public init?(_ text: String, mask forcedMask: Int? = nil) {
        let bytes = Array(text.utf8)
        guard let v = (1...10).first(where: { v in
            let capacity = Self.levelM[v].blocks.reduce(0, +) * 8
            return 4 + (v < 10 ? 8 : 16) + bytes.count * 8 <= capacity
        }) else { return nil }
        version = v
        let codewords = Self.codewords(bytes, version: v)
        var best: (mask: Int, grid: [[Bool]], penalty: Int)?
        for m in forcedMask.map({ [$0] }) ?? Array(0..<8) {
            var q = Matrix(version: v)
            q.place(codewords)
            q.apply(mask: m)
            let p = q.penalty()
            if best == nil || p < best!.penalty { best = (m, q.dark, p) }
        }
        mask = best!.mask
        modules = best!.grid
    }

    // MARK: codewords

    static func codewords(_ bytes: [UInt8], version v: Int) -> [UInt8] {
        let spec = levelM[v]
        let dataCount = spec.blocks.reduce(0, +)
        var bits: [Bool] = []
        func put(_ value: Int, _ n: Int) { for i in stride(from: n - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) } }
        put(0b0100, 4)                                  // byte mode
        put(bytes.count, v < 10 ? 8 : 16)
        for b in bytes { put(Int(b), 8) }
        put(0, min(4, dataCount * 8 - bits.count))      // terminator
        while bits.count % 8 != 0 { bits.append(false) }
        var data: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { i in
            (0..<8).reduce(UInt8(0)) { $0 << 1 | (bits[i + $1] ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while data.count < dataCount { data.append(pad); pad = pad == 0xEC ? 0x11 : 0xEC }

        var blocks: [[UInt8]] = []
        var at = 0
        for n in spec.blocks { blocks.append(Array(data[at..<at + n])); at += n }
        let ecBlocks = blocks.map { ReedSolomon.remainder($0, degree: spec.ec) }
        var out: [UInt8] = []
        for i in 0..<(spec.blocks.max() ?? 0) { for b in blocks where i < b.count { out.append(b[i]) } }
        for i in 0..<spec.ec { for e in ecBlocks { out.append(e[i]) } }
        return out
    }

    // MARK: drawing

    /// Two module rows per text line with half blocks, a quiet zone of `quiet` modules around.
    /// Dark modules are drawn as ink (`█`, `▀`, `▄`): print it dark on a light background.
    public func halfBlockLines(quiet: Int = 2) -> [String] {
        let n = size + 2 * quiet
        func dark(_ r: Int, _ c: Int) -> Bool {
            let (rr, cc) = (r - quiet, c - quiet)
            return rr >= 0 && cc >= 0 && rr < size && cc < size && modules[rr][cc]
        }
        return stride(from: 0, to: n, by: 2).map { r in
            String((0..<n).map { c -> Character in
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

/// Reed–Solomon error correction over GF(256) with the QR polynomial 0x11D.
enum ReedSolomon {
    static let (exp, log): ([UInt8], [Int]) = {
        var e = [UInt8](repeating: 0, count: 512), l = [Int](repeating: 0, count: 256)
        var x = 1
        for i in 0..<255 {
            e[i] = UInt8(x); l[x] = i
            x <<= 1
            if x & 0x100 != 0 { x ^= 0x11D }
        }
        for i in 255..<512 { e[i] = e[i - 255] }
        return (e, l)
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        a == 0 || b == 0 ? 0 : exp[log[Int(a)] + log[Int(b)]]
    }

    /// The generator's coefficients (highest degree first, the leading 1 left out).
    static func generator(_ degree: Int) -> [UInt8] {
        var g: [UInt8] = [1]
        for i in 0..<degree {
            var next = [UInt8](repeating: 0, count: g.count + 1)
            for (j, c) in g.enumerated() {
                next[j] ^= c
                next[j + 1] ^= multiply(c, exp[i])
            }
            g = next
        }
        return Array(g.dropFirst())
    }

    static func remainder(_ data: [UInt8], degree: Int) -> [UInt8] {
        let g = generator(degree)
        var r = [UInt8](repeating: 0, count: degree)
        for d in data {
            let factor = d ^ r[0]
            r.removeFirst(); r.append(0)
            for i in 0..<degree { r[i] ^= multiply(g[i], factor) }
        }
        return r
    }
}

/// The module grid while it is being built: function patterns first, then data, then a mask.
struct Matrix {
    let version: Int
    let size: Int
    var dark: [[Bool]]
    var function: [[Bool]]

    init(version: Int) {
        self.version = version
        size = version * 4 + 17
        dark = Array(repeating: Array(repeating: false, count: size), count: size)
        function = dark
        for (r, c) in [(0, 0), (0, size - 7), (size - 7, 0)] { finder(r, c) }
        for i in 8..<(size - 8) { set(6, i, i % 2 == 0); set(i, 6, i % 2 == 0) }   // timing
        let centres = QRCode.alignment[version]
        for r in centres {
            for c in centres {
                let nearFinder = (r == 6 && c == 6) || (r == 6 && c == centres.last!) || (r == centres.last! && c == 6)
                if !nearFinder { alignmentPattern(r, c) }
            }
        }
        formatBits(mask: 0)          // reserves the areas; drawn again once the mask is known
        if version >= 7 { versionBits() }
    }

    mutating func set(_ r: Int, _ c: Int, _ on: Bool) {
        dark[r][c] = on
        function[r][c] = true
    }

    mutating func finder(_ top: Int, _ left: Int) {
        for dr in -1...7 {
            for dc in -1...7 {
                let (r, c) = (top + dr, left + dc)
                guard r >= 0, c >= 0, r < size, c < size else { continue }
                let ring = max(abs(dr - 3), abs(dc - 3))     // 0 centre … 4 separator
                set(r, c, ring != 2 && ring != 4)
            }
        }
    }

    mutating func alignmentPattern(_ r: Int, _ c: Int) {
        for dr in -2...2 { for dc in -2...2 { set(r + dr, c + dc, max(abs(dr), abs(dc)) != 1) } }
    }

    /// 15 format bits (level M = 00, the mask), BCH(15,5) with 0x537, XOR 0x5412, in two copies.
    mutating func formatBits(mask: Int) {
        let data = (0b00 << 3) | mask
        var rem = data
        for _ in 0..<10 { rem = (rem << 1) ^ ((rem >> 9) * 0x537) }
        let bits = ((data << 10) | rem) ^ 0x5412
        func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
        for i in 0...5 { set(i, 8, bit(i)) }
        set(7, 8, bit(6)); set(8, 8, bit(7)); set(8, 7, bit(8))
        for i in 9..<15 { set(8, 14 - i, bit(i)) }
        for i in 0..<8 { set(8, size - 1 - i, bit(i)) }
        for i in 8..<15 { set(size - 15 + i, 8, bit(i)) }
        set(size - 8, 8, true)                           // the dark module
    }

    /// 18 version bits, BCH(18,6) with 0x1F25, in the two 6×3 blocks.
    mutating func versionBits() {
        var rem = version
        for _ in 0..<12 { rem = (rem << 1) ^ ((rem >> 11) * 0x1F25) }
        let bits = (version << 12) | rem
        for i in 0..<18 {
            let on = (bits >> i) & 1 == 1
            let (a, b) = (size - 11 + i % 3, i / 3)
            set(b, a, on)
            set(a, b, on)
        }
    }

    /// Data bits in the zigzag, two columns at a time from the bottom right, skipping column 6.
    mutating func place(_ codewords: [UInt8]) {
        let total = codewords.count * 8
        var i = 0
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = ((right + 1) & 2) == 0
            for step in 0..<size {
                let r = upward ? size - 1 - step : step
                for c in [right, right - 1] where !function[r][c] {
                    if i < total { dark[r][c] = (codewords[i >> 3] >> (7 - (i & 7))) & 1 == 1 }
                    i += 1
                }
            }
            right -= 2
        }
    }

    static func masked(_ m: Int, _ r: Int, _ c: Int) -> Bool {
        switch m {
        case 0: return (r + c) % 2 == 0
        case 1: return r % 2 == 0
        case 2: return c % 3 == 0
        case 3: return (r + c) % 3 == 0
        case 4: return (r / 2 + c / 3) % 2 == 0
        case 5: return (r * c) % 2 + (r * c) % 3 == 0
        case 6: return ((r * c) % 2 + (r * c) % 3) % 2 == 0
        default: return ((r + c) % 2 + (r * c) % 3) % 2 == 0
        }
    }

    mutating func apply(mask m: Int) {
        for r in 0..<size { for c in 0..<size where !function[r][c] && Self.masked(m, r, c) { dark[r][c].toggle() } }
        formatBits(mask: m)
    }

    /// The standard's penalty rules 1 (runs of five or more), 2 (2×2 blocks) and 4 (balance);
    /// rule 3 (finder look-alikes) is left out: any mask decodes, this only picks a tidy one.
    func penalty() -> Int {
        var p = 0
        for line in 0..<size {
            for horizontal in [true, false] {
                var run = 1
                for k in 1..<size {
                    let a = horizontal ? dark[line][k] : dark[k][line]
                    let b = horizontal ? dark[line][k - 1] : dark[k - 1][line]
                    if a == b { run += 1 } else { if run >= 5 { p += run - 2 }; run = 1 }
                }
                if run >= 5 { p += run - 2 }
            }
        }
        for r in 0..<(size - 1) {
            for c in 0..<(size - 1) {
                let v = dark[r][c]
                if dark[r][c + 1] == v && dark[r + 1][c] == v && dark[r + 1][c + 1] == v { p += 3 }
            }
        }
        let darkCount = dark.reduce(0) { $0 + $1.filter { $0 }.count }
        p += abs(darkCount * 20 - size * size * 10) / (size * size) * 10
        return p
    }
}
