/// Every key of the screen below, over it.
final class HelpScreen: Screen {
    let of: Screen
    init(of: Screen) { self.of = of }
    var title: String { "Help" }
    var isOverlay: Bool { true }
    var help: [(key: String, action: String)] { [("q / Esc / ?", "close help")] }
    var footer: String { "q close help" }

    func draw(_ s: Surface, _ area: Rect, _ app: App) {
        let items = of.help + [("F1", "this help"), ("Ctrl-C", "quit at once")]
        let w = min(area.width - 4, 70)
        let left = area.left + (area.width - w) / 2
        let h = min(area.height - 1, items.count + 3)
        s.text(area.top, left, "┌─ Keys: \(of.title) " + String(repeating: "─", count: w), width: w, .header)
        for (i, it) in items.prefix(h - 3).enumerated() {
            s.text(area.top + 1 + i, left, "│ " + DisplayWidth.fit(it.key, width: 16) + " " + it.action, width: w)
        }
        s.text(area.top + h - 2, left, "│ q, Esc or ? closes this help", width: w, .dim)
        s.text(area.top + h - 1, left, "└" + String(repeating: "─", count: w), width: w, .header)
    }

    func handle(_ key: Key, _ app: App) {
        switch key {
        case .char("q"), .escape, .char("?"), .function(1), .enter: app.pop()
        default: break
        }
    }
}
