import Diagnostics

extension RuleCatalog {
    /// Every rule by code, for reporting: the one place a diagnostic's severity comes from.
    static let byCode: [DiagnosticCode: RuleDescription] = Dictionary(
        all.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })

    /// The severity `check` reports `code` with: its catalog entry's (``RuleDescription/severity``).
    ///
    /// A code without a catalog entry is an error (a test checks every code has one).
    static func severity(of code: DiagnosticCode) -> Severity {
        byCode[code]?.severity ?? .error
    }
}

extension Diagnostic {
    /// A diagnostic of the rule `code`, with the severity its catalog entry gives: a call site never
    /// states a severity of its own, so one code cannot be reported with two. Package-wide: the preview's
    /// contact files report through it too.
    package static func rule(
        _ code: DiagnosticCode, _ message: String, at range: SourceRange?, notes: [DiagnosticNote] = [],
        help: String? = nil
    ) -> Diagnostic {
        Diagnostic(
            code: code, severity: RuleCatalog.severity(of: code), message: message, range: range, notes: notes,
            help: help)
    }
}

extension DiagnosticBag {
    /// Reports a diagnostic of the rule `code`, with the severity its catalog entry gives (see
    /// ``Diagnostic/rule(_:_:at:notes:help:)``).
    mutating func report(
        _ code: DiagnosticCode, _ message: String, at range: SourceRange?, notes: [DiagnosticNote] = [],
        help: String? = nil
    ) {
        report(Diagnostic.rule(code, message, at: range, notes: notes, help: help))
    }
}
