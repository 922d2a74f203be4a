import AutomailRuntime
import BundleFormat
import BundleModel
import Testing

/// Each rule of the evaluation alone (docs/bundle-format.md, "Evaluating an event"): address,
/// consent, unsubscription, once-per-contact windows.
struct EvaluationRuleTests {
    /// `answer:q/x/a` -> a (mobilisation, 30), `support_level:s` -> b (information, 20), `task:t` -> c (dons, 10).
    static func threeTriggers(_ mode: BundleBuilder.Mode = .purpose, once: Int? = nil) throws -> RuntimeBundle {
        var builder = BundleBuilder(mode: mode)
        builder.bind("answer:q/x/a", "ta", template: "a", priority: 30, once: once)
        builder.bind("support_level:s", "tb", template: "b", priority: 20, once: once)
        builder.bind("task:t", "tc", template: "c", priority: 10, once: once)
        return try builder.load()
    }

    static func all(_ contact: ContactState, at time: Timestamp = Events.time) -> RuntimeEvent {
        Events.event(answers: ["q/x/a"], level: "s", tasks: ["t"], contact: contact, at: time)
    }

    // MARK: Address

    @Test(arguments: [nil, ""] as [String?])
    func noAddressStopsEveryCandidate(_ email: String?) throws {
        let decision = try Self.threeTriggers().evaluate(Self.all(Events.contact(email: email)))
        #expect(decision.summary == ["ta=no_address", "tb=no_address", "tc=no_address"])
        #expect(decision.email == nil)
    }

    // MARK: Consent

    @Test func channelModeNeedsEmailChannelConsent() throws {
        let bundle = try Self.threeTriggers(.channel)
        let none = try bundle.evaluate(Self.all(Events.contact(channels: [], purposes: [:])))
        #expect(none.summary == ["ta=no_consent", "tb=no_consent", "tc=no_consent"])
        let sms = try bundle.evaluate(Self.all(Events.contact(channels: ["sms"], purposes: [:])))
        #expect(sms.summary == ["ta=no_consent", "tb=no_consent", "tc=no_consent"])
        // Purpose consents are not read in channel mode.
        let purposesOnly = try bundle.evaluate(
            Self.all(Events.contact(channels: [], purposes: ["mobilisation": ["email"]])))
        #expect(purposesOnly.summary == ["ta=no_consent", "tb=no_consent", "tc=no_consent"])
        let email = try bundle.evaluate(Self.all(Events.contact(channels: ["email"], purposes: [:])))
        #expect(email.summary == ["ta=sent", "tb=lower_priority", "tc=lower_priority"])
    }

    @Test func purposeModeNeedsEmailConsentForTheTemplatesPurpose() throws {
        let bundle = try Self.threeTriggers(.purpose)
        // Consent to another purpose, to the channel, or to the purpose on another channel: not enough.
        let decision = try bundle.evaluate(
            Self.all(
                Events.contact(channels: ["email"], purposes: ["information": ["email"], "mobilisation": ["sms"]])))
        #expect(decision.summary == ["ta=no_consent", "tb=sent", "tc=no_consent"])
        #expect(decision.candidates.map(\.purpose) == ["mobilisation", "information", "dons"])
    }

    // MARK: Unsubscribed

    @Test(arguments: [BundleBuilder.Mode.channel, .purpose])
    func unsubscribedFromAllStopsEverything(_ mode: BundleBuilder.Mode) throws {
        let decision = try Self.threeTriggers(mode).evaluate(
            Self.all(Events.contact(unsubscribed: Unsubscriptions(all: true))))
        #expect(decision.summary == ["ta=unsubscribed", "tb=unsubscribed", "tc=unsubscribed"])
    }

    @Test func purposeUnsubscribeStopsOnlyThatPurposeInPurposeMode() throws {
        let decision = try Self.threeTriggers(.purpose).evaluate(
            Self.all(Events.contact(unsubscribed: Unsubscriptions(purposes: ["mobilisation"]))))
        #expect(decision.summary == ["ta=unsubscribed", "tb=sent", "tc=lower_priority"])
    }

    @Test func purposeUnsubscribeStopsEverythingInChannelMode() throws {
        let decision = try Self.threeTriggers(.channel).evaluate(
            Self.all(Events.contact(unsubscribed: Unsubscriptions(purposes: ["whatever"]))))
        #expect(decision.summary == ["ta=unsubscribed", "tb=unsubscribed", "tc=unsubscribed"])
    }

    @Test func unsubscribeFromAPurposeNotInTheBundleStopsNothingInPurposeMode() throws {
        let decision = try Self.threeTriggers(.purpose).evaluate(
            Self.all(Events.contact(unsubscribed: Unsubscriptions(purposes: ["newsletter"]))))
        #expect(decision.summary == ["ta=sent", "tb=lower_priority", "tc=lower_priority"])
    }

