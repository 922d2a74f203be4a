import Liquid
import TestSupport
import Testing

@testable import MailRendering

/// The link hook's quick ways against what they replaced (the definitions, kept here): the rebuilt `<a>` of a
/// safe link that keeps the writer's title (`MarkdownConversion.linkKeepingTitle(ofHTML:url:)`), and the quick
/// "no issue" of a plain safe target (`MarkdownConversion.isPlainSafeURL(_:document:)`), and a link's pieces read
/// on bytes (`MarkdownConversion.inlineLinkScan(_:isImage:)`); and the placeholders replaced as the byte scan finds
/// them (`ProtectedMarkdown.replacingTokens`).
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
            let (url, title, html) = generator.anchor(
                urlPieces: urlPieces, urlUpTo: 5, pieces: pieces, otherURLOneIn: 5, shapeOneIn: 5, markOneIn: 8)
            let substring = Substring(url)
            let text = Substring(title)
            guard let link = MarkdownConversion.linkKeepingTitle(ofHTML: html, url: substring) else { continue }
            kept += 1
            #expect(
                link == Self.definitionLink(ofHTML: html, url: substring, text: text),
                "\(html.debugDescription) \(url.debugDescription)")
        }
        // The quick way is taken often enough for the comparison to mean something.
        #expect(kept > 500)
    }

    /// Link targets: safe schemes in either case, near misses of them, tokens (an output, a tag, a `<`), white
    /// space, quotes, controls and non-ASCII text; `checkURL` (with its quick "no issue") against
    /// `checkURLInFull`, the definition.
    @Test func checkURLAgreesWithItsDefinition() {
        let document = ProtectedMarkdown(source: "{{ a }} {% if b %} < c {{ unsubscribe_url }}")
        var generator = SplitMix64(state: 0xC4EC)
        let heads = [
            "https://", "HTTP://", "http:/", "mailto:", "MailTo:", "ftp://", "javascript:", "", " ", "\t", "h",
        ]
        let pieces = [
            "a.example", "/", "?q=1", "&r=2", "LQQZ0X", "LQQZ1X", "LQQZ2X", "LQQZ3X", "LQQZ", " ", "\t", "\r\n", "\"",
            "'", "`", "é", "e\u{301}", "\u{1F}", "\u{7F}", "<", ">", "%20",
        ]
        var quick = 0
        for _ in 0..<8_000 {
            let url = heads[generator.next(heads.count)] + generator.string(pieces, upTo: 5)
            let substring = Substring(url)
            if MarkdownConversion.isPlainSafeURL(substring, document: document) { quick += 1 }
            #expect(
                MarkdownConversion.checkURL(substring, range: 3..<9, wholeRange: 1..<12, document: document)
                    == MarkdownConversion.checkURLInFull(
                        substring, range: 3..<9, wholeRange: 1..<12, document: document),
                "\(url.debugDescription)")
        }
        #expect(quick > 500)
    }

    /// `MarkdownConversion.linkParts` (on bytes for ASCII inline links, `inlineLinkScan`) against its stepping
    /// by Characters (the definition): the same pieces, at the same places, for every link of generated bodies.
    @Test func linkPartsAgreeWithTheCharacterDefinition() {
        var generator = SplitMix64(state: 0x1BA7)
        let pieces =
            IssuesOnlyConversionTests.pieces + [
                "[é](https://é.org/(a))", "![«\u{A0}x»](https://i.org/p(1).png)", "[t][Ref]", "[(x)](y)", "[a]((b))",
                "[a](b)", "![](c)", "[x]()", "[](y)", "(", ")", "\r\n", "[p](https://a.example/?q=(1)&r=2)",
            ]
        var inline = 0
        GeneratedLinks.forEach(bodies: 2_000, of: pieces, generator: &generator) { link in
            if case .inline = MarkdownConversion.inlineLinkScan(link.markdown, isImage: link.isImage) { inline += 1 }
            GeneratedLinks.expectSameParts(link.parts(), link.parts(byScalars: false), source: link.source)
        }
        #expect(inline > 500)
    }

    /// `ProtectedMarkdown.replacingTokens` (appending as the byte scan finds the tokens) against
    /// `replacingTokensByTokenList` (the definition), on text with tokens, near misses and non-ASCII neighbours.
    @Test func replacingTokensAgreesWithTheTokenList() {
        let document = ProtectedMarkdown(source: "{{ a }} {% if b %} < c <https://d.example> {{ e }}")
        var generator = SplitMix64(state: 0x7E9)
        let pieces = [
            "LQQZ0X", "LQQZ1X", "LQQZ2X", "LQQZ3X", "LQQZ4X", "LQQZ5X", "LQQZ9X", "LQQZ", "LQQZ1", "X", "<p>", "a", " ",
            "é", "\u{301}", "\r\n", "👍🏽",
        ]
        for _ in 0..<6_000 {
            let text = generator.string(pieces, upTo: 9)
            let replace: (ProtectedMarkdown.Placeholder) -> String = { "[" + $0.source + "|" + $0.token + "]" }
            #expect(
                document.replacingTokens(in: text, replace) == document.replacingTokensByTokenList(in: text, replace),
                "\(text.debugDescription)")
            let sliced = Substring(text).dropFirst(generator.next(3))
            #expect(
                document.replacingTokens(in: sliced, replace)
                    == document.replacingTokensByTokenList(in: sliced, replace), "\(text.debugDescription)")
        }
    }
}
