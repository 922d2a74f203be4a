import Diagnostics

/// AM410–AM411: consent purposes.
public extension DiagnosticCode {
    /// `AM410`: a template names no consent purpose in purpose mode.
    static let missingPurpose: DiagnosticCode = "AM410"
    /// `AM411`: a template names a consent purpose but consent is per channel.
    static let purposeWithoutPurposeMode: DiagnosticCode = "AM411"
}
