import Liquid
import TestSupport
import Testing

/// Static analysis, refusals, the lexer and the escape rewriter.
struct LiquidAnalysisTests {
    /// The source text a scalar range covers.
    func text(_ source: String, _ range: Range<Int>) -> String {
        let scalars = Array(source.unicodeScalars)
        return String(String.UnicodeScalarView(scalars[range]))
    }

    @Test func variablesExcludeAssignedAndCapturedNames() throws {
        let source =
            "{{ contact.firstname }}{% assign x = contact.surname | upcase %}{{ x }}"
            + "{% capture y %}{{ unsubscribe_url }}{% endcapture %}{{ y }}{% if legal.publisher %}{% endif %}{{ a[b].c }}"
        let template = try #require(LiquidTemplate.parse(source).template)
        #expect(
            template.variables.map(\.path) == [
                ["contact", "firstname"], ["contact", "surname"], ["unsubscribe_url"], ["legal", "publisher"], ["b"],
                ["a"],
            ])
    }

    @Test func variableUsedBeforeAssignmentIsReported() throws {
        let template = try #require(LiquidTemplate.parse("{{ x }}{% assign x = 1 %}{{ x }}").template)
        #expect(template.variables.map(\.path) == [["x"]])
    }

    @Test func rangesCountUnicodeScalars() throws {
        // "é" is one scalar, "👋🏽" two, "e\u{301}" two: ranges are neither bytes nor characters.
        let source = "Ça é 👋🏽 e\u{301} {{ contact.firstname | default: \"à\" }}"
        let template = try #require(LiquidTemplate.parse(source).template)
        let reference = try #require(template.variables.first)
        #expect(reference.range == 14..<31)
        #expect(text(source, reference.range) == "contact.firstname")
        #expect(text(source, try #require(template.filters.first).range) == "default: \"à\"")
        #expect(template.outputs.map { text(source, $0) } == ["{{ contact.firstname | default: \"à\" }}"])
    }

    @Test func tagsAndOutputsAreListed() throws {
        let source = "{% if a %}{{ b }}{% else %}{% raw %}{{ c }}{% endraw %}{% endif %}"
        let template = try #require(LiquidTemplate.parse(source).template)
        #expect(template.tags.map(\.name) == ["if", "else", "raw", "endraw", "endif"])
        #expect(template.outputs.count == 1)
    }

    @Test func unknownFilterSuggestsTheClosest() throws {
        let result = LiquidTemplate.parse("Hi {{ x | upcsae }}")
        #expect(result.template == nil)
        let issue = try #require(result.issues.first)
        #expect(issue.kind == .unsupportedFilter("upcsae"))
        #expect(issue.message == "unknown filter `upcsae`")
        #expect(issue.help == "did you mean `upcase`?")
        #expect(issue.range == 10..<16)
    }

    @Test func unsupportedTagsAndFiltersAreNamed() {
        let result = LiquidTemplate.parse("{% for x in y %}{{ x | join: ',' }}{% endfor %}{% incude 'a' %}")
        let kinds = result.issues.map(\.kind)
        #expect(kinds.contains(.unsupportedTag("for")))
        #expect(kinds.contains(.unsupportedFilter("join")))
        #expect(result.issues.contains { $0.kind == .unsupportedTag("incude") && $0.help == nil })
        #expect(result.issues.allSatisfy { $0.message.first?.isLowercase == true && !$0.message.hasSuffix(".") })
    }

    @Test func unknownTagSuggestsTheClosest() {
        let issue = LiquidTemplate.parse("{% iff x %}{% endif %}").issues.first
        #expect(issue?.help == "did you mean `if`?")
    }

    @Test func allIssuesAreCollected() {
        let result = LiquidTemplate.parse("{{ a | nope }} {{ b..c }} {% unless %}{% endunless %} {{ d | append }}")
        #expect(result.issues.count == 4)
        #expect(result.issues.contains { $0.kind == .unknownFilterArgument("append") })
    }

    @Test func unknownKeywordArgumentIsRefused() {
        let result = LiquidTemplate.parse("{{ a | default: 'x', allow_flase: true }}")
        #expect(result.issues.map(\.kind) == [.unknownFilterArgument("allow_flase")])
    }

    @Test func tokenizeRoundTrips() {
        let sources = [
            "Hé {{- a | b: 'c' -}} {%- if x -%}y{% endif %}{% raw %}{{ z }}{% endraw %} 👋🏽",
            "unclosed {{ a ", "unclosed {% if", "{% raw %}never closed", "{{ '}}' }}", "",
        ]
        for source in sources {
            let tokens = LiquidTemplate.tokenize(source)
            #expect(tokens.map(\.text).joined() == source)
            var offset = 0
            for token in tokens {
                #expect(token.range.lowerBound == offset)
                #expect(text(source, token.range) == token.text)
                offset = token.range.upperBound
            }
            #expect(offset == source.unicodeScalars.count)
        }
        let kinds = LiquidTemplate.tokenize("a{{ b }}{%- if c %}{% raw %}{{ d }}{% endraw %}").map(\.kind)
        #expect(kinds == [.text, .output, .tag("if"), .tag("raw"), .text, .tag("endraw")])
    }

    @Test func escapeIsAppendedToEveryOutput() {
        let e = #" | escape | replace: "&#x27;", "&#39;""#
        let r = #" | replace: "&#x27;", "&#39;""#
        let cases: [(String, String)] = [
            ("Hi {{ name }}!", "Hi {{ name\(e) }}!"),
            ("{{- name | default: 'x' -}}", "{{- name | default: 'x'\(e) -}}"),
            ("{{ name | escape }}", "{{ name | escape\(r) }}"),
            ("{{ name\(e) }}", "{{ name\(e) }}"),
            ("{{ name | escape | upcase }}", "{{ name | escape | upcase\(e) }}"),
            ("{{name}}", "{{name\(e)}}"),
            (
                "{% raw %}{{ a }}{% endraw %}{% comment %}{{ b }}{% endcomment %}{{ c\n}}",
                "{% raw %}{{ a }}{% endraw %}{% comment %}{{ b }}{% endcomment %}{{ c\(e)\n}}"
            ),
            ("{% if a %}{{ a }}{% endif %}", "{% if a %}{{ a\(e) }}{% endif %}"),
        ]
        for (source, expected) in cases {
            #expect(LiquidTemplate.appendingEscapeToOutputs(source) == expected)
        }
        let rewritten = LiquidTemplate.appendingEscapeToOutputs("{{ name }}")
        let output = LiquidTemplate.parse(rewritten).template?.render(.object(["name": .string("<b>'&#x27;")]))
        #expect(output == .success("&lt;b&gt;&#39;&amp;#x27;"))
    }

    /// Rewriting part by part gives the bytes of rewriting the joined text, whatever the parts: parts
    /// that end inside a construct, a comment or a `raw` body, or split `{{`/`{%` between them, fall
    /// back to the joined text.
    @Test func rewritingPartsIsRewritingTheirJoin() {
        let pieces = [
            "{{", "}}", "{%", "%}", "{", "}", "%", "-", " ", "a", "name", " | escape", " | upcase", "\"}}\"",
            "{{ a }}", "{% raw %}", "{% endraw %}", "{% comment %}", "{% endcomment %}", "{% if a %}",
            "{% endif %}", "<p>", "é", "\n", "{{- b -}}", "{{ c | escape }}",
            // A name captured in one part and printed in another prints bare; an `assign` undoes that.
            "{% capture a %}<b>x</b>{% endcapture %}", "{%- assign a = b -%}", "{% capture c %}",
            "{% endcapture %}",
        ]
        var random = SplitMix64(state: 0x9E37_79B9_7F4A_7C15)
        func next(_ bound: Int) -> Int { random.next(bound) }
        var piecewise = 0
        for _ in 0..<3_000 {
            let parts = (0..<(1 + next(5))).map { _ in (0..<next(6)).map { _ in pieces[next(pieces.count)] }.joined() }
            let joined = LiquidTemplate.appendingEscapeToOutputs(parts.joined())
            #expect(LiquidTemplate.appendingEscapeToOutputs(joining: parts) == joined, "\(parts)")
            // Some parts rewritten beforehand, as the lowering does with a layout's markup.
            let mixed = parts.map { part -> LiquidTemplate.EscapePart in
                next(2) == 0 ? .source(part) : .prepared(LiquidTemplate.PreparedEscapePart(part))
            }
            #expect(LiquidTemplate.appendingEscapeToOutputs(joining: mixed) == joined, "\(parts), prepared")
            // Each part's own rewrite, a prepared part's the one it holds, when they join into the whole's.
            if let rewritten = LiquidTemplate.rewrittenParts(mixed) {
                #expect(rewritten.joined() == joined, "\(parts), by part")
                for (part, text) in zip(mixed, rewritten) {
                    if case .prepared(let prepared) = part { #expect(prepared.rewrittenText == text) }
                }
            }
            // Some parts given as bytes, as the lowering gives a styled body: rewritten on bytes, the same
            // rewrite as the parts given as text (the definition).
            let bytes = mixed.map { part -> LiquidTemplate.EscapePart in
                guard case .source(let text) = part else { return part }
                return next(2) == 0 ? .utf8(Array(text.utf8)) : part
            }
            #expect(LiquidTemplate.appendingEscapeToOutputs(joining: bytes) == joined, "\(parts), bytes")
            let byBytes = LiquidTemplate.rewrittenPartsKeepingBytes(bytes)
            #expect(byBytes?.map(\.text) == LiquidTemplate.rewrittenParts(mixed), "\(parts), bytes by part")
            if parts.count > 1, parts.allSatisfy({ !$0.contains("{{") && !$0.contains("{%") }) { piecewise += 1 }
        }
        #expect(piecewise > 0)
        // A text given as bytes holding a `capture` (rewritten by scalars, the definition, decoded once).
        for _ in 0..<1_000 {
            let special = ["{% capture a %}", "{% endcapture %}", "{% assign b = a %}", "{{ a }}"]
            let text = (0..<next(8)).map { _ in
                next(3) == 0 ? special[next(special.count)] : pieces[next(pieces.count)]
            }.joined()
            #expect(
                LiquidTemplate.rewrittenPartsKeepingBytes([.utf8(Array(text.utf8))])?.map(\.text)
                    == LiquidTemplate.rewrittenParts([.source(text)]), "\(text)")
        }
        // A capture in the body, printed in the template's own footer: bare, as in the whole text.
        let captured = ["<p>{% capture link %}<a href=\"x\">x</a>{% endcapture %}</p>", "<p>{{ link }}</p>"]
        #expect(LiquidTemplate.rewrittenParts(captured.map { .source($0) }) == nil)
        #expect(
            LiquidTemplate.appendingEscapeToOutputs(joining: captured)
                == LiquidTemplate.appendingEscapeToOutputs(captured.joined()))
        #expect(LiquidTemplate.appendingEscapeToOutputs(captured.joined()).hasSuffix("<p>{{ link }}</p>"))
        // The case the lowering relies on: a layout's markup around a body and a footer.
        let parts = ["<html><title>", "Hi {{ contact.firstname }}", "</title><body>", "<p>{{ x }}</p>", "</body>"]
        #expect(
            LiquidTemplate.appendingEscapeToOutputs(joining: parts)
                == LiquidTemplate.appendingEscapeToOutputs(parts.joined()))
    }

    @Test func renderErrorsAreResults() throws {
        let template = try #require(LiquidTemplate.parse("{% if a > 1 %}x{% endif %}").template)
        guard case .failure(let error) = template.render(.object(["a": .string("2")])) else {
            Issue.record("expected a render error")
            return
        }
        #expect(error.range == 0..<26)
    }

    @Test func hostileTemplatesAreBounded() {
        let deep = String(repeating: "{% if true %}", count: 150) + String(repeating: "{% endif %}", count: 150)
        #expect(LiquidTemplate.parse(deep).issues.contains { $0.kind == .unsupportedSyntax })
        let brackets = "{{ " + String(repeating: "[", count: 500) + "a" + String(repeating: "]", count: 500) + " }}"
        #expect(LiquidTemplate.parse(brackets).template == nil)
        var doubling = "{% assign x = 'ab' %}"
        for _ in 0..<40 { doubling += "{% assign x = x | append: x %}" }
        let template = LiquidTemplate.parse(doubling).template
        guard case .failure? = template?.render(.object([:])) else {
            Issue.record("expected the length limit to stop rendering")
            return
        }
        let nasty = [
            "{{", "{%", "{% if", "{{ 'a", "{% case %}", "{% when %}", "}}{{-}}", "{%-%}", "{{ a | }}", "{{ a. }}",
        ]
        for source in nasty { _ = LiquidTemplate.parse(source) }
    }

    @Test func floatsPrintLikeRuby() throws {
        let template = try #require(LiquidTemplate.parse("{{ a }} {{ b }} {{ c }} {{ d }} {{ e }}").template)
        let context = LiquidValue.object([
            "a": .double(5), "b": .double(1e16), "c": .double(1e-5), "d": .double(0.0001), "e": .double(-2.5e20),
        ])
        #expect(template.render(context) == .success("5.0 1.0e+16 1.0e-05 0.0001 -2.5e+20"))
    }
}
