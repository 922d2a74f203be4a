import AutomailRuntime
import BundleFormat
import BundleModel
import Testing

/// Local time, quiet hours and the timing rules of the evaluation (docs/bundle-format.md, step 3 and
/// "Local time"), with Paris's 2026 offsets written out: CET (+1) until 29 March 01:00Z, CEST (+2) until
/// 25 October 01:00Z.
struct TimingTests {
    static let paris = ZoneOffsets([(946_684_800, 3600), (1_774_746_000, 7200), (1_792_890_000, 3600)])!
    static func at(_ text: String) -> Int { Timestamp(rfc3339: text)!.seconds }

    @Test func offsetsAreThoseOfTheLastTransitionAtOrBefore() {
        #expect(Self.paris.offset(at: Self.at("2026-03-29T00:59:59Z")) == 3600)
        #expect(Self.paris.offset(at: Self.at("2026-03-29T01:00:00Z")) == 7200)
        #expect(Self.paris.offset(at: 0) == 3600, "before the first transition, the first offset")
        #expect(Self.paris.nextTransition(after: Self.at("2026-03-29T01:00:00Z")) == Self.at("2026-10-25T01:00:00Z"))
        #expect(Self.paris.nextTransition(after: Self.at("2027-01-01T00:00:00Z")) == nil)
    }

    @Test func aLocalTimeTheClocksSkipIsTheTransitionAndOneShownTwiceIsTheFirst() {
        let day = Timestamp(rfc3339: "2026-03-29T00:00:00Z")!.seconds
        #expect(Self.paris.instant(forLocal: day + 2 * 3600 + 1800) == Self.at("2026-03-29T01:00:00Z"))
        let autumn = Timestamp(rfc3339: "2026-10-25T00:00:00Z")!.seconds
        #expect(Self.paris.instant(forLocal: autumn + 2 * 3600 + 1800) == Self.at("2026-10-25T00:30:00Z"))
        #expect(Self.paris.instant(forLocal: autumn + 12 * 3600) == Self.at("2026-10-25T11:00:00Z"))
    }

    @Test func quietHoursAreHalfOpenAndWrapPastMidnight() throws {
        let quiet = try #require(QuietHours(start: 75_600, end: 30_600))
        #expect(quiet.contains(secondOfDay: 75_600))
        #expect(!quiet.contains(secondOfDay: 30_600))
        #expect(quiet.contains(secondOfDay: 0))
        #expect(!quiet.contains(secondOfDay: 43_200))
        #expect(QuietHours(start: 3600, end: 3600) == nil)
        #expect(QuietHours(start: -1, end: 3600) == nil)
        #expect(QuietHours(start: 0, end: 86_400) == nil)
    }

    @Test func theEndOfQuietHoursCrossesTransitions() throws {
        let night = try #require(QuietHours(start: 3600, end: 9000))  // 01:00-02:30
        // Spring forward: 02:30 never happens; the quiet hours end at the transition (03:00 local).
        #expect(night.end(after: Self.at("2026-03-29T00:15:00Z"), in: Self.paris) == Self.at("2026-03-29T01:00:00Z"))
        // Fall back: the first 02:30 ends them; after the clocks went back, the second one does.
        #expect(night.end(after: Self.at("2026-10-24T23:30:00Z"), in: Self.paris) == Self.at("2026-10-25T00:30:00Z"))
        #expect(night.end(after: Self.at("2026-10-25T01:10:00Z"), in: Self.paris) == Self.at("2026-10-25T01:30:00Z"))
        // Not quiet: itself.
        #expect(night.end(after: Self.at("2026-06-01T10:00:00Z"), in: Self.paris) == Self.at("2026-06-01T10:00:00Z"))
        // Near the end of the representable range the end does not overflow.
        #expect(night.end(after: Int.max - 10, in: ZoneOffsets([(0, 3600)])!) >= Int.max - 10)
    }

    @Test func zonesRefuseWhatCannotBeRead() {
        #expect(ZoneOffsets([]) == nil)
        #expect(ZoneOffsets([(10, 0), (10, 3600)]) == nil)
        #expect(ZoneOffsets([(10, 0), (5, 3600)]) == nil)
        #expect(ZoneOffsets([(10, 27 * 3600)]) == nil)
    }

    /// A Paris bundle: quiet hours 21:00-08:30, a cap of 2 a week, the first round's silence.
    static func builder() -> BundleBuilder {
        var builder = BundleBuilder()
        builder.timing = .object([
            "time_zone": .string("Europe/Paris"), "tzdata": .string("2025b"),
            "zones": .object([
                "Europe/Paris": .array(
                    paris.instants.indices.map { .array([.int(paris.instants[$0]), .int(paris.offsets[$0])]) }),
                "UTC": .array([.array([.int(946_684_800), .int(0)])]),
            ]),
            "quiet_hours": .object(["start_seconds": .int(75_600), "end_seconds": .int(30_600)]),
            "frequency_cap": .object(["emails": .int(2), "window_seconds": .int(604_800)]),
            "blackouts": .array([
                .object([
                    "from": .string("2026-03-13T23:00:00Z"), "until": .string("2026-03-15T19:00:00Z"),
                    "reason": .string("electoral silence"),
                ])
            ]),
        ])
        return builder
    }

