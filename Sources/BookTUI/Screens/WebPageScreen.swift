import BookClient

/// Something this server does on its web site, not through its API (the seed registers accounts
/// and resets passwords only there): where to go, whole, to open, copy (`c`) or scan.
final class WebPageScreen: Screen {
    let title: String
    let why: String
    let url: String
    var notice: String?

    init(title: String, why: String, url: String) {
        self.title = title; self.why = why; self.url = url
    }

    var help: [(key: String, action: String)] {
        [("c", "copy the address to your terminal's clipboard (OSC 52)"), ("Esc / q", "back")]
    }
    var footer: String { "c copies the address · Esc back" }

    func handle(_ key: Key, _ app: App) {
        switch key {
        case .char("c"):
            if let copied = Address.copy(url, app) { notice = copied }
        case .escape, .char("q"): app.pop()
        case .function(1), .char("?"): app.push(HelpScreen(of: self))
        default: break
        }
    }

    func draw(_ s: Surface, _ area: Rect, _ app: App) {
        let left = area.left + 2, width = area.width - 4
        var row = area.top + 1
        s.line(row, "  " + title, .header); row += 2
        s.text(row, left, why, width: width); row += 1
        s.text(row, left, "Open this address in a browser (c copies it):", width: width); row += 2
        row = Address.draw(s, row, left + 2, width - 2, url)
        if let notice { row += 1; s.text(row, left, notice, width: width, .ok) }
        row += 1
        guard let qr = QRCode(url) else { return }
        let lines = qr.halfBlockLines(quiet: 2)
        guard row + lines.count <= area.bottom, (lines.first?.count ?? 0) + 4 <= area.width else { return }
        Address.drawQR(s, row, left, lines)
    }
}
