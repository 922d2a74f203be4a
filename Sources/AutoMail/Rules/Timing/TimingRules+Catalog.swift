import Diagnostics

extension RuleCatalog {
    /// "Now" for the examples of the rules that compare with today (AM904, AM905): 2026-01-15T00:00:00Z.
    public static let exampleReferenceTime = 1_768_435_200

    /// The base manifest with a `timing` block appended.
    private static func withTiming(_ timing: String) -> [String: String] {
        appending("automail.yaml", "timing:\n" + timing)
    }

    /// AM901–AM907: when an email may go out.
    static let timingRules: [RuleDescription] = [
        RuleDescription(
            code: .unknownTimeZone, severity: .error,
            summary: "a time zone is not an IANA time zone name",
            explanation: #"""
                Quiet hours, lifetimes, blackouts and elections are read in a time zone: an IANA name
                such as `Europe/Paris`. automail knows the zones of the tz database release it was built
                with (the bundle records it), never the machine's own, so every build gives the same
                bundle. Names are case-sensitive: `europe/paris` is not `Europe/Paris`.

                ```yaml
                timing:
                  time_zone: Europe/Paris
                ```
                """#,
            examples: [
                RuleExample(triggers: true, files: withTiming("  time_zone: «europe/paris»\n")),
                RuleExample(triggers: true, files: withTiming("  time_zone: «Europe/Pari»\n")),
                RuleExample(
                    triggers: true,
                    files: withTiming("  time_zone: Europe/Paris\n  contact_time_zones: [«Martinique»]\n")),
                RuleExample(triggers: false, files: withTiming("  time_zone: Europe/Paris\n")),
            ]),
        RuleDescription(
            code: .emptyTimeWindow, severity: .error,
            summary: "quiet hours, a blackout or a trigger's lifetime is empty or ends before it starts",
            explanation: #"""
                A window that ends before it starts (or ends where it starts) holds no time: the quiet
                hours, the blackout or the trigger would never apply, which is never what was meant.
                Windows are half-open: `from` is inside, `until` is not; a date alone as `until` means
                the end of that day.

                ```yaml
                active: { from: 2026-02-01, until: 2026-03-21 }
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: withTiming(
                        "  time_zone: Europe/Paris\n  quiet_hours: { from: \"21:00\", until: «\"21:00\"» }\n")),
                RuleExample(
                    triggers: true,
                    files: withTiming(
                        """
                          time_zone: Europe/Paris
                          blackouts:
                            - { from: 2026-05-02, until: «2026-05-01», reason: Fête du travail }

                        """)),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "triggers/main.yaml",
                        [
                            "    priority: 20\n":
                                "    priority: 20\n    active: { from: 2026-03-01, until: «2026-02-01» }\n"
                        ])),
                RuleExample(
                    triggers: false,
                    files: edit(
                        "triggers/main.yaml",
                        [
                            "    priority: 20\n":
                                "    priority: 20\n    active: { from: 2026-03-01, until: 2026-03-01 }\n"
                        ])),
            ]),
        RuleDescription(
            code: .overlappingBlackouts, severity: .warning,
            summary: "two blackouts overlap",
            explanation: #"""
                Two blackouts (written under `blackouts`, or derived from `elections`) cover the same
                time. Emails are held until the later one ends either way, but the reasons shown in
                decisions then depend on the order: merge them into one, or make one end before the
                other starts.

                ```yaml
                blackouts:
                  - { from: 2026-05-01, until: 2026-05-04, reason: Pont de mai et congrès }
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: withTiming(
                        """
                          time_zone: Europe/Paris
                          blackouts:
                            - { from: 2026-05-01, until: 2026-05-03, reason: Pont de mai }
                            - «{ from: 2026-05-02, until: 2026-05-04, reason: Congrès }»

                        """)),
                RuleExample(
                    triggers: false,
                    files: withTiming(
                        """
                          time_zone: Europe/Paris
                          blackouts:
                            - { from: 2026-05-01, until: 2026-05-01, reason: Fête du travail }
                            - { from: 2026-05-02, until: 2026-05-03, reason: Congrès }

                        """)),
            ]),
        RuleDescription(
            code: .lifetimeEnded, severity: .warning,
            summary: "a trigger's lifetime already ended",
            explanation: #"""
                The trigger's `active.until` is in the past: it no longer fires, so it only weighs on
                the bundle. "Now" is `SOURCE_DATE_EPOCH` when set, else the clock; this warning never
                changes the bundle. Remove the trigger, or move `until` later if it should still fire:

                ```yaml
                active: { until: 2026-03-21 }
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "triggers/main.yaml",
                        ["    priority: 20\n": "    priority: 20\n    active: { until: «2025-12-31» }\n"])),
                RuleExample(
                    triggers: false,
                    files: edit(
                        "triggers/main.yaml",
                        ["    priority: 20\n": "    priority: 20\n    active: { until: 2026-12-31 }\n"])),
            ]),
        RuleDescription(
            code: .pastElection, severity: .warning,
            summary: "an election round is in the past",
            explanation: #"""
                A round of `elections` ended (its polls closed) before now: its silence no longer holds
                anything back. Remove past rounds, or the election once it is over. "Now" is
                `SOURCE_DATE_EPOCH` when set, else the clock; this warning never changes the bundle.

                ```yaml
                elections:
                  - { country: FR, rounds: [2026-03-15, 2026-03-22] }
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: withTiming(
                        """
                          time_zone: Europe/Paris
                          elections:
                            - { country: FR, rounds: [«2020-03-15»] }

                        """)),
                RuleExample(
                    triggers: false,
                    files: withTiming(
                        """
                          time_zone: Europe/Paris
                          elections:
                            - { country: FR, rounds: [2026-03-15, 2026-03-22] }

                        """)),
            ]),
        RuleDescription(
            code: .delayInQuietHours, severity: .warning,
            summary: "a trigger's delay makes every email fall in the quiet hours",
            explanation: #"""
                Encounters happen outside the quiet hours; this delay moves every one of them into the
                quiet hours, so every email of the trigger is deferred to their end (or dropped with
                `quiet_hours: drop`). Change the delay, or write `quiet_hours: ignore` for an email that
                must go at once.
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: files(
                        withTiming("  time_zone: Europe/Paris\n  quiet_hours: { from: \"20:00\", until: \"09:00\" }\n"),
                        edit("triggers/main.yaml", ["    delay: 2h\n": "    delay: «12h»\n"]))),
                RuleExample(
                    triggers: false,
                    files: files(
                        withTiming("  time_zone: Europe/Paris\n  quiet_hours: { from: \"20:00\", until: \"09:00\" }\n"),
                        edit("triggers/main.yaml", ["    delay: 2h\n": "    delay: 12h\n    quiet_hours: ignore\n"]))),
            ]),
        RuleDescription(
            code: .silenceExemptionWithoutReason, severity: .error,
            suppressibility: .unsafe,
            summary: "a campaigning email is exempt from the electoral silence without a reason",
            explanation: #"""
                French law (Code électoral, art. L49) forbids electoral propaganda by electronic means
                from 00:00 on the eve of a vote until the polls close. A trigger with `blackouts: ignore`
                sends through that silence; when its template's purpose is campaigning (every purpose
                unless it says `campaigning: false`, and every template in channel mode), write why
                these emails are not propaganda:

                ```yaml
                blackouts: ignore
                exemption_reason: confirms a polling-station volunteer shift the contact booked
                ```

                It cannot be suppressed: sending propaganda during the silence is an offence.
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: files(
                        withTiming(
                            "  time_zone: Europe/Paris\n  elections:\n    - { country: FR, rounds: [2026-03-15] }\n"),
                        edit(
                            "triggers/main.yaml", ["    priority: 20\n": "    priority: 20\n    blackouts: «ignore»\n"])
                    )),
                RuleExample(
                    triggers: false,
                    files: files(
                        withTiming(
                            "  time_zone: Europe/Paris\n  elections:\n    - { country: FR, rounds: [2026-03-15] }\n"),
                        edit(
                            "triggers/main.yaml",
                            [
                                "    priority: 20\n":
                                    "    priority: 20\n    blackouts: ignore\n    exemption_reason: confirms a shift the contact booked\n"
                            ]))),
            ]),
    ]
}
