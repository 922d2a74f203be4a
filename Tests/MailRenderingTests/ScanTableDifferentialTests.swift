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

    /// `MarkdownConversion.unwrapTagParagraphs` returns the HTML unchanged when no placeholder stands
    /// alone; with one, it agrees with the Character-based definition.
    @Test func unwrapTagParagraphsAgreesWithCharacterScan() {
        let sources = [
            "Hello {{ name }}\n\nBye", "{% if a %}\n\nText\n\n{% endif %}", "a\n\n{% comment %}x{% endcomment %}\n\nb",
            "{{ x }}", "<b>not</b> {{ y }}\n\n{% raw %}{{ z }}{% endraw %}", "Plain text only",
        ]
        for source in sources {
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
