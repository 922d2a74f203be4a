import Liquid
import Testing

@testable import MailRendering

/// Liquid blocks written across Markdown lines render as their author wrote them: block tags at the
/// edges of lines get blocks of their own, inline blocks stay inline, captures of blocks print as blocks,
/// and every conversion parses and stays well nested on every path.
struct LiquidBlockLayoutTests {
    static let cases: [(markdown: String, html: String)] = [
        // A `when` with its text on the same line: the tag stands apart, its text is a paragraph.
        (
            "Hi,\n{% case contact.b %}\n{% when \"A\" %}A news.\n{% when \"B\" %}B\n{% else %}Other.\n{% endcase %}",
            "<p>Hi,</p>{% case contact.b %}{% when \"A\" %}<p>A news.</p>{% when \"B\" %}<p>B</p>{% else %}<p>Other.</p>{% endcase %}"
        ),
        (
            "{% if contact.x %}Dear {{ contact.x }},\nwelcome.{% endif %}\nBye",
            "{% if contact.x %}<p>Dear {{ contact.x }},<br>welcome.</p>{% endif %}<p>Bye</p>"
        ),
        // All on one line, or with a tag inside a line of text: inline, as written (a single newline
        // is a line break).
        (
            "{% if contact.x %}Dear {{ contact.x }},{% endif %}\nBye",
            "<p>{% if contact.x %}Dear {{ contact.x }},{% endif %}<br>Bye</p>"
        ),
        (
            "Hello {% if contact.x %}dear\n\nfriend{% endif %}",
            "<p>Hello {% if contact.x %}dear</p><p>friend{% endif %}</p>"
        ),
        // Captures: inline stays inline; a capture of blocks prints as blocks, not inside a paragraph.
        (
            "Intro {% capture g %}Hello\ndear{% endcapture %}{{ g }}",
            "<p>Intro {% capture g %}Hello<br>dear{% endcapture %}{{ g }}</p>"
        ),
        ("{% capture g %}\nHello\n{% endcapture %}\n{{ g }}", "{% capture g %}<p>Hello</p>{% endcapture %}{{ g }}"),
        (
            "{% capture g %}\nP1\n\nP2\n{% endcapture %}\n{{ g }}",
            "{% capture g %}<p>P1</p><p>P2</p>{% endcapture %}{{ g }}"
        ),
    ]

    @Test(arguments: cases.indices)
    func blocksRenderAsWritten(index: Int) throws {
        let (markdown, expected) = Self.cases[index]
        let html = renderHTMLFragment(markdown: markdown).html
        #expect(html == expected)
        let template = try #require(LiquidTemplate.parse(html).template, "the conversion does not parse")
        let paths = try #require(template.renderEveryPath(.object([:]), knownRoots: [], limit: 64))
        for rendering in paths.renderings {
            #expect(VisibleContent.isWellNested(rendering.output), "\(rendering.output)")
        }
    }
}
