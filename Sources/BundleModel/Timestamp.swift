/// An instant, in whole seconds since 1970-01-01T00:00:00Z (proleptic Gregorian calendar, no leap
/// seconds), between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
///
/// Written as an RFC 3339 date-time without fraction: `2026-03-02T18:30:00Z`, or with a numeric
/// offset `2026-03-02T19:30:00+01:00` (the same instant). ``description`` always writes UTC with `Z`.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since the Unix epoch; negative before 1970.
    public var seconds: Int

    /// The earliest instant: 0001-01-01T00:00:00Z.
    public static let earliest = Timestamp(uncheckedSeconds: -62_135_596_800)
    /// The latest instant: 9999-12-31T23:59:59Z.
    public static let latest = Timestamp(uncheckedSeconds: 253_402_300_799)

    private init(uncheckedSeconds: Int) {
        seconds = uncheckedSeconds
    }

    /// The instant `seconds` after the epoch, `nil` outside years 1...9999.
    public init?(seconds: Int) {
        guard seconds >= Self.earliest.seconds, seconds <= Self.latest.seconds else { return nil }
        self.seconds = seconds
    }

    /// Reads `YYYY-MM-DDTHH:MM:SS` followed by `Z` or `+HH:MM` / `-HH:MM` (uppercase `T` and `Z`; no
    /// fraction, no leap second); `nil` for anything else, an impossible date (`2026-02-30`) or an
    /// instant outside years 1...9999.
    public init?(rfc3339 text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 20 || bytes.count == 25 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = bytes[index]
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...9999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var offset = 0
        if bytes.count == 20 {
            guard bytes[19] == UInt8(ascii: "Z") else { return nil }
        } else {
            guard bytes[19] == UInt8(ascii: "+") || bytes[19] == UInt8(ascii: "-"), bytes[22] == UInt8(ascii: ":"),
                let offsetHours = number(20..<22), let offsetMinutes = number(23..<25), offsetHours < 24,
                offsetMinutes < 60
            else { return nil }
            offset = (offsetHours * 3600 + offsetMinutes * 60) * (bytes[19] == UInt8(ascii: "-") ? -1 : 1)
        }
        let local = Self.daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second
        self.init(seconds: local - offset)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.seconds < rhs.seconds }

    /// The instant `delta` seconds later (earlier when negative), `nil` when it leaves years 1...9999.
    public func adding(seconds delta: Int) -> Timestamp? {
        let (sum, overflow) = seconds.addingReportingOverflow(delta)
        return overflow ? nil : Timestamp(seconds: sum)
    }

    /// The calendar fields of this instant in UTC; `weekday` 0 is Sunday.
    public var civil: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, weekday: Int) {
        Self.civil(seconds)
    }

    /// The UTC calendar fields of any count of seconds since the epoch (no range limit, no overflow).
    package static func civil(_ seconds: Int) -> (
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, weekday: Int
    ) {
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            days -= 1
            secondOfDay += 86_400
        }
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = ((days % 7) + 7 + 4) % 7  // 1970-01-01 was a Thursday.
        return (year, month, day, secondOfDay / 3600, secondOfDay % 3600 / 60, secondOfDay % 60, weekday)
    }

    /// `2026-03-15 20:00 Europe/Paris`: the instant as the wall-clock time of `zone`, whose offsets are
    /// `offsets` (`2026-03-15 19:00 UTC` when they are nil); seconds are shown only when not zero.
    public func localText(offsets: ZoneOffsets?, zone: String) -> String {
        let c = Timestamp.civil(seconds + (offsets?.offset(at: seconds) ?? 0))
        let second = c.second == 0 ? "" : ":" + Self.digits(c.second, 2)
        return Self.digits(c.year, 4) + "-" + Self.digits(c.month, 2) + "-" + Self.digits(c.day, 2) + " "
            + Self.digits(c.hour, 2) + ":" + Self.digits(c.minute, 2) + second + " " + (offsets == nil ? "UTC" : zone)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, in UTC.
    public var description: String {
        let c = civil
        return Self.digits(c.year, 4) + "-" + Self.digits(c.month, 2) + "-" + Self.digits(c.day, 2) + "T"
            + Self.digits(c.hour, 2) + ":" + Self.digits(c.minute, 2) + ":" + Self.digits(c.second, 2) + "Z"
    }

    package static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    /// Whether `year` of the proleptic Gregorian calendar has a 29 February.
    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// The number of days of `month` (1...12) in `year`.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
