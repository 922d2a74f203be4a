import Diagnostics
import Liquid

extension RuleCatalog {
    /// The supported Liquid filters as the explanation of AM606 lists them, from the filter registry.
    static var supportedFilterList: String {
        LiquidTemplate.supportedFilters.map { "`" + $0 + "`" }.joined(separator: ", ")
    }

    /// The base `callback` template with `text` added after the last line of its `en` body.
    private static func callbackEnglishBody(adding text: String) -> [String: String] {
        edit(
            "templates/callback.yaml",
            [
                "      A volunteer will call you back soon.\n":
                    "      A volunteer will call you back soon.\n      \(text)\n"
            ])
    }

    /// The base workspace with a `checkbox` contact field `interests` and `text` added to the callback body.
    private static func checkboxField(andBody text: String) -> [String: String] {
        callbackEnglishBody(adding: text).merging(
            edit(
                "automail.yaml",
                [
                    "    label: District\n":
                        "    label: District\n  - id: interests\n    type: checkbox\n    label: Interests\n"
                ])
        ) { first, _ in first }
    }

    /// AM601–AM611: template locales, subjects, Liquid and Markdown.
    static let templateRules: [RuleDescription] = [
        RuleDescription(
            code: .missingLocale, severity: .error,
            summary: "a template does not cover every workspace locale",
            explanation: #"""
                The sending service picks the template locale matching the contact's language, and
                falls back to the default locale (the first of `locales`). A template without one of
                the workspace locales would leave those contacts with an email in the wrong language,
                or none. Every template covers every locale of `locales` in `automail.yaml`.

                ```yaml
                locales:
                  fr: {subject: Merci !, body: …}
                  en: {subject: Thank you!, body: …}
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/welcome.yaml",
                        [
                            "locales:\n": "«locales»:\n",
                            """
                              en:
                                subject: 'Thank you {{ contact.firstname | default: "friend" }}!'
                                body: |
                                  Hello {{ contact.firstname | default: "friend" }},

                                  Thank you for your support.

                            """: "",
                        ])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .undeclaredLocale, severity: .error,
            summary: "a template has a locale the workspace does not declare",
            explanation: #"""
                The template has content for a locale that is not in `locales` of `automail.yaml`. No
                contact is ever sent that content, and it is not checked against a footer or a
                data-origin notice in that language. Declare the locale (and then give every template,
                the footer and `data_origin` an entry for it), or remove the content.

                ```yaml
                locales: [fr, en, de]
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: appending(
                        "templates/callback.yaml",
                        """
                          «de»:
                            subject: Wir rufen Sie zurück
                            body: |
                              Ein Freiwilliger ruft Sie bald zurück.

                        """)),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .emptySubject, severity: .error,
            summary: "a template subject is empty, or renders empty for some contact",
            explanation: #"""
                An email without a subject looks like spam to recipients and to filters, and some
                mail clients hide it. Write a subject in every locale; Liquid is allowed (quote the
                subject when it holds `: `), with a `default` so that it is never empty for a contact
                without a first name. The subject is rendered along every path through its conditions
                for a contact whose fields are all absent; a path on which it shows nothing is an error,
                reported at the branch that empties it.

                ```yaml
                subject: 'Thank you {{ contact.firstname | default: "friend" }}!'
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back": #"subject: «""»"#
                        ])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back": "subject: «'  '»"
                        ])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back": "subject: «'{{ contact.firstname }}'»"
                        ])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back":
                                "subject: '«{% if contact.firstname %}»Hi {{ contact.firstname }}{% endif %}'"
                        ])),
                RuleExample(
                    triggers: false,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back": #"subject: '{{ contact.firstname | default: "Hello" }}'"#
                        ])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .liquidSyntax, severity: .error,
            summary: "the Liquid markup does not parse",
            explanation: #"""
                The Liquid in a subject, body or footer is malformed: an output `{{` without `}}`, a tag
                `{%` without `%}`, an `if` without `endif`, an unterminated string… In the reference CRM
                broken markup is sent as is, braces and all. automail refuses it.

                ```liquid
                Hello {{ contact.firstname | default: "friend" }},
                {% if contact.district %}See you in {{ contact.district }}!{% endif %}
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/welcome.yaml",
                        [
                            #"      Hello {{ contact.firstname | default: "friend" }},"#:
                                #"      Hello «{{» contact.firstname | default: "friend" },"#
                        ])),
                RuleExample(
                    triggers: true,
                    files: callbackEnglishBody(adding: "«{% if contact.district %}»See you in {{ contact.district }}!")),
                RuleExample(
                    triggers: false,
                    files: callbackEnglishBody(
                        adding: "{% if contact.district %}See you in {{ contact.district }}!{% endif %}")),
            ]),
        RuleDescription(
            code: .unsupportedLiquid, severity: .error,
            summary: "the Liquid uses a tag or filter outside automail's subset",
            explanation: #"""
                automail supports a subset of Liquid that every sender can render the same way: output
                with the filters \#(supportedFilterList);
                the tags `if`/`elsif`/`else`, `unless`, `case`/`when`, `comment`, `raw`, `assign`, `capture`.
                Loops, includes and other filters are refused (an `include` reads a file the sender
                does not have; an unknown filter is ignored silently by some engines). The help names
                the supported filter another language calls differently (`upper` is `upcase`).

                ```liquid
                {{ contact.surname | upcase }}
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/welcome.yaml",
                        [
                            #"      Hello {{ contact.firstname | default: "friend" }},"#:
                                "      Hello {{ contact.firstname | «upper» }},"
                        ])),
                // Another language's name for a supported filter: the help names it (`upcase`).
                RuleExample(
                    triggers: true,
                    files: callbackEnglishBody(adding: "{{ contact.firstname | «lower» }}")),
                RuleExample(
                    triggers: true,
                    files: callbackEnglishBody(adding: "{% «set» greeting = \"Hi\" %}{{ greeting }}")),
                RuleExample(
                    triggers: true,
                    files: callbackEnglishBody(adding: "{% «include» 'signature' %}")),
                RuleExample(
                    triggers: true,
                    files: callbackEnglishBody(adding: "{% assign steps = «(1..3)» %}{{ steps | size }} steps left.")),
                RuleExample(
                    triggers: false,
                    files: edit(
                        "templates/welcome.yaml",
                        [
                            #"      Hello {{ contact.firstname | default: "friend" }},"#:
                                #"      Hello {{ contact.firstname | default: "friend" | upcase }},"#
                        ])),
            ]),
        RuleDescription(
            code: .unknownVariable, severity: .error,
            summary: "the Liquid reads a variable the sender does not provide",
            explanation: #"""
                In the reference CRM a misspelt merge tag renders as an empty string, silently:
                "Hello ," goes out to every contact. automail knows every variable a template can
                read: `contact.firstname`, `contact.surname`, `contact.mail`, `contact.<id>` for each
                of `contact_fields`, `unsubscribe_url`, `legal.*` and `workspace.id`/`workspace.name`.
                Fix the spelling (the help suggests the closest name) or declare the custom field.

                ```yaml
                contact_fields:
                  - id: district
                    type: short_text
                    label: District
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/welcome.yaml",
                        [
                            #"subject: 'Thank you {{ contact.firstname | default: "friend" }}!'"#:
                                #"subject: 'Thank you {{ «contact.fristname» | default: "friend" }}!'"#
                        ])),
                RuleExample(
                    triggers: true,
                    files: callbackEnglishBody(adding: "See you in {{ «contact.quartier» }}.")),
                RuleExample(
                    triggers: false,
                    files: callbackEnglishBody(adding: "See you in {{ contact.district | default: \"your area\" }}.")),
            ]),
        RuleDescription(
            code: .listFieldPrinted, severity: .error,
            summary: "the Liquid prints a checkbox field, which holds a list of answers",
            explanation: #"""
                A `checkbox` contact field holds the answers the contact ticked: a list, not a text.
                Printed as it is, Liquid engines disagree (`["a", "b"]`, `['a', 'b']` or `ab`), so the
                bundle's contract refuses it: every output of the HTML part ends with `| escape`, and a
                list given to a filter fails at send time, for every contact who ticked something. The
                email is never sent. Test an answer, or print what is a single value:

                ```liquid
                {% if contact.interests contains "housing" %}We will send you our housing plan.{% endif %}
                You chose {{ contact.interests.size }} topics; the first is {{ contact.interests.first }}.
                ```

                `| size` is allowed too (`{{ contact.interests | size }}`); any other filter, `default`
                included, still receives the list.
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: checkboxField(andBody: "Your topics: {{ «contact.interests» }}.")),
                RuleExample(
                    triggers: true,
                    files: checkboxField(andBody: "Your topics: {{ «contact.interests» | default: \"none\" }}.")),
                RuleExample(
                    triggers: false,
                    files: checkboxField(
                        andBody:
                            "{% if contact.interests contains \"housing\" %}Housing it is.{% endif %} {{ contact.interests | size }} topics, first {{ contact.interests.first }}."
                    )),
            ]),
        RuleDescription(
            code: .rawHTML, severity: .error,
            suppressibility: .unsafe,
            summary: "the Markdown contains raw HTML",
            explanation: #"""
                Bodies and footers are Markdown, rendered by automail to email-safe HTML and plain text.
                Raw HTML passes through the Markdown renderer unchanged, `<script>` and event handlers
                included, breaks the plain-text version, and renders differently in every mail client.
                Use Markdown instead:

                ```markdown
                Thank you for your **support**.
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/welcome.yaml",
                        [
                            "Thank you for your support.": "Thank you for your «<strong>»support</strong>."
                        ])),
                RuleExample(
                    triggers: false,
                    files: edit(
                        "templates/welcome.yaml",
                        [
                            "Thank you for your support.": "Thank you for your **support**."
                        ])),
            ]),
        RuleDescription(
            code: .unsafeLink, severity: .error,
            suppressibility: .unsafe,
            summary: "a link target is not an `https:`, `http:` or `mailto:` URL",
            explanation: #"""
                Links must be absolute `https:` (or `http:`) or `mailto:` URLs, or one of the URLs the
                workspace controls: `{{ unsubscribe_url }}`, `{{ legal.privacy_url }}`. `javascript:`
                and `data:` links are attack vectors; a target that starts with a contact's value
                (`{{ contact.website }}`) lets whoever typed that value choose where the link goes;
                a relative link (`www.lyonvote.fr/…`, `/programme`) has no base in an email and goes
                nowhere; spaces and quotes in a URL break the HTML attribute. A contact value after a
                fixed `https://` host is fine.

                ```markdown
                Read [our programme](https://www.lyonvote.fr/programme).
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: callbackEnglishBody(adding: "Read [our programme](«www.lyonvote.fr/programme»).")),
                RuleExample(
                    triggers: true,
                    files: callbackEnglishBody(adding: "[Act now](«javascript:alert(document.cookie)»)")),
                RuleExample(
                    triggers: true,
                    files: callbackEnglishBody(adding: "[Your district page](«{{ contact.district }}»)")),
                RuleExample(
                    triggers: false,
                    files: callbackEnglishBody(
                        adding: "[Your district page](https://www.lyonvote.fr/{{ contact.district }})")),
                RuleExample(
                    triggers: false,
                    files: callbackEnglishBody(adding: "Read [our programme](https://www.lyonvote.fr/programme).")),
            ]),
        RuleDescription(
            code: .emptyLink, severity: .error,
            summary: "a link has an empty target",
            explanation: #"""
                A link written `[text]()` renders as a link that goes nowhere (or reloads the webmail
                page). It is usually a placeholder left behind. Give the target, or write the text
                without a link.

                ```markdown
                Read [our programme](https://www.lyonvote.fr/programme).
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: callbackEnglishBody(adding: "Read «[our programme]()».")),
                RuleExample(
                    triggers: false,
                    files: callbackEnglishBody(adding: "Read [our programme](https://www.lyonvote.fr/programme).")),
            ]),
        RuleDescription(
            code: .imageWithoutAlt, severity: .warning,
            summary: "an image has no alternative text",
            explanation: #"""
                Many mail clients block images by default and screen readers announce them by their
                alternative text. An image without one shows as an empty box or is skipped, and image-
                only content is a spam signal. Describe the image between the brackets.

                ```markdown
                ![Our volunteers at the Croix-Rousse market](https://lyonvote.fr/team.jpg)
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: callbackEnglishBody(adding: "«![](https://lyonvote.fr/team.jpg)»")),
                RuleExample(
                    triggers: false,
                    files: callbackEnglishBody(adding: "![Our volunteers at the market](https://lyonvote.fr/team.jpg)")),
            ]),
        RuleDescription(
            code: .markdownTooComplex, severity: .error,
            summary: "a subject, body or footer is too long or too bracket-nested to render in bounded time",
            explanation: #"""
                The Markdown renderer takes time exponential in the number of `[` open at once in a
                paragraph, and quadratic in their number: a pull request could make `check` hang. automail
                therefore refuses, before rendering, a body or footer longer than 262,144 characters, a
                paragraph with more than 10 `[` open at once (nested or never closed) or with more than 500
                `[`, and a subject longer than 262,144 characters. A real email is a few kilobytes, with
                a handful of links.

                Close each `[` of a link, or escape a literal one as `\[`:

                ```markdown
                [Read our programme](https://lyonvote.fr/programme) \[updated\]
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "A volunteer will call you back soon.": "«[»[[[[[[[[[[ call you back soon."
                        ])),
                RuleExample(
                    triggers: false,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "A volunteer will call you back soon.": "[[nested] link](https://lyonvote.fr) soon."
                        ])),
            ]),
        RuleDescription(
            code: .reservedNameAssigned, severity: .error,
            summary: "a template assigns a name the sender or the manifest provides",
            explanation: #"""
                `contact`, `legal`, `workspace` and `unsubscribe_url` are what the sender provides for
                each contact and what automail fills from `automail.yaml`. The body and the footer are
                rendered in one Liquid scope, after each other, so `{% assign legal = "" %}` in a body
                would erase the publisher, address and data-origin notice from the footer, and
                `{% capture unsubscribe_url %}…{% endcapture %}` would point the footer's unsubscribe
                link elsewhere, after the legal checks had passed. These names are never assignable, in
                a subject, a body or a footer; use a name of your own.

                ```liquid
                {% assign greeting = contact.firstname | default: "friend" %}Hello {{ greeting }},
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: callbackEnglishBody(adding: #"«{% assign legal = "" %}»"#)),
                RuleExample(
                    triggers: true,
                    files: callbackEnglishBody(
                        adding: "«{% capture unsubscribe_url %}»https://example.org{% endcapture %}")),
                RuleExample(
                    triggers: false,
                    files: callbackEnglishBody(
                        adding: #"{% assign greeting = contact.firstname | default: "friend" %}Hello {{ greeting }}"#)),
            ]),
        RuleDescription(
            code: .liquidBlocksAcrossMarkdown, severity: .error,
            summary: "a Liquid block and the Markdown around it do not nest",
            explanation: #"""
                Markdown wraps paragraphs in markup; when one Liquid block's tags fall in different
                paragraphs, markup can land where Liquid allows none (between `{% case %}` and its first
                `{% when %}`), and every sender would refuse the bundle. The text is converted as the
                build does and parsed as a sender does. Block tags on lines of their own, or at the
                start or end of a line, get blocks of their own: write them that way.

                ```liquid
                {% case contact.district %}
                {% when "north" %}Our northern team meets on Mondays.
                {% else %}Our team meets every week.
                {% endcase %}
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "  en:\n    subject: We will call you back\n    body: |\n      A volunteer will call you back soon.\n":
                                "  en:\n    subject: We will call you back\n    body: «|\n      A volunteer will call {% case contact.district %}\n\n      {% when \"north\" %}you back {% endcase %} soon.»\n"
                        ])),
                RuleExample(
                    triggers: true,
                    files: callbackEnglishBody(adding: "**Hello «{% if contact.firstname %}»dear** friend{% endif %}")),
                RuleExample(
                    triggers: false,
                    files: callbackEnglishBody(
                        adding:
                            "{% case contact.district %}\n{% when \"north\" %}See you in the north.\n{% else %}See you soon.\n{% endcase %}"
                    )),
            ]),
    ]
}
