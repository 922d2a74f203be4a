import Diagnostics
import YAMLSource

extension RuleCatalog {
    /// AM101–AM112: what the YAML layer refuses before any file is decoded.
    static let yamlRules: [RuleDescription] = [
        RuleDescription(
            code: .yamlSyntax, severity: .error,
            summary: "the file is not well-formed YAML",
            explanation: #"""
                The YAML parser could not read the file. The diagnostic points where the parser gave
                up, which is often just after the real mistake. The usual causes:

                - a tab in the indentation (YAML allows only spaces there);
                - `: ` inside an unquoted value, as French typography writes it (`Rappel : réunion`);
                - an unclosed quote, `[` or `{`, or a key less indented than its siblings.

                Quote values that contain `: ` or start with `{`, `[`, `*`, `&`, `!`, `%` or `@`:

                ```yaml
                subject: "Rappel : réunion jeudi"
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "    subject: We will call you back": "«»\tsubject: We will call you back"
                        ])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: Nous allons vous rappeler": "subject: Rappel «»: nous allons vous rappeler"
                        ])),
                RuleExample(
                    triggers: false,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: Nous allons vous rappeler": #"subject: "Rappel : nous allons vous rappeler""#
                        ])),
            ]),
        RuleDescription(
            code: .yamlDuplicateKey, severity: .error,
            summary: "a mapping defines the same key twice",
            explanation: #"""
                A key appears twice in one mapping. Most YAML tools silently keep the last value, so the
                email that gets deployed is not the one the reviewer read. automail keeps the first
                occurrence, reports the second and points at the first in a note.

                Keep one of the two entries:

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
                            "    subject: We will call you back\n":
                                "    subject: We will call you back\n    «subject»: We'll call you back\n"
                        ])),
                RuleExample(
                    triggers: false,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back": "subject: We'll call you back"
                        ])),
            ]),
        RuleDescription(
            code: .yamlAnchorOrAlias, severity: .error,
            summary: "anchors and aliases are not allowed",
            explanation: #"""
                Anchors (`&name`) and aliases (`*name`) let one value stand for another. automail refuses
                them: a reviewer reading a diff cannot see what an alias expands to, a change to the
                anchor silently changes every use, and aliases are the vehicle of "billion laughs"
                expansion attacks.

                Write each value out. For a footer shared by every template, use the manifest's
                `footer` instead of anchoring a template footer:

                ```yaml
                footer:
                  fr: |
                    {{ legal.publisher }} · [Se désinscrire]({{ unsubscribe_url }})
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "automail.yaml",
                        [
                            "    fr: Vous avez rencontré un bénévole.\n    en: You met one of our volunteers.":
                                "    fr: &origin Vous avez rencontré un bénévole.\n    en: «*origin»"
                        ])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "automail.yaml",
                        [
                            "    fr: Vous avez rencontré un bénévole.":
                                "    fr: «&origin Vous avez rencontré un bénévole.»"
                        ])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .yamlMergeKey, severity: .error,
            summary: "the merge key `<<` is not allowed",
            explanation: #"""
                The merge key `<<` copies the keys of another mapping into this one. It is not part of
                YAML 1.2, tools disagree on it, and it hides what a template really contains: a
                reviewer sees `<<: *fr`, not the subject that will be sent.

                Write the keys out in each mapping:

