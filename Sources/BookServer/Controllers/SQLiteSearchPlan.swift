import NIOCore
import SQLiteNIO

/// Which of a search term's trigrams SQLite's FTS5 index (`AddSQLiteSearchIndex`) is asked for.
///
/// Asked for `search_text GLOB '*author 42*'`, the trigram index intersects the books of *every*
/// trigram of the term: `aut`, `uth`, `tho`, `hor` are in nearly every book, so a search over a
/// library of 100,000 reads five lists of 100,000 to find 1,101 (11 ms). Two rare trigrams (`r 4`,
/// ` 42`) find the same books from a few thousand (1.2 ms), and GLOB on the books found keeps only
/// the true matches. How rare a trigram is, is estimated from the newest `sampleSize` books
/// (counting in a range of rowids is a seek and at most that many steps; a count over the whole
/// index costs what the search would).
enum SQLiteSearchPlan {
    static let sampleSize = 1000
    /// Counted per term at most (evenly spread over a long one).
    static let maxTrigramsCounted = 24
    /// Trigrams in the FTS5 query: the rarest ones.
    static let trigramsAsked = 2

    /// The term's distinct trigrams of Unicode scalars (as the trigram tokenizer cuts text), in order.
    static func trigrams(of term: String) -> [String] {
        let scalars = Array(term.unicodeScalars)
        guard scalars.count >= 3 else { return [] }
        var seen = Set<String>()
        var all: [String] = []
        for start in 0...(scalars.count - 3) {
            var trigram = String.UnicodeScalarView()
            trigram.append(contentsOf: scalars[start..<(start + 3)])
            if seen.insert(String(trigram)).inserted { all.append(String(trigram)) }
        }
        guard all.count > maxTrigramsCounted else { return all }
        return (0..<maxTrigramsCounted).map { all[$0 * all.count / maxTrigramsCounted] }
    }

    /// A trigram as an FTS5 phrase: in double quotes, a quote inside doubled.
    static func phrase(_ trigram: String) -> String {
        "\"" + trigram.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The FTS5 query for `term` (its rarest trigrams, `AND`ed), or nil for a term too short for
    /// the index.
    static func query(for term: String, reader: DirectSQLite, on eventLoop: any EventLoop) -> EventLoopFuture<String?> {
        let trigrams = trigrams(of: term)
        guard trigrams.count > trigramsAsked else {
            return eventLoop.makeSucceededFuture(trigrams.isEmpty ? nil : trigrams.map(phrase).joined(separator: " AND "))
        }
        let newest = "SELECT max(id) FROM books"
        let count = "SELECT count(*) FROM books_search WHERE books_search MATCH ?1 AND rowid > ?2"
        return reader.session(on: eventLoop) { connection in
            let since = try connection.run(newest, []) { rows in try rows.next() ? rows.int(0) : 0 } - sampleSize
            var counted: [(phrase: String, books: Int)] = []
            for trigram in trigrams {
                let phrase = phrase(trigram)
                let books = try connection.run(count, [.text(phrase), .integer(since)]) { rows in
                    try rows.next() ? rows.int(0) : 0
                }
                counted.append((phrase, books))
            }
            // The rarest first; among equals, the term's order.
            let rarest = counted.enumerated().sorted { ($0.element.books, $0.offset) < ($1.element.books, $1.offset) }
            return rarest.prefix(trigramsAsked).map(\.element.phrase).joined(separator: " AND ")
        }
    }
}
