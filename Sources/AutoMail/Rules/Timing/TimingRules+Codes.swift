import Diagnostics

/// AM901–AM907: when an email may go out.
public extension DiagnosticCode {
    /// `AM901`: a time zone is not an IANA time zone name.
    static let unknownTimeZone: DiagnosticCode = "AM901"
    /// `AM902`: quiet hours, a blackout or a trigger's lifetime is empty or ends before it starts.
    static let emptyTimeWindow: DiagnosticCode = "AM902"
    /// `AM903`: two blackouts overlap.
    static let overlappingBlackouts: DiagnosticCode = "AM903"
    /// `AM904`: a trigger's lifetime already ended.
    static let lifetimeEnded: DiagnosticCode = "AM904"
    /// `AM905`: an election round is in the past.
    static let pastElection: DiagnosticCode = "AM905"
    /// `AM906`: a trigger's delay makes every email fall in the quiet hours.
    static let delayInQuietHours: DiagnosticCode = "AM906"
    /// `AM907`: a campaigning email is exempt from the electoral silence without a reason.
    static let silenceExemptionWithoutReason: DiagnosticCode = "AM907"
}
