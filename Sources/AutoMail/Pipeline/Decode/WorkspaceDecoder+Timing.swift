import BundleModel
import Diagnostics
import YAMLSource

extension MappingKind {
    static let timing = MappingKind(
        "timing", keys: ["time_zone", "contact_time_zones", "quiet_hours", "frequency_cap", "blackouts", "elections"])
    static let quietHours = MappingKind("quiet_hours", keys: ["from", "until"])
    static let frequencyCap = MappingKind("frequency_cap", keys: ["emails", "per"])
    static let blackout = MappingKind("blackout", keys: ["from", "until", "reason", "time_zone"])
    static let election = MappingKind("election", keys: ["name", "country", "rounds", "polls_close", "time_zone"])
    static let lifetime = MappingKind("active", keys: ["from", "until"])
}

extension TimingPolicy: FormatEnum {}
extension CapPolicy: FormatEnum {}
extension ElectionCountry: FormatEnum {}

extension WorkspaceDecoder {
    /// The optional `timing` block of the manifest.
    static func decodeTiming(_ reader: inout MappingReader, into bag: inout DiagnosticBag) -> TimingSettings? {
        guard
            var timing = reader.mapping(
                "timing", kind: .timing, subject: "`timing`", required: false, example: "{time_zone: Europe/Paris}",
                into: &bag)
        else { return nil }
        var settings = TimingSettings(range: timing.anchor)
        settings.timeZone = timing.required("time_zone", as: .string(example: "Europe/Paris"), into: &bag)
        settings.contactTimeZones = timing.list(
            "contact_time_zones", of: .string(example: "America/Martinique"), required: false, nonEmpty: false,
            example: "[America/Martinique]", into: &bag)
        if var quiet = timing.mapping(
            "quiet_hours", kind: .quietHours, subject: "`quiet_hours`", required: false,
            example: "{from: \"21:00\", until: \"08:30\"}", into: &bag)
        {
            settings.quietHours = QuietHoursSetting(
                from: quiet.required("from", as: .clockTime, into: &bag),
                until: quiet.required("until", as: .clockTime, into: &bag), range: quiet.anchor)
            quiet.reportUnknownKeys(into: &bag)
        }
        if var cap = timing.mapping(
            "frequency_cap", kind: .frequencyCap, subject: "`frequency_cap`", required: false,
            example: "{emails: 2, per: 7d}", into: &bag)
        {
            settings.frequencyCap = FrequencyCapSetting(
                emails: cap.required("emails", as: .integer(in: 1...1000, example: "2"), into: &bag),
                per: cap.required("per", as: .duration, into: &bag), range: cap.anchor)
            cap.reportUnknownKeys(into: &bag)
        }
        settings.blackouts =
            timing.items(
                "blackouts", kind: .blackout, noun: "blackout", required: false, nonEmpty: false,
                example: "[{from: 2026-05-01, until: 2026-05-01, reason: Fête du travail}]", into: &bag
            ) { item, bag in
                BlackoutSetting(
                    from: item.required("from", as: .localDateTime, into: &bag),
                    until: item.required("until", as: .localDateTime, into: &bag),
                    reason: item.required("reason", as: .string(example: "Fête du travail"), into: &bag),
                    timeZone: item.optional("time_zone", as: .string(example: "Europe/Paris"), into: &bag),
                    range: item.range)
            } ?? []
        settings.elections =
            timing.items(
                "elections", kind: .election, noun: "election", required: false, nonEmpty: false,
                example: "[{country: FR, rounds: [2026-03-15, 2026-03-22]}]", into: &bag
            ) { item, bag in
                var election = ElectionSetting(range: item.range)
                election.name = item.optional("name", as: .string(example: "Municipales 2026"), into: &bag)
                election.country = item.required("country", as: .oneOf(ElectionCountry.self), into: &bag)
                election.rounds = item.list(
                    "rounds", of: .localDateTime, required: true, nonEmpty: true, example: "[2026-03-15, 2026-03-22]",
                    into: &bag)
                election.pollsClose = item.optional("polls_close", as: .clockTime, into: &bag)
                election.timeZone = item.optional("time_zone", as: .string(example: "Europe/Paris"), into: &bag)
                return election
            } ?? []
        let derived = settings.blackouts.count + settings.elections.reduce(0) { $0 + $1.rounds.count }
        if derived > TimingRules.maximumBlackouts, let pair = timing.pair("blackouts") ?? timing.pair("elections") {
            bag.report(
                .invalidValue, "\(derived) blackouts and election rounds, more than \(TimingRules.maximumBlackouts)",
                at: pair.key.range,
                help: "keep at most \(TimingRules.maximumBlackouts): remove past ones, or merge neighbours")
        }
        timing.reportUnknownKeys(into: &bag)
        return settings
    }

