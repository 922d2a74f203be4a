import TestSupport
import Testing

@testable import MailRendering

/// The link hook's quick ways against what they replaced (the definitions, kept here): the rebuilt `<a>` of a
/// safe link that keeps the writer's title (`MarkdownConversion.linkKeepingTitle(ofHTML:url:)`).
struct LinkRewriteDifferentialTests {
    /// The `<a>` `rewriteLink` built of a safe link before `linkKeepingTitle(ofHTML:url:)`: the definition.
    static func definitionLink(ofHTML html: String, url: Substring, text: Substring) -> String {
        let href = HTMLEscaper.escape(.attribute, MarkdownConversion.trimmingSpacesAndTabs(url))
        let title = MarkdownConversion.linkTitle(ofHTML: html, url: url) ?? HTMLEscaper.escape(.text, text)
        return "<a href=\"\(href)\">\(title)</a>"
    }

    /// URLs with spaces, tabs and escaped bytes at either end or inside, near misses of the writer's HTML, and
    /// non-simple text (a combining mark, `\r\n`) on either side.
    @Test func linkKeepingTitleAgreesWithTheDefinition() {
        var generator = SplitMix64(state: 0x11C29)
        let urlPieces = [
            "https://a.example/", "x", "?a=1", "&b=2", "<", ">", "\"", "'", " ", "\t", "é", "e\u{301}", "\u{301}",
            "\r\n", "LQQZ0X", "%20",
        ]
        let pieces = ["<a href=\"", "\">", "</a>", "<", ">", "a", "&amp;", "\u{301}", "\r\n", "é", "👍🏽", "\"", " "]
        var kept = 0
        for _ in 0..<8_000 {
            let url = generator.string(urlPieces, upTo: 5)
            let written = generator.next(5) == 0 ? generator.string(urlPieces, upTo: 4) : url
            let title = generator.string(pieces, upTo: 5)
            let html: String
            switch generator.next(5) {
            case 0: html = generator.string(pieces, upTo: 8)
            case 1: html = "<a href=\"" + written + "\">" + title
            default: html = "<a href=\"" + written + "\">" + title + "</a>" + (generator.next(8) == 0 ? "\u{301}" : "")
            }
            let substring = Substring(url)
            let text = Substring(title)
            guard let link = MarkdownConversion.linkKeepingTitle(ofHTML: html, url: substring) else { continue }
            kept += 1
            #expect(
                link == Self.definitionLink(ofHTML: html, url: substring, text: text),
                "\(html.debugDescription) \(url.debugDescription)")
        }
        // The quick way is taken often enough for the comparison to mean something.
        #expect(kept > 1_000)
    }
}
