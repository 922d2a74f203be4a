import AutomailRuntime
import BundleFormat
import Foundation
import Testing

/// The event and decision schemas say what the runtime reads and writes: the same members, the same
/// outcome codes and locale matches.
struct RuntimeSchemaAgreementTests {
    static func schema(_ name: String) throws -> JSONValue {
        try JSONParser().parse(try Repository.bytes("schemas/\(name).schema.json"))
    }

    static func keys(_ value: JSONValue?) -> Set<String> {
        guard case .object(let members)? = value else { return [] }
        return Set(members.keys)
    }

    static func strings(_ value: JSONValue?) -> [String] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
    }

    /// A decision with an email and every outcome that carries a detail.
    static func fullDecision() throws -> Decision {
        var builder = BundleBuilder()
        // UTC, quiet hours 11:00-13:00 and a blackout around the event's time (12:00), a cap of 1 a day.
        builder.timing = .object([
            "time_zone": .string("UTC"), "tzdata": .string("2025b"),
            "zones": .object(["UTC": .array([.array([.int(946_684_800), .int(0)])])]),
            "quiet_hours": .object(["start_seconds": .int(39_600), "end_seconds": .int(46_800)]),
            "frequency_cap": .object(["emails": .int(1), "window_seconds": .int(86_400)]),
            "blackouts": .array([
                .object([
                    "from": .string("2026-03-02T11:30:00Z"), "until": .string("2026-03-02T12:30:00Z"),
                    "reason": .string("r"),
                ])
            ]),
        ])
        let exempt: [String: JSONValue] = ["frequency_cap": .string("exempt")]
        let ignoring: [String: JSONValue] = [
            "frequency_cap": .string("exempt"), "quiet_hours": .string("ignore"), "blackouts": .string("ignore"),
        ]
        builder.bind(
            "task:i", "i", template: "a", priority: 7, timing: ["active_until": .string("2026-03-01T00:00:00Z")])
        builder.bind("task:t", "t", template: "a", priority: 6, once: -1)
        builder.bind("task:k", "k", template: "a", priority: 5)
        builder.bind(
            "task:b", "b", template: "a", priority: 4, timing: exempt.merging(["blackouts": .string("drop")]) { $1 })
        builder.bind(
            "task:q", "q", template: "a", priority: 3,
            timing: exempt.merging(["quiet_hours": .string("drop"), "blackouts": .string("ignore")]) { $1 })
        builder.bind(
            "task:u", "u", template: "b", priority: 2, timing: exempt.merging(["blackouts": .string("ignore")]) { $1 })
        builder.bind("task:v", "v", template: "c", priority: 1, timing: ignoring)
        let history = [SentRecord(trigger: "t", template: nil, at: Events.ago(5))]
        return try builder.load().evaluate(
            Events.event(tasks: ["i", "t", "k", "b", "q", "u", "v"], contact: Events.contact(history: history)))
    }

    @Test func decisionMembersAreTheSchemasRequiredMembers() throws {
        let schema = try Self.schema("decision")
        let decision = try Self.fullDecision()
        #expect(
            decision.summary == [
                "i=inactive", "t=once_per_contact", "k=frequency_cap", "b=blackout", "q=quiet_hours", "u=sent",
                "v=lower_priority",
            ])
        #expect(decision.email?.deferrals.map(\.reason) == ["quiet_hours"])
        let json = decision.json
        #expect(Self.keys(json) == Set(Self.strings(schema["required"])))
        #expect(Self.keys(json) == Self.keys(schema["properties"]))
        let email = schema["properties"]?["email"]
        #expect(Self.keys(json["email"]) == Set(Self.strings(email?["required"])))
        #expect(Self.keys(json["email"]) == Self.keys(email?["properties"]))
        let candidate = schema["properties"]?["candidates"]?["items"]
        guard case .array(let candidates)? = json["candidates"] else {
            Issue.record("no candidates")
            return
        }
        var seen = Set<String>()
        let required = Set(Self.strings(candidate?["required"]))
        for item in candidates {
            let present = Self.keys(item)
            #expect(required.isSubset(of: present))
            seen.formUnion(Self.keys(item))
        }
        #expect(seen == Self.keys(candidate?["properties"]))
    }

    @Test func outcomeCodesAndLocaleMatchesAreTheSchemas() throws {
        let schema = try Self.schema("decision")
        let outcome = schema["properties"]?["candidates"]?["items"]?["properties"]?["outcome"]?["enum"]
        #expect(Self.strings(outcome) == Outcome.codes)
        let match = schema["properties"]?["email"]?["properties"]?["locale_match"]?["enum"]
        #expect(Self.strings(match) == LocaleMatch.allCases.map(\.rawValue))
    }

    @Test func theEventJSONWritesEverySchemaMember() throws {
        let schema = try Self.schema("event")
        let event = Events.event(
            answers: ["q/x/a"], level: "s", tasks: ["t"],
            contact: Events.contact(history: [SentRecord(trigger: "t", template: "a", at: Events.time)]))
        let json = event.json
        #expect(Self.keys(schema["properties"]) == Self.keys(json).union(["$schema", "description"]))
        #expect(Self.keys(schema["properties"]?["encounter"]?["properties"]) == Self.keys(json["encounter"]))
        let contact = schema["properties"]?["contact"]
        #expect(Self.keys(contact?["properties"]) == Self.keys(json["contact"]))
        #expect(Self.keys(contact?["properties"]?["consent"]?["properties"]) == Self.keys(json["contact"]?["consent"]))
        #expect(
            Self.keys(contact?["properties"]?["unsubscribed"]?["properties"])
                == Self.keys(json["contact"]?["unsubscribed"]))
        guard case .array(let history)? = json["contact"]?["history"] else {
            Issue.record("no history")
            return
        }
        #expect(Self.keys(contact?["properties"]?["history"]?["items"]?["properties"]) == Self.keys(history.first))
    }
}
