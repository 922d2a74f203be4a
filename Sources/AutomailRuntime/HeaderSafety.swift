/// Why a rendered message must not be sent: a value that goes into its header section could add a
/// header, break one, or hide what the reader sees (docs/bundle-format.md, "What a header may hold").
/// Each case has the refusal code of the evaluation (``code``).
public enum UnsafeMessage: Error, Sendable, Hashable, CustomStringConvertible {
    /// `invalid_address`: the contact's `email` is not an addr-spec.
    case invalidAddress(String)
    /// `invalid_unsubscribe_url`: the contact's `unsubscribe_url` is not an absolute `https` URI.
    case invalidUnsubscribeURL(String)
    /// `unsafe_header`: a rendered header value (`field`: `subject`, `to.name` or a header name) holds a
    /// character a header must not hold, at this scalar offset.
    case unsafeHeader(field: String, offset: Int, scalar: UInt32)

    /// The refusal code: `invalid_address`, `invalid_unsubscribe_url` or `unsafe_header`.
    public var code: String {
        switch self {
        case .invalidAddress: "invalid_address"
        case .invalidUnsubscribeURL: "invalid_unsubscribe_url"
        case .unsafeHeader: "unsafe_header"
        }
    }

    /// A one-line description; values are shown escaped (`\n`, `\u{202E}`), never raw.
    public var description: String {
        switch self {
        case .invalidAddress(let address):
            return
                "the contact's address `\(HeaderSafety.escaped(address))` is not an addr-spec (local@domain): nothing is sent"
        case .invalidUnsubscribeURL(let url):
            return
                "the contact's `unsubscribe_url` `\(HeaderSafety.escaped(url))` is not an absolute https URI: nothing is sent"
        case .unsafeHeader(let field, let offset, let scalar):
            let code = String(scalar, radix: 16, uppercase: true)
            let padded = String(repeating: "0", count: max(0, 4 - code.count)) + code
            return
                "the rendered `\(field)` holds U+\(padded) at offset \(offset), which a header must not hold: nothing is sent"
        }
    }
}

