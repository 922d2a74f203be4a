import Diagnostics

extension RuleCatalog {
    /// The base `callback` template's English body, as written there.
    private static let callbackEnglish = """
          en:
            subject: We will call you back
            body: |
              A volunteer will call you back soon.

        """

    /// The base `callback` template with its English locale replaced by `locale` (markers allowed).
    private static func callbackEnglish(_ locale: String) -> [String: String] {
        edit("templates/callback.yaml", [callbackEnglish: locale])
    }

    /// The English locale with an image without alternative text (AM611), under `comment` (a line, or "").
    private static func decorativeImage(comment: String, trailing: String = "") -> String {
        """
          en:
            subject: We will call you back
        \(comment.isEmpty ? "" : "    " + comment + "\n")    body: |\(trailing)
              A volunteer will call you back soon.
              ![](https://lyonvote.fr/logo.png)

        """
    }

    /// AM801–AM805: `# automail: ignore CODE — reason` comments.
    static let suppressionRules: [RuleDescription] = [
        RuleDescription(
            code: .suppressionWithoutReason, severity: .error,
            summary: "an `# automail: ignore` comment gives no reason",
            explanation: #"""
                A suppression tells the next reviewer "this is fine here"; without the why, nobody can
                tell a deliberate exception from a silenced mistake, and it outlives its reason. The
                reason follows the codes after `—`, `--` or `-`, and is carried into SARIF as the
                suppression's justification. The comment still silences its codes.

                ```yaml
                # automail: ignore AM611 — the logo is decorative, its text is in the body
                body: |
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: callbackEnglish(decorativeImage(comment: "", trailing: "  «# automail: ignore AM611»"))),
                RuleExample(
                    triggers: false,
                    files: callbackEnglish(
                        decorativeImage(comment: "# automail: ignore AM611 — the logo is decorative"))),
            ]),
        RuleDescription(
            code: .unusedSuppression, severity: .warning,
            summary: "an `# automail: ignore` comment silences nothing",
            explanation: #"""
                The comment names a code that is not reported on the line it applies to: the problem
                was fixed, moved, or the comment sits on the wrong line. A stale suppression would
                silently hide the next, unrelated problem of that kind there, so remove it.

                A comment alone on its line applies to the next line that is not a comment; after YAML,
                to its own line; on a block scalar's header line (`body: |`), to the whole scalar.
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: callbackEnglish(
                        """
                          en:
                            subject: We will call you back  # automail: ignore «AM612» — a long subject
                            body: |
                              A volunteer will call you back soon.

                        """)),
                RuleExample(
                    triggers: false,
                    files: callbackEnglish(
                        decorativeImage(comment: "# automail: ignore AM611 — the logo is decorative"))),
                RuleExample(
                    triggers: false,
                    files: callbackEnglish(
                        decorativeImage(comment: "", trailing: "  # automail: ignore AM611 -- the logo is decorative"))),
            ]),
        RuleDescription(
            code: .unknownSuppressedCode, severity: .error,
            summary: "an `# automail: ignore` comment names an unknown code",
            explanation: #"""
                The code is not one automail reports, so the comment silences nothing, and the problem
                it meant to silence is still reported. It is usually a typo: the help line suggests the
                closest code. `automail explain` lists every code.

                ```yaml
                # automail: ignore AM611 — the logo is decorative
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: callbackEnglish(
                        decorativeImage(comment: "# automail: ignore «AM6111» — the logo is decorative"))),
                RuleExample(
                    triggers: false,
                    files: callbackEnglish(
                        decorativeImage(comment: "# automail: ignore am611 — the logo is decorative"))),
            ]),
        RuleDescription(
            code: .unsuppressibleCode, severity: .error,
            summary: "an `# automail: ignore` comment names a code that cannot be suppressed",
            explanation: #"""
                Some problems are never acceptable in a sent email: a footer without its legal mentions,
                missing consent, header injection, look-alike domains, active content. Others stop the
                compiler from building a bundle that does what the workspace says (unknown references,
                wrong types, Liquid that does not parse), and file-level problems come before any
                comment can be read. Such codes cannot be silenced: fix the problem instead.
                `automail explain CODE` says whether a code can be suppressed; docs/diagnostics.md lists them.
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: callbackEnglish(
                        """
                          en:
                            subject: We will call you back  # automail: ignore «AM401» — our sender adds the link
                            body: |
                              A volunteer will call you back soon.

                        """)),
                RuleExample(
                    triggers: false,
                    files: callbackEnglish(
                        decorativeImage(comment: "# automail: ignore AM611 — the logo is decorative"))),
            ]),
        RuleDescription(
            code: .malformedSuppression, severity: .error,
            summary: "an `# automail:` comment is not `# automail: ignore CODE — reason`",
            explanation: #"""
                A comment starting with `automail:` is a directive, and the only directive is `ignore`,
                followed by one or more codes (comma-separated) and the reason after a dash. A misspelt
                directive, or a reason without its dash, would silently silence nothing, so it is
                reported.

                ```yaml
                # automail: ignore AM611, AM612 — the welcome email is the long, illustrated one
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: callbackEnglish(
                        decorativeImage(comment: "«# automail: ignroe AM611 — the logo is decorative»"))),
                RuleExample(
                    triggers: true,
                    files: callbackEnglish(
                        decorativeImage(comment: "# automail: ignore AM611 «because» the logo is decorative"))),
                RuleExample(
                    triggers: false,
                    files: callbackEnglish(
                        decorativeImage(comment: "# automail: ignore AM611 — the logo is decorative"))),
            ]),
    ]
}
