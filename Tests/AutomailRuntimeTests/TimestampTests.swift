import AutomailRuntime
import BundleModel
import Testing

/// Event and decision times: RFC 3339 with whole seconds, read with their offset, written in UTC.
struct TimestampTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", 0),
        ("2026-03-02T18:30:00Z", 1_772_476_200),
        ("2026-03-02T19:30:00+01:00", 1_772_476_200),
        ("2026-03-02T13:00:00-05:30", 1_772_476_200),
        ("2024-02-29T12:00:00Z", 1_709_208_000),
        ("0001-01-01T00:00:00Z", -62_135_596_800),
        ("9999-12-31T23:59:59Z", 253_402_300_799),
        ("1969-12-31T23:59:59Z", -1),
    ])
    func reads(_ text: String, _ seconds: Int) throws {
        let timestamp = try #require(Timestamp(rfc3339: text))
        #expect(timestamp.seconds == seconds)
    }

    @Test(arguments: [
        "", "2026-03-02", "2026-03-02 18:30:00Z", "2026-03-02t18:30:00z", "2026-03-02T18:30:00",
        "2026-03-02T18:30:00.5Z", "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
        "2026-01-00T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-06-30T23:59:60Z",
        "0000-01-01T00:00:00Z", "2026-01-01T00:00:00+24:00", "2026-01-01T00:00:00+0100", "+2026-01-01T00:00:00Z",
        "0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00", "２026-01-01T00:00:00Z",
    ])
    func refuses(_ text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func writesUTCAndRoundTrips() throws {
        for seconds in [0, -1, 1_772_476_200, 951_782_400, -62_135_596_800, 253_402_300_799] {
            let timestamp = try #require(Timestamp(seconds: seconds))
            #expect(Timestamp(rfc3339: timestamp.description) == timestamp)
        }
        #expect(Timestamp(rfc3339: "2026-03-02T19:30:00+01:00")?.description == "2026-03-02T18:30:00Z")
    }

    @Test func addingStaysInRange() throws {
        let latest = try #require(Timestamp(rfc3339: "9999-12-31T23:59:59Z"))
        #expect(latest.adding(seconds: 1) == nil)
        #expect(latest.adding(seconds: Int.max) == nil)
        #expect(latest.adding(seconds: 0) == latest)
        #expect(Timestamp(seconds: Int.min) == nil)
    }
}
