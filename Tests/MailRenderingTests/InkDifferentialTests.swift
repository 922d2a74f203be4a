import Ink
import Testing

@testable import MailRendering

/// Temporary: MailMarkdown against Ink 0.6.0 on the same inputs.
struct InkDifferentialTests {
    static func identity() -> MailMarkdown.Hooks {
        MailMarkdown.Hooks(inlineCode: { $1 }, codeBlock: { $1 }, link: { _, html, _ in html })
    }

    static func inkHTML(_ text: String) -> String {
        var end = text.endIndex
        while end > text.startIndex, text[text.index(before: end)] == " " || text[text.index(before: end)] == "\t" {
            end = text.index(before: end)
        }
        return MarkdownParser().html(from: String(text[..<end]))
    }

    static func compare(_ inputs: [String]) -> [String] {
        var failures: [String] = []
        for input in inputs {
            let ours = MailMarkdown(input).html(hooks: identity())
            let theirs = inkHTML(input)
            if ours != theirs {
                failures.append("\(input.debugDescription)\n  ink:  \(theirs.debugDescription)\n  ours: \(ours.debugDescription)")
            }
        }
        return failures
    }

    @Test func smallCombinations() {
        let pieces = ["- ", "1. ", "  ", "\t", "\n", "a", "> ", "* ", "#", "[", "]", "(", ")", "`", "!", "_", "**"]
        var inputs: [String] = []
        var frontier = [""]
        for _ in 0..<4 {
            frontier = frontier.flatMap { prefix in pieces.map { prefix + $0 } }
            inputs += frontier
        }
        let failures = Self.compare(inputs)
        #expect(failures.isEmpty, "\(failures.count) differences, first: \(failures.prefix(15).joined(separator: "\n"))")
    }

    @Test func randomDocuments() {
        var generator = RobustnessTests.SplitMix(state: 7)
        let pieces = [
            "[", "]", "(", ")", "![", "](", "`", "```", "\n", "\n\n", " ", "  \n", "*", "**", "_", "__", "-", "- ", "1. ",
            "2) ", "#", "## ", "> ", "&", "&amp;", "\"", "\\", "https://x.example", "é", "👍🏽", "word", "[x]: ", "\r\n",
            "~~", "[[", "]]", "[a](", "*a*", "_b_", "**c**", "`x`", "  - ", "    1. ", "\\[", ">> ", "&lt;", "---", "***", "    ", "\t", "+ ", "10. ", "&x;", ";", "[a]", "[b][a]", "(u)", "# h #",
        ]
        var inputs: [String] = []
        for _ in 0..<100_000 {
            var markdown = ""
            for _ in 0..<Int(generator.next() % 40) {
                markdown += pieces[Int(generator.next() % UInt64(pieces.count))]
            }
            if !markdown.contains("---") { inputs.append(markdown) }
        }
        let failures = Self.compare(inputs)
        #expect(failures.isEmpty, "\(failures.count) differences, first: \(failures.prefix(15).joined(separator: "\n"))")
    }
}
