import SQLKit

/// MySQL and MariaDB as SQLKit writes them: backtick identifiers, `?` placeholders,
/// `AUTO_INCREMENT`, no `RETURNING` (an insert's id comes from `LAST_INSERT_ID()`).
public struct MariaDBDialect: SQLDialect {
    public init() {}

    public var name: String { "mysql" }
    public var identifierQuote: any SQLExpression { SQLRaw("`") }
    public var literalStringQuote: any SQLExpression { SQLRaw("'") }
    public func bindPlaceholder(at position: Int) -> any SQLExpression { SQLRaw("?") }
    public func literalBoolean(_ value: Bool) -> any SQLExpression { SQLRaw(value ? "1" : "0") }
    public var literalDefault: any SQLExpression { SQLRaw("DEFAULT") }
    public var supportsAutoIncrement: Bool { true }
    public var autoIncrementClause: any SQLExpression { SQLRaw("AUTO_INCREMENT") }
    public var supportsIfExists: Bool { true }
    public var enumSyntax: SQLEnumSyntax { .inline }
    public var supportsDropBehavior: Bool { false }
    public var supportsReturning: Bool { false }
    public var triggerSyntax: SQLTriggerSyntax {
        .init(create: [.supportsBody, .supportsOrder, .supportsDefiner, .requiresForEachRow], drop: [])
    }
    public var alterTableSyntax: SQLAlterTableSyntax {
        .init(alterColumnDefinitionClause: SQLRaw("MODIFY COLUMN"), alterColumnDefinitionTypeKeyword: nil, allowsBatch: true)
    }
    public var upsertSyntax: SQLUpsertSyntax { .mysqlLike }
    public var unionFeatures: SQLUnionFeatures { [.union, .unionAll, .parenthesizedSubqueries] }
    public var sharedSelectLockExpression: (any SQLExpression)? { SQLRaw("LOCK IN SHARE MODE") }
    public var exclusiveSelectLockExpression: (any SQLExpression)? { SQLRaw("FOR UPDATE") }

    /// Text columns are `VARCHAR(255)` (utf8mb4: 1,020 bytes, so several fit one index); the few
    /// longer ones are widened by the migrations that make them. Dates are `DATETIME(6)`, in UTC.
    public func customDataType(for dataType: SQLDataType) -> (any SQLExpression)? {
        if case .text = dataType { return SQLRaw("VARCHAR(255)") }
        if case .custom(let raw as SQLRaw) = dataType, raw.sql == "TIMESTAMP" { return SQLRaw("DATETIME(6)") }
        return nil
    }

    public func nestedSubpathExpression(in column: any SQLExpression, for path: [String]) -> (any SQLExpression)? {
        guard !path.isEmpty else { return nil }
        return SQLFunction("JSON_EXTRACT", args: [column, SQLLiteral.string("$.\(path.joined(separator: "."))")])
    }
}
