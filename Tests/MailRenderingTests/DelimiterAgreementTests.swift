import Liquid
import Testing

@testable import MailRendering

/// The Markdown renderer keeps Liquid constructs byte for byte, so it must end each construct exactly
/// where the Liquid lexer does. Both use ``LiquidDelimiters``; these tests hold them to it on inputs
/// built from the pieces that make delimiters ambiguous.
struct DelimiterAgreementTests {
    /// Every closed `{{ … }}` and `{% … %}` the Liquid lexer cuts, as ranges; a `raw` or `comment`
    /// block as one range from its opening tag to the end of its closing tag, as the scanner sees it.
    static func lexerConstructs(_ source: String) -> [Range<Int>]? {
        var result: [Range<Int>] = []
        var openBlock: (name: String, start: Int)?
        for token in LiquidTemplate.tokenize(source) {
            // A closed construct is its two delimiters and what is between: `{%}` at the end is not.
            let closed = token.range.count >= 4
            switch token.kind {
            case .text:
                continue
            case .output:
                guard openBlock == nil else { continue }
                guard closed, token.text.hasSuffix("}}") else { return nil }
                result.append(token.range)
            case .tag(let name):
                guard closed, token.text.hasSuffix("%}") else { return nil }
                if let block = openBlock {
                    if name == "end" + block.name {
                        result.append(block.start..<token.range.upperBound)
                        openBlock = nil
                    }
                } else if name == "raw" || name == "comment" {
                    openBlock = (name, token.range.lowerBound)
                } else {
                    result.append(token.range)
                }
            }
        }
        return openBlock == nil ? result : nil
    }

    static let pieces = [
        "{{", "}}", "{%", "%}", "{%-", "-%}", " raw ", " endraw ", " endraw x ", " comment ", " endcomment ",
        "raw", "endraw", "endraw2", "a", " ", "\n", "{", "}", "%", "<", "x",
    ]

    @Test("the Markdown scanner ends every Liquid construct where the Liquid lexer does", arguments: 0..<4)
    func scannerAgreesWithLexer(seed: UInt64) {
        var generator = DelimiterSplitMix(seed: seed)
        var compared = 0
        for _ in 0..<2_000 {
            var source = ""
            for _ in 0..<Int(generator.next() % 12) {
                source += Self.pieces[Int(generator.next() % UInt64(Self.pieces.count))]
            }
            // Only sources the lexer closes completely are templates that render; those are the ones
            // whose constructs the renderer must keep whole.
            guard let expected = Self.lexerConstructs(source) else { continue }
            let scanned = LiquidScanner(source).constructs().compactMap { construct -> Range<Int>? in
                switch construct.kind {
                case .output, .tag: construct.range
                case .autolink, .lessThan: nil
                }
            }
            #expect(scanned == expected, "\(source.debugDescription)")
            compared += 1
        }
        #expect(compared > 200, "enough closed templates were generated to compare")
    }

    @Test("an `endraw` tag with more after its name ends the raw block, as in Shopify Liquid")
    func endRawWithArguments() {
        let source = "{% raw %}{{ a }}{% endraw x %} {{ b }}"
        let constructs = LiquidScanner(source).constructs().map(\.range)
        #expect(constructs == [0..<30, 31..<38])
        #expect(Self.lexerConstructs(source) == constructs)
    }
}

/// A small deterministic generator (SplitMix64), so a failure replays.
struct DelimiterSplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
