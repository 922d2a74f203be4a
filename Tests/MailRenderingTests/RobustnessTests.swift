import TestSupport
import Testing
@testable import MailRendering

/// Hostile or odd input never crashes, stays fast, and renders deterministically.
struct RobustnessTests {
    /// A small deterministic generator (no global randomness in tests).
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let pieces = [
        "{{", "}}", "{%", "%}", "{% raw %}", "{% endraw %}", "{% if x %}", "{% endif %}", "<", ">", "<b>",
        "</b>", "<!--", "-->", "[", "]", "(", ")", "![", "](", "`", "```", "\n", "\n\n", " ", "  \n", "*", "**",
        "_", "-", "- ", "1. ", "#", "> ", "|", "&", "&amp;", "\"", "'", "\\", "https://x.example", "mailto:a@b",
        "javascript:", "é", "👍🏽", "LQQZ", "0X", "word", "{{ a }}", "<https://a.example>", "[x]: ", "\r\n",
    ]

    @Test func randomInputsDoNotCrashAndAreDeterministic() {
        var generator = SplitMix(state: 42)
        for _ in 0..<400 {
            var markdown = ""
            for _ in 0..<Int(generator.next() % 40) {
                markdown += Self.pieces[Int(generator.next() % UInt64(Self.pieces.count))]
            }
            let first = renderHTMLFragment(markdown: markdown)
            let second = renderHTMLFragment(markdown: markdown)
            #expect(first.html == second.html)
            #expect(first.issues == second.issues)
            #expect(renderText(markdown: markdown) == renderText(markdown: markdown))
            let count = markdown.unicodeScalars.count
            for issue in first.issues {
                #expect(issue.range.lowerBound >= 0 && issue.range.upperBound <= count, "\(markdown.debugDescription)")
            }
        }
    }

    /// Unterminated Liquid and HTML delimiters: as much work per byte at 5,000 repeats as at 1,250.
    @Test func unterminatedDelimitersStayLinear() {
        let (growth, lengths) = Growth.measure(
            size: 1_250, make: { String(repeating: "{{ {% {% raw %}<a \"", count: $0) },
            run: { renderHTMLFragment(markdown: $0).html.utf8.count })
        #expect(lengths.allSatisfy { $0 > 0 })
        #expect(growth.perUnitRatio < 2.5, "\(growth)")
    }
}
