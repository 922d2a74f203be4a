import Diagnostics

extension RuleCatalog {
    /// The base manifest without its consent block: consent is per channel.
    private static let channelManifest = edit(
        "automail.yaml", ["consent:\n  mode: purpose\n  purposes:\n    - id: news\n      label: News\n": ""])

    /// AM410–AM411: consent purposes.
    static let consentRules: [RuleDescription] = [
        RuleDescription(
            code: .missingPurpose, severity: .error,
            suppressibility: .unsafe,
            summary: "a template names no consent purpose in purpose mode",
            explanation: #"""
                In `purpose` consent mode (recommended in the EU: GDPR art. 6 and 7 make consent
                specific to a purpose), the sending service sends a template only to contacts who
                consented to its purpose. A template without `purpose` cannot be matched against
                anyone's consent.

                ```yaml
                id: callback
                purpose: news
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "id: callback\nsender: team\npurpose: news\n": "id: «callback»\nsender: team\n"
                        ])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .purposeWithoutPurposeMode, severity: .error,
            suppressibility: .unsafe,
            summary: "a template names a consent purpose but consent is per channel",
            explanation: #"""
                In `channel` consent mode (the default), consent covers every email of the channel and
                no purpose is recorded, so a template's `purpose` would promise a check that never
                happens. Either remove `purpose`, or switch to purpose mode and declare the purposes.

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
                    files: files(
                        channelManifest,
                        edit("templates/callback.yaml", ["purpose: news": "purpose: «news»"]))),
                RuleExample(
                    triggers: false,
                    files: files(
                        channelManifest,
                        edit("templates/callback.yaml", ["purpose: news\n": ""]),
                        edit("templates/welcome.yaml", ["purpose: news\n": ""]))),
            ]),
    ]
}
