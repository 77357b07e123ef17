/// Every key of the screen below, over it.
final class HelpScreen: Screen {
    let of: Screen
    init(of: Screen) { self.of = of }
    var title: String { "Help" }
    var isOverlay: Bool { true }
    var help: [(key: String, action: String)] { [("q / Esc / ?", "close help")] }
    var footer: String { "q close help" }

    func draw(_ s: Surface, _ area: Rect, _ app: App) {
        let items = of.help(app) + [("F1", "this help"), ("Ctrl-C", "quit at once")]
        let w = min(area.width - 2, 78)
        let left = area.left + (area.width - w) / 2
        let inner = w - 4
        let shown = items.prefix(max(0, area.height - 3))
        let head = "─ Keys: \(of.title) "
        s.text(area.top, left, "┌" + head + String(repeating: "─", count: max(0, w - 2 - head.count)) + "┐", width: w, .header)
        var row = area.top + 1
        for it in shown {
            let line = DisplayWidth.fit(it.key, width: 16) + " " + DisplayWidth.fit(it.action, width: inner - 17)
            s.text(row, left, "│ " + line + " │", width: w)
            row += 1
        }
        s.text(row, left, "│ " + DisplayWidth.fit("q, Esc or ? closes this help", width: inner) + " │", width: w, .dim)
        s.text(row + 1, left, "└" + String(repeating: "─", count: w - 2) + "┘", width: w, .header)
    }

    func handle(_ key: Key, _ app: App) {
        switch key {
        case .char("q"), .escape, .char("?"), .function(1), .enter: app.pop()
        default: break
        }
    }
}
