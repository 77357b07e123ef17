import Foundation

/// A MARC 21 bibliographic record as YAZ writes it in MARC-in-JSON
/// (`{"leader": …, "fields": [{"001": "…"}, {"245": {"ind1", "ind2", "subfields": [{"a": "…"}]}}]}`),
/// and its mapping into a draft. YAZ does the decoding (ISO 2709 or MARCXML, MARC-8 or UTF-8); this
/// only picks the fields our form has.
struct MARCRecord: Decodable {
    struct DataField {
        var tag: String
        var ind1: String
        var ind2: String
        var subfields: [(code: String, value: String)]

        func first(_ code: String) -> String? { subfields.first { $0.code == code }?.value }
        func all(_ code: String) -> [String] { subfields.filter { $0.code == code }.map(\.value) }
    }

    var leader: String
    var control: [String: String] = [:]
    var fields: [DataField] = []

    private struct Raw: Decodable {
        var leader: String?
        var fields: [[String: FieldValue]]
    }

    private enum FieldValue: Decodable {
        case control(String)
        case data(ind1: String, ind2: String, subfields: [[String: String]])

        private enum Keys: String, CodingKey { case ind1, ind2, subfields }

        init(from decoder: any Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                self = .control(text)
                return
            }
            let c = try decoder.container(keyedBy: Keys.self)
            self = .data(
                ind1: try c.decodeIfPresent(String.self, forKey: .ind1) ?? " ",
                ind2: try c.decodeIfPresent(String.self, forKey: .ind2) ?? " ",
                subfields: try c.decodeIfPresent([[String: String]].self, forKey: .subfields) ?? [])
        }
    }

    init(from decoder: any Decoder) throws {
        let raw = try Raw(from: decoder)
        leader = raw.leader ?? ""
        for entry in raw.fields {
            for (tag, value) in entry {
                switch value {
                case .control(let text): control[tag] = control[tag] ?? text
                case .data(let ind1, let ind2, let subfields):
                    fields.append(
                        DataField(
                            tag: tag, ind1: ind1, ind2: ind2,
                            subfields: subfields.flatMap { pairs in pairs.map { (code: $0.key, value: $0.value) } }))
                }
            }
        }
    }

    static func decode(_ json: Data) throws -> MARCRecord { try JSONDecoder().decode(MARCRecord.self, from: json) }

    func data(_ tags: String...) -> [DataField] { fields.filter { tags.contains($0.tag) } }

    /// The draft for `isbn` (ISBN-13), or nil when the record has no title.
    func draft(isbn: String, source: String) -> LookupDraft? {
        guard let titleField = data("245").first, let title = DraftText.clean(titleField.first("a")) else { return nil }
        let subtitle = DraftText.clean(titleField.first("b"))

        // 100/110 the main entry, 700/710 the added ones; "Surname, Forename" turned round when the
        // first indicator says the name is entered surname first.
        let names = data("100", "110", "700", "710").compactMap { field -> String? in
            guard let name = DraftText.clean(field.first("a")) else { return nil }
            return (field.tag == "100" || field.tag == "700") && field.ind1 == "1" ? Self.forenameFirst(name) : name
        }

        // 264 with second indicator 1 is publication (RDA); older records carry 260.
        let imprint = data("264").first { $0.ind2 == "1" } ?? data("264").first ?? data("260").first
        let publisher = DraftText.clean(imprint?.first("b"))
        let fixed = control["008"].map { Array($0) } ?? []
        var year = DraftText.year(imprint?.first("c"))
        if year == nil, fixed.count >= 11 { year = Int(String(fixed[7..<11])) }

        var language = data("041").first.flatMap { DraftText.clean($0.first("a")) }
        if language == nil, fixed.count >= 38 {
            let code = String(fixed[35..<38]).trimmingCharacters(in: .whitespaces)
            if code.count == 3, code.allSatisfy(\.isLetter) { language = code }
        }

        return LookupDraft(
            isbn: isbn, title: title, subtitle: subtitle, authors: DraftText.unique(names),
            publisher: publisher, publishedYear: year, pages: DraftText.pages(data("300").first?.first("a")),
            language: language, edition: DraftText.clean(data("250").first?.first("a")),
            subjects: DraftText.unique(data("650").compactMap { DraftText.clean($0.first("a")) }),
            source: source)
    }

    /// "Herbert, Frank" → "Frank Herbert"; a name with no single comma stays as it is.
    static func forenameFirst(_ name: String) -> String {
        let parts = name.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return name }
        let surname = parts[0].trimmingCharacters(in: .whitespaces)
        let forename = parts[1].trimmingCharacters(in: .whitespaces)
        return forename.isEmpty ? surname : "\(forename) \(surname)"
    }
}
