@testable import AutoMail
import Testing

struct EmailAddressTests {
    @Test(arguments: [
        "team@example.org", "first.last+tag@mail.example.co.uk", "o'brien@example.org", "x@xn--bcher-kva.example",
    ])
    func acceptsDotAtomAddresses(_ address: String) {
        #expect(EmailAddress.problem(with: address) == nil)
    }

    @Test(arguments: [
        ("", "the address is empty"),
        ("team@@example.org", "the address has more than one `@`"),
        ("team.example.org", "the address has no `@`"),
        ("Team <team@example.org>", "the address contains a display name or angle brackets"),
        ("<team@example.org>", "the address contains a display name or angle brackets"),
        ("team(comment)@example.org", "the address contains a comment"),
        ("\"team\"@example.org", "the address has a quoted local part"),
        ("team@[192.0.2.1]", "the address uses an IP-literal domain"),
        (".team@example.org", "the local part has a leading, trailing or doubled `.`"),
        ("te..am@example.org", "the local part has a leading, trailing or doubled `.`"),
        ("team@bücher.example", "the domain `bücher.example` is not ASCII"),
        ("team@localhost", "the domain `localhost` has no dot"),
        ("team@-bad.example", "a label of `-bad.example` starts or ends with `-`"),
        ("team@example..org", "the domain `example..org` has an empty label"),
        ("team@example.org\r\nBcc: x@y.z", "the address contains whitespace or control characters"),
        ("team@192.0.2.1", "the domain `192.0.2.1` ends with a numeric label"),
    ])
    func refusesWithAPreciseReason(_ address: String, _ message: String) {
        #expect(EmailAddress.problem(with: address)?.message == message)
    }

    @Test func noReplyDetection() {
        #expect(EmailAddress.isNoReply("noreply@example.org"))
        #expect(EmailAddress.isNoReply("no-reply@example.org"))
        #expect(EmailAddress.isNoReply("Do-Not-Reply@example.org"))
        #expect(!EmailAddress.isNoReply("contact@example.org"))
    }
}

/// The domains RFC 2606 and RFC 6761 reserve for examples and tests (AM508), and only those.
struct ReservedDomainsTests {
    @Test(arguments: [
        "example", "example.org", "EXAMPLE.COM", "example.net.", "news.example.org", "a.b.example.com",
        "lyon.test", "campaign.example", "mail.invalid", "localhost", "app.localhost",
    ])
    func reserved(_ domain: String) {
        #expect(ReservedDomains.isReserved(domain))
    }

    @Test(arguments: [
        "lyon-en-commun.fr", "example-lyon.fr", "myexample.org", "example.org.fr", "testing.fr", "examples.com",
        "invalid.fr", "localhost.fr", "",
    ])
    func notReserved(_ domain: String) {
        #expect(!ReservedDomains.isReserved(domain))
    }

    @Test func theHostOfAURL() {
        #expect(ReservedDomains.host(ofURL: "https://example.org/privacy") == "example.org")
        #expect(ReservedDomains.host(ofURL: "HTTP://user:pw@www.Example.com:8443/x?y#z") == "www.Example.com")
        #expect(ReservedDomains.host(ofURL: "https://lyon.fr?x=example.org") == "lyon.fr")
        #expect(ReservedDomains.host(ofURL: "mailto:a@example.org") == nil)
        #expect(ReservedDomains.host(ofURL: "https://") == nil)
    }
}
