import BundleModel
import Diagnostics

/// AM901–AM907: when an email may go out (`timing` in the manifest, the timing keys of triggers).
/// `referenceTime` is "now" for AM904 and AM905 (``BuildOptions/referenceTime``); without it they
/// are not checked. None of these checks changes the bundle.
struct TimingChecks {
    let referenceTime: Int?

    func check(_ workspace: Workspace, symbols: SymbolTable, into bag: inout DiagnosticBag) {
        let timing = workspace.manifest?.timing
        if let timing { checkSettings(timing, into: &bag) }
        let lowering = TimingLowering(timing: timing)
        let hasElections = !(timing?.elections.isEmpty ?? true)
        let quiet = timing?.quietHours
        // By index, reading only the keys checked: a `Trigger` is a large value.
        let triggers = workspace.triggers
        for index in triggers.indices {
            if let lifetime = triggers[index].lifetime {
                checkLifetime(lifetime, of: triggers[index].id, lowering: lowering, into: &bag)
            }
            if let quiet { checkDelay(of: triggers, at: index, quiet: quiet, into: &bag) }
            if hasElections, triggers[index].blackouts?.value == .ignore, triggers[index].exemptionReason == nil,
                let manifest = workspace.manifest,
                Self.isCampaigning(
                    triggers[index], template: template(of: index, workspace, symbols), manifest: manifest)
            {
                let trigger = triggers[index]
                let ignore = trigger.blackouts?.range ?? trigger.id.range
                bag.report(
                    .silenceExemptionWithoutReason,
                    "trigger `\(trigger.id.value)` sends campaigning emails through the electoral silence",
                    at: ignore,
                    notes: [
                        DiagnosticNote(
                            "French law (Code électoral, art. L49) forbids electoral propaganda by electronic means from 00:00 on the eve of a vote until the polls close"
                        )
                    ],
                    help:
                        "remove `blackouts: ignore`, or say why these emails are not propaganda with `exemption_reason:`"
                )
            }
        }
    }

    /// The first template whose id is the template id of the trigger at `index`; for an empty id (which
    /// the symbol table does not number), the first template with an empty id.
    private func template(of index: Int, _ workspace: Workspace, _ symbols: SymbolTable) -> Template? {
        if let position = symbols.templatePosition(symbols.triggers[index].template) {
            return workspace.templates[position]
        }
        guard workspace.triggers[index].template?.value == "" else { return nil }
        return workspace.templates.first { $0.id.value.isEmpty }
    }

    /// Whether `trigger`'s template serves a campaigning purpose: channel mode (no purpose to tell), or
    /// a purpose without `campaigning: false`.
    static func isCampaigning(_ trigger: Trigger, template: Template?, manifest: Manifest) -> Bool {
        guard manifest.consent.effectiveMode == .purpose else { return true }
        guard trigger.template != nil, let purpose = template?.purpose?.value,
            let declared = manifest.consent.purposes.first(where: { $0.id.value == purpose })
        else { return true }
        return declared.campaigning?.value ?? true
    }

    private func checkSettings(_ timing: TimingSettings, into bag: inout DiagnosticBag) {
        var zones = [timing.timeZone].compactMap { $0 } + timing.contactTimeZones
        zones += timing.blackouts.compactMap(\.timeZone) + timing.elections.compactMap(\.timeZone)
        for zone in zones where TimeZoneDatabase.zone(zone.value) == nil {
            var help = "write an IANA time zone name, like `Europe/Paris` or `America/Martinique`"
            var notes: [DiagnosticNote] = []
            if let suggestion = TimeZoneDatabase.suggestion(for: zone.value) {
                help = DidYouMean.help(suggesting: suggestion)
                if suggestion.lowercased() == zone.value.lowercased() {
                    notes.append(DiagnosticNote("time zone names are case-sensitive"))
                }
            }
            bag.report(.unknownTimeZone, "unknown time zone `\(zone.value)`", at: zone.range, notes: notes, help: help)
        }
        if let quiet = timing.quietHours, let from = quiet.from, let until = quiet.until, from.value == until.value {
            bag.report(
                .emptyTimeWindow,
                "quiet hours from `\(QuietHours.clock(from.value))` until `\(QuietHours.clock(until.value))` are empty",
                at: until.range, help: "give quiet hours an end different from their start, like `until: \"08:30\"`")
        }
        let lowering = TimingLowering(timing: timing)
        var written: [(blackout: Blackout, range: SourceRange)] = []
        for blackout in timing.blackouts {
            guard let from = blackout.from, let until = blackout.until,
                let start = lowering.instant(from.value, zone: blackout.timeZone?.value, endOfDay: false),
                let end = lowering.instant(until.value, zone: blackout.timeZone?.value, endOfDay: true)
            else { continue }
            if end <= start {
                bag.report(
                    .emptyTimeWindow, "blackout ends before it starts", at: until.range,
                    notes: [DiagnosticNote("it starts here", at: from.range)],
                    help: "write an `until` after `from` (a date alone ends at the end of that day)")
                continue
            }
            written.append((Blackout(from: start, until: end, reason: blackout.reason?.value ?? ""), blackout.range))
        }
        for election in timing.elections {
            for (blackout, round) in zip(TimingLowering.silences(of: election, lowering: lowering), election.rounds) {
                written.append((blackout, round.range))
                if let now = referenceTime, blackout.until.seconds <= now {
                    bag.report(
                        .pastElection,
                        "the election round of \(TimingLowering.date(round.value.seconds - round.value.seconds % 86_400)) is in the past",
                        at: round.range, help: "remove past rounds, or the whole election once it is over")
                }
            }
        }
        // Overlaps: sorted by start, each compared with the latest-ending one before it.
        let sorted = written.sorted { ($0.blackout.from, $0.blackout.until) < ($1.blackout.from, $1.blackout.until) }
        var open: (blackout: Blackout, range: SourceRange)?
        for item in sorted {
            if let previous = open, item.blackout.from < previous.blackout.until {
                bag.report(
                    .overlappingBlackouts, "blackouts overlap", at: item.range,
                    notes: [DiagnosticNote("it overlaps this one", at: previous.range)],
                    help: "merge them into one blackout, or make one end before the other starts")
            }
            if open == nil || item.blackout.until > (open?.blackout.until ?? item.blackout.until) { open = item }
        }
    }

