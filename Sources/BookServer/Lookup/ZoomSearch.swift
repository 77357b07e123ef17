import CYaz
import Foundation

/// One search of a library catalogue through YAZ's ZOOM C API (Z39.50 or SRU). Every call blocks
/// its thread, so it only ever runs on the lookup thread pool (see `ISBNLookup`); the ZOOM
/// `timeout` option bounds each network wait.
enum ZoomSearch {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The first record found for any of `isbns` (ISBN-13 and ISBN-10 of one book: older records
    /// carry only the ISBN-10), as MARC-in-JSON decoded by YAZ; nil when the catalogue has none.
    static func firstRecord(_ source: LookupSource, isbns: [String], timeout: Double) throws -> Data? {
        guard let options = ZOOM_options_create() else { throw Failure(description: "YAZ could not allocate options") }
        defer { ZOOM_options_destroy(options) }
        ZOOM_options_set(options, "timeout", String(max(1, Int(timeout.rounded(.up)))))
        ZOOM_options_set(options, "preferredRecordSyntax", "usmarc")
        ZOOM_options_set(options, "elementSetName", "F")
        ZOOM_options_set(options, "implementationName", "book-server")

        let address: String
        let query: String
        let isSRU: Bool
        switch source {
        case .z3950(let host, let port, let database):
            address = "tcp:\(host):\(port)/\(database)"
            // Bib-1 use attribute 7 is ISBN; either form of the number matches.
            query = isbns.dropFirst().reduce("@attr 1=7 \(isbns[0])") { "@or \($0) @attr 1=7 \($1)" }
            isSRU = false
        case .sru(let url):
            ZOOM_options_set(options, "sru", "get")
            ZOOM_options_set(options, "schema", "marcxml")
            address = url
            query = isbns.map { "bath.isbn=\($0)" }.joined(separator: " or ")
            isSRU = true
        case .openLibrary:
            preconditionFailure("Open Library is not a ZOOM target")
        }

        guard let connection = ZOOM_connection_create(options) else {
            throw Failure(description: "YAZ could not allocate a connection")
        }
        defer { ZOOM_connection_destroy(connection) }
        ZOOM_connection_connect(connection, address, 0)
        try check(connection)

        guard let zquery = ZOOM_query_create() else { throw Failure(description: "YAZ could not allocate a query") }
        defer { ZOOM_query_destroy(zquery) }
        let parsed = isSRU ? ZOOM_query_cql(zquery, query) : ZOOM_query_prefix(zquery, query)
        guard parsed == 0 else { throw Failure(description: "YAZ refused the query \(query)") }

        let results = ZOOM_connection_search(connection, zquery)
        defer { ZOOM_resultset_destroy(results) }
        try check(connection)
        guard let results, ZOOM_resultset_size(results) > 0 else { return nil }
        guard let record = ZOOM_resultset_record(results, 0) else {
            try check(connection)
            return nil
        }
        var message: UnsafePointer<CChar>?
        var info: UnsafePointer<CChar>?
        var diagset: UnsafePointer<CChar>?
        if ZOOM_record_error(record, &message, &info, &diagset) != 0 {
            throw Failure(description: "the record could not be retrieved: \(text(message)) \(text(info))")
        }
        var length: Int32 = 0
        if isSRU {
            // SRU answers MARCXML; YAZ's MARC reader turns it into MARC-in-JSON.
            guard let xml = ZOOM_record_get(record, "xml", &length), length > 0,
                let json = cyaz_marcxml_to_json(xml, length)
            else {
                throw Failure(description: "the record is not MARCXML")
            }
            defer { free(json) }
            return Data(bytes: json, count: strlen(json))
        }
        // ISO 2709; MARC-8 is converted to UTF-8, and YAZ takes leader/09 'a' records as UTF-8 already.
        guard let json = ZOOM_record_get(record, "json; charset=marc8,utf-8", &length), length > 0 else {
            throw Failure(description: "the record is not MARC")
        }
        return Data(bytes: json, count: Int(length))
    }

    private static func check(_ connection: ZOOM_connection) throws {
        var message: UnsafePointer<CChar>?
        var info: UnsafePointer<CChar>?
        let code = ZOOM_connection_error(connection, &message, &info)
        guard code != 0 else { return }
        let detail = text(info).isEmpty ? text(message) : "\(text(message)) (\(text(info)))"
        throw Failure(description: detail)
    }

    private static func text(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }
}
