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

    /// Errors a suppression may silence: the bundle is still exactly what the workspace says.
    /// AM201: the unknown key is ignored. AM701: the duplicate action is harmless (one email an
    /// encounter). AM702: ties are broken by trigger id, as the bundle records.
    public static let allowedErrors: Set<DiagnosticCode> = [.unknownKey, .duplicateBinding, .priorityTie]

    /// Codes whose diagnostics make the emails unsafe to send, whatever their severity.
    public static let unsafeCodes: Set<DiagnosticCode> = [
        .hiddenCharacter,
        .footerMissingUnsubscribe, .footerMissingPublisher, .footerMissingPostalAddress, .footerMissingPrivacyLink,
        .footerMissingDataOrigin, .missingFooter, .missingDataOrigin, .insecurePrivacyURL,
        .missingPurpose, .purposeWithoutPurposeMode,
        .invalidAddress, .unverifiedFromDomain, .headerInjection, .invalidSendingDomain, .lookAlikeDomain,
        .addressInDisplayName, .placeholderValue,
        .rawHTML, .unsafeLink, .unsafeLayoutHTML,
        .silenceExemptionWithoutReason,
    ]

    /// The suppressibility of `code`, whose default severity is `severity`.
    public static func of(_ code: DiagnosticCode, severity: Severity) -> Suppressibility {
        let raw = code.rawValue
        if raw.hasPrefix("AM8") { return .suppressionComment }
        if unsafeCodes.contains(code) { return .unsafe }
        if raw.hasPrefix("AM0") || raw.hasPrefix("AM1") { return .unreadable }
        if severity != .error || allowedErrors.contains(code) { return .allowed }
        return .unfaithful
    }
}

extension RuleDescription {
    /// Whether and why a suppression comment may silence this rule (see ``Suppressibility``).
    public var suppressibility: Suppressibility { Suppressibility.of(code, severity: severity) }
}
