import Diagnostics

extension RuleCatalog {
    /// AM508: placeholders (reserved example domains, `automail init`'s values) never reach a contact.
    static let placeholderRules: [RuleDescription] = [
        RuleDescription(
            code: .placeholderValue, severity: .warning, buildSeverity: .error,
            suppressibility: .unsafe,
            summary: "a placeholder would reach a contact: a reserved example domain or a value `automail init` writes",
            explanation: #"""
                `example.com`, `example.net`, `example.org` and their subdomains, `example`, and the
                top-level domains `.test`, `.example`, `.invalid` and `.localhost` are reserved for
                documentation and tests (RFC 2606, RFC 6761): no mail is delivered from or to them. As a
                sending domain, a sender or reply-to address or the privacy page's host, and like the
                postal address `automail init` writes (`1 Example Street, Springfield`), they are
                placeholders. `check` warns, so a new workspace can be checked as it is written; `build`
                refuses them (an error), so that no placeholder reaches a contact. Write your own:

                ```yaml
                sending_domains: [lyon-en-commun.fr]
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "automail.yaml",
                        ["sending_domains: [lyonvote.fr]": "sending_domains: [lyonvote.fr, «example.org»]"])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "automail.yaml", ["reply_to: contact@lyonvote.fr": "reply_to: «contact@news.example.com»"])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "automail.yaml",
                        ["privacy_url: https://lyonvote.fr/privacy": "privacy_url: «https://lyonvote.test/privacy»"])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "automail.yaml",
                        [
                            "postal_address: 1 rue de la Paix, 75002 Paris, France":
                                "postal_address: «1 Example Street, Springfield»"
                        ])),
                RuleExample(
                    triggers: false,
                    files: edit("automail.yaml", ["reply_to: contact@lyonvote.fr": "reply_to: contact@example-lyon.fr"])
                ),
                RuleExample(triggers: false, files: [:]),
            ])
    ]
}
