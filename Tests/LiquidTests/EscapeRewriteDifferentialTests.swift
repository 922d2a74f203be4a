import TestSupport
import Testing

@testable import Liquid

/// The escape rewrite on UTF-8 bytes (`LiquidTemplate.rewriteWithoutSpecialTags`, what
/// `LiquidTemplate.rewrite` takes for text without `raw`, `comment`, `capture` or `assign` tags)
/// against the rewrite on decoded scalars, kept as the definition (`LiquidTemplate.rewriteByScalars`),
/// on generated templates.
struct EscapeRewriteDifferentialTests {
    static let pieces = [
        "{{", "}}", "{%", "%}", "{", "}", "%", "-", " ", "\n", "\t", "a", "name", "é", "日本", "😀", "<p>", "</p>",
        "<a href=\"", "\">", "{{ a }}", "{{- b -}}", "{{ c | escape }}",
        "{{ contact.firstname | default: \"à vous\" }}",
        "{{ x | upcase }}", "{{ 'é' }}", "{{ \"日\" | append: \"😀\" }}",
        "{{ name | escape | replace: \"&#x27;\", \"&#39;\" }}",
        "{{ a. }}", "{{ 1..2 }}", "{{ \"}}\" }}", "{{-}}", "{{}}", "{% if a %}", "{% else %}", "{% endif %}",
        "{%- if a -%}", "{% # note %}", "{% raw %}", "{% endraw %}", "{% comment %}", "{% endcomment %}",
        "{% capture name %}", "{% endcapture %}", "{% assign name = 1 %}", "{%raw%}", "{% rawx %}", "{% for i in a %}",
        "{% endfor %}", "{{ name", "{% if",
    ]

    @Test func byteRewriteAgreesWithTheScalarRewrite() {
        // Seeded: the same cases on every run.
        var random = SplitMix64(state: 0x5EED_E5CA_9E00_0019)
        func next(_ bound: Int) -> Int { random.next(bound) }
        var onBytes = 0
        for _ in 0..<20_000 {
            let source = (0..<next(12)).map { _ in Self.pieces[next(Self.pieces.count)] }.joined()
            let rewritten = LiquidTemplate.rewrite(source)
            let definition = LiquidTemplate.rewriteByScalars(source)
            #expect(rewritten.text == definition.text, "\(source.debugDescription)")
            #expect(rewritten.endsClean == definition.endsClean, "\(source.debugDescription)")
            if LiquidTemplate.rewriteWithoutSpecialTags(source) != nil { onBytes += 1 }
            // Whether a text holds markup, on bytes with `memchr`, against the scalar delimiter scanner.
            var copy = source
            let hasMarkup = copy.withUTF8 { LiquidTemplate.markupAndEnds(of: $0).0 }
            #expect(hasMarkup == (LiquidDelimiters(Array(source.unicodeScalars)).nextOpening(from: 0) != nil))
        }
        // Most generated texts take the byte path, or the test would prove little.
        #expect(onBytes > 10_000)
    }

    @Test func aBodyLikeTheBenchmarksIsRewrittenOnItsBytes() {
        let body = """
            <p>Bonjour {{ contact.firstname | default: "à vous" }},</p>
            {% if contact.quartier %}<p>L'équipe de {{ contact.quartier }} vous contactera.</p>{% endif %}
            <p>{{- workspace.name -}} 😀</p>
            """
        let bytes = LiquidTemplate.rewriteWithoutSpecialTags(body)
        let definition = LiquidTemplate.rewriteByScalars(body)
        #expect(bytes?.text == definition.text)
        #expect(bytes?.endsClean == true)
        #expect(definition.text.contains(#"{{ contact.quartier | escape | replace: "&#x27;", "&#39;" }}"#))
    }
}
