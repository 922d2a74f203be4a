import Testing
@testable import MailRendering

/// The plain-text part: structure kept, markers removed, wrapped at 78 columns.
struct PlainTextTests {
    @Test func paragraphsEmphasisAndLinks() {
        let markdown = """
        Hello **{{ contact.firstname }}**, thanks for _your_ time.
        See [our site](https://example.org) or https://example.org.

        [https://example.org/x](https://example.org/x) and <https://example.org/y>
        """
        // A single newline is a line break, in the text part as in the HTML.
        #expect(renderText(markdown: markdown) == """
        Hello {{ contact.firstname }}, thanks for your time.
        See our site <https://example.org> or https://example.org.

        <https://example.org/x> and <https://example.org/y>

        """)
    }

    @Test func listsAndHeadings() {
        let markdown = """
        # Our next event

        ## Where

        - Town hall, [map](https://maps.example/1)
        - Saturday
          - from 10:00
          - to 12:00

        1. Come
        2. Bring a friend

        ---

        > See you there
        """
        #expect(renderText(markdown: markdown) == """
        Our next event
        ==============

        Where
        -----

        - Town hall, map <https://maps.example/1>
        - Saturday
          - from 10:00
          - to 12:00

        1. Come
        2. Bring a friend

        --------------------

        > See you there

        """)
    }

    @Test func wrapsAt78WithoutBreakingLiquidOrURLs() {
        let markdown = """
        This is a rather long paragraph with a {{ contact.firstname | default: "friend" }} merge tag \
        and a link to [our privacy page](https://example.org/a/very/long/path/that/goes/on/and/on/forever/privacy?x=1) \
        so that it wraps.
        """
        let text = renderText(markdown: markdown)
        #expect(text == """
        This is a rather long paragraph with a
        {{ contact.firstname | default: "friend" }} merge tag and a link to our
        privacy page
        <https://example.org/a/very/long/path/that/goes/on/and/on/forever/privacy?x=1>
        so that it wraps.

        """)
        for line in text.split(separator: "\n") where !line.contains("https://") {
            #expect(line.count <= 78)
        }
    }

    @Test func longListItemsIndentTheirContinuation() {
        let markdown = "- " + Array(repeating: "word", count: 20).joined(separator: " ")
        #expect(renderText(markdown: markdown) == """
        - word word word word word word word word word word word word word word word
          word word word word word

        """)
    }

    @Test func hardBreaksAndEntities() {
        #expect(renderText(markdown: "Line one  \nline two &amp; &copy; 3 < 4") == "Line one\nline two & &copy; 3 < 4\n")
    }

    @Test func emptyInputGivesEmptyText() {
        #expect(renderText(markdown: "") == "")
        #expect(renderHTMLFragment(markdown: "").html == "")
    }
}
