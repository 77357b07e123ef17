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

    /// Sends `url` to the clipboard of the user's own terminal (OSC 52); what to tell them, or
    /// nil when there is no terminal to send it to.
    static func copy(_ url: String, _ app: App) -> String? {
        app.copyToClipboard(url) ? "Address sent to your terminal's clipboard (if your terminal accepts OSC 52)." : nil
    }

    /// A QR code's half-block lines, dark on light (the status colours), from `top` down.
    static func drawQR(_ s: Surface, _ top: Int, _ left: Int, _ lines: [String]) {
        let width = lines.first?.count ?? 0
        for (i, line) in lines.enumerated() { s.text(top + i, left, line, width: width, .status) }
    }
}
