import Testing

@testable import MailRendering

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CPU seconds `body` takes on this thread: unlike wall time, not stretched by tests running beside it.
func threadCPUSeconds(_ body: () -> Void) -> Double {
    func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
    let start = now()
    body()
    return now() - start
}

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

    /// Pathological inputs by name (built on demand, so that a failure does not print megabytes).
    static let pathological: [String: @Sendable () -> String] = [
        "[ x 1M": { String(repeating: "[", count: 1_000_000) },
        "* x 1M": { String(repeating: "*", count: 1_000_000) },
        "_ x 1M": { String(repeating: "_", count: 1_000_000) },
        "] x 1M": { String(repeating: "]", count: 1_000_000) },
        "> x 100k": { String(repeating: ">", count: 100_000) },
        "'> ' x 100k": { String(repeating: "> ", count: 100_000) },
        "'> a\\n' x 100k": { String(repeating: "> a\n", count: 100_000) },
        "[a]( x 250k": { String(repeating: "[a](", count: 250_000) },
        "![ x 500k": { String(repeating: "![", count: 500_000) },
        "[a][ x 250k": { String(repeating: "[a][", count: 250_000) },
        "& x 1M": { String(repeating: "&", count: 1_000_000) },
        "` x 1M": { String(repeating: "`", count: 1_000_000) },
        "\\ x 1M": { String(repeating: "\\", count: 1_000_000) },
        "( x 1M": { "[a](" + String(repeating: "(", count: 1_000_000) },
        "*_ x 500k": { String(repeating: "*_", count: 500_000) },
        "[*a x 250k": { String(repeating: "[*a", count: 250_000) },
        "- a x 200k lines": { String(repeating: "- a\n", count: 200_000) },
        "1. a x 200k lines": { String(repeating: "1. a\n", count: 200_000) },
        "``` x 200k lines": { String(repeating: "```\n", count: 200_000) },
        "a + two spaces x 200k lines": { String(repeating: "a  \n", count: 200_000) },
        "lists 1.4k deep": { (0..<1_400).map { String(repeating: " ", count: $0) + "- a\n" }.joined() },
    ]

    /// Each input is read and written directly (the pipeline refuses bodies over 256 Ki characters),
    /// one at a time, so the timing is not shared with other tests.
    @Test(.serialized, arguments: Self.pathological.keys.sorted())
    func pathologicalInputIsFast(name: String) throws {
        let make = try #require(Self.pathological[name])
        let input = make()
        var length = 0
        let seconds = threadCPUSeconds {
            let hooks = MailMarkdown.Hooks(inlineCode: { $1 }, codeBlock: { $1 }, link: { _, html, _ in html })
            length = MailMarkdown(input).html(hooks: hooks).utf8.count
        }
        #expect(length > 0)
        #expect(seconds < 1, "\(name): \(seconds) s")
    }

    /// Lists nest by indentation: 10k levels, one more space each (50 MB), beyond the 32 levels kept.
    @Test func tenThousandLevelsOfListNesting() {
        let input = (0..<10_000).map { String(repeating: " ", count: $0) + "- a\n" }.joined()
        var html = ""
        let seconds = threadCPUSeconds {
            let hooks = MailMarkdown.Hooks(inlineCode: { $1 }, codeBlock: { $1 }, link: { _, html, _ in html })
            html = MailMarkdown(input).html(hooks: hooks)
        }
        #expect(html.hasPrefix("<ul><li>a<ul><li>a"))
        #expect(seconds < 5, "\(seconds) s")
    }

    /// Through the whole pipeline, at the largest size it accepts.
    @Test func pathologicalBodiesThroughThePipeline() {
        for input in [String(repeating: "*", count: 200_000), String(repeating: "[a](", count: 50_000),
                      String(repeating: "&", count: 200_000), String(repeating: "> ", count: 100_000)] {
            let seconds = threadCPUSeconds { _ = RenderedMarkdown(markdown: input) }
            #expect(seconds < 5, "\(seconds) s")
        }
    }
}
