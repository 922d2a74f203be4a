import Diagnostics

/// Whether a `# automail: ignore CODE — reason` comment may silence a rule's diagnostics, and if not, why.
///
/// The principle: a suppression may silence what a team can knowingly accept, never what would make the
/// bundle unsafe to send or different from what the workspace says. Every warning can be suppressed;
/// an error only when the compiler builds a faithful bundle around it (``allowedErrors``).
public enum Suppressibility: Sendable, Hashable {
    /// A suppression comment silences it.
    case allowed
    /// Sending with it would break the law or put recipients at risk: the legal footer, consent, header
    /// injection, phishing look-alikes, active content.
    case unsafe
    /// Without a fix, the bundle would not do what the workspace says (a dropped trigger, a dangling
    /// reference, a template that cannot be rendered...).
    case unfaithful
    /// It is about reading the file itself (loading, encoding, YAML syntax), before any comment in it
    /// can be trusted.
    case unreadable
    /// It is about a suppression comment itself.
    case suppressionComment

    /// Why it cannot be suppressed, as a sentence fragment (`nil` when it can).
    public var reason: String? {
        switch self {
        case .allowed: nil
        case .unsafe: "sending with this problem would break the law or put recipients at risk"
        case .unfaithful: "the compiler cannot build a bundle that does what the workspace says until it is fixed"
        case .unreadable: "it concerns reading the file itself, before any comment in it can be trusted"
        case .suppressionComment: "it is about a suppression comment itself"
        }
    }

    /// Errors a suppression may silence: the bundle is still exactly what the workspace says. Each
    /// catalog entry states it (`suppressibility: .allowed`, with its reason).
    public static var allowedErrors: Set<DiagnosticCode> {
        Set(RuleCatalog.all.filter { $0.severity == .error && $0.suppressibility == .allowed }.map(\.code))
    }

    /// Codes whose diagnostics make the emails unsafe to send, whatever their severity. Each catalog
    /// entry states it (`suppressibility: .unsafe`).
    public static var unsafeCodes: Set<DiagnosticCode> {
        Set(RuleCatalog.all.filter { $0.suppressibility == .unsafe }.map(\.code))
    }

    /// The suppressibility of `code`, whose default severity is `severity`: its catalog entry's, or
    /// ``byDefault(_:severity:)`` for a code without one.
    public static func of(_ code: DiagnosticCode, severity: Severity) -> Suppressibility {
        RuleCatalog.rule(code)?.suppressibility ?? byDefault(code, severity: severity)
    }

    /// The suppressibility a rule has unless its catalog entry states another (`.unsafe`, or `.allowed`
    /// for an error): `AM8xx` are about suppression comments, `AM0xx` and `AM1xx` about reading the file,
    /// a warning can be silenced, an error cannot.
    public static func byDefault(_ code: DiagnosticCode, severity: Severity) -> Suppressibility {
        let raw = code.rawValue
        if raw.hasPrefix("AM8") { return .suppressionComment }
        if raw.hasPrefix("AM0") || raw.hasPrefix("AM1") { return .unreadable }
        return severity == .error ? .unfaithful : .allowed
    }
}
