import AutomailRuntime
import BundleFormat
import BundleModel
import Foundation
import Testing

/// The timing rules' guarantees on seeded random events over the Lyon bundle (real zone data, two
/// election rounds, quiet hours 21:00-08:30, a cap of two a week), for every event:
/// - an email is never sent inside a blackout or inside the contact's quiet hours, unless its trigger
///   ignores them;
/// - its deferrals chain: the first starts at the event's time plus the delay, each starts where the
///   previous ended and moves forward, the last ends at `send_at`, the record is at `send_at`;
/// - a candidate dropped by a blackout or by quiet hours reports an end later than the event;
/// - the decision does not depend on the order of the history, and the same event gives the same decision.
struct TimingPropertyTests {
    static func lyon() throws -> RuntimeBundle {
        try RuntimeBundle.load(
            Array(try Data(contentsOf: Fixtures.root.appendingPathComponent("golden/lyon-municipales.bundle.json"))))
    }

    static let answers: [Answer] = [
        Answer(questionnaire: "porte-a-porte", question: "intention_vote", answer: "oui-certain"),
        Answer(questionnaire: "porte-a-porte", question: "present_scrutin", answer: "non"),
        Answer(questionnaire: "porte-a-porte", question: "engagement", answer: "tractage"),
        Answer(questionnaire: "inscription-reunion", question: "reunion", answer: "vaise"),
        Answer(questionnaire: "phoning-soutiens", question: "don", answer: "plus-tard"),
    ]
    static let zones: [String?] = [nil, "Europe/Paris", "America/Martinique", "Asia/Tokyo"]
    static let triggers = ["pap-vote-certain", "reunion-vaise", "phoning-coup-de-main", "other"]

    static func event(_ random: inout SeededGenerator) -> RuntimeEvent {
        // Around the 2026 rounds and the spring transition: 1 March to 5 April 2026, to the minute.
        let start = 1_772_323_200
        let time = Timestamp(seconds: start + Int.random(in: 0..<(36 * 86_400 / 60), using: &random) * 60)!
        var history: [SentRecord] = []
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            let at = time.adding(seconds: Int.random(in: -10 * 86_400...86_400, using: &random))!
            history.append(SentRecord(trigger: triggers.randomElement(using: &random), template: nil, at: at))
        }
        let picked = answers.filter { _ in Bool.random(using: &random) }
        let contact = ContactState(
            email: "camille@example.org", locale: "fr", timeZone: zones.randomElement(using: &random) ?? nil,
            fields: ["firstname": .string("Camille")],
            consent: Consent(purposes: ["mobilisation": ["email"], "information": ["email"], "dons": ["email"]]),
            unsubscribeURL: "https://lyon-en-commun.fr/d?c=1", history: history)
        return RuntimeEvent(time: time, encounter: Encounter(answers: picked), contact: contact)
    }

    @Test func sendTimesRespectBlackoutsQuietHoursAndChain() throws {
        let bundle = try Self.lyon()
        var random = SeededGenerator(seed: 18)
        var sent = 0, deferred = 0, dropped = 0
        for _ in 0..<600 {
            let event = Self.event(&random)
            let decision = try bundle.evaluate(event)
            #expect(try bundle.evaluate(event) == decision)
            var reversed = event
            reversed.contact.history.reverse()
            #expect(try bundle.evaluate(reversed).json == decision.json, "the history's order matters")
            for candidate in decision.candidates {
                switch candidate.outcome {
                case .blackout(let until, _), .quietHours(let until):
                    dropped += 1
                    #expect(until > event.time)
                default: break
                }
            }
            guard let email = decision.email else { continue }
            sent += 1
            let action = try #require(bundle.triggers.values.joined().first { $0.trigger == email.trigger })
            let zone = bundle.timing.zone(for: event.contact.timeZone).offsets
            if action.blackouts != .ignore {
                #expect(!bundle.timing.blackouts.contains { $0.from <= email.sendAt && email.sendAt < $0.until })
            }
            if action.quietHours != .ignore, let quiet = bundle.timing.quietHours {
                #expect(!quiet.contains(secondOfDay: zone.localSecondOfDay(at: email.sendAt.seconds)))
            }
            var expected = event.time.adding(seconds: action.delaySeconds)!
            for deferral in email.deferrals {
                #expect(deferral.from == expected)
                #expect(deferral.until > deferral.from)
                expected = deferral.until
            }
            if !email.deferrals.isEmpty { deferred += 1 }
            #expect(expected == email.sendAt)
            #expect(email.record.at == email.sendAt)
        }
        // The events reach every branch.
        #expect(sent > 50 && deferred > 10 && dropped > 10, "sent \(sent), deferred \(deferred), dropped \(dropped)")
    }
}
