import TestSupport
import Testing

@testable import MailRendering

/// The scan tables and quick answers that read bytes where their definitions read characters: each must
/// give its definition's answer on generated texts mixing the characters it looks for with line breaks
/// of every kind (`\r\n`, U+0085, U+2028), multi-byte scalars and combining marks.
struct ScanTableDifferentialTests {
    /// A deterministic generator (SplitMix64), so a failure always reproduces.
    typealias Generator = SplitMix64

    static let pieces = [
        "(", ")", "((", "))", "[a](", "](x)", "\n", "\r\n", "\r", "\u{85}", "\u{2028}", "\u{2029}", "\u{0B}",
        "\u{0C}", "a", " ", "\t", "é", "\u{301}", "👍🏽", "\u{C2}", "\u{E2}", "\u{2027}", "\u{202A}", "\\(", "{%",
    ]

    /// `MailMarkdown.parenthesisTable()` (bytes) and `parenthesisTableByCharacters()` (its definition).
    @Test func parenthesisTableAgreesWithCharacterScan() {
        var generator = Generator(state: 19)
        for _ in 0..<4_000 {
            var text = ""
            for _ in 0..<generator.next(24) { text += Self.pieces[generator.next(Self.pieces.count)] }
            let markdown = MailMarkdown(text)
            #expect(markdown.parenthesisTable() == markdown.parenthesisTableByCharacters(), "\(text.debugDescription)")
        }
    }

    /// `MailMarkdown.matchingParenthesis(of:)`, filled lazily from each `(` asked about, and
    /// `parenthesisTable()` (its definition, filled whole), whatever order the `(`s are asked in.
    @Test func lazyParenthesisMatchesAgreeWithTable() {
        var generator = Generator(state: 23)
        for _ in 0..<4_000 {
            var text = ""
            for _ in 0..<generator.next(24) { text += Self.pieces[generator.next(Self.pieces.count)] }
            var markdown = MailMarkdown(text)
            let table = markdown.parenthesisTable()
            var offsets = Array(0..<markdown.end)
            // A shuffle (Fisher–Yates), or the offsets in order, or in reverse.
            switch generator.next(3) {
            case 0:
                for i in offsets.indices.reversed() where i > 0 { offsets.swapAt(i, generator.next(i + 1)) }
            case 1: offsets.reverse()
            default: break
            }
            for offset in offsets {
                let expected = table[offset] >= 0 ? Int(table[offset]) : nil
                #expect(markdown.matchingParenthesis(of: offset) == expected, "\(text.debugDescription) \(offset)")
            }
        }
    }

    /// `MarkdownConversion.urlDeclarations(in:)`, which finds the lines that may declare on bytes first,
    /// and the same over every line split by Characters (its definition).
    @Test func urlDeclarationsAgreeWithEveryLine() {
        var generator = Generator(state: 29)
        let pieces = [
            "[a]: https://a.org", "[B]: http://b.org/x", "[a]: ftp://c", "  [c]: mailto:x@y.z", "\t[d]:\tu", "```",
            "  ```", "[e](https://e.org)", "`code`", "\n", "\r\n", "\n\n", " ", "text", "é", "\u{301}", "[",
            "]", ":", "[\u{301}x]: y", " \u{301}[f]: g", "\u{2028}",
        ]
        for _ in 0..<3_000 {
            let document = ProtectedMarkdown(source: generator.string(pieces, upTo: 16))
            let text = document.text
            let fast = MarkdownConversion.urlDeclarations(in: document)
            let definition = MarkdownConversion.urlDeclarations(
                in: document, lines: text.split(separator: "\n", omittingEmptySubsequences: false))
            #expect(fast.ordered.map(\.range) == definition.ordered.map(\.range), "\(text.debugDescription)")
            #expect(fast.ordered.map { String($0.url) } == definition.ordered.map { String($0.url) })
            #expect(fast.byName.mapValues(\.range) == definition.byName.mapValues(\.range), "\(text.debugDescription)")
        }
    }

