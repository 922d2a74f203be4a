import Liquid
import Testing

/// Every path through a template's contact-dependent blocks, and the escape rewriter's captured names.
struct LiquidPathTests {
    let contact: LiquidValue = .object(["contact": .object([:]), "legal": .object(["publisher": .string("Pub")])])

    func outputs(_ source: String, limit: Int = 100) throws -> [String] {
        let template = try #require(LiquidTemplate.parse(source).template)
        let exploration = try #require(template.renderEveryPath(contact, knownRoots: ["legal"], limit: limit))
        return exploration.renderings.map(\.output)
    }

    @Test func anUnknownConditionIsTakenBothWays() throws {
        #expect(try outputs("a{% if contact.x %}b{% endif %}c") == ["abc", "ac"])
        #expect(try outputs("{% unless contact.w == 'l' %}U{% endunless %}") == ["U", ""])
        #expect(try outputs("{% if contact.a %}1{% elsif contact.b %}2{% else %}3{% endif %}") == ["1", "2", "3"])
    }

    @Test func aKnownConditionIsEvaluated() throws {
        #expect(try outputs("{% if legal.publisher == 'Pub' %}yes{% else %}no{% endif %}") == ["yes"])
        // A name bound by `assign` may hold anything a contact gives: forked.
        #expect(try outputs("{% assign p = legal.publisher %}{% if p %}y{% endif %}") == ["y", ""])
    }

    @Test func aCaseMatchesEachWhenThenNone() throws {
        #expect(
            try outputs("{% case contact.d %}{% when 'a' %}A{% when 'b', 'c' %}B{% else %}E{% endcase %}") == [
                "A", "B", "E",
            ])
        #expect(try outputs("{% case contact.d %}{% when 'a' %}A{% endcase %}") == ["A", ""])
    }

    @Test func pathsMultiplyAndAreBounded() throws {
        let source = String(repeating: "{% if contact.x %}x{% endif %}", count: 10)
        #expect(try outputs(source, limit: 2_000).count == 1_024)
        let template = try #require(LiquidTemplate.parse(source).template)
        let bounded = try #require(template.renderEveryPath(contact, knownRoots: [], limit: 100))
        #expect(bounded.truncated && bounded.renderings.count == 100)
    }

    @Test func decisionsNameTheBranchTag() throws {
        let source = "{% unless contact.w %}U{% endunless %}"
        let template = try #require(LiquidTemplate.parse(source).template)
        let skipped = try #require(template.renderEveryPath(contact, knownRoots: [], limit: 10)?.renderings.last)
        #expect(skipped.decisions.map(\.choice) == [1])
        let scalars = Array(source.unicodeScalars)
        #expect(String(String.UnicodeScalarView(scalars[skipped.decisions[0].tag])) == "{% unless contact.w %}")
    }

    /// A captured HTML value already holds escaped outputs: printed in text it is not escaped again
    /// (`O'Brien` must not show as `O&#39;Brien`); in an attribute, or once reassigned, it still is.
    @Test func capturedMarkupIsPrintedOnceEscaped() throws {
        let source = "{% capture g %}Hi {{ name }}{% endcapture %}<p>{{ g }}</p><a href=\"{{ g }}\">x</a>"
        let rewritten = LiquidTemplate.appendingEscapeToOutputs(source)
        let template = try #require(LiquidTemplate.parse(rewritten).template)
        let html = try template.render(.object(["name": .string("O'Brien & <Co>")])).get()
        #expect(
            html
                == "<p>Hi O&#39;Brien &amp; &lt;Co&gt;</p><a href=\"Hi O&amp;#39;Brien &amp;amp; &amp;lt;Co&amp;gt;\">x</a>"
        )
        let reassigned = LiquidTemplate.appendingEscapeToOutputs(
            "{% capture g %}a{% endcapture %}{% assign g = name %}{{ g }}")
        #expect(reassigned.hasSuffix(#"{{ g | escape | replace: "&#x27;", "&#39;" }}"#))
    }
}
