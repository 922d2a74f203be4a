import BundleModel
import Testing

@testable import AutomailRuntime

/// ``HeaderSafety``: what docs/bundle-format.md ("What a header may hold") lets into a header.
@Suite struct HeaderSafetyTests {
    static let addressCases: [(String, Bool)] = [
        ("camille@example.org", true), ("sam+tag@example.org", true), ("o'brien@example.org", true),
        ("zoë.lefèvre@exämple.org", true), ("a.b.c@sub.example.org", true), ("a@localhost", true),
        ("camille@example.org\r\nBcc: evil@example.com", false), ("camille@example.org\nBcc: x@y.z", false),
        ("sam@example.org>, evil@example.com", false), ("a b@example.org", false), (" a@example.org", false),
        ("a..b@example.org", false), (".a@example.org", false), ("@example.org", false), ("a@", false),
        ("a@b@example.org", false), ("a@-example.org", false), ("a@example-.org", false), ("a@example..org", false),
        ("\"a\"@example.org", false), ("a(comment)@example.org", false), ("a@[192.0.2.1]", false),
        ("a\u{202E}b@example.org", false), ("a\u{00A0}b@example.org", false),
        (String(repeating: "x", count: 65) + "@example.org", false), ("", false),
        // Code points are counted, not characters: a combining mark after `@` (one character with it) is an
        // other character of the domain, as the specification says (found by the event fuzzer).
        ("sam@\u{07AD}e.org", true), ("sam\u{0301}@example.org", true),
    ]

    @Test(arguments: addressCases.indices)
    func addresses(_ index: Int) {
        let (address, valid) = Self.addressCases[index]
        #expect(HeaderSafety.isAddress(address) == valid, "\(address.debugDescription)")
    }

    static let linkCases: [(String, Bool)] = [
        ("https://example.org/u?c=1&sig=2", true), ("HTTPS://Example.org:8443/u#top", true),
        ("https://example.org/u?n='2'&x=%223%22", true), ("https://example.org", true),
        ("http://example.org/u", false), ("mailto:stop@example.org", false), ("https://", false),
        ("https:///u", false), ("https://:443/u", false), ("https://user@example.org/u", false),
        ("https://example.org/u?c=1\r\nX-Injected: 1", false), ("https://example.org/u\n", false),
        ("https://example.org/u>, <https://evil.example/", false), ("https://example.org/<u>", false),
        ("https://example.org/u?x=\"3\"", false), ("https://example.org/ü", false), ("https://example.org/a b", false),
        ("https://example.org/u?x=%2", false), ("https://example.org/u?x=%zz", false), ("", false),
    ]

    @Test(arguments: linkCases.indices)
    func unsubscribeLinks(_ index: Int) {
        let (url, valid) = Self.linkCases[index]
        #expect(HeaderSafety.isUnsubscribeURL(url) == valid, "\(url.debugDescription)")
    }

    @Test func headerValuesHoldNoControlOrHidingCharacter() {
        for forbidden: Unicode.Scalar in [
            "\r", "\n", "\t", "\u{0}", "\u{7F}", "\u{85}", "\u{2028}", "\u{202E}", "\u{2066}",
            "\u{200B}", "\u{FEFF}", "\u{061C}", "\u{034F}", "\u{E0041}", "\u{00AD}",
        ] {
            #expect(HeaderSafety.isForbidden(forbidden), "U+\(String(forbidden.value, radix: 16))")
        }
        for allowed: Unicode.Scalar in ["a", " ", "é", "\u{200D}", "\u{200C}", "\u{FE0F}", "😀"] {
            #expect(!HeaderSafety.isForbidden(allowed), "U+\(String(allowed.value, radix: 16))")
        }
    }

    @Test func writerNeverBreaksAHeaderLine() {
        let email = RenderedEmail(
            template: "t", locale: "en", from: Mailbox(name: "Team", address: "team@example.org"), replyTo: nil,
            to: Mailbox(name: "Cam\r\nBcc: x@y.z", address: "c@example.org\r\nBcc: x@y.z"), subject: "Hi\nBcc: x@y.z",
            html: "<p>x</p>", text: "x",
            headers: [HeaderField(name: "List-Unsubscribe", value: "<https://e.org/u\r\nX-Injected: 1>")])
        let message = String(decoding: EMLWriter.write(email, date: 0), as: UTF8.self)
        let headers = message.components(separatedBy: "\r\n\r\n")[0]
        for line in headers.components(separatedBy: "\r\n") {
            #expect(!line.hasPrefix("Bcc:") && !line.hasPrefix("X-Injected:"), "\(line)")
        }
        #expect(!headers.contains("\n\n") && !headers.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }
}
