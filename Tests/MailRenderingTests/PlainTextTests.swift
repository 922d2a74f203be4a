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
        #expect(
            renderText(markdown: markdown) == """
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
        #expect(
            renderText(markdown: markdown) == """
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

    @Test func wrapsAt78WithoutBreakingURLs() {
        let markdown = """
            This is a rather long paragraph with no merge tag \
            and a link to [our privacy page](https://example.org/a/very/long/path/that/goes/on/and/on/forever/privacy?x=1) \
            so that it wraps.
            """
        let text = renderText(markdown: markdown)
        #expect(
            text == """
                This is a rather long paragraph with no merge tag and a link to our privacy
                page <https://example.org/a/very/long/path/that/goes/on/and/on/forever/privacy?x=1>
                so that it wraps.

                """ || text.split(separator: "\n").allSatisfy { $0.count <= 78 || $0.contains("https://") })
        for line in text.split(separator: "\n") where !line.contains("https://") {
            #expect(line.count <= 78)
        }
    }

    /// A paragraph with contact Liquid is left for the sender to wrap once rendered (format 2); known
    /// values are put in and wrapped on.
    @Test func liquidParagraphsAreLeftForTheSenderKnownValuesArePutIn() {
        let markdown = """
            This is a rather long paragraph with a {{ contact.firstname | default: "friend" }} merge tag and more words after it.

            Published by {{ legal.publisher }}, {{ legal.postal_address }}, with a long sentence to wrap.
            """
        let settings = ConversionSettings(knownValues: [
            "legal.publisher": "Association Lyon en commun 2026",
            "legal.postal_address": "12 rue de la République, 69001 Lyon",
        ])
        let text = RenderedMarkdown(markdown: markdown, settings: settings).text
        #expect(
            text == """
                This is a rather long paragraph with a {{ contact.firstname | default: "friend" }} merge tag and more words after it.

                Published by Association Lyon en commun 2026, 12 rue de la République, 69001
                Lyon, with a long sentence to wrap.

                """)
        // A value with Liquid in it stays Liquid; `[a@b.org](mailto:a@b.org)` shows the address once.
        let odd = RenderedMarkdown(
            markdown: "By {{ legal.publisher }}. Write to [a@b.org](mailto:a@b.org).",
            settings: ConversionSettings(knownValues: ["legal.publisher": "{{ x }}"])
        ).text
        #expect(odd == "By {{ legal.publisher }}. Write to a@b.org.\n")
    }

    @Test func longListItemsIndentTheirContinuation() {
        let markdown = "- " + Array(repeating: "word", count: 20).joined(separator: " ")
        #expect(
            renderText(markdown: markdown) == """
                - word word word word word word word word word word word word word word word
                  word word word word word

                """)
    }

    @Test func hardBreaksAndEntities() {
        #expect(
            renderText(markdown: "Line one  \nline two &amp; &copy; 3 < 4") == "Line one\nline two & &copy; 3 < 4\n")
    }

    @Test func emptyInputGivesEmptyText() {
        #expect(renderText(markdown: "") == "")
        #expect(renderHTMLFragment(markdown: "").html == "")
    }
}
