import Diagnostics

/// AM508: a placeholder must not reach a contact. Domains reserved for examples and tests (RFC 2606,
/// RFC 6761) as sending domains, sender or reply-to addresses or the privacy page's host, and the
/// placeholder values `automail init` writes, are a warning for `check` (a new workspace is allowed to
/// be unfinished) and an error for `build` (see ``RuleDescription/buildSeverity``).
enum PlaceholderRules {
    /// A reserved domain where the workspace uses it, for AM508.
    struct Use {
        var domain: String
        var range: SourceRange
        /// What uses it, as messages name it (`the sending domain `example.org``).
        var what: String
        /// Whether the use is the domain itself (a sending domain), not an address or a URL at it.
        var isTheDomain = false

        /// The diagnostic's message when this use is the first.
        var message: String {
            let reserved = "a domain reserved for examples (\(ReservedDomains.reference(domain))): no mail reaches it"
            return isTheDomain ? "\(what) is \(reserved)" : "\(what) is at `\(domain)`, \(reserved)"
        }
    }

    static func check(_ workspace: Workspace, into bag: inout DiagnosticBag) {
        guard let manifest = workspace.manifest else { return }
        // One diagnostic per reserved domain, where the workspace first uses it, with a note at every other
        // use: replacing the domain is one fix, not one per line.
        var uses: [Use] = []
        for domain in manifest.sendingDomains
        where EmailAddress.problem(withDomain: domain.value) == nil && ReservedDomains.isReserved(domain.value) {
            uses.append(
                Use(
                    domain: domain.value.lowercased(), range: domain.range,
                    what: "the sending domain `\(domain.value)`",
                    isTheDomain: true))
        }
        for sender in manifest.senders {
            for (address, role) in [(sender.address, "From address"), (sender.replyTo, "Reply-To address")] {
                guard let address, EmailAddress.problem(with: address.value) == nil,
                    let domain = EmailAddress.domain(of: address.value), ReservedDomains.isReserved(domain)
                else { continue }
                uses.append(
                    Use(
                        domain: domain.lowercased(), range: address.range,
                        what: "the \(role) `\(address.value)` of sender `\(sender.id.value)`"))
            }
        }
        if let url = manifest.legal?.privacyURL, let host = ReservedDomains.host(ofURL: url.value),
            ReservedDomains.isReserved(host)
        {
            uses.append(Use(domain: host.lowercased(), range: url.range, what: "the privacy URL `\(url.value)`"))
        }
        var reported: Set<String> = []
        for use in uses where reported.insert(use.domain).inserted {
            let others = uses.filter { $0.domain == use.domain && $0.range != use.range }
            bag.report(
                .placeholderValue,
                use.message,
                at: use.range,
                notes: others.map { DiagnosticNote("\($0.what) is at `\(use.domain)` too", at: $0.range) },
                help:
                    "replace `\(use.domain)` everywhere with your own domain, verified with your sending service (SPF, DKIM, DMARC)"
            )
        }
        if let address = manifest.legal?.postalAddress,
            WorkspaceStarter.placeholderPostalAddresses.contains(FooterRules.normalized(address.value))
        {
            bag.report(
                .placeholderValue,
                "the postal address `\(address.value)` is the placeholder `automail init` writes",
                at: address.range,
                help: "write the sender's real postal address: the law requires it in every email (CAN-SPAM, LCEN)")
        }
    }
}

/// Domain names reserved for documentation and testing, which no mail reaches: `example` and
/// `example.com`, `example.net`, `example.org` with their subdomains (RFC 2606 §3), and the top-level
/// domains `.test`, `.example`, `.invalid` and `.localhost` (RFC 2606 §2, RFC 6761).
package enum ReservedDomains {
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
