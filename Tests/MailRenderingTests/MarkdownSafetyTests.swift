import TestSupport
import Testing

@testable import MailRendering

/// The Markdown reader never crashes and stays linear: every short combination of the markers that
/// drive its block and inline readers, and megabyte-long pathological lines.
@Suite(.serialized) struct MarkdownSafetyTests {
    static let pieces = ["- ", "1. ", "  ", "\t", "\n", "a", "> ", "* ", "#", "[", "]", "(", ")", "`", "!", "_", "**"]

    @Test func everyCombinationOfUpToFourPiecesRenders() {
        var inputs = [""]
        var frontier = [""]
        for _ in 0..<4 {
            frontier = frontier.flatMap { prefix in Self.pieces.map { prefix + $0 } }
            inputs += frontier
        }
        for input in inputs {
            let rendered = RenderedMarkdown(markdown: input)
            #expect(!rendered.html.contains("<script"))
        }
        #expect(inputs.count == 1 + 17 + 289 + 4_913 + 83_521)
    }

    /// Ink 0.6.0 read past the end of a list followed by a line of only Unicode whitespace at the end
    /// (the renderer trimmed trailing spaces and tabs for it, not U+3000 or U+00A0): a crash.
    @Test func listFollowedByUnicodeWhitespaceAtTheEnd() {
        for blank in ["\u{3000}", "\u{00A0}", "  \u{202F} ", "\u{2028}"] {
            #expect(renderHTMLFragment(markdown: "- a\n" + blank).html == renderHTMLFragment(markdown: "- a\n").html)
            #expect(renderHTMLFragment(markdown: "- a\n  - b\n" + blank).html.hasPrefix("<ul><li>a<ul><li>b</li></ul>"))
        }
    }

    /// Random documents of markers, Unicode whitespace and newlines, combining marks and CR: no crash,
    /// and the same output twice.
    @Test func randomDocumentsWithUnicodeSpacingRender() {
        let pieces = [
            "[", "]", "(", ")", "![", "](", "`", "```", "\n", "\n\n", " ", "  \n", "*", "**", "_", "__", "- ", "1. ",
            "2) ", "#", "## ", "> ", "&", "&amp;", "\\", "é", "👍🏽", "[x]: ", "\r\n", "\r", "~~", "---", "***",
            "    ", "\t", "+ ", "\u{00A0}", "\u{202F}", "\u{3000}", "\u{2028}", "\u{0085}", "e\u{301}", "*\u{301}",
            "-\u{301}", "#\u{301}", " \u{301}", "\u{200D}", "[a](u)", "[b][a]", "word",
        ]
        var generator = RobustnessTests.SplitMix(state: 99)
        let hooks = MailMarkdown.Hooks(inlineCode: { $1 }, codeBlock: { $1 }, link: { _, html, _ in html })
        for _ in 0..<20_000 {
            var markdown = ""
            for _ in 0..<Int(generator.next() % 30) {
                markdown += pieces[Int(generator.next() % UInt64(pieces.count))]
            }
            let html = MailMarkdown(markdown).html(hooks: hooks)
            #expect(html == MailMarkdown(markdown).html(hooks: hooks))
        }
    }

    /// Pathological inputs by name, each a function of its size (built on demand, so that a failure does
    /// not print megabytes), with the size the pipeline's limits allow at most: bodies over 256 Ki
    /// characters are refused before they reach the reader.
    static let pathological: [String: (full: Int, make: @Sendable (Int) -> String)] = [
        "[ x 1M": (1_000_000, { String(repeating: "[", count: $0) }),
        "* x 1M": (1_000_000, { String(repeating: "*", count: $0) }),
        "_ x 1M": (1_000_000, { String(repeating: "_", count: $0) }),
        "] x 1M": (1_000_000, { String(repeating: "]", count: $0) }),
        "> x 100k": (100_000, { String(repeating: ">", count: $0) }),
        "'> ' x 100k": (100_000, { String(repeating: "> ", count: $0) }),
        "'> a\\n' x 100k": (100_000, { String(repeating: "> a\n", count: $0) }),
        "[a]( x 250k": (250_000, { String(repeating: "[a](", count: $0) }),
        "![ x 500k": (500_000, { String(repeating: "![", count: $0) }),
        "[a][ x 250k": (250_000, { String(repeating: "[a][", count: $0) }),
        "& x 1M": (1_000_000, { String(repeating: "&", count: $0) }),
        "` x 1M": (1_000_000, { String(repeating: "`", count: $0) }),
        "\\ x 1M": (1_000_000, { String(repeating: "\\", count: $0) }),
        "( x 1M": (1_000_000, { "[a](" + String(repeating: "(", count: $0) }),
        "*_ x 500k": (500_000, { String(repeating: "*_", count: $0) }),
        "[*a x 250k": (250_000, { String(repeating: "[*a", count: $0) }),
        "- a x 200k lines": (200_000, { String(repeating: "- a\n", count: $0) }),
        "1. a x 200k lines": (200_000, { String(repeating: "1. a\n", count: $0) }),
        "``` x 200k lines": (200_000, { String(repeating: "```\n", count: $0) }),
        "a + two spaces x 200k lines": (200_000, { String(repeating: "a  \n", count: $0) }),
        "lists 1.4k deep": (1_400, { (0..<$0).map { String(repeating: " ", count: $0) + "- a\n" }.joined() }),
    ]

    static var hooks: MailMarkdown.Hooks {
        MailMarkdown.Hooks(inlineCode: { $1 }, codeBlock: { $1 }, link: { _, html, _ in html })
    }

    static func render(_ input: String) -> Int { MailMarkdown(input).html(hooks: hooks).utf8.count }

    /// Each input at a sixteenth and a quarter of its full size, compared per byte of input within this
    /// one run: linear work costs the same per byte at both sizes (ratio near 1), quadratic work four
    /// times as much. No absolute time is asserted, so a busy or slow machine cannot fail it.
    @Test(.serialized, arguments: Self.pathological.keys.sorted())
    func pathologicalInputStaysLinear(name: String) throws {
        let entry = try #require(Self.pathological[name])
        let (growth, lengths) = Growth.measure(size: max(1, entry.full / 16), make: entry.make, run: Self.render)
        #expect(lengths.allSatisfy { $0 > 0 })
        #expect(growth.perUnitRatio < 2.5, "\(name): \(growth)")
    }

    /// Lists nest by indentation far beyond the 32 levels kept (one more space each level, so the input
    /// grows as the square of the depth): the time per byte stays flat from 1,000 to 4,000 levels.
    @Test func thousandsOfLevelsOfListNesting() {
        let make = { (depth: Int) in (0..<depth).map { String(repeating: " ", count: $0) + "- a\n" }.joined() }
        let (growth, _) = Growth.measure(size: 1_000, make: make, run: Self.render)
        #expect(growth.perUnitRatio < 2.5, "\(growth)")
        #expect(MailMarkdown(make(100)).html(hooks: Self.hooks).hasPrefix("<ul><li>a<ul><li>a"))
    }

    /// Through the whole pipeline, up to the largest size it accepts: flat per byte from a quarter of it.
    @Test(arguments: ["*", "[a](", "&", "> "])
    func pathologicalBodiesThroughThePipeline(piece: String) {
        let (growth, lengths) = Growth.measure(
            size: 200_000 / piece.count / 4, make: { String(repeating: piece, count: $0) },
            run: { RenderedMarkdown(markdown: $0).html.utf8.count })
        #expect(lengths[1] >= lengths[0])
        #expect(growth.perUnitRatio < 2.5, "\(piece): \(growth)")
    }
}
