/// The UTC offsets of one time zone over a bundle's span (`timing.zones.<name>`): the offset in force
/// from each transition on. Before the first transition the first offset applies, after the last the
/// last one (docs/bundle-format.md, "Local time").
public struct ZoneOffsets: Sendable, Hashable {
    /// The transitions' instants, in seconds since 1970-01-01T00:00:00Z, strictly increasing.
    public private(set) var instants: [Int]
    /// The offset in seconds (east of UTC) in force from the instant of the same index on.
    public private(set) var offsets: [Int]

    /// Creates the offsets of a zone; `nil` unless there is at least one transition, instants strictly
    /// increase and every offset is within ±26 hours.
    public init?(_ transitions: [(instant: Int, offset: Int)]) {
        guard !transitions.isEmpty else { return nil }
        var previous: Int?
        for transition in transitions {
            if let previous, transition.instant <= previous { return nil }
            guard abs(transition.offset) <= 26 * 3600 else { return nil }
            previous = transition.instant
        }
        instants = transitions.map(\.instant)
        offsets = transitions.map(\.offset)
    }

    /// UTC: one transition, offset 0, for ever.
    public static let utc = ZoneOffsets(instants: [0], offsets: [0])

    private init(instants: [Int], offsets: [Int]) {
        self.instants = instants
        self.offsets = offsets
    }

