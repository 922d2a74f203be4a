import Testing
@testable import MailRendering

/// Liquid constructs go through Markdown byte for byte, in HTML and in text.
struct LiquidProtectionTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var markdown: String
        var html: String
        var text: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "quotes and pipes",
            markdown: #"Hi {{ contact.firstname | default: "l'ami" }}, {{ a | upcase | truncate: 5 }}"#,
            html: #"<p>Hi {{ contact.firstname | default: "l'ami" }}, {{ a | upcase | truncate: 5 }}</p>"#,
            text: #"Hi {{ contact.firstname | default: "l'ami" }}, {{ a | upcase | truncate: 5 }}"# + "\n"),
        Case(
            name: "whitespace control",
            markdown: "{%- if x -%}\nyes\n{%- endif -%}",
            html: "{%- if x -%}<p>yes</p>{%- endif -%}",
            text: "{%- if x -%}yes\n\n{%- endif -%}\n"),
        Case(
            name: "if block spanning two paragraphs",
            markdown: "{% if contact.firstname %}\nHello {{ contact.firstname }},\n\nSecond paragraph.\n{% endif %}",
            html: "{% if contact.firstname %}<p>Hello {{ contact.firstname }},</p><p>Second paragraph.</p>{% endif %}",
            text: "{% if contact.firstname %}Hello {{ contact.firstname }},\n\nSecond paragraph.\n\n{% endif %}\n"),
        Case(
            name: "if block with blank lines",
            markdown: "Hello\n\n{% if x %}\n\nMiddle\n\n{% endif %}\n\nBye",
            html: "<p>Hello</p>{% if x %}<p>Middle</p>{% endif %}<p>Bye</p>",
            text: "Hello\n\n{% if x %}Middle\n\n{% endif %}Bye\n"),
        Case(
            name: "Liquid link target",
            markdown: "[Unsubscribe]({{ unsubscribe_url }})",
            html: #"<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>"#,
            text: "Unsubscribe <{{ unsubscribe_url }}>\n"),
        Case(
            name: "raw region taken whole",
            markdown: "Write {% raw %}{{ x }}{% endraw %} literally",
            html: "<p>Write {% raw %}{{ x }}{% endraw %} literally</p>",
            text: "Write {% raw %}{{ x }}{% endraw %} literally\n"),
        Case(
            name: "raw region is not Markdown, and its HTML is escaped",
            markdown: "{% raw %}**b** <i>{% endraw %}",
            html: "<p>{% raw %}**b** &lt;i&gt;{% endraw %}</p>",
            text: "{% raw %}**b** <i>{% endraw %}\n"),
        Case(
            name: "emphasis around Liquid, and Liquid with < inside",
            markdown: "**{{ name }}** {% if a < b %}_x_{% endif %}",
            html: "<p><strong>{{ name }}</strong> {% if a < b %}<em>x</em>{% endif %}</p>",
            text: "{{ name }} {% if a < b %}x{% endif %}\n"),
        Case(
            name: "Liquid in a code span",
            markdown: "Type `{{ x }} & <y>`",
            html: "<p>Type <code>{{ x }} &amp; &lt;y&gt;</code></p>",
            text: "Type {{ x }} & <y>\n"),
        Case(
            name: "text that looks like a placeholder",
            markdown: "LQQZ0X LQQQZ1X {{ a }}",
            html: "<p>LQQZ0X LQQQZ1X {{ a }}</p>",
            text: "LQQZ0X LQQQZ1X {{ a }}\n"),
        Case(
            name: "unterminated delimiters are text",
            markdown: "a {{ b and {% c",
            html: "<p>a {{ b and {% c</p>",
            text: "a {{ b and {% c\n"),
    ]

    @Test(arguments: cases)
    func html(_ testCase: Case) {
        let result = renderHTMLFragment(markdown: testCase.markdown)
        #expect(result.html == testCase.html)
        #expect(result.issues.isEmpty)
    }

    @Test(arguments: cases)
    func text(_ testCase: Case) {
        #expect(renderText(markdown: testCase.markdown) == testCase.text)
    }

    @Test func everyLiquidConstructSurvivesByteForByte() {
        let constructs = [
            #"{{ contact.firstname | default: "l'ami" }}"#, "{%- if x -%}", "{%- endif -%}",
            "{% raw %}{{ x }}{% endraw %}", "{{ unsubscribe_url }}", #"{% assign s = "a|b" | split: "|" %}"#,
        ]
        let markdown = constructs.joined(separator: " and ")
        let html = renderHTMLFragment(markdown: markdown).html
        let text = renderText(markdown: markdown)
        for construct in constructs {
            #expect(html.contains(construct))
            #expect(text.contains(construct))
        }
    }
}
