#if canImport(Glibc)
import Glibc
#endif

/// Asks the terminal how wide it draws emoji sequences: each probe is written at the top-left
/// corner, followed by a cursor position report request (`ESC [ 6 n`); the reply's column says
/// how many columns the probe took. One round trip for all probes, at start-up, before the first
/// screen is drawn (curses repaints over the probes). A terminal that does not answer in time
/// gets `ClusterWidths.perScalar`, which is how curses counts, so screen and curses still agree.
enum WidthProbe {
    /// ZWJ sequence, skin-tone modifier, VS16: in the order of `ClusterWidths`' questions.
    static let probes = ["\u{1F469}\u{200D}\u{1F4BB}", "\u{1F44D}\u{1F3FD}", "\u{2764}\u{FE0F}"]

    /// What to write: home, probe, report, for each probe.
    static var query: String { probes.map { "\u{1B}[1;1H" + $0 + "\u{1B}[6n" }.joined() }

    /// The answer read from the terminal split into the reported columns (1-based, as sent) and
    /// every other byte, which is type-ahead (a key pressed, or a scanner already sending) that
    /// must reach the program as if no probe had been made.
    static func parse(_ bytes: [UInt8]) -> (columns: [Int], typeAhead: [UInt8]) {
        var columns: [Int] = []
        var rest: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if let (column, next) = report(bytes, at: i), columns.count < probes.count {
                columns.append(column)
                i = next
            } else {
                rest.append(bytes[i])
                i += 1
            }
        }
        return (columns, rest)
    }

    /// `ESC [ row ; column R` at `i`: the column and the index after it.
    private static func report(_ b: [UInt8], at i: Int) -> (Int, Int)? {
        guard i + 1 < b.count, b[i] == 0x1B, b[i + 1] == UInt8(ascii: "[") else { return nil }
        var j = i + 2
        var numbers = [0]
        var digits = 0
        while j < b.count {
            let c = b[j]
            if c >= 0x30 && c <= 0x39 {
                numbers[numbers.count - 1] = numbers[numbers.count - 1] * 10 + Int(c - 0x30)
                digits += 1
            } else if c == UInt8(ascii: ";") && numbers.count == 1 && digits > 0 {
                numbers.append(0)
                digits = 0
            } else if c == UInt8(ascii: "R") && numbers.count == 2 && digits > 0 {
                return (numbers[1], j + 1)
            } else {
                return nil
            }
            j += 1
        }
        return nil
    }

    /// The widths the reported columns show, or nil unless every probe was answered.
    static func widths(columns: [Int]) -> ClusterWidths? {
        guard columns.count == probes.count else { return nil }
        let drawn = columns.map { $0 - 1 }  // each probe starts at column 1
        return ClusterWidths(joinsZWJ: drawn[0] == 2, joinsModifiers: drawn[1] == 2, widensVS16: drawn[2] == 2)
    }

    /// Writes the probes to standard output and reads the replies from standard input, for at
    /// most `timeoutMilliseconds`. The terminal must already be in raw mode.
    static func run(timeoutMilliseconds: Int32 = 400) -> (widths: ClusterWidths?, typeAhead: [UInt8]) {
        let out = Array(query.utf8)
        var off = 0
        while off < out.count {
            let n = out.withUnsafeBytes { write(1, $0.baseAddress! + off, $0.count - off) }
            if n <= 0 { return (nil, []) }
            off += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        var remaining = timeoutMilliseconds
        while remaining > 0 {
            var fd = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let started = monotonicMilliseconds()
            guard poll(&fd, 1, remaining) > 0 else { break }
            let n = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            received += buffer[0..<n]
            if parse(received).columns.count == probes.count { break }
            remaining -= Int32(clamping: monotonicMilliseconds() - started)
        }
        let (columns, typeAhead) = parse(received)
        return (widths(columns: columns), typeAhead)
    }

    private static func monotonicMilliseconds() -> Int {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return t.tv_sec * 1000 + t.tv_nsec / 1_000_000
    }
}