    private func checkLifetime(
        _ lifetime: Lifetime, of trigger: Located<String>, lowering: TimingLowering, into bag: inout DiagnosticBag
    ) {
        let start = lifetime.from.flatMap { lowering.instant($0.value, zone: nil, endOfDay: false) }
        let end = lifetime.until.flatMap { lowering.instant($0.value, zone: nil, endOfDay: true) }
        if let start, let end, let from = lifetime.from, let until = lifetime.until, end <= start {
            bag.report(
                .emptyTimeWindow, "trigger `\(trigger.value)` stops before it starts", at: until.range,
                notes: [DiagnosticNote("it starts here", at: from.range)],
                help: "write an `until` after `from` (a date alone ends at the end of that day)")
            return
        }
        if let end, let until = lifetime.until, let now = referenceTime, end.seconds <= now {
            bag.report(
                .lifetimeEnded,
                "trigger `\(trigger.value)` stopped firing \(Self.wallClock(until.value, zone: lowering.workspaceZone))",
                at: until.range,
                help: "remove the trigger, or move `until` later if it should still fire")
        }
    }

    /// When a local `until` ends, as its author wrote it: `at the end of 2026-03-19 (Europe/Paris)` for a
    /// date alone, `at 2026-03-19T18:00 (Europe/Paris)` for a date and time; never the UTC instant, which
    /// for a date alone is the evening before in a zone east of UTC.
    static func wallClock(_ local: LocalDateTime, zone: String) -> String {
        // The local seconds read as if they were UTC give the wall-clock text the author wrote.
        guard let written = Timestamp(seconds: local.seconds)?.description else { return "(\(zone))" }
        return local.dateOnly
            ? "at the end of \(written.prefix(10)) (\(zone))" : "at \(written.prefix(16)) (\(zone))"
    }

    /// AM906: with quiet hours `[start, end)`, an encounter outside them plus the delay lands inside them,
    /// whatever the encounter's time (daylight saving time aside).
    private func checkDelay(
        of triggers: [Trigger], at index: Int, quiet: QuietHoursSetting, into bag: inout DiagnosticBag
    ) {
        guard let delay = triggers[index].delaySeconds, delay.value > 0, triggers[index].quietHours?.value != .ignore,
            let start = quiet.from?.value, let end = quiet.until?.value, start != end
        else { return }
        let day = 86_400
        let quietLength = ((end - start) % day + day) % day
        let activeLength = day - quietLength
        let offset = ((end + delay.value % day - start) % day + day) % day
        guard offset + activeLength <= quietLength else { return }
        let trigger = triggers[index]
        let policy = trigger.quietHours?.value == .drop ? "dropped" : "deferred to \(QuietHours.clock(end))"
        bag.report(
            .delayInQuietHours,
            "every email of trigger `\(trigger.id.value)` falls in the quiet hours: \(policy)",
            at: delay.range,
            notes: [
                DiagnosticNote(
                    "an encounter between \(QuietHours.clock(end)) and \(QuietHours.clock(start)) plus \(TimingText.duration(delay.value)) is between \(QuietHours.clock((end + delay.value) % day)) and \(QuietHours.clock((start + delay.value) % day))",
                    at: quiet.range)
            ],
            help:
                "change the delay so that the email goes out in the day, or write `quiet_hours: ignore` if it must go at once"
        )
    }
}
