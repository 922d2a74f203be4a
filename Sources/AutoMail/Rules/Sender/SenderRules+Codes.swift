import Diagnostics

/// AM501–AM507: senders and headers.
public extension DiagnosticCode {
    /// `AM501`: a sender or reply-to address is not a plain `local@domain` address.
    static let invalidAddress: DiagnosticCode = "AM501"
    /// `AM502`: a sender's From domain is not a sending domain.
    static let unverifiedFromDomain: DiagnosticCode = "AM502"
    /// `AM503`: a header value contains a line break or a control character.
    static let headerInjection: DiagnosticCode = "AM503"
    /// `AM504`: a reply-to address is a no-reply mailbox.
    static let noreplyReplyTo: DiagnosticCode = "AM504"
    /// `AM505`: a sending domain is not a valid host name.
    static let invalidSendingDomain: DiagnosticCode = "AM505"
    /// `AM506`: a domain of the workspace looks like another one, or mixes scripts.
    static let lookAlikeDomain: DiagnosticCode = "AM506"
    /// `AM507`: a sender's display name contains `@`, `<`, `>` or an encoded word.
    static let addressInDisplayName: DiagnosticCode = "AM507"
}
