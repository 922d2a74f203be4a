import Diagnostics

extension RuleCatalog {
    /// A small valid template, `id` as given (markers allowed).
    private static func reminderTemplate(id: String) -> String {
        """
        id: \(id)
        purpose: news
        locales:
          fr:
            subject: Un dernier mot avant dimanche
            body: |
              Le scrutin a lieu dimanche : chaque voix compte.
          en:
            subject: One last word before Sunday
            body: |
              The election is on Sunday: every vote counts.

        """
    }

    /// AM701–AM703: how triggers combine.
    static let triggerRules: [RuleDescription] = [
        RuleDescription(
            code: .duplicateBinding, severity: .error,
            // A suppressed duplicate binding is harmless: one email an encounter.
            suppressibility: .allowed,
            summary: "the same event is bound to the same template twice",
            explanation: #"""
                Two triggers send the same template on the same event. Their settings (priority, delay,
                once-per-contact window) compete, and which one applies depends on the sender. It is
                usually a trigger copied to change one setting and not removed.

                Keep one trigger, with the settings you want:

                ```yaml
                - id: welcome-yes
                  when:
                    answer: doors/support/yes
                  template: welcome
                  delay: 1h
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: appending(
                        "triggers/main.yaml",
                        """
                          - id: welcome-yes-later
                            when:
                              «answer: doors/support/yes»
                            template: welcome
                            priority: 5
                            delay: 1d

                        """)),
                RuleExample(
                    triggers: false,
                    files: edit("triggers/main.yaml", ["    priority: 20\n": "    priority: 20\n    delay: 1d\n"])),
            ]),
        RuleDescription(
            code: .priorityTie, severity: .error,
            // A suppressed tie is broken by trigger id, as the bundle records.
            suppressibility: .allowed,
            summary: "triggers that can fire in one encounter tie on priority",
            explanation: #"""
                The reference CRM sends one email per encounter: when several triggers fire, the highest
                `priority` wins. Two triggers sending different templates with the same priority, that
                can fire in the same encounter, leave the choice to chance. Triggers can fire together
                when they are on the same questionnaire (but not two answers of one `single_choice`
                question), on a support level and an answer or a task, or on two tasks.

                Give them distinct priorities:

                ```yaml
                priority: 30
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: appending(
                        "triggers/main.yaml",
                        """
                          - id: callback-yes
                            when:
                              answer: doors/support/yes
                            template: callback
                            priority: «20»

                        """)),
                RuleExample(
                    triggers: true,
                    files: appending(
                        "triggers/main.yaml",
                        """
                          - id: welcome-housing
                            when:
                              answer: doors/topics/housing
                            template: welcome
                          - id: «callback-transport»
                            when:
                              answer: doors/topics/transport
                            template: callback

                        """)),
                RuleExample(
                    triggers: false,
                    files: appending(
                        "triggers/main.yaml",
                        """
                          - id: callback-no
                            when:
                              answer: doors/support/no
                            template: callback
                            priority: 20

                        """)),
            ]),
        RuleDescription(
            code: .unusedTemplate, severity: .warning,
            summary: "a template is not used by any trigger",
            explanation: #"""
                No trigger sends this template, so it is never sent, yet it is compiled into the bundle
                and reviewed like the others. It is often a template whose trigger was deleted, or a
                trigger that names the template with a different id. Bind it, or delete the file.

                ```yaml
                triggers:
                  - id: reminder-task
                    when:
                      task: call_back
                    template: reminder
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: ["templates/reminder.yaml": reminderTemplate(id: "«reminder»")]),
                RuleExample(
                    triggers: false,
                    files: files(
                        ["templates/reminder.yaml": reminderTemplate(id: "reminder")],
                        appending(
                            "triggers/main.yaml",
                            """
                              - id: reminder-uncertain
                                when:
                                  support_level: uncertain
                                template: reminder

                            """))),
            ]),
    ]
}
