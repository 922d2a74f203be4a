import Diagnostics

extension RuleCatalog {
    /// The base manifest with a `brand` block in place of `consent:`'s line before it.
    static func manifestWithBrand(_ brand: String) -> [String: String] {
        edit("automail.yaml", ["consent:\n": "brand:\n" + brand + "consent:\n"])
    }

    /// AM625–AM627: the brand settings of the default layout.
    static let brandRules: [RuleDescription] = [
        RuleDescription(
            code: .brandColorContrast, severity: .error,
            summary: "the brand colour does not contrast enough with white",
            explanation: #"""
                The default layout paints buttons in `brand.color` under white text and colours links on
                the white card with it. So the colour needs a contrast of at least 4.5:1 against white
                (WCAG 2 AA for text): `#2563eb`, `#c2410c`, `#15803d` and `#be123c` pass, `#fbbf24` does
                not. The help names a darker shade that passes. Links in dark mode use a lighter shade
                of the colour, worked out by automail.

                ```yaml
                brand:
                  color: "#c2410c"
                ```
                """#,
            examples: [
                RuleExample(triggers: true, files: manifestWithBrand("  color: «\"#fbbf24\"»\n")),
                RuleExample(triggers: false, files: manifestWithBrand("  color: \"#c2410c\"\n")),
            ]),
        RuleDescription(
            code: .brandColorDarkContrast, severity: .warning,
            summary: "the brand colour does not stand out from the dark-mode card",
            explanation: #"""
                In dark mode the card is `#1f1f23` and buttons keep the brand colour. A colour under 3:1
                against that card (WCAG 2 AA for a control's edge) would make the button's shape hard to
                see, so the layout draws a light outline around buttons in dark mode. The warning says
                so, and its help names a lighter shade that needs no outline and still carries white
                text, when there is one (`#2563eb`, `#c2410c` and `#15803d` need none; `#1e1b4b` does).

                ```yaml
                brand:
                  color: "#c2410c"
                ```
                """#,
            examples: [
                RuleExample(triggers: true, files: manifestWithBrand("  color: «\"#1e1b4b\"»\n")),
                RuleExample(triggers: false, files: manifestWithBrand("  color: \"#15803d\"\n")),
            ]),
        RuleDescription(
            code: .insecureLogoURL, severity: .error,
            summary: "the brand logo is not loaded over `https`",
            explanation: #"""
                `brand.logo.url` is the image at the top of every email. Mail clients block or flag
                images loaded over plain HTTP, and a `data:` or relative URL does not load at all: give
                an `https://` URL. `alt` is required too: it is what a contact reads while images are
                blocked, which is the default in many clients.

                ```yaml
                brand:
                  logo:
                    url: https://lyonvote.fr/logo.png
                    alt: Lyon en commun
                    width: 140
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: manifestWithBrand(
                        "  logo:\n    url: «http://lyonvote.fr/logo.png»\n    alt: Lyon en commun\n")),
                RuleExample(
                    triggers: false,
                    files: manifestWithBrand(
                        "  logo:\n    url: https://lyonvote.fr/logo.png\n    alt: Lyon en commun\n")),
            ]),
    ]
}
