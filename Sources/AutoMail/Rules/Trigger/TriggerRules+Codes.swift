import Diagnostics

/// AM701–AM703: triggers and their bindings.
public extension DiagnosticCode {
    /// `AM701`: the same event is bound to the same template twice.
    static let duplicateBinding: DiagnosticCode = "AM701"
    /// `AM702`: triggers that can fire in one encounter tie on priority.
    static let priorityTie: DiagnosticCode = "AM702"
    /// `AM703`: a template is not used by any trigger.
    static let unusedTemplate: DiagnosticCode = "AM703"
}
