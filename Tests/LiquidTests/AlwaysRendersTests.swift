import Testing

@testable import Liquid

/// `LiquidTemplate.alwaysRendersASCIIAlphanumeric`, which lets the rendering rules skip looking for an
/// empty path, against the renderings it stands in for: when it answers yes, every rendering on every
/// path holds a letter or a digit (`Character.isLetter` or `isNumber`), whatever the values put next to it.
struct AlwaysRendersTests {
    static let pieces = [
        "a", "Z", "7", " ", "é", "\u{301}", "\u{600}", "\u{200D}", "\r", "\n", "{{ v }}", "{{ w }}",
        "{% if v %}", "{% else %}", "{% endif %}", "{% raw %}x{% endraw %}", "{% capture c %}", "{% endcapture %}",
        "{% case v %}{% when 1 %}", "{% endcase %}", "-", "{%- if w -%}",
    ]

    @Test func answerHoldsOnEveryPath() {
        var state: UInt64 = 603
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        // Values that join the character before or after them: a prepended scalar, a combining mark, a
        // zero-width joiner, a carriage return.
        let values: [LiquidValue] = ["\u{600}", "\u{301}", "\u{200D}", "\r", "", "b"].map { LiquidValue.string($0) }
        var answeredYes = 0
        for _ in 0..<10_000 {
            let source = (0..<next(9)).map { _ in Self.pieces[next(Self.pieces.count)] }.joined()
            guard let template = LiquidTemplate.parse(source).template, template.alwaysRendersASCIIAlphanumeric
            else { continue }
            answeredYes += 1
            for value in values {
                let context = LiquidValue.object(["v": value, "w": values[next(values.count)]])
                guard let exploration = template.renderEveryPath(context, knownRoots: [], limit: 64) else { continue }
                for rendering in exploration.renderings {
                    #expect(
                        rendering.output.contains(where: { $0.isLetter || $0.isNumber }),
                        "\(source.debugDescription) -> \(rendering.output.debugDescription)")
                }
            }
        }
        #expect(answeredYes > 150)
    }

    @Test func answersNoWithoutATextOfItsOwn() {
        func answer(_ source: String) -> Bool? { LiquidTemplate.parse(source).template?.alwaysRendersASCIIAlphanumeric }
        #expect(answer("Hello {{ v }}") == true)
        #expect(answer("{% if v %}Hello{% endif %}") == false)
        #expect(answer("{{ v }}a") == false)
        #expect(answer("\u{600}a") == false)
        #expect(answer("éa") == false)
        #expect(answer(" a") == true)
    }
}
