import Foundation

/// The server's ISO 8601 timestamps as a person reads them, in the user's time zone.
public enum Dates {
    private static func parse(_ iso: String) -> Date? {
        let f = ISO8601DateFormatter()
        if let d = f.date(from: iso) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: iso)
    }

    private static func format(_ iso: String, _ pattern: String) -> String {
        guard let d = parse(iso) else { return iso }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = .current
        f.dateFormat = pattern
        return f.string(from: d)
    }

    /// "3 Dec 2026"; the text itself when it is not a timestamp.
    static func day(_ iso: String) -> String { format(iso, "d MMM yyyy") }

    /// "3 Dec 2026, 14:05".
    static func minute(_ iso: String) -> String { format(iso, "d MMM yyyy, HH:mm") }

    /// A span of time in its two largest units: "45 s", "3 min 20 s", "23 h 59 min", "6 d 4 h".
    public static func duration(_ seconds: Int) -> String {
        let s = max(0, seconds)
        switch s {
        case ..<60: return "\(s) s"
        case ..<3600: return "\(s / 60) min" + (s % 60 == 0 ? "" : " \(s % 60) s")
        case ..<86_400: return "\(s / 3600) h" + (s % 3600 / 60 == 0 ? "" : " \(s % 3600 / 60) min")
        default: return "\(s / 86_400) d" + (s % 86_400 / 3600 == 0 ? "" : " \(s % 86_400 / 3600) h")
        }
    }
}
