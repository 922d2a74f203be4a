import Diagnostics

/// AM801–AM805: suppression comments (`# automail: ignore CODE — reason`).
public extension DiagnosticCode {
    /// `AM801`: an `# automail: ignore` comment gives no reason.
    static let suppressionWithoutReason: DiagnosticCode = "AM801"
    /// `AM802`: an `# automail: ignore` comment silences nothing.
    static let unusedSuppression: DiagnosticCode = "AM802"
    /// `AM803`: an `# automail: ignore` comment names an unknown code.
    static let unknownSuppressedCode: DiagnosticCode = "AM803"
    /// `AM804`: an `# automail: ignore` comment names a code that cannot be suppressed.
    static let unsuppressibleCode: DiagnosticCode = "AM804"
    /// `AM805`: an `# automail:` comment is not `# automail: ignore CODE — reason`.
    static let malformedSuppression: DiagnosticCode = "AM805"
}
