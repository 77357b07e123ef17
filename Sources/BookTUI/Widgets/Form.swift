import Foundation

/// One input of a form.
public final class Field {
    /// The server's name for the field, to match its validation errors.
    public let name: String
    public let label: String
    public var editor: LineEditor
    public var masked = false
    /// A yes/no field, changed with Space.
    public var isToggle = false
    public var toggle = false
    public var readOnly = false
    /// Checks the value as the user types; returns a message or nil.
    public var validate: (String) -> String? = { _ in nil }
    /// The server's last complaint, cleared when the value changes.
    public var serverError: String?
    /// A word on where the value came from (e.g. kept from the last book), cleared when it changes.
    public var note: String?
    let original: String
    let originalToggle: Bool

    public init(
        _ name: String, _ label: String, _ value: String = "", masked: Bool = false,
        toggle: Bool? = nil, validate: @escaping (String) -> String? = { _ in nil }
    ) {
        self.name = name; self.label = label
        self.editor = LineEditor(value)
        self.masked = masked
        self.isToggle = toggle != nil
        self.toggle = toggle ?? false
        self.validate = validate
        self.original = value
        self.originalToggle = toggle ?? false
    }

    public var value: String { editor.text }
    public var trimmed: String { value.trimmingCharacters(in: .whitespaces) }
    public var changed: Bool { value != original || toggle != originalToggle }
    /// What to show beside the field: the live check first, else the server's message.
    public var problem: String? { validate(value) ?? serverError }
}

extension Field {
    /// The text, for screens that set a field (e.g. clearing a refused password).
    var text: String {
        get { editor.text }
        set { editor.text = newValue }
    }
}

/// Fields stacked one per row, Tab/Shift-Tab (and Up/Down) to move, shell-like editing inside.
public final class Form {
    public var fields: [Field]
    public var focus = 0
    /// A message for the whole form (e.g. the server's `detail`).
    public var formError: String?

    public init(_ fields: [Field]) { self.fields = fields }

    public var focused: Field { fields[focus] }
    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }
    public var changed: Bool { fields.contains { $0.changed } }
    public var firstProblem: (Field, String)? {
        for f in fields { if let p = f.validate(f.value) { return (f, p) } }
        return nil
    }
    public var isLastFocused: Bool { focus == fields.count - 1 }

    /// The keys of a form sent as a whole: true for `Ctrl-S`, or `Enter` on the last field (the
    /// caller sends it); `Enter` elsewhere moves to the next field; anything else is typed.
    public func submits(_ key: Key) -> Bool {
        if key == .ctrl("s") || (key == .enter && isLastFocused) { return true }
        handle(key == .enter ? .tab : key)
        return false
    }

    /// Takes a key; returns false if the form has no use for it.
    @discardableResult
    public func handle(_ key: Key) -> Bool {
        switch key {
        case .tab, .down:
            focus = (focus + 1) % fields.count
            while fields[focus].readOnly { focus = (focus + 1) % fields.count }
            return true
        case .backTab, .up:
            focus = (focus + fields.count - 1) % fields.count
            while fields[focus].readOnly { focus = (focus + fields.count - 1) % fields.count }
            return true
        default: break
        }
        let f = focused
        if f.readOnly { return false }
        if f.isToggle {
            switch key {
            case .char(" "): f.toggle.toggle()
            case .char("y"), .char("Y"): f.toggle = true
            case .char("n"), .char("N"), .ctrl("u"): f.toggle = false
            default: return false
            }
            f.serverError = nil
            f.note = nil
            return true
        }
        let before = f.value
        let used = f.editor.handle(key)
        if f.value != before { f.serverError = nil; f.note = nil; formError = nil }
        return used
    }

    /// Puts the server's validation errors beside their fields; the rest goes to `formError`.
    public func apply(serverErrors: [String: [String]]) {
        var rest: [String] = []
        for (k, v) in serverErrors.sorted(by: { $0.key < $1.key }) {
            if let f = field(k) { f.serverError = v.joined(separator: " ") } else { rest.append(v.joined(separator: " ")) }
        }
        formError = rest.isEmpty ? nil : rest.joined(separator: " ")
        if let i = fields.firstIndex(where: { $0.serverError != nil }) { focus = i }
    }

    /// Draws the fields from `top`, one row each; returns the next free row.
    @discardableResult
    public func draw(_ s: Surface, top: Int, left: Int, width: Int, labelWidth: Int = 14, boxWidth maxBox: Int = 44) -> Int {
        let box = max(10, min(maxBox, width - labelWidth - 3 - 24))
        var row = top
        for (i, f) in fields.enumerated() {
            let focused = i == focus
            s.text(row, left, f.label, width: labelWidth, focused ? .header : .normal, alignRight: true)
            let x = left + labelWidth + 1
            if f.isToggle {
                s.text(row, x, f.toggle ? "[x] yes" : "[ ] no", width: box, focused ? .fieldFocused : .field)
                if focused { s.setCursor((row, x + 1)) }
            } else if f.readOnly {
                s.text(row, x, f.value, width: box, .dim)
            } else {
                if focused {
                    let v = f.editor.view(width: box, mask: f.masked ? "•" : nil)
                    s.text(row, x, v.text, width: box, .fieldFocused)
                    s.setCursor((row, x + v.cursorColumn))
                } else {
                    s.text(row, x, f.editor.preview(width: box, mask: f.masked ? "•" : nil), width: box, .field)
                }
            }
            if let p = f.problem {
                s.text(row, x + box + 1, "✗ " + p, width: left + width - (x + box + 1), .error)
            } else if let n = f.note {
                s.text(row, x + box + 1, n, width: left + width - (x + box + 1), .dim)
            }
            row += 1
        }
        // The focused field's message in full: beside the field it may have been cut short.
        let focusedProblem = fields.indices.contains(focus) ? fields[focus].problem.map { "\(fields[focus].label): \($0)" } : nil
        for e in [formError, focusedProblem == formError ? nil : focusedProblem].compactMap({ $0 }) {
            row += 1
            s.text(row, left + 2, "✗ " + e, width: width - 2, .error)
        }
        return row + 1
    }
}