/// What a value may hold to go into a message's header section: the rules of docs/bundle-format.md
/// ("What a header may hold"), applied by the evaluation and by `automail preview` before anything is
/// written, so nothing from a contact adds a header, breaks one or hides text in one.
public enum HeaderSafety {
    /// Whether `scalar` may not appear in a header value: C0 controls (CR, LF and TAB included), DEL and
    /// C1 controls, the line and paragraph separators, and the format characters that hide or reorder
    /// text (bidirectional marks, embeddings, overrides and isolates, zero-width and invisible
    /// characters, Hangul fillers, the soft hyphen, tag characters). ZWJ and ZWNJ are allowed: names
    /// and emoji need them.
    public static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F,  // C0, DEL, C1
            0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x180E,
            0x200B, 0x200E, 0x200F,
            0x2028, 0x2029,  // line and paragraph separators
            0x202A...0x202E, 0x2060...0x2064, 0x2066...0x206F,
            0x3164, 0xFEFF, 0xFFA0,
            0xE0000...0xE007F:  // tag characters
            return true
        default:
            return false
        }
    }

    /// The first forbidden scalar of `value` and its offset, `nil` when it may go into a header.
    public static func firstForbidden(in value: String) -> (offset: Int, scalar: Unicode.Scalar)? {
        for (offset, scalar) in value.unicodeScalars.enumerated() where isForbidden(scalar) {
            return (offset, scalar)
        }
        return nil
    }

    /// Whether `address` is an addr-spec a message may be sent to: `local@domain`, at most 254 code
    /// points; `local` (at most 64) is dot-atoms of ASCII letters, digits and ``!#$%&'*+-/=?^_`{|}~`` or
    /// non-ASCII characters; `domain` is labels of 1 to 63 ASCII letters, digits and `-` (not first or
    /// last) or non-ASCII characters, separated by single dots. Non-ASCII means a code point from U+00A0
    /// that is neither forbidden (``isForbidden(_:)``) nor a space (U+00A0, U+1680, U+2000–U+200A,
    /// U+202F, U+205F, U+3000).
    public static func isAddress(_ address: String) -> Bool {
        let scalars = Array(address.unicodeScalars)
        guard scalars.count <= 254, let at = scalars.firstIndex(of: "@"), scalars.lastIndex(of: "@") == at else {
            return false
        }
        let local = scalars[..<at]
        let domain = scalars[(at + 1)...]
        guard (1...64).contains(local.count), !domain.isEmpty else { return false }
        let atext = Set("!#$%&'*+-/=?^_`{|}~".unicodeScalars)
        for atom in local.split(separator: ".", omittingEmptySubsequences: false) {
            guard !atom.isEmpty,
                atom.allSatisfy({ isASCIIAlphanumeric($0) || atext.contains($0) || isOtherCharacter($0) })
            else { return false }
        }
        for label in domain.split(separator: ".", omittingEmptySubsequences: false) {
            guard (1...63).contains(label.count), label.first != "-", label.last != "-",
                label.allSatisfy({ isASCIIAlphanumeric($0) || $0 == "-" || isOtherCharacter($0) })
            else { return false }
        }
        return true
    }

    /// Whether `url` is an unsubscribe link a header may carry: an absolute URI with the scheme `https`
    /// (any case), an authority with a host and no user information (no `@`), made only of RFC 3986
    /// characters (ASCII letters, digits, ``-._~:/?#[]@!$&'()*+,;=``, and `%` followed by two hex
    /// digits). So no space, `<`, `>`, `"`, control or non-ASCII character.
    public static func isUnsubscribeURL(_ url: String) -> Bool {
        let scalars = Array(url.unicodeScalars)
        let prefix = Array("https://".unicodeScalars)
        guard scalars.count > prefix.count,
            zip(scalars, prefix).allSatisfy({ lowercased($0) == $1 })
        else { return false }
        let allowed = Set("-._~:/?#[]@!$&'()*+,;=".unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "%" {
                guard index + 2 < scalars.count, isHexDigit(scalars[index + 1]), isHexDigit(scalars[index + 2]) else {
                    return false
                }
                index += 3
                continue
            }
            guard isASCIIAlphanumeric(scalar) || allowed.contains(scalar) else { return false }
            index += 1
        }
        let rest = scalars[prefix.count...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@") else { return false }
        let host = authority.prefix { $0 != ":" }
        return !host.isEmpty
    }

    /// Checks the contact's address and unsubscribe link, before rendering.
    public static func checkContact(address: String, unsubscribeURL: String) throws(UnsafeMessage) {
        guard isAddress(address) else { throw .invalidAddress(address) }
        guard isUnsubscribeURL(unsubscribeURL) else { throw .invalidUnsubscribeURL(unsubscribeURL) }
    }

    /// Checks every rendered header value of `email`: the subject, each header in name order, then the
    /// To display name.
    public static func checkHeaders(of email: RenderedEmail) throws(UnsafeMessage) {
        var values: [(String, String)] = [("subject", email.subject)]
        values += email.headers.map { ($0.name, $0.value) }
        values.append(("to.name", email.to.name))
        for (field, value) in values {
            if let found = firstForbidden(in: value) {
                throw .unsafeHeader(field: field, offset: found.offset, scalar: found.scalar.value)
            }
        }
    }

    /// `text` with forbidden scalars written as `\n`, `\r`, `\t` or `\u{XXXX}`: how messages show a value.
    public static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\\": out += "\\\\"
            default:
                if isForbidden(scalar) {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    private static func isASCIIAlphanumeric(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
    }

    private static func isHexDigit(_ s: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(s) || ("a"..."f").contains(s) || ("A"..."F").contains(s)
    }

    private static func lowercased(_ s: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(s) ? Unicode.Scalar(s.value + 0x20) ?? s : s
    }

    /// A non-ASCII character an address may hold.
    private static func isOtherCharacter(_ s: Unicode.Scalar) -> Bool {
        guard s.value >= 0xA0, !isForbidden(s) else { return false }
        switch s.value {
        case 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: return false
        default: return true
        }
    }
}