                ```yaml
                locales:
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
                            "  fr:\n": "  fr: &fr\n",
                            "  en:\n": "  en:\n    «<<»: *fr\n",
                        ])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .yamlMultipleDocuments, severity: .error,
            summary: "a file holds more than one YAML document",
            explanation: #"""
                A `---` line starts a second YAML document in the same file. automail reads one document
                a file (one questionnaire, one template, or one list of triggers); a second document
                would otherwise be ignored, and with it a template or trigger someone expects to ship.

                Put each template in a file of its own, or list several triggers under one `triggers:`:

                ```yaml
                triggers:
                  - id: welcome-yes
                    ...
                  - id: callback-task
                    ...
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: appending(
                        "templates/callback.yaml",
                        """
                        «»---
                        id: callback-reminder
                        sender: team

                        """)),
                RuleExample(
                    triggers: false,
                    files: ["templates/callback.yaml": "---\n" + (baseWorkspace["templates/callback.yaml"] ?? "")]),
            ]),
        RuleDescription(
            code: .yamlInvalidUTF8, severity: .error,
            summary: "the file is not valid UTF-8",
            explanation: #"""
                Workspace files must be UTF-8. The file is UTF-16 (often what Windows editors call
                "Unicode"), or holds bytes that are not UTF-8 (a Latin-1 `é` pasted from an old file,
                for example). Guessing the encoding would turn accents in subjects into mojibake in
                every recipient's inbox, so automail refuses the file.

                Re-save the file as UTF-8 (without BOM) in your editor, or convert it:

                ```sh
                iconv -f UTF-16 -t UTF-8 templates/welcome.yaml > welcome.yaml && mv welcome.yaml templates/
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: ["triggers/main.yaml": "«»" + utf16LittleEndianLookalike("triggers: []\n")]),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .yamlNulByte, severity: .error,
            summary: "the file contains a NUL byte",
            explanation: #"""
                The file contains a NUL byte (U+0000). YAML files are text and cannot hold one; it
                usually means a binary file was saved with a `.yaml` name, a copy was truncated, or a
                tool padded the file. Many C libraries stop reading at a NUL, so what automail checked
                and what another tool sees would differ.

                Find and remove the byte (`grep -Pn '\x00' templates/*.yaml`), or restore the file
                from git:

                ```sh
                git checkout -- questionnaires/doors.yaml
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("questionnaires/doors.yaml", ["label: Remarks": "label: Remarks«»\u{0}"])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .yamlTag, severity: .error,
            summary: "explicit YAML tags are not allowed",
            explanation: #"""
                A tag such as `!!str`, `!!int` or `!custom` tells a YAML loader how to build a value.
                automail reads every file with the YAML 1.2 core schema and its own types, so a tag is
                either useless or a sign that the file was written for another tool; custom tags are
                also how unsafe loaders are made to build objects.

                Remove the tag; quote a value that must stay a string:

                ```yaml
                priority: 20
                id: "yes"
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("triggers/main.yaml", ["priority: 20": "priority: «!!int 20»"])),
                RuleExample(
                    triggers: true,
                    files: edit("questionnaires/doors.yaml", [#"- id: "yes""#: "- id: «!!str yes»"])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .yamlTooDeep, severity: .error,
            summary: "mappings and sequences are nested too deeply",
            explanation: #"""
                Collections are nested more than 64 levels deep. No automail file needs more than a
                handful of levels; such a file is generated by mistake or crafted to exhaust the
                parser's memory or stack, so automail stops reading it.

                Flatten the structure: a questionnaire is a list of questions, each with a list of
                answers.

                ```yaml
                questions:
                  - id: support
                    answers:
                      - id: "yes"
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "questionnaires/doors.yaml",
                        [
                            "title: Door to door":
                                "title: " + String(repeating: "[", count: 63) + "«»" + String(repeating: "[", count: 8)
                                + String(repeating: "]", count: 71)
                        ])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .yamlFileTooLarge, severity: .error,
            summary: "the file is larger than the size limit",
            explanation: #"""
                The file is larger than 16 MiB. A real template, questionnaire or trigger file is a few
                kilobytes; a file this large is generated by mistake or meant to exhaust memory, and
                would make `automail check` too slow for an editor or CI.

                Split the file (triggers can be spread over any number of files in `triggers/`), or
                remove what does not belong in the workspace:

                ```
                triggers/doors.yaml
                triggers/tasks.yaml
                ```

                Its triggering example would need a 16 MiB file: the YAML layer's own tests cover it.
                """#,
            examples: [
                RuleExample(triggers: false, files: [:])
            ]),
        RuleDescription(
            code: .yamlComplexKey, severity: .error,
            summary: "a mapping key is a mapping or a sequence",
            explanation: #"""
                A mapping key must be a plain string. YAML allows a list or a mapping as a key
                (`[fr, en]: …` or `? …`), but no automail file has such keys, and tools disagree on how
                to represent them; it usually comes from trying to share one value between several keys.

                Write one key per value:

                ```yaml
                footer:
                  fr: |
                    …
                  en: |
                    …
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "automail.yaml",
                        [
                            "    fr: Vous avez rencontré un bénévole.\n    en: You met one of our volunteers.":
                                "    «[fr, en]»: You met one of our volunteers."
                        ])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .yamlHiddenCharacter, severity: .error,
            suppressibility: .unsafe,
            summary: "the file contains an invisible or bidirectional-control character",
            explanation: #"""
                A reviewer approves what a pull request's diff shows. Some characters show nothing, or
                reorder the text around them, so that what is read is not what is compiled ("Trojan
                Source"): bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
                LRM and RLM (U+200E, U+200F), the Arabic letter mark (U+061C), the zero-width space
                (U+200B), word joiners and invisible operators (U+2060–U+2064), U+206A–U+206F, U+180E,
                the combining grapheme joiner (U+034F), Hangul fillers, tag characters
                (U+E0000–U+E007F, which spell hidden ASCII), a variation selector with nothing to vary
                (VS16 after a letter rather than an emoji), and a byte order mark past the start of the
                file. They are refused anywhere in a file, comments and layouts included, and in a
                double-quoted value that writes one as an escape (`"\u202e"`). Subjects and sender names
                also refuse the soft hyphen and a ZWJ or ZWNJ that does not join two emoji or two
                letters; bodies keep ZWJ and ZWNJ, which scripts need, and an emoji keeps its VS16.
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("automail.yaml", ["name: Base team": "name: Base «\u{202E}»team"])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back": "subject: We will call you«\u{00AD}»back"
                        ])),
                RuleExample(
                    triggers: false,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back":
                                "subject: We will call you back \u{1F468}\u{200D}\u{1F469}"
                        ])),
                RuleExample(
                    triggers: true,
                    files: edit("automail.yaml", ["name: Base team": #"name: «"Base \u202eteam"»"#])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back": "subject: We will call you back«\u{E0041}»\u{E0042}"
                        ])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back": "subject: We will call«\u{FE0F}» you back"
                        ])),
                RuleExample(
                    triggers: false,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back": "subject: We will call you back \u{2764}\u{FE0F}"
                        ])),
            ]),
        RuleDescription(
            code: .yamlUnquotedLiquid, severity: .error,
            summary: "an unquoted value starts with `{{` or `{%`, which YAML reads as a mapping",
            explanation: #"""
                In YAML, a plain (unquoted) value that starts with `{` is a flow mapping: `subject: {{
                contact.firstname }}, welcome` is a mapping inside a mapping, not a subject, and the text
                after it breaks the file. automail reports this once, where the value starts, and reads
                the value as the text it was meant to be. Quote the whole value in single quotes, or
                write it as a block scalar:

                ```yaml
                subject: '{{ contact.firstname }}, welcome'
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back":
                                "subject: «{{ contact.firstname }}, we will call you back»"
                        ])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back": "subject: «{{ contact.firstname | default: \"Hi\" }}»"
                        ])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back":
                                "subject: «{% if contact.firstname %}{{ contact.firstname }}, w{% else %}W{% endif %}e will call you back»"
                        ])),
                RuleExample(
                    triggers: false,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back":
                                "subject: '{{ contact.firstname }}, we will call you back'"
                        ])),
            ]),
    ]
}
