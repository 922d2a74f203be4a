import Diagnostics

/// AM612–AM614: what templates render for sample contacts.
public extension DiagnosticCode {
    /// `AM612`: a subject is over 150 characters once rendered.
    static let subjectTooLong: DiagnosticCode = "AM612"
    /// `AM613`: a body renders empty for some contact.
    static let bodyRendersEmpty: DiagnosticCode = "AM613"
    /// `AM614`: a locale's body is identical to the default locale's: probably untranslated.
    static let untranslatedLocale: DiagnosticCode = "AM614"
}
