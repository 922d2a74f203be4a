import Foundation
import Liquid
import TestSupport
import Testing

@testable import MailRendering

/// `checkMarkdown(_:keepingLiquidOf:)` leaves the HTML fragment unwritten when the reader shows that it
/// holds the source's constructs alike with every tag outside every element
/// (``MailMarkdown/keepsLiquidApart(_:)``): held here to the written fragment, the definition. Whenever it
/// leaves the HTML out, `hasConstructs(alikeIn:)` and `VisibleContent.blockTagsStandOutsideElements` must be
/// true of `renderHTMLFragment(markdown:)`'s HTML (then the converted-Liquid check, AM622, finds nothing in
/// it, as it found nothing before); when it writes it, it must be that HTML; the issues are always
/// `renderHTMLFragment`'s. `LiquidApartExampleTests` (AutoMailTests) runs it over every string of the rule
/// examples, fixtures and example workspaces.
struct LiquidApartDifferentialTests {
    /// Whether the check agrees with the written fragment on `markdown` (a text whose Liquid parses);
    /// records the difference. `kept` counts the texts whose HTML was left unwritten.
    @discardableResult
    static func agree(_ markdown: String, kept: inout Int, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        guard let template = LiquidTemplate.parse(markdown).template else { return true }
        let checked = checkMarkdown(markdown, keepingLiquidOf: template)
        let (html, issues) = renderHTMLFragment(markdown: markdown)
        #expect(checked.issues == issues, "\(markdown.debugDescription)", sourceLocation: sourceLocation)
        guard checked.issues == issues else { return false }
        if let written = checked.html {
            #expect(written == html, "\(markdown.debugDescription)", sourceLocation: sourceLocation)
            return written == html
        }
        guard !issues.contains(where: { $0.kind == .tooComplex }) else { return true }
        kept += 1
        let alike = template.hasConstructs(alikeIn: html)
        let outside = VisibleContent.blockTagsStandOutsideElements(html)
        #expect(
            alike && outside, "\(markdown.debugDescription) -> \(html.debugDescription)",
            sourceLocation: sourceLocation)
        return alike && outside
    }

    /// Pieces of bodies: block tags on lines of their own, inside paragraphs, list items, links, emphasis,
    /// headings, quotes and code, and what could make the writer join, drop or split text next to a token.
    static let pieces =
        RobustnessTests.pieces + [
            "\n\n{% if a %}\n\n", "\n{% if a %}\n", "\n{% else %}\n", "\n{% endif %}\n", "\n\n{% endif %}\n\n",
            "{% if a %}", "{% else %}", "{% endif %}", "{% elsif b %}", "{% unless c %}", "{% endunless %}",
            "{%- if a -%}", "{{ a }}", "{{ contact.firstname | default: \"x\" }}", "{{% a }}", "{{ \"<b>\" }}",
            "{% case a %}", "{% when 1 %}", "{% endcase %}", "{% comment %}c{% endcomment %}", "{% assign x = 1 %}",
            "{% capture intro %}", "{% endcapture %}", "{{ intro }}", "Bonjour ", "L'équipe ", "*", "**", "_", "~~",
            "*a*", "**b**", "[l](https://l.example)", "[l](javascript:x)", "[é](javascript:x)", "[*e*](https://e.x)",
            "![alt](https://i.example/a.png)", "\n![](https://i.example/b.png)\n", "[r][n]", "\n[n]: https://n.x\n",
            "\n[n]: {{ a }}\n", "# t", "## t #", "\n## {{ a }}\n", "\n> q ", "\n> ", "\\", "\\{", "X", "XL", "Q", "Z",
            "LQ", "QZ", "LQQZ0X", "LQQZ1X", "0X", "e\u{301}", "\u{301}", "é", "\u{600}", "- ", "\n- ", "\n  - ",
            "1. ", "\n\n", "\n", "  ", "`", "`{{ a }}`", "```\n", "\n```\n", "{.button}", "<https://a.example>",
            "<x", "&lt;", "&", "#", "---\n", "\n---\n",
        ]

    @Test func randomBodiesAgree() {
        var generator = SplitMix64(state: 0x6E22)
        var kept = 0
        for _ in 0..<8_000 {
            var markdown = ""
            for _ in 0..<generator.next(24) { markdown += Self.pieces[generator.next(Self.pieces.count)] }
            guard Self.agree(markdown, kept: &kept) else { return }
        }
        #expect(kept > 200, "\(kept) kept apart")
    }

    /// Bodies as the generated workspaces write them: paragraphs, lists, links and emphasis, blocks of
    /// tags on lines of their own, each paragraph or item possibly holding an output.
    @Test func generatedBodiesAgree() {
        let paragraphs = [
            "Bonjour {{ contact.firstname | default: \"à vous\" }},", "Nous répondons à toutes les questions.",
            "Vous pouvez aussi nous rejoindre. [faire un don](https://campagne-1.fr/don).",
            "- an *urban walk* on Sunday\n- a workshop to write the programme",
            "- die Sprechstunde im Büro\n- eine **Kaffeedebatte** am Donnerstagabend",
            "{% if contact.quartier %}\nL'équipe de {{ contact.quartier }} vous contactera bientôt.\n{% else %}\nUne personne de l'équipe vous contactera bientôt.\n{% endif %}",
            "{% if contact.quartier %}\n*L'équipe* {{ contact.quartier }}\n{% endif %}",
            "**{% if a %}** b {% endif %}", "- item {% if a %}x{% endif %}", "Camille, for {{ workspace.name }}",
            "[{{ a }}](https://x.example)", "> {% if a %}\n> b\n> {% endif %}", "# Title {{ a }}",
        ]
        var generator = SplitMix64(state: 0x1922)
        var kept = 0
        for _ in 0..<2_000 {
            let count = 1 + generator.next(6)
            let markdown = (0..<count).map { _ in paragraphs[generator.next(paragraphs.count)] }
                .joined(separator: "\n\n")
            guard Self.agree(markdown, kept: &kept) else { return }
        }
        #expect(kept > 300, "\(kept) kept apart")
    }

    /// Text the writer joins into a token once it drops a `\\` or glues a quote's lines: a construct the
    /// source does not hold appears in the HTML.
    @Test func joinedTokensAgree() {
        var kept = 0
        for markdown in [
            "{% if a %}\n\nLQ\\QZ0X\n\n{% endif %}", "{% if a %}\n\n> LQ\n> QZ0X\n\n{% endif %}",
            "{% if a %}\n\n> LQQ\n> Z1X\n\n{% else %}\n\n{% endif %}", "{% if a %}\n\nLQQZ\\0X\n\n{% endif %}",
        ] {
            Self.agree(markdown, kept: &kept)
        }
    }

    @Test func inkParityDocumentsAgree() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("ink-0.6.0-parity.json")
        let pairs = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String]])
        var kept = 0
        for pair in pairs {
            guard Self.agree(pair[0], kept: &kept) else { return }
            guard Self.agree("{% if a %}\n\n" + pair[0] + "\n\n{% endif %}", kept: &kept) else { return }
        }
    }
}
