import BundleFormat
import BundleModel

/// Lowers `timing` and the trigger timing keys to the bundle (docs/bundle-format.md, `timing`): local
/// dates and times become UTC instants through the vendored zone table (``TimeZoneDatabase``), never the
/// build machine's, so the bundle is the same everywhere.
struct TimingLowering {
    let timing: TimingSettings?

    /// The workspace's zone (`UTC` when `timing` is absent or its zone unknown).
    var workspaceZone: String {
        guard let name = timing?.timeZone?.value, TimeZoneDatabase.zone(name) != nil else { return "UTC" }
        return name
    }

    /// The UTC instant of a local date-time in `zone` (the workspace's when `nil` or unknown); a date
    /// alone is the start of that day, or with `endOfDay` the start of the next.
    func instant(_ local: LocalDateTime, zone: String?, endOfDay: Bool) -> Timestamp? {
        let name = zone.flatMap { TimeZoneDatabase.zone($0) == nil ? nil : $0 } ?? workspaceZone
        guard let offsets = TimeZoneDatabase.zone(name) else { return nil }
        let seconds = local.seconds + (endOfDay && local.dateOnly ? 86_400 : 0)
        return Timestamp(seconds: offsets.instant(forLocal: seconds))
    }

    /// The blackouts `timing.blackouts` and `timing.elections` describe, sorted by start, then end, then
    /// reason.
    func blackouts() -> [Blackout] {
        guard let timing else { return [] }
        var result: [Blackout] = []
        for blackout in timing.blackouts {
            guard let from = blackout.from, let until = blackout.until, let reason = blackout.reason,
                let start = instant(from.value, zone: blackout.timeZone?.value, endOfDay: false),
                let end = instant(until.value, zone: blackout.timeZone?.value, endOfDay: true), start < end
            else { continue }
            result.append(Blackout(from: start, until: end, reason: reason.value))
        }
        for election in timing.elections {
            result += Self.silences(of: election, lowering: self)
        }
        return result.sorted { a, b in
            if a.from != b.from { return a.from < b.from }
            if a.until != b.until { return a.until < b.until }
            return a.reason.utf8.lexicographicallyPrecedes(b.reason.utf8)
        }
    }

    /// France, Code électoral art. L49: no electoral propaganda by electronic means from 00:00 on the
    /// eve of each round until the polls close (20:00 by default), in `Europe/Paris` by default.
    static func silences(of election: ElectionSetting, lowering: TimingLowering) -> [Blackout] {
        guard election.country?.value == .fr else { return [] }
        let zone = election.timeZone?.value ?? "Europe/Paris"
        let close = election.pollsClose?.value ?? 20 * 3600
        let name = election.name.map { " of \($0.value)" } ?? ""
        var result: [Blackout] = []
        for (index, round) in election.rounds.enumerated() {
            let day = round.value.seconds - floorModulo(round.value.seconds, 86_400)
            guard
                let from = lowering.instant(
                    LocalDateTime(seconds: day - 86_400, dateOnly: false), zone: zone, endOfDay: false),
                let until = lowering.instant(
                    LocalDateTime(seconds: day + close, dateOnly: false), zone: zone, endOfDay: false)
            else { continue }
            result.append(
                Blackout(
                    from: from, until: until,
                    reason:
                        "electoral silence, round \(index + 1)\(name) on \(Self.date(day)) (France, Code électoral art. L49)"
                ))
        }
        return result
    }

    private static func floorModulo(_ value: Int, _ divisor: Int) -> Int {
        let remainder = value % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }

    /// `2026-03-15` of local seconds at midnight.
    static func date(_ seconds: Int) -> String {
        String(Timestamp(seconds: seconds)?.description.prefix(10) ?? "")
    }

    /// The `timing` member.
    func member() -> JSONValue {
        var zones: [String] = [workspaceZone]
        for zone in timing?.contactTimeZones ?? [] where TimeZoneDatabase.zone(zone.value) != nil {
            if !zones.contains(zone.value) { zones.append(zone.value) }
        }
        var zoneMembers: [String: JSONValue] = [:]
        for zone in zones {
            let transitions = TimeZoneDatabase.transitions(zone) ?? [(TimeZoneDatabase.span.lowerBound, 0)]
            zoneMembers[zone] = .array(transitions.map { .array([.int($0.instant), .int($0.offset)]) })
        }
        var members: [String: JSONValue] = [
            "time_zone": .string(workspaceZone),
            "tzdata": .string(TimeZoneDatabase.version),
            "zones": .object(zoneMembers),
            "blackouts": .array(
                blackouts().map {
                    .object([
                        "from": .string($0.from.description), "until": .string($0.until.description),
                        "reason": .string($0.reason),
                    ])
                }),
        ]
        if let quiet = timing?.quietHours, let from = quiet.from?.value, let until = quiet.until?.value, from != until {
            members["quiet_hours"] = .object(["start_seconds": .int(from), "end_seconds": .int(until)])
        }
        if let cap = timing?.frequencyCap, let emails = cap.emails?.value, let per = cap.per?.value, per > 0 {
            members["frequency_cap"] = .object(["emails": .int(emails), "window_seconds": .int(per)])
        }
        return .object(members)
    }

    /// The timing members of `trigger`'s action.
    func actionMembers(_ trigger: Trigger) -> [String: JSONValue] {
        actionTiming(trigger).members
    }

    /// The timing members of an action, as values (``members`` gives them as JSON).
    struct ActionTiming {
        var quietHours: String
        var blackouts: String
        var frequencyCap: String
        var activeFrom: String?
        var activeUntil: String?

        /// The members by name.
        var members: [String: JSONValue] {
            var members: [String: JSONValue] = [
                "quiet_hours": .string(quietHours), "blackouts": .string(blackouts),
                "frequency_cap": .string(frequencyCap),
            ]
            if let activeFrom { members["active_from"] = .string(activeFrom) }
            if let activeUntil { members["active_until"] = .string(activeUntil) }
            return members
        }
    }

    /// The timing members of `trigger`'s action, as values.
    func actionTiming(_ trigger: Trigger) -> ActionTiming {
        var timing = ActionTiming(
            quietHours: (trigger.quietHours?.value ?? .defer).rawValue,
            blackouts: (trigger.blackouts?.value ?? .defer).rawValue,
            frequencyCap: (trigger.frequencyCap?.value ?? .count).rawValue)
        if let from = trigger.lifetime?.from, let instant = instant(from.value, zone: nil, endOfDay: false) {
            timing.activeFrom = instant.description
        }
        if let until = trigger.lifetime?.until, let instant = instant(until.value, zone: nil, endOfDay: true) {
            timing.activeUntil = instant.description
        }
        return timing
    }
}
