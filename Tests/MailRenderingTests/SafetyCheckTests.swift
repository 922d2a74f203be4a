import Testing
@testable import MailRendering

/// Raw HTML and unsafe links are refused as issues with exact Unicode-scalar ranges, and the
/// HTML is sanitised anyway.
struct SafetyCheckTests {
    struct Expected: Equatable, CustomStringConvertible {
        var kind: MarkdownIssue.Kind
        var range: Range<Int>
        var description: String { "\(kind)@\(range)" }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var markdown: String
        var issues: [(MarkdownIssue.Kind, Range<Int>)]
        var html: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "script element",
            markdown: "a\n\n<script>alert(1)</script>\n\nb",
            issues: [(.rawHTML, 3..<11), (.rawHTML, 19..<28)],
            html: "<p>a</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p><p>b</p>"),
        Case(
            name: "img with onerror",
            markdown: "Hi <img src=x onerror=alert(1)> there",
            issues: [(.rawHTML, 3..<31)],
            html: "<p>Hi &lt;img src=x onerror=alert(1)&gt; there</p>"),
        Case(
            name: "HTML comment",
            markdown: "x <!-- hidden --> y",
            issues: [(.rawHTML, 2..<17)],
            html: "<p>x &lt;!-- hidden --&gt; y</p>"),
        Case(
            name: "offsets count Unicode scalars",
            markdown: "é👍🏽 <b>",
            issues: [(.rawHTML, 4..<7)],
            html: "<p>é👍🏽 &lt;b&gt;</p>"),
        Case(
            name: "HTML in code is fine",
            markdown: "Use `<b>` or\n\n```\n<i>x</i>\n```",
            issues: [],
            html: "<p>Use <code>&lt;b&gt;</code> or</p><pre><code>&lt;i&gt;x&lt;/i&gt;\n</code></pre>"),
        Case(
            name: "a lone less-than is text",
            markdown: "1 < 2 and 3<4",
            issues: [],
            html: "<p>1 &lt; 2 and 3&lt;4</p>"),
        Case(
            name: "javascript link",
            markdown: "[click](javascript:alert(1)) and [Click](JavaScript:x)",
            issues: [(.unsafeLinkURL, 8..<27), (.unsafeLinkURL, 41..<53)],
            html: "<p>click and Click</p>"),
        Case(
            name: "data, vbscript and relative links",
            markdown: "[a](data:text/html,x) [b](vbscript:x) [c](/path) [d](//evil.example)",
            issues: [
                (.unsafeLinkURL, 4..<20), (.unsafeLinkURL, 26..<36), (.unsafeLinkURL, 42..<47),
                (.unsafeLinkURL, 53..<67),
            ],
            html: "<p>a b c d</p>"),
        Case(
            name: "quote in a URL cannot break the attribute",
            markdown: #"[q](https://a.example/"onmouseover="x)"#,
            issues: [(.unsafeLinkURL, 4..<37)],
            html: "<p>q</p>"),
        Case(
            name: "empty link",
            markdown: "[nothing]()",
            issues: [(.emptyLinkURL, 0..<11)],
            html: "<p>nothing</p>"),
        Case(
            name: "autolinks accepted",
            markdown: "See <https://example.org/a?b=1&c=2> or <mailto:team@example.org>",
            issues: [],
            html: #"<p>See <a href="https://example.org/a?b=1&amp;c=2">https://example.org/a?b=1&amp;c=2</a> or "#
                + #"<a href="mailto:team@example.org">mailto:team@example.org</a></p>"#),
        Case(
            name: "accepted link forms",
            markdown: "[a](https://x.example) [b](http://x.example) [c](mailto:a@x.example) [d]({{ unsubscribe_url }})"
                + " [e](https://x.example/{{ contact.city }})",
            issues: [],
            html: #"<p><a href="https://x.example">a</a> <a href="http://x.example">b</a> "#
                + #"<a href="mailto:a@x.example">c</a> <a href="{{ unsubscribe_url }}">d</a> "#
                + #"<a href="https://x.example/{{ contact.city }}">e</a></p>"#),
        Case(
            name: "a link target that starts with a value the workspace does not control",
            markdown: "[d]({{ contact.website }}/x)",
            issues: [(.unsafeLinkURL, 4..<27)],
            html: "<p>d</p>"),
        Case(
            name: "a Liquid tag as link target",
            markdown: "[a]({% if x %}https://x.example{% endif %})",
            issues: [(.unsafeLinkURL, 4..<42)],
            html: "<p>a</p>"),
        Case(
            name: "image without alt",
            markdown: "![](https://example.org/logo.png)",
            issues: [(.imageWithoutAlt, 0..<33)],
            html: #"<img src="https://example.org/logo.png" alt="">"#),
        Case(
            name: "image alt cannot break the attribute, unsafe image dropped",
            markdown: #"x ![a "b"](https://x.example/i.png) ![c](javascript:x)"#,
            issues: [(.unsafeLinkURL, 41..<53)],
            html: #"<p>x <img src="https://x.example/i.png" alt="a &quot;b&quot;"> c</p>"#),
        Case(
            name: "reference links are checked at their declaration",
            markdown: "[a][ok] [b][bad] [c][missing]\n\n[ok]: https://x.example\n[bad]: javascript:x",
            // `[c][missing]` has no declaration: Ink uses `missing` as a relative URL.
            issues: [(.unsafeLinkURL, 17..<29), (.unsafeLinkURL, 62..<74)],
            html: #"<p><a href="https://x.example">a</a> b c</p>"#),
        Case(
            name: "code block language cannot inject attributes",
            markdown: "```x\" onclick=\"y\ncode\n```",
            issues: [],
            html: "<pre><code>code\n</code></pre>"),
    ]

    @Test(arguments: cases)
    func issuesAndSanitisedHTML(_ testCase: Case) {
        let result = renderHTMLFragment(markdown: testCase.markdown)
        let found = result.issues.map { Expected(kind: $0.kind, range: $0.range) }
        let expected = testCase.issues.map { Expected(kind: $0.0, range: $0.1) }
        #expect(found == expected)
        #expect(result.html == testCase.html)
        #expect(checkMarkdown(testCase.markdown) == result.issues)
    }

    @Test func messagesFollowTheStyle() {
        let issues = checkMarkdown("<b>x</b> [a](javascript:x) [b]() ![](https://x.example/i.png)")
        #expect(
            issues.map(\.message) == [
                "raw HTML `<b>` is not allowed",
                "raw HTML `</b>` is not allowed",
                "link target `javascript:x`: `javascript:` links are not allowed",
                "link has an empty target",
                "image has no alternative text",
            ])
        for issue in issues {
            #expect(issue.message.first?.isLowercase == true || issue.message.first == "`")
            #expect(!issue.message.hasSuffix("."))
            #expect(!issue.help.isEmpty)
        }
    }

    /// Whatever the input, every `<` in the output is Ink's markup, an autolink's anchor or part of
    /// a Liquid construct.
    @Test(arguments: [
        "<script>alert(1)</script>", "<a href=\"javascript:x\">y</a>", "<div\nonclick=x>",
        "<<b>>", "<img src=x onerror=alert(1)//", "[x](https://a/<script>)", "`x` <b>`y`</b>",
        "<https://a.example/\"onclick=x>", "> <b>quoted</b>", "- <i>item</i>",
    ])
    func noRawHTMLInOutput(markdown: String) {
        let html = renderHTMLFragment(markdown: markdown).html
        let allowed = [
            "<p>", "</p>", "<a href=", "</a>", "<code>", "</code>", "<blockquote>", "</blockquote>",
            "<ul>", "</ul>", "<li>", "</li>", "<br>",
        ]
        var rest = Substring(html)
        while let index = rest.firstIndex(of: "<") {
            let tail = rest[index...]
            #expect(allowed.contains { tail.hasPrefix($0) }, "unexpected markup in \(html)")
            rest = rest[rest.index(after: index)...]
        }
    }
}
