import Diagnostics

/// AM508: a placeholder must not reach a contact. Domains reserved for examples and tests (RFC 2606,
/// RFC 6761) as sending domains, sender or reply-to addresses or the privacy page's host, and the
/// placeholder values `automail init` writes, are a warning for `check` (a new workspace is allowed to
/// be unfinished) and an error for `build` (see ``RuleDescription/buildSeverity``).
enum PlaceholderRules {
    static func check(_ workspace: Workspace, into bag: inout DiagnosticBag) {
        guard let manifest = workspace.manifest else { return }
        for domain in manifest.sendingDomains where ReservedDomains.isReserved(domain.value) {
            bag.report(
                .warning(
                    .placeholderValue,
                    "the sending domain `\(domain.value)` is reserved for examples (\(ReservedDomains.reference(domain.value))): no mail is delivered from it",
                    at: domain.range,
                    help: "write the domain you send from, verified with your sending service (SPF, DKIM, DMARC)"))
        }
        for sender in manifest.senders {
            for (address, role) in [(sender.address, "From address"), (sender.replyTo, "Reply-To address")] {
                guard let address, EmailAddress.problem(with: address.value) == nil,
                    let domain = EmailAddress.domain(of: address.value), ReservedDomains.isReserved(domain)
                else { continue }
                bag.report(
                    .warning(
                        .placeholderValue,
                        "the \(role) `\(address.value)` of sender `\(sender.id.value)` is at `\(domain)`, a domain reserved for examples (\(ReservedDomains.reference(domain)))",
                        at: address.range,
                        help: "write a mailbox at your own domain: mail to or from a reserved domain never arrives"))
            }
        }
        guard let legal = manifest.legal else { return }
        if let url = legal.privacyURL, let host = ReservedDomains.host(ofURL: url.value), ReservedDomains.isReserved(host) {
            bag.report(
                .warning(
                    .placeholderValue,
                    "the privacy URL `\(url.value)` is at `\(host)`, a domain reserved for examples (\(ReservedDomains.reference(host)))",
                    at: url.range,
                    help: "link to your own privacy page: contacts follow it to exercise their rights"))
        }
        if let address = legal.postalAddress,
            WorkspaceStarter.placeholderPostalAddresses.contains(FooterRules.normalized(address.value))
        {
            bag.report(
                .warning(
                    .placeholderValue,
                    "the postal address `\(address.value)` is the placeholder `automail init` writes",
                    at: address.range,
                    help: "write the sender's real postal address: the law requires it in every email (CAN-SPAM, LCEN)"))
        }
    }
}

/// Domain names reserved for documentation and testing, which no mail reaches: `example` and
/// `example.com`, `example.net`, `example.org` with their subdomains (RFC 2606 §3), and the top-level
/// domains `.test`, `.example`, `.invalid` and `.localhost` (RFC 2606 §2, RFC 6761).
public enum ReservedDomains {
    /// The second-level domains reserved for examples (RFC 2606 §3).
    public static let exampleDomains = ["example.com", "example.net", "example.org"]
    /// The top-level domains reserved for tests and examples (RFC 2606 §2, RFC 6761 §6).
    public static let topLevelDomains = ["test", "example", "invalid", "localhost"]

    /// Whether `domain` (any case, with or without a final dot) is reserved or under a reserved domain.
    public static func isReserved(_ domain: String) -> Bool {
        var name = domain.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        guard !name.isEmpty else { return false }
        if exampleDomains.contains(where: { name == $0 || name.hasSuffix("." + $0) }) { return true }
        let tld = name.split(separator: ".").last.map(String.init) ?? name
        return topLevelDomains.contains(tld)
    }

    /// The RFC that reserves `domain`, for messages.
    static func reference(_ domain: String) -> String {
        let tld = domain.lowercased().split(separator: ".").last.map(String.init) ?? ""
        return tld == "localhost" || tld == "invalid" || tld == "test" ? "RFC 6761" : "RFC 2606"
    }

    /// The host of an `http(s)://` URL, without user information or port; `nil` for anything else.
    static func host(ofURL url: String) -> String? {
        let lowered = url.lowercased()
        guard let scheme = ["https://", "http://"].first(where: { lowered.hasPrefix($0) }) else { return nil }
        var authority = url.dropFirst(scheme.count).prefix { !"/?#".contains($0) }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let host = authority.hasPrefix("[") ? authority : authority.prefix { $0 != ":" }
        return host.isEmpty ? nil : String(host)
    }
}
