import TestSupport
import Testing

@testable import Liquid

/// `LiquidTemplate.hasConstructs(alikeIn:)`, which lets the template rules skip parsing a Markdown
/// conversion, against the parser it stands in for: whenever it answers yes, the parse of the other
/// text finds no issue.
struct LiquidConstructsDifferentialTests {
    /// Markup and text pieces: blocks that nest or do not, the tags whose text the parser reads (`case`,
    /// `comment`, `raw`), whitespace control, and stray delimiters that make or break constructs.
    static let markup = [
        "{{ a }}", "{{ contact.firstname | default: \"é\" }}", "{% if a %}", "{% elsif b %}", "{% else %}",
        "{% endif %}", "{% unless c %}", "{% endunless %}", "{%- if a -%}", "{{- a -}}", "{% case a %}",
        "{% when 1 %}", "{% endcase %}", "{% comment %}", "{% endcomment %}", "{% raw %}", "{% endraw %}",
        "{% assign x = 1 %}", "{% capture y %}", "{% endcapture %}", "{{ x }}",
    ]
    static let text = ["a", " ", "\n", "é", "<p>", "</p>", "{", "}", "%", "{ ", "%}", "}}", "<br>", "😀"]

    @Test func alikeConstructsParseWithoutIssue() {
        var random = SplitMix64(state: 622)
        func next(_ bound: Int) -> Int { random.next(bound) }
        var alike = 0
        var checked = 0
        for _ in 0..<4_000 {
            // A source of markup and text; other texts: the same markup with other text between.
            var pieces: [String] = []
            for _ in 0..<next(8) {
                pieces.append(next(3) == 0 ? Self.text[next(Self.text.count)] : Self.markup[next(Self.markup.count)])
            }
            let source = pieces.joined()
            guard let template = LiquidTemplate.parse(source).template else { continue }
            for _ in 0..<6 {
                var other = ""
                for piece in pieces {
                    if next(4) == 0 { other += Self.text[next(Self.text.count)] }
                    if Self.markup.contains(piece) || next(2) == 0 { other += piece }
                }
                if next(3) == 0 { other += Self.text[next(Self.text.count)] }
                checked += 1
                guard template.hasConstructs(alikeIn: other) else { continue }
                alike += 1
                let result = LiquidTemplate.parse(other)
                #expect(result.issues.isEmpty, "\(source.debugDescription) / \(other.debugDescription)")
                #expect(result.template?.tags.map(\.name) == template.tags.map(\.name))
            }
        }
        // The quick answer is yes often enough for the check above to mean something.
        #expect(alike > checked / 10, "\(alike) of \(checked)")
    }

    @Test func answersNoWhereTheParserReadsText() {
        let source = "{% case a %}{% when 1 %}x{% endcase %}"
        guard let template = LiquidTemplate.parse(source).template else {
            Issue.record("the source parses")
            return
        }
        // The same constructs, but text between `case` and `when`: the parser refuses it.
        let other = "{% case a %}<p>{% when 1 %}x{% endcase %}"
        #expect(!LiquidTemplate.parse(other).issues.isEmpty)
        #expect(!template.hasConstructs(alikeIn: other))
        guard let plain = LiquidTemplate.parse("Hi {{ a }}{% if b %}!{% endif %}").template else {
            Issue.record("the source parses")
            return
        }
        #expect(plain.hasConstructs(alikeIn: "<p>Hi {{ a }}</p>{% if b %}<p>!</p>{% endif %}"))
        #expect(!plain.hasConstructs(alikeIn: "<p>Hi {{ a }}</p>{% if b %}<p>!</p>"))
        #expect(!plain.hasConstructs(alikeIn: "<p>Hi {{ a }}</p>{% if b %}{{<p>!</p>{% endif %}"))
        #expect(!plain.hasConstructs(alikeIn: "Hi {{ a }}{% if b %}!{% endif %}{% "))
    }
}
