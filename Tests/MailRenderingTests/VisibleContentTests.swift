import MailRendering
import Testing

/// What a reader sees of HTML: hidden elements, comments and empty link texts do not count.
struct VisibleContentTests {
    @Test func commentsAndHiddenElementsAreNotSeen() {
        let html = """
            <p>Shown <!-- <a href="u">Gone</a> --></p><div style="display: none">Hidden</div>\
            <span hidden>H2</span><p style="font-size:0px">Tiny</p><p style="opacity:0.5">Half</p>\
            <title>T</title><div style="max-height:0;overflow:hidden">Clipped</div>
            """
        let visible = VisibleContent(html: html)
        #expect(visible.text.contains("Shown") && visible.text.contains("Half"))
        for hidden in ["Gone", "Hidden", "H2", "Tiny", "T\n", "Clipped"] { #expect(!visible.text.contains(hidden)) }
        #expect(visible.links.isEmpty)
    }

    @Test func linksKeepTheirVisibleText() {
        let visible = VisibleContent(
            html:
                #"<a href="https://a/?x=1&amp;y=2">Go <b>now</b></a><a href="u"></a><a href="v"><img alt="Stop"></a><a href="w">&#8203;</a>"#
        )
        #expect(visible.links.map(\.href) == ["https://a/?x=1&y=2", "u", "v", "w"])
        #expect(visible.links.map { VisibleContent.isVisible($0.text) } == [true, false, true, false])
    }

    @Test func nestingAndTagPlacement() {
        #expect(VisibleContent.isWellNested("<p>a<br><strong>b</strong><img src=x></p><!-- <p> -->"))
        #expect(!VisibleContent.isWellNested("<p><strong>a</p></strong>"))
        #expect(!VisibleContent.isWellNested("<p>a"))
        #expect(
            VisibleContent.blockTagsStandOutsideElements("{% if x %}<p>a</p>{% else %}<ul><li>b</li></ul>{% endif %}"))
        #expect(!VisibleContent.blockTagsStandOutsideElements("<p>Hello {% if x %}dear</p><p>friend{% endif %}</p>"))
        #expect(VisibleContent.blockTagsStandOutsideElements("<p>no tags</p>"))
    }
}
