import Testing

@testable import MailRendering

/// ``ActiveContent``: the allow-list AM617 applies to a layout's rendered HTML.
@Suite struct ActiveContentTests {
    /// Rendered HTML and what must be refused in it (empty: nothing).
    static let cases: [(html: String, refused: [String])] = [
        (#"<table role="presentation" width="100%"><tr><td style="padding:0">x</td></tr></table>"#, []),
        (
            #"<a href="https://example.org/?a=1&amp;b=2">x</a> <a href="mailto:a@example.org">m</a> <img src="cid:logo" alt="">"#,
            []
        ),
        (##"<a href="#top">top</a> <a href="/relative">r</a>"##, []),
        (#"<!--[if mso]><v:roundrect xmlns:v="urn:schemas-microsoft-com:vml"></v:roundrect><![endif]-->"#, []),
        ("<script>alert(1)</script>", ["`<script>` element"]),
        ("<SCRIPT>alert(1)</SCRIPT>", ["`<script>` element"]),
        (#"<a href="jav&#x61;script:alert(1)">x</a>"#, ["`javascript:` URL"]),
        (#"<a href="java&#9;script:alert(1)">x</a>"#, ["`javascript:` URL"]),
        (#"<a href=" JavaScript:alert(1)">x</a>"#, ["`javascript:` URL"]),
        ("<img src=\"cid:x\" onerror\n=\"alert(1)\">", ["event handler attribute `onerror`"]),
        (#"<img src="cid:x"onerror="alert(1)">"#, ["event handler attribute `onerror`"]),
        (#"<img src="data:image/png;base64,AAAA">"#, ["`data:` URL"]),
        (#"<div style="width:expression(alert(1))">x</div>"#, ["`expression(` in a style"]),
        ("<style>@import url(https://evil.example/x.css);</style>", ["`@import` in a style"]),
        (#"<form action="https://evil.example"><input name="p"></form>"#, ["`<form>` element", "`<input>` element"]),
        (#"<a href="https://example.org" formaction="https://evil.example">x</a>"#, ["attribute `formaction`"]),
        (#"<iframe srcdoc="x"></iframe>"#, ["`<iframe>` element"]),
        (#"<svg><a xlink:href="javascript:alert(1)">x</a></svg>"#, ["`<svg>` element", "attribute `xlink:href`"]),
    ]

    @Test(arguments: cases.indices)
    func refusesWhatRunsLoadsOrSubmits(_ index: Int) {
        let (html, refused) = Self.cases[index]
        #expect(ActiveContent.problems(in: html) == refused, "\(html)")
    }
}
