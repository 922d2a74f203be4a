import Testing
@testable import MailRendering

/// The default layout's design: buttons, line breaks, French typography, the preheader and the
/// colour table's contrasts.
struct EmailDesignTests {
    @Test func aLinkAloneWithTheMarkerIsABulletproofButton() {
        let fragment = renderHTMLFragment(
            markdown: "Intro\n\n[Sign up](https://a.example/j?c={{ contact.id }}){.button}\n\nBye"
        ).html
        #expect(
            fragment.contains(
                "<p class=\"am-button\"><a href=\"https://a.example/j?c={{ contact.id }}\">Sign up</a></p>"))
        let styled = EmailTheme().styled(fragment, role: .body)
        #expect(styled.contains("<table role=\"presentation\" class=\"am-button-table\""))
        #expect(styled.contains("bgcolor=\"#2563eb\""))
        #expect(styled.contains("<a class=\"am-button\" style=\"display:inline-block;padding:14px 28px;"))
        #expect(styled.contains("href=\"https://a.example/j?c={{ contact.id }}\">Sign up</a></td></tr></table>"))
        #expect(!styled.contains("{.button}"))
        // The text part has the link, not the marker.
        #expect(renderText(markdown: "[Sign up](https://a.example/x){.button}") == "Sign up <https://a.example/x>\n")
    }

    @Test func theMarkerElsewhereStaysText() {
        let html = renderHTMLFragment(markdown: "Go [there](https://a.example){.button} now").html
        #expect(html.contains("{.button}"))
        #expect(!html.contains("am-button"))
        // An unsafe URL keeps no anchor, so no button.
        let unsafe = renderHTMLFragment(markdown: "[x](javascript:alert(1)){.button}")
        #expect(!unsafe.html.contains("am-button"))
        #expect(!unsafe.issues.isEmpty)
    }

    @Test func aSingleNewlineIsALineBreak() {
        #expect(
            renderHTMLFragment(markdown: "In solidarity,\nThe committee").html
                == "<p>In solidarity,<br>The committee</p>")
        #expect(renderText(markdown: "In solidarity,\nThe committee") == "In solidarity,\nThe committee\n")
    }

    @Test func frenchSpacingOnTheAuthorsTextOnly() {
        let nnbsp = "\u{202F}"
        let html = renderHTMLFragment(
            markdown:
                "Bonjour : « Lyon » ; oui ! [lien](https://a.example/x?y=1) `a ; b` {{ contact.x | default: \"a ; b\" }} 14:30",
            typography: .french
        ).html
        #expect(html.contains("Bonjour\(nnbsp): «\(nnbsp)Lyon\(nnbsp)»\(nnbsp); oui\(nnbsp)!"))
        #expect(html.contains("<code>a ; b</code>"))
        #expect(html.contains("{{ contact.x | default: \"a ; b\" }}"))
        #expect(html.contains("14:30"))
        #expect(html.contains("href=\"https://a.example/x?y=1\""))
        #expect(renderHTMLFragment(markdown: "Bonjour : oui", typography: .none).html == "<p>Bonjour : oui</p>")
        #expect(Typography(locale: "fr-CA") == .french && Typography(locale: "en") == .none)
        // The text part wraps on the real spaces, never on the narrow no-break ones.
        #expect(renderText(markdown: "a ; b", typography: .french) == "a\(nnbsp); b\n")
    }

    @Test func thePreheaderIsHiddenAndNotAMention() {
        let html = renderHTMLDocument(
            subject: "S", locale: "en", bodyHTML: "<p>B</p>", footerHTML: "<p>F</p>", layout: nil,
            preheader: "Publisher {{ contact.firstname }} <x>")
        #expect(html.contains("<div class=\"am-preheader\" style=\"display:none;"))
        #expect(html.contains("Publisher {{ contact.firstname }} &lt;x&gt;"))
        let visible = VisibleContent(html: html)
        #expect(!visible.text.contains("Publisher"))
        // Right after `<body …>`, in a custom layout too.
        let custom = renderHTMLDocument(
            subject: "S", locale: "en", bodyHTML: "<p>B</p>", footerHTML: "<p>F</p>",
            layout: "<body style=\"x\"><div>{{ content }}</div></body>", preheader: "P")
        #expect(custom.contains("<body style=\"x\"><div class=\"am-preheader\""))
    }

    @Test func brandAndColourTable() {
        // Footer text at 12 px meets 4.5:1 on its page colour in both schemes.
        #expect(RGBColor.contrast(EmailTheme.footer, EmailTheme.page) >= 4.5)
        #expect(RGBColor.contrast(EmailTheme.darkFooter, EmailTheme.darkPage) >= 4.5)
        #expect(RGBColor.contrast(EmailTheme.text, EmailTheme.card) >= 4.5)
        #expect(RGBColor.contrast(EmailTheme.darkText, EmailTheme.darkCard) >= 4.5)
        #expect(EmailTheme.check(color: EmailBrand.defaultColor).isEmpty)
        #expect(
            EmailTheme.check(color: RGBColor(hex: "#fbbf24") ?? .init(red: 0, green: 0, blue: 0)).map(\.against) == [
                "white"
            ])
        #expect(RGBColor(hex: "#C2410C")?.hex == "#c2410c" && RGBColor(hex: "#abc")?.hex == "#aabbcc")
        #expect(RGBColor(hex: "c2410c") == nil && RGBColor(hex: "#c2410") == nil && RGBColor(hex: "#gggggg") == nil)
        let contrast = RGBColor.contrast(.init(red: 0, green: 0, blue: 0), .init(red: 255, green: 255, blue: 255))
        #expect(abs(contrast - 21) < 0.001)
        for hex in ["#1e1b4b", "#2563eb", "#c2410c", "#000000"] {
            let theme = EmailTheme(brand: EmailBrand(color: RGBColor(hex: hex) ?? EmailBrand.defaultColor))
            #expect(RGBColor.contrast(theme.darkLink, EmailTheme.darkCard) >= 4.5)
        }
        let brand = EmailBrand(
            color: EmailBrand.defaultColor,
            logo: EmailLogo(url: "https://a.example/l.png?a=1&b={{x}}", alt: "Tenants \"R\" us", width: 900),
            header: "{{ contact.mail }} <b>")
        let html = renderHTMLDocument(
            subject: "S", locale: "en", bodyHTML: "", footerHTML: "", layout: nil, theme: EmailTheme(brand: brand))
        #expect(
            html.contains(
                "src=\"https://a.example/l.png?a=1&amp;b=&#123;&#123;x&#125;&#125;\" alt=\"Tenants &quot;R&quot; us\" width=\"520\""
            ))
        #expect(html.contains(">&#123;&#123; contact.mail &#125;&#125; &lt;b&gt;</div>"))
    }
}
