import Testing
@testable import AutomailRuntime

/// The sender's wrapping rule for the rendered text part (bundle-format.md, "The text part's lines").
struct TextWrappingTests {
    @Test func shortLinesAndLineEndsAreKept() {
        let text = "Hi  Camille,\n\n-- \nfooter\n"
        #expect(TextWrapping.wrap(text) == text)
    }

    @Test func longLinesAreRefilledKeepingTheirPrefix() {
        let words = Array(repeating: "word", count: 30).joined(separator: " ")
        #expect(
            TextWrapping.wrap("> " + words) == """
                > word word word word word word word word word word word word word word word
                > word word word word word word word word word word word word word word word
                """)
        #expect(
            TextWrapping.wrap("12. " + words) == """
                12. word word word word word word word word word word word word word word word
                    word word word word word word word word word word word word word word word
                """)
        let lines = TextWrapping.wrap("- " + words).split(separator: "\n")
        #expect(lines.allSatisfy { $0.unicodeScalars.count <= 78 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  word") })
    }

    @Test func anUnbreakableWordStandsAloneWhole() {
        let url = "<https://example.org/" + String(repeating: "a", count: 90) + ">"
        #expect(TextWrapping.wrap("Track it " + url + " now") == "Track it\n\(url)\nnow")
    }

    @Test func countsCodePointsAndBreaksOnlyAtSpaces() {
        // 70 `é` and a narrow no-break space before `;`: 80 code points, one break at the space.
        let line = String(repeating: "é", count: 70) + " mot\u{202F}; fin"
        #expect(TextWrapping.wrap(line) == String(repeating: "é", count: 70) + " mot\u{202F};\nfin")
    }
}