    /// `MarkdownConversion.hasSafeScheme(_:)`, on bytes when the head is ASCII, and its Character definition.
    @Test func safeSchemeAgreesWithCharacters() {
        var generator = Generator(state: 31)
        let pieces = [
            "h", "H", "t", "T", "p", "P", "s", "S", ":", "/", "//", "http", "HTTPS", "mailto", "MAİLTO", "M", "a", "i",
            "l", "o", "\u{301}", "é", "x", " ", "\r\n", "\u{212A}", "ｈ", "https://", "http://", "mailto:",
        ]
        for _ in 0..<20_000 {
            let target = generator.string(pieces, upTo: 5)
            #expect(
                MarkdownConversion.hasSafeScheme(target) == MarkdownConversion.hasSafeSchemeByCharacters(target),
                "\(target.debugDescription)")
        }
    }

    /// `MarkdownConversion.linkParts` stepping by scalars (the path for simple text) and by Characters
    /// (its definition): the same pieces, at the same places, for every link of generated bodies.
    @Test func linkPartsByScalarsAgreeWithCharacters() {
        var generator = Generator(state: 41)
        let pieces =
            IssuesOnlyConversionTests.pieces + [
                "[é](https://é.org/(a))", "![«\u{A0}x»](https://i.org/p(1).png)", "[t][Ref]", "[(x)](y)", "[a]((b))",
            ]
        GeneratedLinks.forEach(bodies: 2_000, of: pieces, generator: &generator) { link in
            guard UTF8Text.isSimple(link.markdown) else { return }
            GeneratedLinks.expectSameParts(
                link.parts(byScalars: true), link.parts(byScalars: false), source: link.source)
        }
    }

    /// `MarkdownConversion.unwrapTagParagraphs` returns the HTML unchanged when no placeholder stands
    /// alone; with one, it agrees with the Character-based definition.
    @Test func unwrapTagParagraphsAgreesWithCharacterScan() {
        let sources = [
            "Hello {{ name }}\n\nBye", "{% if a %}\n\nText\n\n{% endif %}", "a\n\n{% comment %}x{% endcomment %}\n\nb",
            "{{ x }}", "<b>not</b> {{ y }}\n\n{% raw %}{{ z }}{% endraw %}", "Plain text only",
        ]
        // And generated bodies: tags alone on their lines or beside text, paragraphs of every kind.
        var generator = Generator(state: 37)
        let pieces = [
            "{% if a %}", "{% endif %}", "{% else %}", "{{ x }}", "{% comment %}c{% endcomment %}", "\n", "\n\n", " ",
            "text", "é", "X", "L", "**b**", "- item\n", "> quote\n", "# title\n", "`c`", "[l](https://l.org)",
            "{% capture v %}\n\nw\n{% endcapture %}", "{{ v }}",
        ]
        let generated = (0..<1_500).map { _ in generator.string(pieces, upTo: 14) }
        for source in sources + generated {
            let document = ProtectedMarkdown(source: source)
            let html = MailMarkdown(document.text).html(
                hooks: MailMarkdown.Hooks(
                    inlineCode: { _, html in html }, codeBlock: { _, html in html }, link: { _, html, _ in html }),
                lineBreaks: true)
            #expect(
                MarkdownConversion.unwrapTagParagraphs(in: html, document: document)
                    == MarkdownConversion.unwrapTagParagraphsByCharacters(in: html, document: document),
                "\(source.debugDescription)")
        }
    }
}

/// The writer unwraps the paragraphs of tags alone as it writes them (`TagParagraphs`); the pass over the
/// written HTML it replaced (`MarkdownConversion.unwrapTagParagraphs(in:document:)`) is the definition.
struct UnwrappingWriterTests {
    static let pieces = [
        "{% if a %}", "{% endif %}", "{% else %}", "{{ x }}", "{% comment %}c{% endcomment %}", "\n", "\n\n", " ",
        "text", "é", "\u{301}", "\r\n", "X", "L", "LQQZ", "LQQZ1X", "0", "**b**", "- item\n", "> ", "> quote\n",
        "# title\n", "`c`", "[l](https://l.org)", "{% capture v %}\n\nw\n{% endcapture %}", "{{ v }}", "<p>", "</p>",
        "[a]({{ u }}){.button}", "\n```\n", "{% raw %}r{% endraw %}", "«", "» ", " !",
    ]

    @Test func unwrappingWhileWritingAgreesWithThePassAfter() {
        var generator = ScanTableDifferentialTests.Generator(state: 2412)
        for round in 0..<3_000 {
            let source = generator.string(Self.pieces, upTo: 16)
            let typography: Typography = round % 2 == 0 ? .none : .french
            let written = MarkdownConversion(markdown: source, typography: typography)
            let definition = MarkdownConversion(markdown: source, typography: typography, unwrapsAfterWriting: true)
            #expect(written.protectedHTML == definition.protectedHTML, "\(source.debugDescription)")
            #expect(written.issues == definition.issues, "\(source.debugDescription)")
        }
    }
}

/// `checkMarkdown(_:)` finds the issues without writing the HTML (`MarkdownConversion(writesHTML: false)`,
/// which calls the writer's hooks in its order without it); the full conversion is the definition.
struct IssuesOnlyConversionTests {
    static let pieces = [
        "[a](https://example.org)", "[b](javascript:alert(1))", "![](img.png)", "![alt](http://x/ y)", "[r][ref]",
        "\n[ref]: ftp://x\n", "\n[Ref]: https://ok.org\n", "`code <b>`", "\n```\n<i>\n```\n", "<b>", "<!-- c -->",
        "{{ x }}", "{% if a %}", "{% endif %}", "\n", "\n\n", "\n- ", "\n1. ", "\n  - ", "\n# ", "\n> ", "**", "*",
        "<https://a.b>", "(", ")", "[", "]", "é", "[x]({{ contact.url }})", "[y](https://a.org/{% if a %}b{% endif %})",
        "![i]([a](b))", "[![img](https://i.org/p.png)](https://l.org)", "[`c`](https://c.org)", "text ", "\\[", "---",
        "[e]()", "[s](https://a.org/x y)", "{.button}", "{% raw %}<b>{% endraw %}",
    ]

    @Test func issuesOnlyAgreesWithFullConversion() {
        var generator = ScanTableDifferentialTests.Generator(state: 2026)
        for _ in 0..<3_000 {
            var text = ""
            for _ in 0..<generator.next(16) { text += Self.pieces[generator.next(Self.pieces.count)] }
            #expect(checkMarkdown(text) == MarkdownConversion(markdown: text).issues, "\(text.debugDescription)")
        }
    }
}
