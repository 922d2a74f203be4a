import AutomailRuntime
import BundleFormat
import Testing

/// Event files: read strictly, every refusal names its member; what is read writes back the same.
struct EventDecodingTests {
    static let full = """
        {
          "$schema": "../schemas/event.schema.json",
          "description": "every member",
          "time": "2026-03-02T19:30:00+01:00",
          "encounter": {
            "answers": [{ "questionnaire": "q", "question": "x", "answer": "a" }],
            "support_level": "s",
            "tasks": ["t", "u"]
          },
          "contact": {
            "email": "ada@example.org",
            "locale": "fr-CA",
            "fields": { "firstname": "Ada", "age": 36, "volunteer": true, "skills": ["a", "b"], "district": null },
            "consent": { "channels": ["email", "sms"], "purposes": { "mobilisation": ["email"] } },
            "unsubscribed": { "all": false, "purposes": ["dons"] },
            "unsubscribe_url": "https://example.org/u",
            "history": [
              { "trigger": "ta", "template": "a", "at": "2026-01-01T00:00:00Z" },
              { "template": "b", "at": "2026-01-02T00:00:00Z" }
            ]
          }
        }
        """

    @Test func readsEveryMember() throws {
        let event = try RuntimeEvent.decode(Array(Self.full.utf8))
        #expect(event.time.description == "2026-03-02T18:30:00Z")
        #expect(event.encounter.eventKeys == ["answer:q/x/a", "support_level:s", "task:t", "task:u"])
        #expect(event.contact.email == "ada@example.org")
        #expect(event.contact.locale == "fr-CA")
        #expect(event.contact.fields["age"] == .int(36))
        #expect(event.contact.fields["district"] == .null)
        #expect(event.contact.consent == Consent(channels: ["email", "sms"], purposes: ["mobilisation": ["email"]]))
        #expect(event.contact.unsubscribed == Unsubscriptions(all: false, purposes: ["dons"]))
        #expect(event.contact.history.count == 2)
        #expect(event.contact.history[1].trigger == nil)
    }

    @Test func theJSONFormReadsBackEqual() throws {
        let event = try RuntimeEvent.decode(Array(Self.full.utf8))
        let written = JSONWriter(pretty: true).write(event.json)
        #expect(try RuntimeEvent.decode(written) == event)
    }

    /// An encounter recording one event of each ``EventKind`` (its `encounter` member), and the key it makes.
    static let encounters: [EventKind: (member: String, key: String)] = [
        .answer: (#""answers": [{"questionnaire": "q", "question": "x", "answer": "a"}]"#, "answer:q/x/a"),
        .supportLevel: (#""support_level": "s""#, "support_level:s"),
        .task: (#""tasks": ["t"]"#, "task:t"),
    ]

    /// The runtime reads every kind of event from its encounter member, into its key, and writes it back.
    @Test(arguments: EventKind.allCases)
    func readsEveryEventKind(_ kind: EventKind) throws {
        let example = try #require(Self.encounters[kind], "add an encounter recording `\(kind.encounterMember)`")
        #expect(example.member.hasPrefix("\"\(kind.encounterMember)\""))
        let event = try RuntimeEvent.decode(
            Array(
                #"{"time": "2026-03-02T12:00:00Z", "encounter": {\#(example.member)}, "contact": {"unsubscribe_url": "u"}}"#
                    .utf8))
        #expect(event.encounter.eventKeys == [example.key])
        #expect(try RuntimeEvent.decode(JSONWriter(pretty: true).write(event.json)) == event)
    }

    @Test func onlyTimeEncounterAndUnsubscribeURLAreRequired() throws {
        let event = try RuntimeEvent.decode(
            Array(#"{"time": "2026-03-02T12:00:00Z", "encounter": {}, "contact": {"unsubscribe_url": "u"}}"#.utf8))
        #expect(event.contact.email == nil && !event.contact.hasAddress)
        #expect(event.contact.consent == Consent())
        #expect(event.encounter.eventKeys.isEmpty)
    }

    /// A change to the full event and the pointer its refusal must name.
    static let refusals: [(String, String, String)] = [
        (#""time": "2026-03-02T19:30:00+01:00""#, #""time": "2026-03-02 19:30""#, "/time"),
        (#""encounter": {"#, #""encounter": { "suport_level": "s","#, "/encounter/suport_level"),
        (#""support_level": "s""#, #""support_level": "Sympathisant""#, "/encounter/support_level"),
        (#""tasks": ["t", "u"]"#, #""tasks": ["t", 3]"#, "/encounter/tasks/1"),
        (#""answer": "a" }"#, #""answer": "a", "label": "Oui" }"#, "/encounter/answers/0/label"),
        (#""firstname": "Ada""#, #""mail": "x@example.org""#, "/contact/fields/mail"),
        (#""firstname": "Ada""#, #""firstname": {"first": "Ada"}"#, "/contact/fields/firstname"),
        (#""skills": ["a", "b"]"#, #""skills": ["a", 2]"#, "/contact/fields/skills/1"),
        (#""firstname": "Ada""#, #""First Name": "Ada""#, "/contact/fields/First Name"),
        (#""mobilisation": ["email"]"#, #""mobilisation": "email""#, "/contact/consent/purposes/mobilisation"),
        (#""all": false"#, #""all": "no""#, "/contact/unsubscribed/all"),
        (#""https://example.org/u""#, #""""#, "/contact/unsubscribe_url"),
        (#"{ "template": "b", "at""#, #"{ "at""#, "/contact/history/1"),
        (#""at": "2026-01-01T00:00:00Z""#, #""at": 1767225600"#, "/contact/history/0/at"),
        (#""email": "ada@example.org""#, #""email": 42"#, "/contact/email"),
        (#""description": "every member""#, #""comment": "every member""#, "/comment"),
    ]

    @Test(arguments: refusals)
    func aBadEventNamesTheMember(_ original: String, _ replacement: String, _ pointer: String) throws {
        #expect(Self.full.contains(original))
        let text = Self.full.replacing(original, with: replacement)
        #expect {
            try RuntimeEvent.decode(Array(text.utf8))
        } throws: { error in
            guard case .malformed(let problem)? = error as? EventDecodingError else { return false }
            #expect(problem.pointer.description == pointer, "\(problem)")
            return problem.pointer.description == pointer
        }
    }

    @Test func missingRequiredMembersAreNamed() {
        let cases: [(String, String)] = [
            (
                #"{"encounter": {}, "contact": {"unsubscribe_url": "u"}}"#,
                "at the top level: the member `time` is missing"
            ),
            (
                #"{"time": "2026-03-02T12:00:00Z", "contact": {"unsubscribe_url": "u"}}"#,
                "at the top level: the member `encounter` is missing"
            ),
            (
                #"{"time": "2026-03-02T12:00:00Z", "encounter": {}, "contact": {}}"#,
                "at /contact: the member `unsubscribe_url` is missing"
            ),
            ("[]", "at the top level: expected an object, found an array"),
        ]
        for (text, message) in cases {
            #expect(throws: EventDecodingError.self) { try RuntimeEvent.decode(Array(text.utf8)) }
            do {
                _ = try RuntimeEvent.decode(Array(text.utf8))
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test func aSyntaxErrorHasALineAndColumn() {
        do {
            _ = try RuntimeEvent.decode(Array("{\n  \"time\": 2026-03-02\n}".utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.description == "2:15: expected `,` or `}` after an object member")
        }
    }
}
