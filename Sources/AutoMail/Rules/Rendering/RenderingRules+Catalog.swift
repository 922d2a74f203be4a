import Diagnostics

extension RuleCatalog {
    /// AM612–AM614: what only rendering a template shows.
    static let renderingRules: [RuleDescription] = [
        RuleDescription(
            code: .subjectTooLong, severity: .warning,
            summary: "a subject is over 150 characters once rendered",
            explanation: #"""
                Inboxes show the first 40 to 90 characters of a subject; past 150 every client cuts it,
                and long subjects are a spam signal. The subject is rendered for a sample contact with
                every field filled and measured in characters.

                ```yaml
                subject: We will call you back
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back": "subject: «We will call you back"
                                + String(repeating: " very soon", count: 14) + "»"
                        ])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .bodyRendersEmpty, severity: .error,
            summary: "a body renders empty for some contact",
            explanation: #"""
                Many contacts are saved without a first name or a custom field. A body whose whole text
                sits inside `{% if contact.firstname %}`, or in a `{% case %}` without `{% else %}`,
                sends them an empty email. The body is rendered along every path through its
                conditions (each condition that reads the contact both holds and fails; each `case`
                matches each `when`, then none) for a contact whose fields are all absent, and
                converted; a path that shows no text is an error, reported at the branch that empties
                it, with the conditions before it as notes. An empty body (`body: ""`) is empty on
                every path. Keep some text outside the conditions, or add an `{% else %}`.

                ```liquid
                {% if contact.firstname %}Hello {{ contact.firstname }},{% else %}Hello,{% endif %}
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "      A volunteer will call you back soon.\n":
                                "      «{% if contact.firstname %}»A volunteer will call you back soon.{% endif %}\n"
                        ])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "  en:\n    subject: We will call you back\n    body: |\n      A volunteer will call you back soon.\n":
                                "  en:\n    subject: We will call you back\n    body: «\"\"»\n"
                        ])),
                RuleExample(
                    triggers: false,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "      A volunteer will call you back soon.\n":
                                "      {% if contact.firstname %}Hello {{ contact.firstname }}, a{% else %}A{% endif %} volunteer will call you back soon.\n"
                        ])),
            ]),
        RuleDescription(
            code: .untranslatedLocale, severity: .warning,
            summary: "a locale's body is identical to the default locale's: probably untranslated",
            explanation: #"""
                A template covers every workspace locale, and copying the default locale's body is the
                quickest way to make `check` pass, but the contact then reads a language they did not
                choose. The body of each other locale is compared with the default locale's (ignoring
                whitespace). Translate it; a real identical text (a name, a link only) can be reworded.
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back\n    body: |\n      A volunteer will call you back soon.\n":
                                "subject: We will call you back\n    body: «|\n      Un bénévole vous rappellera bientôt.»\n"
                        ])),
                RuleExample(triggers: false, files: [:]),
            ]),
    ]
}
