import Diagnostics
import YAMLSource

/// AM501–AM505: sender and reply-to addresses, the From domain, header injection through display
/// names, no-reply reply-to addresses, and the sending domains themselves.
enum SenderRules {
    static func check(_ workspace: Workspace, into bag: inout DiagnosticBag) {
        guard let manifest = workspace.manifest else { return }
        var domains: [String] = []
        LookAlikeDomains.check(lookAlikeCandidates(manifest), into: &bag)
        for domain in manifest.sendingDomains {
            if let problem = EmailAddress.problem(withDomain: domain.value) {
                bag.report(
                    .invalidSendingDomain, "invalid sending domain `\(domain.value)`: \(problem.message)",
                    at: domain.range, help: problem.help)
            } else {
                domains.append(domain.value.lowercased())
            }
        }
        for sender in manifest.senders {
            let who = "sender `\(sender.id.value)`"
            if let name = sender.name {
                HeaderValueRules.check(name, field: "display name of \(who)", into: &bag)
                checkDisplayName(name, of: who, into: &bag)
            }
            if let address = sender.address {
                if let problem = EmailAddress.problem(with: address.value) {
                    bag.report(
                        .invalidAddress, "invalid From address `\(address.value)` of \(who): \(problem.message)",
                        at: address.range, help: problem.help)
                } else if let domain = EmailAddress.domain(of: address.value), !domains.isEmpty,
                    !domains.contains(domain)
                {
                    let list = domains.map { "`\($0)`" }.joined(separator: ", ")
                    bag.report(
                        .unverifiedFromDomain,
                        "the From domain `\(domain)` of \(who) is not a sending domain",
                        at: address.range,
                        notes: manifest.sendingDomains.first.map {
                            [DiagnosticNote("the sending domains are declared here", at: $0.range)]
                        } ?? [],
                        help:
                            "send from an address at \(list), or add `\(domain)` to `sending_domains` once it is verified (SPF, DKIM, DMARC)"
                    )
                }
            }
            if let replyTo = sender.replyTo {
                if let problem = EmailAddress.problem(with: replyTo.value) {
                    bag.report(
                        .invalidAddress, "invalid Reply-To address `\(replyTo.value)` of \(who): \(problem.message)",
                        at: replyTo.range, help: problem.help)
                } else if EmailAddress.isNoReply(replyTo.value) {
                    bag.report(
                        .noreplyReplyTo, "the Reply-To of \(who) is a no-reply address `\(replyTo.value)`",
                        at: replyTo.range,
                        help: "give a mailbox someone reads: contacts who answer should reach a person")
                }
            }
        }
    }
}

extension SenderRules {
    /// The valid domains the workspace names, in source order, for AM506.
    static func lookAlikeCandidates(_ manifest: Manifest) -> [LookAlikeDomains.Occurrence] {
        var found: [LookAlikeDomains.Occurrence] = []
        for domain in manifest.sendingDomains where EmailAddress.problem(withDomain: domain.value) == nil {
            found.append(.init(domain: domain.value, range: domain.range, role: "sending domain"))
        }
        for sender in manifest.senders {
            for (address, role) in [(sender.address, "From domain"), (sender.replyTo, "Reply-To domain")] {
                guard let address, EmailAddress.problem(with: address.value) == nil,
                    let domain = EmailAddress.domain(of: address.value)
                else { continue }
                found.append(
                    .init(domain: domain, range: address.range, role: "\(role) of sender `\(sender.id.value)`"))
            }
        }
        return found
    }
}

extension SenderRules {
    /// AM507: a display name that holds `@`, `<` or `>` shows the reader an address that is not the
    /// sender's (`"Support <security@bank.example>" <team@example.org>`), a classic phishing trick.
    static func checkDisplayName(_ name: Located<String>, of who: String, into bag: inout DiagnosticBag) {
        // A name with a line break already has its (graver) header-injection error.
        guard HeaderValueRules.firstControl(in: name.value) == nil else { return }
        if let word = HeaderValueRules.encodedWord(in: name.value) {
            bag.report(
                .addressInDisplayName,
                "the display name of \(who) contains the RFC 2047 encoded word `\(word)`, which mail clients decode and show instead",
                at: name.range,
                help:
                    "write the name as it should read (`Équipe Lyon`): automail encodes non-ASCII names itself, and an encoded word can hide an address"
            )
            return
        }
        guard
            let offending = name.value.first(where: { $0 == "@" || $0 == "<" || $0 == ">" })
        else { return }
        bag.report(
            .addressInDisplayName, "the display name of \(who) contains `\(offending)`, so it reads like an address",
            at: name.range,
            help:
                "write a plain name (`Lyon en commun`): mail clients show the display name, and an address in it hides the real sender"
        )
    }
}

/// Header injection: a value that ends up in an email header must be one line of printable text.
enum HeaderValueRules {
    /// Reports AM503 when `value` holds CR, LF or another control character.
    static func check(_ value: Located<String>, field: String, into bag: inout DiagnosticBag) {
        if let (_, scalar) = HiddenCharacters.problem(inHeaderValue: value.value) {
            bag.report(
                .hiddenCharacter, "the \(field) contains an invisible character, \(HiddenCharacters.describe(scalar))",
                at: value.range, help: "delete it: it hides text from reviewers and from mail filters")
        }
        guard let (offset, scalar) = firstControl(in: value.value) else { return }
        let name: String
        switch scalar {
        case "\r": name = "a carriage return (CR)"
        case "\n": name = "a line feed (LF)"
        default: name = "the control character U+\(String(scalar.value, radix: 16, uppercase: true))"
        }
        _ = offset
        bag.report(
            .headerInjection, "the \(field) contains \(name)", at: value.range,
            help: "write it on one line: a line break in a header value can inject headers into the email")
    }

    /// The first RFC 2047 encoded word of `text` (`=?charset?B|Q?…?=`, as mail clients decode it), `nil`
    /// when none: a header value is written as it reads, and automail encodes it when it sends.
    static func encodedWord(in text: String) -> String? {
        // A quick "no" on bytes: Foundation's search finds `=?` only where its two bytes follow each other
        // (neither scalar has another form), and is a third of a subject's checks without it.
        var previousIsEquals = false
        guard
            text.utf8.contains(where: { byte in
                defer { previousIsEquals = byte == UInt8(ascii: "=") }
                return previousIsEquals && byte == UInt8(ascii: "?")
            })
        else { return nil }
        guard let start = text.range(of: "=?") else { return nil }
        let rest = text[start.upperBound...]
        let parts = rest.split(separator: "?", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[1].count == 1, "BbQq".contains(parts[1]),
            let end = parts[2].range(of: "?=")
        else { return nil }
        return String(text[start.lowerBound..<end.upperBound])
    }

    /// The first control character in `text` (C0, DEL, C1, U+2028/2029) and its scalar offset.
    static func firstControl(in text: String) -> (Int, Unicode.Scalar)? {
        for (i, scalar) in text.unicodeScalars.enumerated() {
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: return (i, scalar)
            default: continue
            }
        }
        return nil
    }
}
