import BundleModel
import Crypto

/// Writes a ``RenderedEmail`` as a complete RFC 5322 message: `multipart/alternative` with a
/// `text/plain` then a `text/html` part, both UTF-8 and quoted-printable; the subject and non-ASCII
/// display names as RFC 2047 encoded words; CRLF line ends; lines of at most 76 characters.
///
/// Pure and deterministic: the `Date` is an input (the CLI passes the clock, tests a fixed value). The
/// `Message-ID` identifies one send (``messageID(digest:trigger:address:sendAt:from:)``, given by the
/// caller); without one it derives from a SHA-256 of the content and the date. The MIME boundary derives
/// from the content. Header values never hold a line break or a control character: the evaluation
/// refuses such messages (``HeaderSafety``), and the writer replaces any that reaches it by a space.
public enum EMLWriter {
    /// The message bytes. `date` is seconds since the Unix epoch, written in UTC; `messageID` is the
    /// `Message-ID` without its angle brackets (`nil`: derived from the content and `date`).
    public static func write(_ email: RenderedEmail, date: Int, messageID: String? = nil) -> [UInt8] {
        let hash = contentHash(email)
        let identifier =
            messageID.map(singleLine)
            ?? "\(sha256Hex(hash + "\u{0}" + String(date)).prefix(32))@\(domain(of: email.from.address))"
        let boundary = "=_automail_" + hash.prefix(24)
        var lines: [String] = []
        lines.append("Date: " + rfc5322Date(date))
        lines.append(fold("From: " + mailbox(email.from)))
        if let replyTo = email.replyTo { lines.append("Reply-To: " + singleLine(replyTo)) }
        lines.append(fold("To: " + mailbox(email.to)))
        lines.append(fold("Subject: " + encodedWords(singleLine(email.subject), prefixLength: "Subject: ".count)))
        lines.append("Message-ID: <\(identifier)>")
        lines.append("MIME-Version: 1.0")
        for header in email.headers { lines.append(fold(singleLine(header.name) + ": " + singleLine(header.value))) }
        lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
        lines.append("")
        lines.append("This is a multi-part message in MIME format.")
        lines.append("")
        // The CRLF before a boundary belongs to the boundary, so a part's last line ends right there.
        for (type, body) in [("text/plain", email.text), ("text/html", email.html)] {
            lines.append("--" + boundary)
            lines.append("Content-Type: \(type); charset=utf-8")
            lines.append("Content-Transfer-Encoding: quoted-printable")
            lines.append("")
            lines.append(quotedPrintable(body))
        }
        lines.append("--" + boundary + "--")
        lines.append("")
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    /// The `Message-ID` of one send (docs/bundle-format.md, "Rendering"): the first 32 hex digits of the
    /// SHA-256 of the bundle digest, the trigger, the To address and the send time (RFC 3339, UTC),
    /// joined by NUL, then `@` and the From address's domain. The same email sent to the same contact
    /// at another time gets another one; the same send always gets the same.
    public static func messageID(digest: String, trigger: String, address: String, sendAt: Timestamp, from: String)
        -> String
    {
        let material = [digest, trigger, address, sendAt.description].joined(separator: "\u{0}")
        return "\(sha256Hex(material).prefix(32))@\(domain(of: from))"
    }

    /// The right of the last `@` of `address`, `automail.invalid` when there is none.
    static func domain(of address: String) -> String {
        guard address.contains("@"), let last = address.split(separator: "@").last else { return "automail.invalid" }
        return singleLine(String(last))
    }

    /// The lowercase hex SHA-256 of everything the message shows.
    static func contentHash(_ email: RenderedEmail) -> String {
        var material = [
            email.template, email.locale, email.from.address, email.to.address, email.subject, email.text,
            email.html,
        ]
        material += email.headers.map { $0.name + ":" + $0.value }
        return sha256Hex(material.joined(separator: "\u{0}"))
    }

    static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { byte in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }

    /// `value` with every character a header must not hold as a control (C0, DEL, C1, line and paragraph
    /// separators) replaced by a space: the last guard against a header that adds another.
    static func singleLine(_ value: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: out.append(" ")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// `Name <address>`, the name quoted or encoded as needed; just the address without a name.
    static func mailbox(_ mailbox: Mailbox) -> String {
        let mailbox = Mailbox(name: singleLine(mailbox.name), address: singleLine(mailbox.address))
        guard !mailbox.name.isEmpty else { return mailbox.address }
        let name: String
        if mailbox.name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }), !mailbox.name.contains("=?")
        {
            let atext = mailbox.name.unicodeScalars.allSatisfy {
                ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0)
                    || " !#$%&'*+-/=?^_`{|}~".unicodeScalars.contains($0)
            }
            name = atext ? mailbox.name : "\"" + mailbox.name.replacingBackslashAndQuote() + "\""
        } else {
            name = encodedWords(mailbox.name, prefixLength: 6)
        }
        return name + " <" + mailbox.address + ">"
    }

    /// `text` as RFC 2047 `=?UTF-8?B?…?=` words separated by folding whitespace when it is not printable
    /// ASCII or holds `=?` (which a client would decode: a value from a contact that looks like an encoded
    /// word is encoded, so it shows as written), else unchanged. Words never split a character and stay
    /// within 76 characters.
    static func encodedWords(_ text: String, prefixLength: Int) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }), !text.contains("=?") { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            // 42 bytes -> 56 base64 characters + 12 of `=?UTF-8?B??=`: 68, 77 after `Subject: `.
            if chunk.count + bytes.count > 42, !chunk.isEmpty {
                words.append("=?UTF-8?B?" + base64(chunk) + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + base64(chunk) + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Folds a header line longer than 78 characters at spaces (never inside an encoded word).
    static func fold(_ line: String) -> String {
        guard line.count > 78, !line.contains("\r\n") else { return line }
        var result = ""
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty, current.count + 1 + word.count > 78 {
                result += current + "\r\n"
                current = " " + word
            } else {
                current += (current.isEmpty ? "" : " ") + word
            }
        }
        return result + current
    }

    /// RFC 2045 quoted-printable of UTF-8 `text`, `\n` line ends written as CRLF.
    static func quotedPrintable(_ text: String) -> String {
        var out: [String] = []
        let normalized = text.replacingCRLF()
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            let bytes = Array(line.utf8)
            var encoded: [String] = []
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                let printable = (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !isLast)
                // A leading `.` or `From ` is harmless in MIME, but some transports mangle them.
                let risky = index == 0 && byte == 46
                encoded.append(printable && !risky ? String(UnicodeScalar(byte)) : "=" + hex(byte))
            }
            var current = ""
            for piece in encoded {
                if current.count + piece.count > 75 {
                    out.append(current + "=")
                    current = ""
                }
                current += piece
            }
            out.append(current)
        }
        return out.joined(separator: "\r\n")
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    /// Standard base64 with padding.
    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var index = 0
        while index < bytes.count {
            let b0 = Int(bytes[index])
            let b1 = index + 1 < bytes.count ? Int(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? Int(bytes[index + 2]) : 0
            out.append(alphabet[b0 >> 2])
            out.append(alphabet[((b0 & 0x03) << 4) | (b1 >> 4)])
            out.append(index + 1 < bytes.count ? alphabet[((b1 & 0x0F) << 2) | (b2 >> 6)] : "=")
            out.append(index + 2 < bytes.count ? alphabet[b2 & 0x3F] : "=")
            index += 3
        }
        return out
    }

    /// `Thu, 01 Jan 1970 00:00:00 +0000` for `seconds` since the epoch.
    public static func rfc5322Date(_ seconds: Int) -> String {
        let c = Timestamp.civil(seconds)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(weekdays[c.weekday]), \(Timestamp.digits(c.day, 2)) \(months[c.month - 1]) \(c.year) "
            + "\(Timestamp.digits(c.hour, 2)):\(Timestamp.digits(c.minute, 2)):\(Timestamp.digits(c.second, 2)) +0000"
    }
}

extension String {
    fileprivate func replacingBackslashAndQuote() -> String {
        var out = ""
        for c in self {
            if c == "\\" || c == "\"" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    fileprivate func replacingCRLF() -> String {
        var out = String.UnicodeScalarView()
        var previousCR = false
        for scalar in unicodeScalars {
            if scalar == "\r" {
                out.append("\n")
                previousCR = true
                continue
            }
            if scalar == "\n" && previousCR {
                previousCR = false
                continue
            }
            previousCR = false
            out.append(scalar)
        }
        return String(out)
    }
}
