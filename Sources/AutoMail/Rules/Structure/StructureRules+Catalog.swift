import Diagnostics

extension RuleCatalog {
    /// AM201–AM212: the shape of each file, as the decoder reads it.
    static let structureRules: [RuleDescription] = [
        RuleDescription(
            code: .unknownKey, severity: .error,
            // A suppressed unknown key is ignored: the bundle is still what the workspace says.
            suppressibility: .allowed,
            summary: "a key is not part of the workspace format",
            explanation: #"""
                The key is not one automail knows at this place. A misspelt key is otherwise ignored
                without a word: `reply-to:` instead of `reply_to:` would deploy a sender whose replies go
                nowhere. The help suggests the closest allowed key, or lists them.

                Fix the spelling (keys use `snake_case`) or remove the key:

                ```yaml
                senders:
                  - id: team
                    reply_to: contact@lyonvote.fr
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "automail.yaml", ["    reply_to: contact@lyonvote.fr": "    «reply-to»: contact@lyonvote.fr"])),
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["    delay: 2h": "    «delai»: 2h"])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .missingKey, severity: .error,
            summary: "a required key is missing",
            explanation: #"""
                A key the format requires is absent: a template locale without `body`, a trigger without
                `template`, a sender without `address`… The diagnostic points at the key that holds the
                incomplete mapping, or at the first key of a list item.

                Add the key; `docs/workspace-format.md` lists what each file requires:

                ```yaml
                en:
                  subject: We will call you back
                  body: |
                    A volunteer will call you back soon.
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "  en:\n": "  «en»:\n",
                            "    body: |\n      A volunteer will call you back soon.\n": "",
                        ])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "triggers/main.yaml",
                        [
                            "  - id: welcome-yes": "  - «id»: welcome-yes",
                            "    template: welcome\n": "",
                        ])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .wrongType, severity: .error,
            summary: "a value has the wrong type",
            explanation: #"""
                The value is a string where a list was expected, a list where a mapping was expected, a
                number where an id was expected… The message names what was found. A frequent case:
                `locales: fr, en` is one string, not a list of two locales.

                Write the value in the expected shape:

                ```yaml
                locales: [fr, en]
                priority: 20
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("automail.yaml", ["locales: [fr, en]": "locales: «fr, en»"])),
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["priority: 20": "priority: «high»"])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .malformedID, severity: .error,
            summary: "an id does not match `^[a-z0-9][a-z0-9_-]{0,63}$`",
            explanation: #"""
                Ids (of the workspace, senders, purposes, fields, levels, tasks, questionnaires,
                questions, answers, templates and triggers) are lowercase ASCII letters, digits, `_` and
                `-`, start with a letter or a digit, and have at most 64 characters. They end up in
                event keys (`answer:doors/support/yes`), URLs and log lines of the sending service, where
                spaces, capitals and accents break matching. The help suggests a valid id; a reference
                written as a file name (`template: call-back.yaml`) is told to use the id (`call-back`).

                ```yaml
                - id: welcome-yes
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["  - id: welcome-yes": "  - id: «Welcome Yes»"])),
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["answer: doors/support/yes": "answer: doors/support/«Yes»"])),
                // References written as the file of what they name.
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["template: callback": "template: «callback.yaml»"])),
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["answer: doors/support/yes": "answer: «doors.yml»/support/yes"])),
                RuleExample(
                    triggers: true,
                    files: edit("templates/callback.yaml", ["sender: team": "sender: «team@lyonvote.fr»"])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .invalidValue, severity: .error,
            summary: "a value is not one of those allowed",
            explanation: #"""
                The value is outside what the key accepts: a question `type` that is not one of
                `single_choice`, `checkbox`, `open_text`, `number`, `date`, `email`, `phone`; a
                `consent.mode` other than `channel` or `purpose`; a `priority` outside 0…1000. automail
                never falls back to a default, which would change what is sent without saying so.

                ```yaml
                type: single_choice
                priority: 1000
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("questionnaires/doors.yaml", ["type: single_choice": "type: «single-choice»"])),
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["priority: 20": "priority: «5000»"])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .malformedLocale, severity: .error,
            summary: "a locale does not match `^[a-z]{2,3}(-[A-Z]{2})?$`",
            explanation: #"""
                Locales are a lowercase ISO 639 language code with an optional uppercase region:
                `fr`, `en`, `pt-BR`. The sending service picks the template locale by exact match on
                the contact's language, so `EN` or `en_US` would never be chosen.

                ```yaml
                locales: [fr, en, pt-BR]
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("templates/callback.yaml", ["  en:\n": "  «EN»:\n"])),
                RuleExample(
                    triggers: true,
                    files: edit("automail.yaml", ["locales: [fr, en]": "locales: [fr, «en_US»]"])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .malformedDuration, severity: .error,
            summary: "a duration is not `<n>m`, `<n>h` or `<n>d` of at most 365 days",
            explanation: #"""
                `delay` and `once_per_contact` take a whole number followed by `m` (minutes), `h` (hours)
                or `d` (days), at most `365d`; `delay` also takes `0` (at once, the default) and
                `once_per_contact` takes `forever`. Free text such as
                `2 hours` cannot be read the same way by every sender, so it is refused.

                ```yaml
                delay: 2h
                once_per_contact: 30d
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["delay: 2h": "delay: «2 hours»"])),
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["once_per_contact: 30d": "once_per_contact: «400d»"])),
                RuleExample(
                    triggers: false,
                    files: edit("triggers/main.yaml", ["once_per_contact: 30d": "once_per_contact: forever"])),
                // `0` is the documented default of `delay`: written out, it needs no unit.
                RuleExample(
                    triggers: false,
                    files: edit("triggers/main.yaml", ["delay: 2h": "delay: 0"])),
            ]),
        RuleDescription(
            code: .emptyValue, severity: .error,
            summary: "a required value is empty",
            explanation: #"""
                The key is present but its value is empty: `subject:` with nothing after it, `name: ""`,
                an empty list where at least one item is required, or an empty file. An empty value
                would reach the inbox as an email without a subject or a sender without a name.

                Fill the value in, or remove the key when it is optional:

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
                            "    subject: We will call you back": "    «subject»:"
                        ])),
                RuleExample(
                    triggers: true,
                    files: edit("automail.yaml", ["name: Base campaign": #"name: «""»"#])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .triggerEventShape, severity: .error,
            summary: "`when` does not hold exactly one event",
            explanation: #"""
                A trigger fires on exactly one event: `answer`, `support_level` or `task`. With two
                events it is unclear whether both must happen or either; with none, it never fires.

                Split a trigger with two events into two triggers:

                ```yaml
                - id: welcome-yes
                  when:
                    answer: doors/support/yes
                  template: welcome
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "triggers/main.yaml",
                        [
                            "      answer: doors/support/yes\n":
                                "      answer: doors/support/yes\n      «task»: call_back\n"
                        ])),
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["    when:\n      answer: doors/support/yes": "    «when»:"])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .malformedAnswerPath, severity: .error,
            summary: "an answer path is not `questionnaire/question/answer`",
            explanation: #"""
                An `answer` event names the answer by its full path: the questionnaire id, the question
                id and the answer id, separated by `/`. A shorter path is ambiguous (two questionnaires
                may both have a `support` question with a `yes` answer).

                ```yaml
                when:
                  answer: doors/support/yes
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["answer: doors/support/yes": "answer: «support/yes»"])),
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["answer: doors/support/yes": "answer: «doors//yes»"])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .answersShape, severity: .error,
            summary: "answers are missing on a choice question or present on another",
            explanation: #"""
                `single_choice` and `checkbox` questions list their answers, and only their answers can
                trigger an email; other question types (`open_text`, `number`, `date`, `email`, `phone`)
                have free input and no `answers`. A choice question without answers could never fire a
                trigger; answers on a text question would never be given.

                ```yaml
                - id: topics
                  type: checkbox
                  label: Topics
                  answers:
                    - id: housing
                      label: Housing
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "questionnaires/doors.yaml",
                        [
                            "    label: Remarks\n":
                                "    label: Remarks\n    «answers»:\n      - id: filled\n        label: Filled\n"
                        ])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "questionnaires/doors.yaml",
                        [
                            "type: checkbox\n    label: Topics\n    answers:\n      - id: housing\n        label: Housing\n      - id: transport\n        label: Transport\n":
                                "type: «checkbox»\n    label: Topics\n"
                        ])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .purposesShape, severity: .error,
            summary: "consent purposes do not match the consent mode",
            explanation: #"""
                In `purpose` mode (recommended in the EU), consent is recorded per purpose and channel,
                so at least one purpose must be declared for templates to name. In `channel` mode
                consent covers every email of the channel, and `purposes` would suggest a granularity
                that is not enforced (GDPR art. 6 and 7: consent is specific to its purpose).

                ```yaml
                consent:
                  mode: purpose
                  purposes:
                    - id: news
                      label: News
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "automail.yaml",
                        [
                            "  mode: purpose\n  purposes:\n    - id: news\n      label: News\n": "  mode: «purpose»\n"
                        ])),
                RuleExample(
                    triggers: true,
                    files: edit("automail.yaml", ["  mode: purpose\n  purposes:": "  mode: channel\n  «purposes»:"])),
                RuleExample(triggers: false, files: [:]),
            ]),
    ]
}
