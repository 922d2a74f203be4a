import Diagnostics

/// AM508: placeholders that must not reach a contact.
public extension DiagnosticCode {
    /// `AM508`: a placeholder would reach a contact: a reserved example domain or a value `automail init`
    /// writes (a warning for `check`, an error for `build`).
    static let placeholderValue: DiagnosticCode = "AM508"
}