    /// The timing keys of a trigger: `active`, `quiet_hours`, `blackouts`, `exemption_reason`,
    /// `frequency_cap` (read in this order, after `once_per_contact`).
    static func decodeTriggerTiming(_ item: inout MappingReader, into trigger: inout Trigger, bag: inout DiagnosticBag)
    {
        // Every pair read already (most triggers write none of these keys): none of these keys, not asked
        // for before, is in the mapping, and each optional key absent is `nil` without a diagnostic.
        guard !item.foundEveryPair else {
            #if DEBUG
                for key in ["active", "quiet_hours", "blackouts", "exemption_reason", "frequency_cap"] {
                    item.allow(key)
                }
            #endif
            return
        }
        if var active = item.mapping(
            "active", kind: .lifetime, subject: "`active`", required: false,
            example: "{from: 2026-02-01, until: 2026-03-22}", into: &bag)
        {
            trigger.lifetime = Lifetime(
                from: active.optional("from", as: .localDateTime, into: &bag),
                until: active.optional("until", as: .localDateTime, into: &bag), range: active.anchor)
            active.reportUnknownKeys(into: &bag)
        }
        // Each set only when written: a trigger's settings start `nil`, and most triggers write none (each
        // setter, out of line, replaces the box of rare settings).
        if let quietHours = item.optional("quiet_hours", as: .oneOf(TimingPolicy.self), into: &bag) {
            trigger.quietHours = quietHours
        }
        if let blackouts = item.optional("blackouts", as: .oneOf(TimingPolicy.self), into: &bag) {
            trigger.blackouts = blackouts
        }
        if let reason = item.optional(
            "exemption_reason", as: .string(example: "confirms a meeting the contact booked"), into: &bag)
        {
            trigger.exemptionReason = reason
        }
        if let cap = item.optional("frequency_cap", as: .oneOf(CapPolicy.self), into: &bag) {
            trigger.frequencyCap = cap
        }
    }
}

extension ValueKind where Value == Located<Int> {
    /// A local time of day `HH:MM` (00:00 to 23:59), in seconds after midnight (AM205 otherwise).
    static var clockTime: ValueKind {
        ValueKind(noun: "a time", example: "\"21:00\"") { node, field, bag in
            guard let text = scalarText(node, field, noun: "a time", example: "\"21:00\"", into: &bag) else {
                return nil
            }
            if let seconds = Syntax.clockTime(text) { return Located(seconds, at: node.range) }
            bag.report(
                .invalidValue, "invalid time `\(text)` for `\(field.key)`", at: node.range,
                help: "write a 24-hour local time `HH:MM`, like `\"21:00\"` or `\"08:30\"`")
            return nil
        }
    }
}

extension ValueKind where Value == Located<LocalDateTime> {
    /// A local date `YYYY-MM-DD` or date-time `YYYY-MM-DDTHH:MM` (years 2000 to 2050: the span of the
    /// time zone table), AM205 otherwise.
    static var localDateTime: ValueKind {
        ValueKind(noun: "a date", example: "2026-03-15") { node, field, bag in
            guard let text = scalarText(node, field, noun: "a date", example: "2026-03-15", into: &bag) else {
                return nil
            }
            if let value = Syntax.localDateTime(text) { return Located(value, at: node.range) }
            bag.report(
                .invalidValue, "invalid date `\(text)` for `\(field.key)`", at: node.range,
                help:
                    "write a local date `YYYY-MM-DD` or date-time `YYYY-MM-DDTHH:MM` from 2000 to 2050, like `2026-03-15` or `2026-03-15T20:00`"
            )
            return nil
        }
    }
}

extension Syntax {
    /// `HH:MM` → seconds after midnight; `nil` unless 00:00…23:59 with two digits each.
    static func clockTime(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":") else { return nil }
        guard let hour = twoDigits(bytes[0], bytes[1]), let minute = twoDigits(bytes[3], bytes[4]),
            hour < 24, minute < 60
        else { return nil }
        return hour * 3600 + minute * 60
    }

    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` (also with a space for `T`), years 2000…2050, a date that
    /// exists → local seconds since 1970-01-01T00:00.
    static func localDateTime(_ text: String) -> LocalDateTime? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 || bytes.count == 16, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-")
        else { return nil }
        guard let high = twoDigits(bytes[0], bytes[1]), let low = twoDigits(bytes[2], bytes[3]),
            let month = twoDigits(bytes[5], bytes[6]), let day = twoDigits(bytes[8], bytes[9])
        else { return nil }
        let year = high * 100 + low
        guard (2000...2050).contains(year), (1...12).contains(month), day >= 1,
            day <= Timestamp.daysIn(month: month, year: year)
        else { return nil }
        var seconds = Timestamp.daysFromCivil(year: year, month: month, day: day) * 86_400
        if bytes.count == 16 {
            guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
                let time = clockTime(String(decoding: bytes[11...], as: UTF8.self))
            else { return nil }
            seconds += time
        }
        return LocalDateTime(seconds: seconds, dateOnly: bytes.count == 10)
    }

    private static func twoDigits(_ a: UInt8, _ b: UInt8) -> Int? {
        guard (0x30...0x39).contains(a), (0x30...0x39).contains(b) else { return nil }
        return Int(a - 0x30) * 10 + Int(b - 0x30)
    }
}

extension ValueKind where Value == Located<Bool> {
    /// `true` or `false` (AM203 otherwise).
    static func boolean(example: String) -> ValueKind {
        ValueKind(noun: "a boolean", example: example) { node, field, bag in
            if case .bool(let value)? = node.value { return Located(value, at: node.range) }
            bag.report(
                .wrongType, "expected `true` or `false` for `\(field.key)`, found \(article(node.kindDescription))",
                at: node.range, help: "write `\(field.key): \(example)`")
            return nil
        }
    }
}