    static func event(_ time: String, tasks: [String], history: [SentRecord] = [], zone: String? = nil) -> RuntimeEvent
    {
        var contact = Events.contact(history: history)
        contact.timeZone = zone
        return RuntimeEvent(time: Timestamp(rfc3339: time)!, encounter: Encounter(tasks: tasks), contact: contact)
    }

    @Test func aDroppedCandidateLetsALowerOneBeSentAndDeferralsChain() throws {
        var builder = Self.builder()
        builder.bind("task:a", "a", template: "a", priority: 2, delay: 3600, timing: ["blackouts": .string("drop")])
        builder.bind("task:b", "b", template: "b", priority: 1, delay: 3600)
        // Polling day, 18:30 local: plus an hour is inside the silence.
        let decision = try builder.load().evaluate(Self.event("2026-03-15T17:30:00Z", tasks: ["a", "b"]))
        #expect(decision.summary == ["a=blackout", "b=sent"])
        let email = try #require(decision.email)
        #expect(email.deferrals.map(\.reason) == ["blackout"])
        #expect(email.sendAt.description == "2026-03-15T19:00:00Z")
        // At 20:30 local (after the silence ended at 20:00), plus an hour is in the quiet hours.
        let later = try builder.load().evaluate(Self.event("2026-03-15T19:30:00Z", tasks: ["b"]))
        #expect(later.email?.sendAt.description == "2026-03-16T07:30:00Z")
        #expect(later.email?.deferrals.map(\.reason) == ["quiet_hours"])
    }

    @Test func lifetimesAreHalfOpenAndComeFirst() throws {
        var builder = Self.builder()
        builder.bind(
            "task:a", "a", template: "a", priority: 1,
            timing: ["active_from": .string("2026-03-01T00:00:00Z"), "active_until": .string("2026-03-10T00:00:00Z")])
        let load = try builder.load()
        #expect(try load.evaluate(Self.event("2026-02-28T23:59:59Z", tasks: ["a"])).summary == ["a=inactive"])
        #expect(try load.evaluate(Self.event("2026-03-01T10:00:00Z", tasks: ["a"])).summary == ["a=sent"])
        #expect(try load.evaluate(Self.event("2026-03-10T00:00:00Z", tasks: ["a"])).summary == ["a=inactive"])
    }

    @Test func theCapCountsEveryEntryInsideTheWindowScheduledOnesIncluded() throws {
        var builder = Self.builder()
        builder.bind("task:a", "a", template: "a", priority: 2)
        builder.bind("task:b", "b", template: "b", priority: 1, timing: ["frequency_cap": .string("exempt")])
        let time = "2026-03-04T10:00:00Z"
        let week = 604_800
        func record(_ seconds: Int) -> SentRecord {
            SentRecord(trigger: "other", template: nil, at: Timestamp(seconds: Self.at(time) + seconds)!)
        }
        let load = try builder.load()
        let edge = try load.evaluate(Self.event(time, tasks: ["a", "b"], history: [record(-week), record(-60)]))
        #expect(edge.summary == ["a=sent", "b=lower_priority"], "an entry exactly a window old no longer counts")
        let full = try load.evaluate(Self.event(time, tasks: ["a", "b"], history: [record(-week + 1), record(3600)]))
        #expect(full.summary == ["a=frequency_cap", "b=sent"])
        #expect(full.candidates.first?.outcome == .frequencyCap(counted: 2))
    }

    @Test func theContactsZoneIsUsedWhenTheBundleHasIt() throws {
        var builder = Self.builder()
        builder.bind("task:a", "a", template: "a", priority: 1)
        let load = try builder.load()
        // 22:00Z is 23:00 in Paris (quiet) but 22:00 in UTC (quiet too: from 21:00); 20:00Z is 21:00 in
        // Paris (quiet) and 20:00 UTC (not quiet).
        let paris = try load.evaluate(Self.event("2026-03-04T20:00:00Z", tasks: ["a"]))
        #expect(paris.timeZoneSource == .workspace)
        #expect(paris.email?.deferrals.count == 1)
        let utc = try load.evaluate(Self.event("2026-03-04T20:00:00Z", tasks: ["a"], zone: "UTC"))
        #expect(utc.timeZoneSource == .contact)
        #expect(utc.email?.deferrals.isEmpty == true)
        let unknown = try load.evaluate(Self.event("2026-03-04T20:00:00Z", tasks: ["a"], zone: "Asia/Tokyo"))
        #expect(unknown.timeZoneSource == .workspaceFallback)
        #expect(unknown.timeZone == "Europe/Paris")
    }

    @Test func aDeferralPastTheYear9999IsAnError() throws {
        var builder = Self.builder()
        builder.bind("task:a", "a", template: "a", priority: 1)
        #expect(throws: EvaluationError.self) {
            try builder.load().evaluate(Self.event("9999-12-31T22:00:00Z", tasks: ["a"], zone: "UTC"))
        }
    }
}
