import BookClient
import Foundation
import Testing

@testable import BookTUI

/// A screen that keeps the keys it is given, to see which arrive where and in what order.
private final class KeyLog: Screen {
    var keys: [Key] = []
    /// What the screen does with a key besides keeping it.
    var onKey: (Key, App) -> Void = { _, _ in }
    var title: String { "Log" }
    var help: [(key: String, action: String)] { [] }
    var footer: String { "" }
    func draw(_ s: Surface, _ area: Rect, _ app: App) {}
    func handle(_ key: Key, _ app: App) { keys.append(key); onKey(key, app) }
}

/// A call that is answered only when the test says so.
private final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var open = false
    func release() { lock.lock(); open = true; lock.unlock() }
    func wait() async {
        while !(lock.withLock { open }) { try? await Task.sleep(nanoseconds: 2_000_000) }
    }
}

/// Delivers answers until none is in flight, without holding a thread of the pool the calls
/// themselves run on (tests run side by side on two cores).
private func settled(_ a: App, timeout: Double = 10) async {
    let end = ProcessInfo.processInfo.systemUptime + timeout
    while a.isBusy && ProcessInfo.processInfo.systemUptime < end {
        if !a.deliverResults() { try? await Task.sleep(nanoseconds: 2_000_000) }
    }
}

@Suite("Type-ahead: keys typed while a call is in flight")
struct TypeAheadTests {
    let size = (rows: 24, cols: 80)

    func app() throws -> App {
        let a = App(client: try BookClient(server: "http://127.0.0.1:9", store: nil, timeout: 2))
        a.profile = Profile(id: 1, username: "ann", roles: ["librarian"])
        return a
    }

    @Test func keysWaitForTheAnswerThenArriveInOrderAtTheNewScreen() async throws {
        let a = try app()
        let first = KeyLog(), next = KeyLog()
        a.reset(to: first)
        let gate = Gate()
        a.perform("Saving", { _ in await gate.wait() }) { _ in a.push(next) }
        for c in "Two" { a.handle(.char(c), size: size) }
        a.handle(.tab, size: size)
        #expect(first.keys.isEmpty)
        let g = GridSurface(rows: 24, cols: 80)
        a.draw(g)
        #expect(g.text.contains("Saving… 4 keys typed ahead"))
        gate.release()
        await settled(a)
        #expect(first.keys.isEmpty)
        #expect(next.keys == [.char("T"), .char("w"), .char("o"), .tab])
    }

    @Test func aKeyThatStartsAnotherCallHoldsTheRestAgain() async throws {
        let a = try app()
        let log = KeyLog()
        a.reset(to: log)
        let gates = [Gate(), Gate()]
        // `x` starts a second call (as Enter on a form saves): `y` must wait for that one too.
        log.onKey = { key, app in
            if key == .char("x") { app.perform("Two", { _ in await gates[1].wait() }) { _ in } }
        }
        a.perform("One", { _ in await gates[0].wait() }) { _ in }
        a.handle(.char("x"), size: size)
        a.handle(.char("y"), size: size)
        gates[0].release()
        while log.keys.isEmpty { a.deliverResults(); try? await Task.sleep(nanoseconds: 2_000_000) }
        a.deliverResults()
        #expect(log.keys == [.char("x")])
        #expect(a.typeAhead == [.char("y")])
        gates[1].release()
        await settled(a)
        #expect(log.keys == [.char("x"), .char("y")])
    }

    @Test func callsTheUserWorksBesideDoNotHoldKeys() async throws {
        let a = try app()
        let log = KeyLog()
        a.reset(to: log)
        let gate = Gate()
        a.perform("Waiting for approval", holdsKeys: false, { _ in await gate.wait() }) { _ in }
        a.handle(.char("c"), size: size)
        #expect(log.keys == [.char("c")])
        gate.release()
        await settled(a)
    }

    @Test func escapeCancelsTheCallAndSaysWhatWasDropped() throws {
        let a = try app()
        let log = KeyLog()
        a.reset(to: log)
        let gate = Gate()
        a.perform("Saving", { _ in await gate.wait() }) { _ in }
        a.handle(.char("a"), size: size)
        a.handle(.char("b"), size: size)
        a.handle(.escape, size: size)
        #expect(!a.isBusy)
        let g = GridSurface(rows: 24, cols: 80)
        a.draw(g)
        #expect(g.text.contains("Cancelled; 2 keys typed meanwhile dropped."))
        a.handle(.char("c"), size: size)
        #expect(log.keys == [.char("c")])
        gate.release()
    }

    @Test func ctrlNKeepsPublisherAndAvailableForTheNextBook() throws {
        let a = try app()
        a.client.capabilities.learn(AuthConfig(local: true, registration: true, extended: true))
        let old = BookFormScreen.makeForm(nil)
        old.field("title")?.text = "Dune"
        old.field("publisher")?.text = "Ace Books "
        old.field("is_available")?.toggle = true
        let next = BookFormScreen.nextForm(after: old)
        #expect(next.field("title")?.value == "")
        #expect(next.field("publisher")?.value == "Ace Books")
        #expect(next.field("is_available")?.toggle == true)
        #expect(!next.changed)  // Esc on it asks nothing
        let form = BookFormScreen(book: nil, list: nil)
        form.form = next
        a.reset(to: form)
        let g = GridSurface(rows: 24, cols: 100)
        a.draw(g)
        #expect(g.text.contains("kept; Ctrl-U clears"))
        // Ctrl-U on Available says no, and the note goes.
        next.focus = next.fields.firstIndex { $0.name == "is_available" }!
        a.handle(.ctrl("u"), size: size)
        #expect(next.field("is_available")?.toggle == false)
        #expect(next.field("is_available")?.note == nil)
    }
}

@Suite("Dates and durations as people read them")
struct DatesTests {
    @Test func durationsUseTheirTwoLargestUnits() {
        #expect(Dates.duration(45) == "45 s")
        #expect(Dates.duration(200) == "3 min 20 s")
        #expect(Dates.duration(86_399) == "23 h 59 min")
        #expect(Dates.duration(7200) == "2 h")
        #expect(Dates.duration(6 * 86_400 + 4 * 3600 + 59) == "6 d 4 h")
    }

    @Test func timestampsBecomeDays() {
        #expect(Dates.day("2026-12-02T18:17:12Z") == "2 Dec 2026")
        #expect(Dates.minute("2026-12-02T18:17:12.123456Z").hasPrefix("2 Dec 2026, "))
        #expect(Dates.day("not a date") == "not a date")
    }
}