    // MARK: Once per contact

    static let week = 7 * 86_400

    @Test func windowBoundaryIsInclusiveOfTheEnd() throws {
        let bundle = try Self.threeTriggers(once: Self.week)
        func outcome(sentAgo seconds: Int) throws -> String {
            let history = [SentRecord(trigger: "ta", template: "a", at: Events.ago(seconds))]
            return try bundle.evaluate(Self.all(Events.contact(history: history))).summary[0]
        }
        #expect(try outcome(sentAgo: Self.week) == "ta=sent")
        #expect(try outcome(sentAgo: Self.week + 1) == "ta=sent")
        #expect(try outcome(sentAgo: Self.week - 1) == "ta=once_per_contact")
        #expect(try outcome(sentAgo: 0) == "ta=once_per_contact")
        // An entry after the event's time (an email scheduled later) is inside the window.
        #expect(try outcome(sentAgo: -3600) == "ta=once_per_contact")
    }

    @Test func foreverCountsAnyEntryHoweverOld() throws {
        let bundle = try Self.threeTriggers(once: -1)
        let history = [SentRecord(trigger: "ta", template: nil, at: Timestamp.earliest)]
        let decision = try bundle.evaluate(Self.all(Events.contact(history: history)))
        #expect(decision.summary == ["ta=once_per_contact", "tb=sent", "tc=lower_priority"])
        #expect(decision.candidates[0].outcome == .oncePerContact(lastSent: .earliest))
    }

    @Test func anEntryCountsByTriggerOrByTemplate() throws {
        let bundle = try Self.threeTriggers(once: -1)
        func first(_ record: SentRecord) throws -> String {
            try bundle.evaluate(Self.all(Events.contact(history: [record]))).summary[0]
        }
        #expect(try first(SentRecord(trigger: "ta", template: nil, at: Events.ago(10))) == "ta=once_per_contact")
        #expect(try first(SentRecord(trigger: nil, template: "a", at: Events.ago(10))) == "ta=once_per_contact")
        // The same template sent by another trigger counts; the same trigger with another template too.
        #expect(try first(SentRecord(trigger: "other", template: "a", at: Events.ago(10))) == "ta=once_per_contact")
        #expect(try first(SentRecord(trigger: "ta", template: "old", at: Events.ago(10))) == "ta=once_per_contact")
        #expect(try first(SentRecord(trigger: "tb", template: "b", at: Events.ago(10))) == "ta=sent")
    }

    @Test func withoutAWindowHistoryIsIgnored() throws {
        let bundle = try Self.threeTriggers(once: nil)
        let history = [SentRecord(trigger: "ta", template: "a", at: Events.ago(1))]
        let decision = try bundle.evaluate(Self.all(Events.contact(history: history)))
        #expect(decision.summary == ["ta=sent", "tb=lower_priority", "tc=lower_priority"])
    }

    @Test func theLatestCountingEntryDecidesAndIsReported() throws {
        let bundle = try Self.threeTriggers(once: Self.week)
        let history = [
            SentRecord(trigger: "ta", template: "a", at: Events.ago(30 * 86_400)),
            SentRecord(trigger: nil, template: "a", at: Events.ago(86_400)),
            SentRecord(trigger: "ta", template: "a", at: Events.ago(10 * 86_400)),
        ]
        let decision = try bundle.evaluate(Self.all(Events.contact(history: history)))
        #expect(decision.candidates[0].outcome == .oncePerContact(lastSent: Events.ago(86_400)))
        #expect(decision.candidates[0].json["last_sent"] == .string("2026-03-01T12:00:00Z"))
    }

    // MARK: Order of the rules

    @Test func eachCandidateGetsTheFirstRuleThatStopsIt() throws {
        let bundle = try Self.threeTriggers(once: -1)
        let sentBefore = [SentRecord(trigger: "ta", template: "a", at: Events.ago(1))]
        let everything = Events.contact(
            email: nil, channels: [], purposes: [:], unsubscribed: Unsubscriptions(all: true), history: sentBefore)
        #expect(try bundle.evaluate(Self.all(everything)).summary[0] == "ta=no_address")
        var noConsent = everything
        noConsent.email = "ada@example.org"
        #expect(try bundle.evaluate(Self.all(noConsent)).summary[0] == "ta=no_consent")
        var unsubscribed = noConsent
        unsubscribed.consent = Consent(purposes: ["mobilisation": ["email"]])
        #expect(try bundle.evaluate(Self.all(unsubscribed)).summary[0] == "ta=unsubscribed")
        var window = unsubscribed
        window.unsubscribed = Unsubscriptions()
        #expect(try bundle.evaluate(Self.all(window)).summary[0] == "ta=once_per_contact")
        var eligible = window
        eligible.history = []
        #expect(try bundle.evaluate(Self.all(eligible)).summary[0] == "ta=sent")
    }
}
