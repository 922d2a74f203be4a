/// Validation of email addresses and domains as automail accepts them.
///
/// automail accepts the RFC 5321/5322 `addr-spec` in its dot-atom form only: no display name, no
/// angle brackets, no comments, no quoted local part, no IP-literal domain. Those forms are legal
/// somewhere but mail systems disagree on them, and they are the usual vehicles of header tricks.
/// Domains are ASCII host names (internationalised domains written in punycode, `xn--…`).
public enum EmailAddress {
    /// Why an address or a domain is refused.
    public struct Problem: Sendable, Hashable {
        /// What is wrong, lowercase.
        public var message: String
        /// How to fix it.
        public var help: String
    }

    /// The problem with `address`, or `nil` when it is a valid dot-atom addr-spec.
    public static func problem(with address: String) -> Problem? {
        if address.isEmpty {
            return Problem(message: "the address is empty", help: "write an address such as `team@example.org`")
        }
        if address.contains("<") || address.contains(">") {
            return Problem(
                message: "the address contains a display name or angle brackets",
                help: "write only the address (`team@example.org`); put the display name in `name`")
        }
        if address.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }) {
            return Problem(
                message: "the address contains whitespace or control characters",
                help: "write the bare address, without spaces or line breaks")
        }
        if address.contains("(") || address.contains(")") {
            return Problem(
                message: "the address contains a comment",
                help: "remove the parenthesised comment: mail systems disagree on comments in addresses")
        }
        if address.contains("\"") {
            return Problem(
                message: "the address has a quoted local part",
                help: "use a local part made of letters, digits and `.` `_` `-` `+`")
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            return Problem(
                message: parts.count < 2 ? "the address has no `@`" : "the address has more than one `@`",
                help: "write one address of the form `local@domain`")
        }
        let local = String(parts[0])
        let domain = String(parts[1])
        if local.isEmpty {
            return Problem(message: "the address has an empty local part", help: "write something before the `@`")
        }
        if local.utf8.count > 64 {
            return Problem(message: "the local part is longer than 64 characters", help: "shorten the part before `@`")
        }
        if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") {
            return Problem(
                message: "the local part has a leading, trailing or doubled `.`",
                help: "remove the extra dots before the `@`")
        }
        if let bad = local.unicodeScalars.first(where: { !isAtext($0) && $0 != "." }) {
            return Problem(
                message: "the local part contains `\(bad)`, which an unquoted address cannot hold",
                help: "use letters, digits and `.` `_` `-` `+` before the `@`")
        }
        if domain.hasPrefix("[") {
            return Problem(
                message: "the address uses an IP-literal domain",
                help: "use a domain name: mail systems and DMARC do not align IP literals")
        }
        if let domainProblem = problem(withDomain: domain) {
            return domainProblem
        }
        return nil
    }

    /// The problem with `domain` as a host name, or `nil` when it is a valid lowercase-insensitive
    /// ASCII domain with at least two labels.
    public static func problem(withDomain domain: String) -> Problem? {
        if domain.isEmpty {
            return Problem(message: "the domain is empty", help: "write a domain such as `example.org`")
        }
        if domain.unicodeScalars.contains(where: { !$0.isASCII }) {
            return Problem(
                message: "the domain `\(domain)` is not ASCII",
                help: "write internationalised domains in punycode (`xn--…`), as DNS and mail headers carry them")
        }
        if domain.utf8.count > 253 {
            return Problem(message: "the domain is longer than 253 characters", help: "use a shorter domain")
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else {
            return Problem(
                message: "the domain `\(domain)` has no dot",
                help: "use a fully qualified domain such as `example.org`")
        }
        for label in labels {
            if label.isEmpty {
                return Problem(
                    message: "the domain `\(domain)` has an empty label",
                    help: "remove the leading, trailing or doubled `.`")
            }
            if label.utf8.count > 63 {
                return Problem(
                    message: "a label of `\(domain)` is longer than 63 characters", help: "use shorter labels")
            }
            if label.hasPrefix("-") || label.hasSuffix("-") {
                return Problem(
                    message: "a label of `\(domain)` starts or ends with `-`",
                    help: "host-name labels cannot start or end with a hyphen")
            }
            if label.unicodeScalars.contains(where: { !isLetterDigitHyphen($0) }) {
                return Problem(
                    message: "the domain `\(domain)` contains characters a host name cannot hold",
                    help: "use letters, digits and `-` in each label")
            }
        }
        if let last = labels.last, last.allSatisfy({ $0.isNumber }) {
            return Problem(
                message: "the domain `\(domain)` ends with a numeric label",
                help: "use a domain name, not an IP address")
        }
        return nil
    }

    /// The domain part of a valid address, lowercased.
    public static func domain(of address: String) -> String? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        return String(address[address.index(after: at)...]).lowercased()
    }

    /// The local part of an address, lowercased.
    public static func localPart(of address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return address.lowercased() }
        return String(address[..<at]).lowercased()
    }

    /// Whether `address` looks like a no-reply mailbox (`noreply`, `no-reply`, `donotreply`, …).
    public static func isNoReply(_ address: String) -> Bool {
        let local = localPart(of: address).filter { $0.isLetter }
        return local.hasPrefix("noreply") || local.hasPrefix("donotreply") || local == "nepasrepondre"
    }

    private static func isAtext(_ s: Unicode.Scalar) -> Bool {
        if isLetterDigitHyphen(s) { return true }
        return "!#$%&'*+/=?^_`{|}~".unicodeScalars.contains(s)
    }

    private static func isLetterDigitHyphen(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D: return true
        default: return false
        }
    }
}