    /// The index of the last transition at or before `seconds`, or 0 when none is.
    private func index(at seconds: Int) -> Int {
        var low = 0, high = instants.count - 1
        guard seconds >= instants[0] else { return 0 }
        while low < high {
            let middle = low + (high - low + 1) / 2
            if instants[middle] <= seconds { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The UTC offset in force at `seconds`.
    public func offset(at seconds: Int) -> Int { offsets[index(at: seconds)] }

    /// The first transition strictly after `seconds`, if any.
    public func nextTransition(after seconds: Int) -> Int? {
        guard seconds >= instants[0] else { return instants[0] }
        let next = index(at: seconds) + 1
        return next < instants.count ? instants[next] : nil
    }

    /// The local seconds of the day (0…86399, wall-clock time) at `seconds`.
    public func localSecondOfDay(at seconds: Int) -> Int {
        // Each term reduced first: no overflow whatever `seconds` is.
        floorMod(floorMod(seconds, 86_400) + floorMod(offset(at: seconds), 86_400), 86_400)
    }

    /// The instant whose local wall-clock time is `local` (seconds since 1970-01-01T00:00:00 local):
    /// in a gap (a time the clocks skip), the transition ending it; in an overlap (a time shown twice),
    /// the earlier instant.
    public func instant(forLocal local: Int) -> Int {
        // An instant u with u + offset(u) == local, the earliest of those that exist.
        var earliest: Int?
        for offset in Set(offsets) {
            let u = local - offset
            if self.offset(at: u) == offset, u < (earliest ?? Int.max) { earliest = u }
        }
        if let earliest { return earliest }
        // A gap: the transition whose clock jump skips `local`.
        for index in instants.indices.dropFirst()
        where instants[index] + offsets[index - 1] <= local && local < instants[index] + offsets[index] {
            return instants[index]
        }
        return local - offsets[0]
    }
}

/// Floor modulo: the result has the sign of `divisor` (Python's and Ruby's `%`, not Swift's).
package func floorMod(_ value: Int, _ divisor: Int) -> Int {
    let remainder = value % divisor
    return remainder < 0 ? remainder + divisor : remainder
}

/// Quiet hours, in the contact's local wall-clock time: seconds after local midnight, `start` included,
/// `end` excluded; `start > end` wraps past midnight (21:00–08:30).
public struct QuietHours: Sendable, Hashable {
    /// Where the quiet hours start, 0…86399.
    public var start: Int
    /// Where they end (excluded), 0…86399, never equal to ``start``.
    public var end: Int

    /// `21:00`: a time of day given in seconds after midnight, as hours and minutes.
    public static func clock(_ secondOfDay: Int) -> String {
        let hours = secondOfDay / 3600, minutes = secondOfDay % 3600 / 60
        return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
    }

    /// Creates quiet hours; `nil` when a bound is outside 0…86399 or both are equal.
    public init?(start: Int, end: Int) {
        guard (0..<86_400).contains(start), (0..<86_400).contains(end), start != end else { return nil }
        self.start = start
        self.end = end
    }

    /// Whether a local second of the day is quiet.
    public func contains(secondOfDay second: Int) -> Bool {
        start < end ? (start <= second && second < end) : (second >= start || second < end)
    }

    /// The first instant at or after `seconds` that is not quiet in `zone` (`seconds` itself when it
    /// is not): the next time the local clock reads ``end``, or a transition that moves the clock out of
    /// the quiet hours first (so an `end` the clocks skip ends them at the transition).
    public func end(after seconds: Int, in zone: ZoneOffsets) -> Int {
        var instant = seconds
        // Each turn moves past one transition or returns: at most one turn per transition, plus one.
        for _ in 0...(zone.instants.count + 1) {
            let second = zone.localSecondOfDay(at: instant)
            if !contains(secondOfDay: second) { return instant }
            let (candidate, overflow) = instant.addingReportingOverflow(floorMod(end - second, 86_400))
            if overflow { return Int.max }
            if let next = zone.nextTransition(after: instant), next < candidate {
                instant = next
                continue
            }
            return candidate
        }
        return instant
    }
}

/// A period in which emails are not sent (`timing.blackouts[]`): `[from, until)`, with its reason.
public struct Blackout: Sendable, Hashable {
    /// The first instant of the blackout.
    public var from: Timestamp
    /// The first instant after it.
    public var until: Timestamp
    /// Why (`Code électoral, art. L49: …`), shown in decisions.
    public var reason: String

    /// Creates a blackout.
    public init(from: Timestamp, until: Timestamp, reason: String) {
        self.from = from
        self.until = until
        self.reason = reason
    }
}

/// A cap on the automatic emails a contact receives: at most ``emails`` in any window of
/// ``windowSeconds`` (`timing.frequency_cap`).
public struct FrequencyCap: Sendable, Hashable {
    /// How many emails the window may hold.
    public var emails: Int
    /// The rolling window, in seconds.
    public var windowSeconds: Int

    /// Creates a cap.
    public init(emails: Int, windowSeconds: Int) {
        self.emails = emails
        self.windowSeconds = windowSeconds
    }
}

/// What an action does with a send time that falls in quiet hours or in a blackout.
public enum TimingPolicy: String, Sendable, Hashable, CaseIterable {
    /// Send at the end of the window.
    case `defer`
    /// Do not send (the candidate is stopped).
    case drop
    /// Send anyway (the window does not apply to this action).
    case ignore
}

/// `timing`: when the bundle's emails may go out.
public struct TimingRules: Sendable, Hashable {
    /// The workspace's IANA time zone: local time for contacts without a zone of ``zones``.
    public var timeZone: String
    /// The tz database release the offsets come from (`2025b`).
    public var tzdata: String
    /// The offsets of every zone the bundle knows, the workspace's included.
    public var zones: [String: ZoneOffsets]
    /// The quiet hours, if any.
    public var quietHours: QuietHours?
    /// The frequency cap, if any.
    public var frequencyCap: FrequencyCap?
    /// The blackouts, in bundle order (sorted by `from`).
    public var blackouts: [Blackout] {
        didSet { latestUntil = Self.prefixMaxima(blackouts) }
    }
    /// `latestUntil[i]`: the latest `until` among `blackouts[0...i]`, to find the first blackout holding
    /// an instant in logarithmic time.
    private var latestUntil: [Timestamp] = []

    /// The most blackouts a bundle may hold (a bound against hostile bundles; campaigns need a few).
    public static let maximumBlackouts = 100

    /// `2026-03-15 20:00 Europe/Paris`: `time` as the workspace zone's wall-clock time.
    public func localText(_ time: Timestamp) -> String {
        time.localText(offsets: zones[timeZone], zone: timeZone)
    }

    private static func prefixMaxima(_ blackouts: [Blackout]) -> [Timestamp] {
        var maxima: [Timestamp] = []
        for blackout in blackouts { maxima.append(max(maxima.last ?? blackout.until, blackout.until)) }
        return maxima
    }

    /// The first blackout, in bundle order, with `from <= time < until`. Blackouts are sorted by `from`,
    /// so the candidates are a prefix; the first of them ending after `time` is where the running latest
    /// `until` first passes `time`.
    package func firstBlackout(holding time: Timestamp) -> Blackout? {
        // The prefix of blackouts starting at or before `time`.
        var low = 0, high = blackouts.count
        while low < high {
            let middle = (low + high) / 2
            if blackouts[middle].from <= time { low = middle + 1 } else { high = middle }
        }
        let prefix = low
        guard prefix > 0, latestUntil[prefix - 1] > time else { return nil }
        low = 0
        high = prefix - 1
        while low < high {
            let middle = (low + high) / 2
            if latestUntil[middle] > time { high = middle } else { low = middle + 1 }
        }
        return blackouts[low]
    }

    /// Creates timing rules.
    public init(
        timeZone: String, tzdata: String, zones: [String: ZoneOffsets], quietHours: QuietHours?,
        frequencyCap: FrequencyCap?, blackouts: [Blackout]
    ) {
        self.timeZone = timeZone
        self.tzdata = tzdata
        self.zones = zones
        self.quietHours = quietHours
        self.frequencyCap = frequencyCap
        self.blackouts = blackouts
        self.latestUntil = Self.prefixMaxima(blackouts)
    }

    /// No quiet hours, cap or blackout, in UTC: what a bundle without timing settings holds.
    public static let none = TimingRules(
        timeZone: "UTC", tzdata: "", zones: ["UTC": .utc], quietHours: nil, frequencyCap: nil,
        blackouts: [])

    /// The zone a contact's local time is computed in: the contact's own when the bundle has it, else
    /// the workspace's (docs/bundle-format.md, "Local time").
    public func zone(for requested: String?) -> (name: String, offsets: ZoneOffsets, source: ZoneSource) {
        if let requested, let offsets = zones[requested] { return (requested, offsets, .contact) }
        let fallback = zones[timeZone] ?? .utc
        return (timeZone, fallback, requested == nil ? .workspace : .workspaceFallback)
    }

    /// Where the zone of a decision came from.
    public enum ZoneSource: String, Sendable, Hashable {
        /// The contact's `time_zone`, a zone of the bundle.
        case contact
        /// The contact has no `time_zone`: the workspace's zone.
        case workspace
        /// The contact's `time_zone` is not a zone of the bundle: the workspace's zone.
        case workspaceFallback = "workspace_fallback"
    }
}

/// One move of a send time: out of quiet hours or out of a blackout.
public struct Deferral: Sendable, Hashable {
    /// `quiet_hours` or `blackout`.
    public var reason: String
    /// The send time before the move.
    public var from: Timestamp
    /// The send time after it.
    public var until: Timestamp
    /// The blackout's reason (blackouts only).
    public var blackout: String?

    /// Creates a deferral.
    public init(reason: String, from: Timestamp, until: Timestamp, blackout: String?) {
        self.reason = reason
        self.from = from
        self.until = until
        self.blackout = blackout
    }
}

/// Timing values in the words decisions and diagnostics show (``QuietHours/clock(_:)`` writes a time
/// of day).
public enum TimingText {
    /// `30m`, `2h`, `7d`, or seconds (`90s`) when not a whole number of minutes.
    public static func duration(_ seconds: Int) -> String {
        if seconds > 0 && seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds > 0 && seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds > 0 && seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
