/// A rectangle of the screen given to a screen to draw in.
public struct Rect: Equatable, Sendable {
    public var top, left, height, width: Int
    public init(top: Int, left: Int, height: Int, width: Int) {
        self.top = top; self.left = left; self.height = height; self.width = width
    }
    public var bottom: Int { top + height }
}

/// A screen: its state, how it draws, how it takes keys. Screens draw only through `Surface`
/// and reach the network only through `App.perform`, so they are tested without a terminal.
public protocol Screen: AnyObject {
    /// Shown in the status line.
    var title: String { get }
    /// Every key of this screen, for the help screen.
    var help: [(key: String, action: String)] { get }
    /// The keys as this server and this user shape them: only what the screen does here
    /// (default: `help`).
    func help(_ app: App) -> [(key: String, action: String)]
    /// The key hints shown in the footer.
    var footer: String { get }
    /// The footer as the app's state shapes it (default: `footer`).
    func footer(_ app: App) -> String
    /// Drawn on top of the screen below it (dialogs, help).
    var isOverlay: Bool { get }
    func draw(_ s: Surface, _ area: Rect, _ app: App)
    func handle(_ key: Key, _ app: App)
    /// Called on every turn of the run loop (timers, debounced searches).
    func tick(_ app: App)
    /// Called when the screen becomes the top one again.
    func appeared(_ app: App)
}

extension Screen {
    public var isOverlay: Bool { false }
    public func footer(_ app: App) -> String { footer }
    public func help(_ app: App) -> [(key: String, action: String)] { help }
    public func tick(_ app: App) {}
    public func appeared(_ app: App) {}
}
