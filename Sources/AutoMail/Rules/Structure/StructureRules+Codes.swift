import Diagnostics

/// AM201–AM212: the shape of each file (reported by the decoder).
public extension DiagnosticCode {
    /// `AM201`: a key is not part of the workspace format.
    static let unknownKey: DiagnosticCode = "AM201"
    /// `AM202`: a required key is missing.
    static let missingKey: DiagnosticCode = "AM202"
    /// `AM203`: a value has the wrong type.
    static let wrongType: DiagnosticCode = "AM203"
    /// `AM204`: an id does not match `^[a-z0-9][a-z0-9_-]{0,63}$`.
    static let malformedID: DiagnosticCode = "AM204"
    /// `AM205`: a value is not one of those allowed.
    static let invalidValue: DiagnosticCode = "AM205"
    /// `AM206`: a locale does not match `^[a-z]{2,3}(-[A-Z]{2})?$`.
    static let malformedLocale: DiagnosticCode = "AM206"
    /// `AM207`: a duration is not `<n>m`, `<n>h` or `<n>d` of at most 365 days.
    static let malformedDuration: DiagnosticCode = "AM207"
    /// `AM208`: a required value is empty.
    static let emptyValue: DiagnosticCode = "AM208"
    /// `AM209`: `when` does not hold exactly one event.
    static let triggerEventShape: DiagnosticCode = "AM209"
    /// `AM210`: an answer path is not `questionnaire/question/answer`.
    static let malformedAnswerPath: DiagnosticCode = "AM210"
    /// `AM211`: answers are missing on a choice question or present on another.
    static let answersShape: DiagnosticCode = "AM211"
    /// `AM212`: consent purposes do not match the consent mode.
    static let purposesShape: DiagnosticCode = "AM212"
}
