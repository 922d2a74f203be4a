import Diagnostics

extension RuleCatalog {
    /// AM301–AM320: references between files resolve, ids are unique, and only choice answers send email.
    static let referenceRules: [RuleDescription] = [
        reference(
            .unknownTemplate, "template",
            why:
                "A trigger bound to a template that does not exist would fire and send nothing, or fail in the sending service at the worst moment.",
            fix: "Use the id written in the template file's `id:` (not its file name):",
            snippet: "template: welcome",
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["template: welcome": "template: «welcom»"])),
                RuleExample(triggers: false, files: [:]),
            ]),
        reference(
            .unknownSender, "sender",
            why:
                "The sender decides the From and Reply-To of the email; an unknown one cannot be resolved, and guessing would send from an address nobody chose.",
            fix:
                "Name a sender declared under `senders` in `automail.yaml` (or omit `sender` to use `default_sender`):",
            snippet: "sender: team",
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("templates/callback.yaml", ["sender: team": "sender: «teams»"])),
                RuleExample(
                    triggers: true,
                    files: edit("automail.yaml", ["default_sender: team": "default_sender: «equipe»"])),
                RuleExample(triggers: false, files: edit("templates/callback.yaml", ["sender: team\n": ""])),
            ]),
        reference(
            .unknownQuestionnaire, "questionnaire",
            why:
                "The first part of an answer path is a questionnaire id; an unknown one means the trigger can never fire.",
            fix: "Use the `id:` of a file in `questionnaires/`:",
            snippet: "answer: doors/support/yes",
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["answer: doors/support/yes": "answer: «door»/support/yes"])),
                RuleExample(triggers: false, files: [:]),
            ]),
        reference(
            .unknownQuestion, "question",
            why:
                "The second part of an answer path is a question of that questionnaire; an unknown one means the trigger can never fire.",
            fix: "Use the `id` of a question of the questionnaire (the note points at it):",
            snippet: "answer: doors/support/yes",
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["answer: doors/support/yes": "answer: doors/«suport»/yes"])),
                RuleExample(triggers: false, files: [:]),
            ]),
        reference(
            .unknownAnswer, "answer",
            why:
                "The last part of an answer path is an answer of that question; an unknown one means the trigger can never fire. Answer ids are not their labels: a French label `Oui` may have the id `yes`.",
            fix: "Use the `id` of one of the question's `answers`:",
            snippet: "answer: doors/support/yes",
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["answer: doors/support/yes": "answer: doors/support/«oui»"])),
                RuleExample(
                    triggers: false,
                    files: edit("triggers/main.yaml", ["answer: doors/support/yes": "answer: doors/topics/housing"])),
            ]),
        reference(
            .unknownSupportLevel, "support level",
            why:
                "Without `support_levels` in `automail.yaml`, the levels are the reference CRM's defaults (`oppose`, `uncertain`, `supporter`, `strong_support`, `donor`, `team_member`); with it, only the declared ones. A level that is not among them never fires.",
            fix: "Use a known level, or declare the team's own levels:",
            snippet: "when:\n  support_level: supporter",
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["answer: doors/support/yes": "support_level: «supporters»"])),
                RuleExample(
                    triggers: false,
                    files: edit("triggers/main.yaml", ["answer: doors/support/yes": "support_level: supporter"])),
            ]),
        reference(
            .unknownTask, "task",
            why:
                "A `task` trigger fires when a task of the pipeline is assigned; a task that is not declared under `tasks` in `automail.yaml` never is.",
            fix: "Use a declared task id, or declare it:",
            snippet: "tasks:\n  - id: call_back\n    label: Call back",
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["task: call_back": "task: «callback»"])),
                RuleExample(triggers: false, files: [:]),
            ]),
        reference(
            .unknownPurpose, "consent purpose",
            why:
                "In `purpose` consent mode, an email goes only to contacts who consented to its purpose. With an undeclared purpose nobody has consented, and the sending service cannot tell whom to send to.",
            fix: "Name a purpose declared under `consent.purposes`:",
            snippet: "purpose: news",
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("templates/callback.yaml", ["purpose: news": "purpose: «newsletter»"])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .duplicateID, severity: .error,
            summary: "two definitions of the same kind share an id",
            explanation: #"""
                Ids are unique per kind across the workspace (templates, triggers, questionnaires,
                senders, purposes, contact fields, levels, tasks, locales, sending domains), questions
                within their questionnaire and answers within their question. With two definitions,
                references and the bundle's event keys would be ambiguous; automail uses the first and
                reports the others, with a note at the first. A copied-and-pasted trigger is the usual
                cause.

                Rename the copy:

                ```yaml
                - id: welcome-topics
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: appending(
                        "triggers/main.yaml",
                        """
                          - id: «welcome-yes»
                            when:
                              answer: doors/topics/housing
                            template: welcome
                            priority: 30

                        """)),
                RuleExample(
                    triggers: true,
                    files: edit("questionnaires/doors.yaml", [#"      - id: "no""#: #"      - id: «"yes"»"#])),
                RuleExample(
                    triggers: false,
                    files: appending(
                        "triggers/main.yaml",
                        """
                          - id: welcome-housing
                            when:
                              answer: doors/topics/housing
                            template: welcome
                            priority: 30

                        """)),
            ]),
        RuleDescription(
            code: .questionCannotCarryEmail, severity: .error,
            summary: "an answer trigger is bound to a question that is not a choice question",
            explanation: #"""
                In the reference CRM only answers of `single_choice` and `checkbox` questions can send an
                email: free input (`open_text`, `number`, `date`, `email`, `phone`) has no answer id to
                match, so such a trigger would never fire once deployed.

                Bind the trigger to a choice question, or turn the question into one:

                ```yaml
                when:
                  answer: doors/support/yes
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "triggers/main.yaml",
                        [
                            "      answer: doors/support/yes": "      answer: «doors/remarks/filled»"
                        ])),
                RuleExample(triggers: false, files: [:]),
            ]),
    ]

    /// A rule reporting an unknown reference: the explanation follows one pattern.
    private static func reference(
        _ code: DiagnosticCode, _ kind: String, why: String, fix: String, snippet: String, examples: [RuleExample]
    ) -> RuleDescription {
        RuleDescription(
            code: code, severity: .error,
            summary: "a reference names an unknown \(kind)",
            explanation: """
                The \(kind) named here is not defined in the workspace. \(why)

                The help suggests the closest known id (`did you mean …?`) or lists the known ones.
                \(fix)

                ```yaml
                \(snippet)
                ```
                """,
            examples: examples)
    }
}
