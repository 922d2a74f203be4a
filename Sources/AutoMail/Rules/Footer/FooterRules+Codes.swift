import Diagnostics

/// AM401–AM408: the legal footer.
public extension DiagnosticCode {
    /// `AM401`: a footer has no unsubscribe link.
    static let footerMissingUnsubscribe: DiagnosticCode = "AM401"
    /// `AM402`: a footer does not show the publisher.
    static let footerMissingPublisher: DiagnosticCode = "AM402"
    /// `AM403`: a footer does not show the postal address.
    static let footerMissingPostalAddress: DiagnosticCode = "AM403"
    /// `AM404`: a footer has no link to the privacy page.
    static let footerMissingPrivacyLink: DiagnosticCode = "AM404"
    /// `AM405`: a footer does not show the data-origin notice.
    static let footerMissingDataOrigin: DiagnosticCode = "AM405"
    /// `AM406`: a workspace locale has no footer.
    static let missingFooter: DiagnosticCode = "AM406"
    /// `AM407`: `legal.data_origin` has no notice for a workspace locale.
    static let missingDataOrigin: DiagnosticCode = "AM407"
    /// `AM408`: the privacy URL is not an `https://` URL.
    static let insecurePrivacyURL: DiagnosticCode = "AM408"
}
