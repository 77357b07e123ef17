/// A web address on screen, to open or copy whole.
enum Address {
    /// The URL across as many lines as it needs, never cut, so it can be copied whole. Returns
    /// the row after it.
    static func draw(_ s: Surface, _ row: Int, _ left: Int, _ width: Int, _ url: String) -> Int {
        var r = row
        var rest = Substring(url)
        while !rest.isEmpty {
            let n = max(1, width)
            s.text(r, left, String(rest.prefix(n)), width: width, .key)
            rest = rest.dropFirst(n)
            r += 1
        }
        return r
    }
}
