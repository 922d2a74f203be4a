import Testing

@testable import MailRendering

/// Every short Markdown input made of the pieces that drive Ink's block and inline readers must render
/// without crashing: Ink 0.6.0 reads past the end of its input on some of them (the fuzzer found a list
/// item followed by a line of spaces at the very end).
struct SmallInputTests {
    @Test func listItemFollowedByBlanksAtTheEndRenders() {
        #expect(renderHTMLFragment(markdown: "- a\n  ").html == renderHTMLFragment(markdown: "- a\n").html)
        #expect(renderText(markdown: "1. a\n\t") == renderText(markdown: "1. a\n"))
    }

    @Test func everyShortCombinationOfBlockAndInlineMarkersRenders() {
        let pieces = ["- ", "1. ", "  ", "\t", "\n", "a", "> ", "* ", "#", "[", "]", "(", ")", "`"]
        var inputs = [""]
        var frontier = [""]
        for _ in 0..<4 {
            frontier = frontier.flatMap { prefix in pieces.map { prefix + $0 } }
            inputs += frontier
        }
        for input in inputs {
            _ = renderHTMLFragment(markdown: input)
            _ = renderText(markdown: input)
        }
        #expect(inputs.count == 41_371)
    }
}
