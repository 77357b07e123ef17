/// A yes/no question over the current screen.
final class ConfirmDialog: Screen {
    let question: String
    /// The line under the question that says which keys answer it.
    let choices: String
    let onYes: (App) -> Void
    let onNo: ((App) -> Void)?
    init(
        question: String, choices: String = "y = yes   n = no", onYes: @escaping (App) -> Void,
        onNo: ((App) -> Void)? = nil
    ) {
        self.question = question; self.choices = choices; self.onYes = onYes; self.onNo = onNo
    }

    var title: String { "Confirm" }
    var isOverlay: Bool { true }
    var help: [(key: String, action: String)] { [("y / Enter", "yes"), ("n / Esc", "no")] }
    var footer: String { "y yes · n no" }

    func draw(_ s: Surface, _ area: Rect, _ app: App) {
        let w = min(area.width - 4, max(40, DisplayWidth.of(question) + 6, DisplayWidth.of(choices) + 6))
        let left = area.left + (area.width - w) / 2
        let top = area.top + area.height / 2 - 2
        s.text(top, left, "┌" + String(repeating: "─", count: w - 2) + "┐", width: w, .header)
        s.text(top + 1, left, "│ " + DisplayWidth.fit(question, width: w - 4) + " │", width: w, .header)
        s.text(top + 2, left, "│ " + DisplayWidth.fit(choices, width: w - 4) + " │", width: w, .header)
        s.text(top + 3, left, "└" + String(repeating: "─", count: w - 2) + "┘", width: w, .header)
    }

    func handle(_ key: Key, _ app: App) {
        switch key {
        case .char("y"), .char("Y"), .enter:
            app.pop()
            onYes(app)
        case .char("n"), .char("N"), .escape, .char("q"):
            app.pop()
            onNo?(app)
        default: break
        }
    }
}
