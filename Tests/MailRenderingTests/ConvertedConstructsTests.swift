import Liquid
import MailRendering
import Testing

/// The template rules skip parsing a conversion whose Liquid constructs are its source's
/// (`LiquidTemplate.hasConstructs(alikeIn:)`): on Markdown conversions, a yes never hides an issue.
struct ConvertedConstructsTests {
    static let blocks = [
        "Hello {{ contact.firstname | default: \"there\" }},", "{% if contact.quartier %}", "{% else %}",
        "{% endif %}", "- an item {% if a %}x{% endif %}", "**bold {% if a %}** b {% endif %}",
        "[link](https://example.org/{{ a }})", "Text with `code {{ a }}` and \\{ brace", "{% unless b %}",
        "{% endunless %}", "1. first\n2. second", "> quoted {{ a }}", "é à ß 😀", "{\\{ a }}", "*{% if a %}*",
    ]

    @Test func conversionsAlikeParseWithoutIssue() {
        var state: UInt64 = 19
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var alike = 0
        for _ in 0..<600 {
            let source = (0..<(1 + next(7))).map { _ in Self.blocks[next(Self.blocks.count)] }
                .joined(separator: next(2) == 0 ? "\n\n" : "\n")
            guard let template = LiquidTemplate.parse(source).template else { continue }
            let rendered = RenderedMarkdown(markdown: source, typography: Typography(locale: "fr"))
            for part in [rendered.html, rendered.text] where template.hasConstructs(alikeIn: part) {
                alike += 1
                #expect(LiquidTemplate.parse(part).issues.isEmpty, "\(source.debugDescription)")
            }
        }
        #expect(alike > 100)
    }
}
