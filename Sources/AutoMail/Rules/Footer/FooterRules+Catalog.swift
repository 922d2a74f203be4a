import Diagnostics

extension RuleCatalog {
    /// The `en` footer of the base manifest, as written there.
    private static let baseEnglishFooter = """
          en: |
            {{ legal.publisher }}, {{ legal.postal_address }}. {{ legal.data_origin }}
            [Your data]({{ legal.privacy_url }}) · [Unsubscribe]({{ unsubscribe_url }})

        """

    /// The base manifest with its `en` footer replaced by `lines`; when `marked`, the whole footer text
    /// (from `|` to the end of its last line) is where the diagnostic must land.
    private static func englishFooter(_ lines: String, marked: Bool) -> [String: String] {
        let indented = lines.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        let footer = marked ? "  en: «|\n\(indented)»\n" : "  en: |\n\(indented)\n"
        return edit("automail.yaml", [baseEnglishFooter: footer])
    }

    /// AM401–AM408: the legal footer in every locale.
    static let footerRules: [RuleDescription] = [
        RuleDescription(
            code: .footerMissingUnsubscribe, severity: .error,
            suppressibility: .unsafe,
            summary: "a footer has no unsubscribe link",
            explanation: #"""
                Every email must offer a simple, free way to object: CNIL for political communication,
                GDPR art. 21, CAN-SPAM's clear opt-out, and the Gmail/Yahoo 2024 bulk-sender rules, which
                also require a visible unsubscribe link in the body besides the RFC 8058 one-click
                `List-Unsubscribe` headers automail adds. The footer, converted and set in the layout,
                is rendered along every path through its conditions (see docs/diagnostics.md); on each,
                it must show a visible link with visible text to `{{ unsubscribe_url }}` (a fixed URL
                cannot identify the contact), and the text part the URL.

                ```yaml
                footer:
                  en: |
                    … [Unsubscribe]({{ unsubscribe_url }})
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: englishFooter(
                        """
                        {{ legal.publisher }}, {{ legal.postal_address }}. {{ legal.data_origin }}
                        [Your data]({{ legal.privacy_url }}) · [Unsubscribe](https://lyonvote.fr/unsubscribe)
                        """, marked: true)),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "      A volunteer will call you back soon.\n": """
                                  A volunteer will call you back soon.
                                footer: «|
                                  {{ legal.publisher }}, {{ legal.postal_address }}. {{ legal.data_origin }}
                                  [Your data]({{ legal.privacy_url }})»

                            """
                        ])),
                RuleExample(
                    triggers: true,
                    files: englishFooter(
                        """
                        {{ legal.publisher }}, {{ legal.postal_address }}. {{ legal.data_origin }}
                        [Your data]({{ legal.privacy_url }}) · «{% unless contact.district == "north" %}»[Unsubscribe]({{ unsubscribe_url }}){% endunless %}
                        """, marked: false)),
                RuleExample(
                    triggers: true,
                    files: englishFooter(
                        """
                        {{ legal.publisher }}, {{ legal.postal_address }}. {{ legal.data_origin }}
                        [Your data]({{ legal.privacy_url }}) · []({{ unsubscribe_url }})
                        """, marked: true)),
                RuleExample(
                    triggers: false,
                    files: englishFooter(
                        """
                        {{ legal.publisher }}, {{ legal.postal_address }}. {{ legal.data_origin }}
                        [Your data]({{ legal.privacy_url }}) · {% if contact.firstname %}[Unsubscribe, {{ contact.firstname }}]({{ unsubscribe_url }}){% else %}[Unsubscribe]({{ unsubscribe_url }}){% endif %}
                        """, marked: false)),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .footerMissingPublisher, severity: .error,
            suppressibility: .unsafe,
            summary: "a footer does not show the publisher",
            explanation: #"""
                The recipient must be told who sends the email: the identity of the controller (GDPR
                art. 13/14) and, for political communication, who publishes it (CNIL). The footer is
                rendered and must show `legal.publisher` whatever the contact.

                ```yaml
                footer:
                  en: |
                    {{ legal.publisher }}, {{ legal.postal_address }}. …
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: englishFooter(
                        """
                        {{ legal.postal_address }}. {{ legal.data_origin }}
                        [Your data]({{ legal.privacy_url }}) · [Unsubscribe]({{ unsubscribe_url }})
                        """, marked: true)),
                RuleExample(
                    triggers: false,
                    files: englishFooter(
                        """
                        Base association, {{ legal.postal_address }}. {{ legal.data_origin }}
                        [Your data]({{ legal.privacy_url }}) · [Unsubscribe]({{ unsubscribe_url }})
                        """, marked: false)),
            ]),
        RuleDescription(
            code: .footerMissingPostalAddress, severity: .error,
            suppressibility: .unsafe,
            summary: "a footer does not show the postal address",
            explanation: #"""
                CAN-SPAM requires a valid physical postal address in every commercial email, and GDPR
                art. 13/14 the controller's contact details. The footer is rendered and must show
                `legal.postal_address` whatever the contact.

                ```yaml
                footer:
                  en: |
                    {{ legal.publisher }}, {{ legal.postal_address }}. …
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: englishFooter(
                        """
                        {{ legal.publisher }}. {{ legal.data_origin }}
                        [Your data]({{ legal.privacy_url }}) · [Unsubscribe]({{ unsubscribe_url }})
                        """, marked: true)),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .footerMissingPrivacyLink, severity: .error,
            suppressibility: .unsafe,
            summary: "a footer has no link to the privacy page",
            explanation: #"""
                GDPR art. 13/14 require telling recipients how their data is used and how to exercise
                their rights (access, rectification, erasure, objection). The footer must link to
                `legal.privacy_url`, the page that says so, whatever the contact.

                ```yaml
                footer:
                  en: |
                    … [Your data and rights]({{ legal.privacy_url }})
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: englishFooter(
                        """
                        {{ legal.publisher }}, {{ legal.postal_address }}. {{ legal.data_origin }}
                        [Unsubscribe]({{ unsubscribe_url }})
                        """, marked: true)),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .footerMissingDataOrigin, severity: .error,
            suppressibility: .unsafe,
            summary: "a footer does not show the data-origin notice",
            explanation: #"""
                When data was not collected from the recipient by email, GDPR art. 14 and the CNIL
                require saying where it came from ("you talked with one of our volunteers"). The footer
                is rendered and must show the locale's `legal.data_origin` whatever the contact.

                ```yaml
                footer:
                  en: |
                    {{ legal.publisher }}, {{ legal.postal_address }}. {{ legal.data_origin }}
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: englishFooter(
                        """
                        {{ legal.publisher }}, {{ legal.postal_address }}.
                        [Your data]({{ legal.privacy_url }}) · [Unsubscribe]({{ unsubscribe_url }})
                        """, marked: true)),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .missingFooter, severity: .error,
            suppressibility: .unsafe,
            summary: "a workspace locale has no footer",
            explanation: #"""
                Every email carries the legal footer (publisher, postal address, privacy link,
                data-origin notice, unsubscribe link), in the recipient's language. The manifest's
                `footer` needs an entry for every workspace locale, unless every template overrides the
                footer in that locale.

                ```yaml
                footer:
                  fr: |
                    …
                  en: |
                    {{ legal.publisher }}, … [Unsubscribe]({{ unsubscribe_url }})
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("automail.yaml", ["footer:\n  fr: |": "«footer»:\n  fr: |", baseEnglishFooter: ""])),
                // A locale refused as malformed (`EN`) has its own error where it is declared, and is
                // required nowhere else.
                RuleExample(
                    triggers: false,
                    files: edit("automail.yaml", ["locales: [fr, en]": "locales: [fr, en, CY]"])),
                // A footer under a near-miss key has its own error (AM206) there.
                RuleExample(
                    triggers: false,
                    files: edit(
                        "automail.yaml", ["  en: |\n    {{ legal.publisher }}": "  EN: |\n    {{ legal.publisher }}"])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .missingDataOrigin, severity: .error,
            suppressibility: .unsafe,
            summary: "`legal.data_origin` has no notice for a workspace locale",
            explanation: #"""
                The data-origin notice (GDPR art. 14, CNIL) is shown in the footer in the recipient's
                language, so `legal.data_origin` needs one text per workspace locale. Without it the
                footer would render an empty notice in that locale.

                ```yaml
                legal:
                  data_origin:
                    fr: Vous avez rencontré un de nos bénévoles.
                    en: You met one of our volunteers.
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "automail.yaml",
                        [
                            "  data_origin:\n": "  «data_origin»:\n",
                            "    en: You met one of our volunteers.\n": "",
                        ])),
                RuleExample(
                    triggers: false,
                    files: edit("automail.yaml", ["locales: [fr, en]": "locales: [fr, en, CY]"])),
                // A notice under a near-miss key, or left empty, has its own error (AM206, AM208) there.
                RuleExample(
                    triggers: false,
                    files: edit(
                        "automail.yaml",
                        ["    en: You met one of our volunteers.": "    EN: You met one of our volunteers."])),
                RuleExample(
                    triggers: false,
                    files: edit("automail.yaml", ["    en: You met one of our volunteers.": "    en:"])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .insecurePrivacyURL, severity: .error,
            suppressibility: .unsafe,
            summary: "the privacy URL is not an `https://` URL",
            explanation: #"""
                The privacy page is where recipients read how their data is used and exercise their
                rights. Over plain `http://` the page can be altered or its forms read in transit, and
                mail clients and spam filters flag insecure links.

                ```yaml
                legal:
                  privacy_url: https://lyonvote.fr/privacy
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "automail.yaml",
                        [
                            "privacy_url: https://lyonvote.fr/privacy": "privacy_url: «http://lyonvote.fr/privacy»"
                        ])),
                RuleExample(triggers: false, files: [:]),
            ]),
    ]
}
