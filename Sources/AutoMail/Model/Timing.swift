import BundleModel
import Diagnostics

/// `timing` in `automail.yaml`: when the workspace's emails may go out (docs/workspace-format.md,
/// "Timing").
public struct TimingSettings: Sendable, Hashable {
    /// The range of the `timing` key.
    public var range: SourceRange
    /// The workspace's IANA time zone (`Europe/Paris`).
    public var timeZone: Located<String>?
    /// Other zones a contact may have (`contact.time_zone` of events); the bundle carries their offsets.
    public var contactTimeZones: [Located<String>] = []
    /// Quiet hours in the contact's local time.
    public var quietHours: QuietHoursSetting?
    /// The frequency cap across all automatic emails.
    public var frequencyCap: FrequencyCapSetting?
    /// Blackout periods.
    public var blackouts: [BlackoutSetting] = []
    /// Elections, from which the compiler derives blackouts.
    public var elections: [ElectionSetting] = []

    /// Creates empty settings at `range`.
    public init(range: SourceRange) {
        self.range = range
    }
}

/// `quiet_hours: {from: "21:00", until: "08:30"}`: seconds after local midnight.
public struct QuietHoursSetting: Sendable, Hashable {
    /// Where the quiet hours start.
    public var from: Located<Int>?
    /// Where they end (excluded).
    public var until: Located<Int>?
    /// The range of the `quiet_hours` key.
    public var range: SourceRange
}

/// `frequency_cap: {emails: 2, per: 7d}`.
public struct FrequencyCapSetting: Sendable, Hashable {
    /// How many emails the window may hold.
    public var emails: Located<Int>?
    /// The rolling window, in seconds.
    public var per: Located<Int>?
    /// The range of the `frequency_cap` key.
    public var range: SourceRange
}

/// A local date-time as written (`2026-03-14` or `2026-03-14T20:00`): seconds since 1970-01-01T00:00
/// on the local wall clock.
public struct LocalDateTime: Sendable, Hashable {
    /// Local wall-clock seconds since 1970-01-01T00:00.
    public var seconds: Int
    /// Whether only a date was written.
    public var dateOnly: Bool
}

/// One of `blackouts`: `[from, until)` in `time_zone` (the workspace's by default), with its reason.
public struct BlackoutSetting: Sendable, Hashable {
    /// Its start, local.
    public var from: Located<LocalDateTime>?
    /// Its end (excluded), local; a date alone is the end of that day.
    public var until: Located<LocalDateTime>?
    /// Why.
    public var reason: Located<String>?
    /// The zone of `from` and `until`, when not the workspace's.
    public var timeZone: Located<String>?
    /// The range of the item.
    public var range: SourceRange
}

/// The countries whose election rules automail knows.
public enum ElectionCountry: String, Sendable, Hashable, CaseIterable {
    /// France: Code électoral, art. L49.
    case fr = "FR"
}

/// One of `elections`: the rounds' dates and the country's silence rule.
public struct ElectionSetting: Sendable, Hashable {
    /// The country.
    public var country: Located<ElectionCountry>?
    /// The dates of the rounds (`2026-03-15`).
    public var rounds: [Located<LocalDateTime>] = []
    /// When polls close, seconds after local midnight (France: 20:00 by default).
    public var pollsClose: Located<Int>?
    /// The zone of the rounds (France: `Europe/Paris` by default).
    public var timeZone: Located<String>?
    /// A name for messages (`Municipales 2026`).
    public var name: Located<String>?
    /// The range of the item.
    public var range: SourceRange
}

/// `active: {from: …, until: …}` of a trigger: events before `from` or at or after `until` fire nothing.
public struct Lifetime: Sendable, Hashable {
    /// The first moment it fires, local to the workspace's zone.
    public var from: Located<LocalDateTime>?
    /// The first moment it no longer fires; a date alone is the end of that day.
    public var until: Located<LocalDateTime>?
    /// The range of the `active` key.
    public var range: SourceRange
}

/// `frequency_cap` of a trigger.
public enum CapPolicy: String, Sendable, Hashable, CaseIterable {
    /// The cap applies.
    case count
    /// The cap does not apply (its emails still count in the history).
    case exempt
}
