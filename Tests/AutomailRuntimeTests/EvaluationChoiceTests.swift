import AutomailRuntime
import BundleFormat
import BundleModel
import Liquid
import Testing

/// Which candidate is sent (priority), in which locale, rendered how, and when.
struct EvaluationChoiceTests {
    // MARK: Priority

    @Test func theHighestEligibleCandidateIsSentTheOthersAreOutranked() throws {
        var builder = BundleBuilder()
        builder.bind("answer:q/x/a", "low", template: "a", priority: 5)
        builder.bind("task:t", "high", template: "b", priority: 500)
        builder.bind("support_level:s", "mid", template: "c", priority: 50)
        let decision = try builder.load().evaluate(Events.event(answers: ["q/x/a"], level: "s", tasks: ["t"]))
        #expect(decision.summary == ["high=sent", "mid=lower_priority", "low=lower_priority"])
        #expect(decision.candidates[1].outcome == .lowerPriority(outrankedBy: "high"))
        #expect(decision.email?.trigger == "high")
        #expect(decision.email?.message.template == "b")
    }

    @Test func aStoppedHigherCandidateLetsALowerOneBeSent() throws {
        var builder = BundleBuilder()
        builder.bind("answer:q/x/a", "high", template: "a", priority: 900)
        builder.bind("answer:q/x/b", "low", template: "b", priority: 100)
        let bundle = try builder.load()
        let contact = Events.contact(purposes: ["information": ["email"]])
        let decision = try bundle.evaluate(Events.event(answers: ["q/x/a", "q/x/b"], contact: contact))
        #expect(decision.summary == ["high=no_consent", "low=sent"])
    }

    @Test func equalPrioritiesAreOrderedByTriggerIdInCodePointOrder() throws {
        var builder = BundleBuilder()
        builder.bind("task:t1", "b-trigger", template: "a", priority: 10)
        builder.bind("task:t2", "a-trigger", template: "a", priority: 10)
        builder.bind("task:t3", "B-upper", template: "a", priority: 10)
        let decision = try builder.load().evaluate(Events.event(tasks: ["t1", "t2", "t3"]))
        // `B` (U+0042) sorts before `a` (U+0061).
        #expect(decision.summary == ["B-upper=sent", "a-trigger=lower_priority", "b-trigger=lower_priority"])
    }

    @Test func keysAreCollectedOnceInEventOrder() throws {
        var builder = BundleBuilder()
        builder.bind("answer:q/x/a", "ta", template: "a", priority: 1)
        builder.bind("task:t", "tt", template: "b", priority: 2)
        let decision = try builder.load().evaluate(
            Events.event(answers: ["q/x/a", "q/y/none", "q/x/a"], level: "unbound", tasks: ["t", "t"]))
        #expect(decision.keys.map(\.key) == ["answer:q/x/a", "answer:q/y/none", "support_level:unbound", "task:t"])
        #expect(decision.keys.map(\.triggers) == [["ta"], [], [], ["tt"]])
        #expect(decision.summary == ["tt=sent", "ta=lower_priority"])
    }

    @Test func anEmptyEncounterDecidesNothing() throws {
        let decision = try BundleBuilder().load().evaluate(Events.event())
        #expect(decision.keys.isEmpty && decision.candidates.isEmpty && decision.email == nil)
        #expect(decision.json["email"] == .null)
    }

    // MARK: Locale

    @Test(arguments: [
        ("fr", "fr", LocaleMatch.exact), ("en", "en", .exact), ("EN", "en", .exact), ("en_GB", "en", .language),
        ("fr-CA", "fr", .language), ("de", "fr", .default), ("de-CH", "fr", .default), ("", "fr", .default),
        ("pt-BR", "pt-BR", .exact), ("pt_br", "pt-BR", .exact), ("pt", "fr", .default), ("pt-PT", "fr", .default),
    ])
    func localeChoice(_ requested: String, _ chosen: String, _ match: LocaleMatch) throws {
        var builder = BundleBuilder()
        builder.locales = ["fr", "en", "pt-BR"]
        let bundle = try builder.load()
        let template = try #require(bundle.templates["a"])
        let choice = bundle.chooseLocale(for: template, requested: requested)
        #expect(choice.locale == chosen)
        #expect(choice.match == match)
    }

    @Test func noLocaleIsTheDefault() throws {
        var builder = BundleBuilder()
        builder.bind("task:t", "t", template: "a", priority: 1)
        let decision = try builder.load().evaluate(Events.event(tasks: ["t"], contact: Events.contact(locale: nil)))
        #expect(decision.email?.locale == "fr")
        #expect(decision.email?.localeMatch == .default)
        #expect(decision.email?.message.subject == "[fr] a Ada")
    }

    // MARK: Rendering

    @Test func theSentEmailIsRenderedWithGlobalsContactAndUnsubscribeURL() throws {
        var builder = BundleBuilder()
        builder.bind("task:t", "t", template: "c", priority: 1, delay: 7200)
        let contact = Events.contact(
            email: "ada@example.org", locale: "en",
            fields: ["firstname": .string("Ada <b>'&'</b>"), "surname": .string("Lovelace")])
        let decision = try builder.load().evaluate(Events.event(tasks: ["t"], contact: contact))
        let email = try #require(decision.email)
        #expect(email.message.subject == "[en] c Ada <b>'&'</b>")
        #expect(email.message.html == "<p lang=\"en\">Ada &lt;b&gt;&#39;&amp;&#39;&lt;/b&gt;</p>")
        #expect(email.message.text == "c for Ada <b>'&'</b> ada@example.org Publisher en\n")
        #expect(
            email.message.headers == [
                HeaderField(name: "List-Unsubscribe", value: "<https://example.org/u?c=1&s=2>"),
                HeaderField(name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click"),
            ])
        #expect(email.message.from == Mailbox(name: "Finance", address: "finance@example.org"))
        #expect(email.message.replyTo == nil)
        #expect(email.message.to == Mailbox(name: "Ada <b>'&'</b> Lovelace", address: "ada@example.org"))
        #expect(email.sendAt.description == "2026-03-02T14:00:00Z")
        #expect(email.record == SentRecord(trigger: "t", template: "c", at: email.sendAt))
    }

    @Test func theRecipientNameSkipsMissingEmptyAndNonStringNames() throws {
        var builder = BundleBuilder()
        builder.bind("task:t", "t", template: "a", priority: 1)
        let bundle = try builder.load()
        for (fields, name) in [
            ([:], ""), (["surname": .string("Lovelace")], "Lovelace"),
            (["firstname": .string(""), "surname": .string("Lovelace")], "Lovelace"),
            (["firstname": .int(3), "surname": .null], ""),
        ] as [([String: JSONValue], String)] {
            let decision = try bundle.evaluate(Events.event(tasks: ["t"], contact: Events.contact(fields: fields)))
            #expect(decision.email?.message.to.name == name)
            #expect(decision.email?.message.from == Mailbox(name: "The Team", address: "team@example.org"))
            #expect(decision.email?.message.replyTo == "reply@example.org")
        }
    }

    @Test func aContactWithoutFirstNameGetsTheDefault() throws {
        var builder = BundleBuilder()
        builder.bind("task:t", "t", template: "a", priority: 1)
        let decision = try builder.load().evaluate(Events.event(tasks: ["t"], contact: Events.contact(fields: [:])))
        #expect(decision.email?.message.subject == "[fr] a friend")
    }

    @Test func aSendTimeAfterYear9999IsAnError() throws {
        var builder = BundleBuilder()
        builder.bind("task:t", "t", template: "a", priority: 1, delay: Int.max)
        let bundle = try builder.load()
        #expect(throws: EvaluationError.sendTimeOutOfRange(trigger: "t", delaySeconds: Int.max)) {
            try bundle.evaluate(Events.event(tasks: ["t"]))
        }
        // A candidate that is not sent is never scheduled: no error.
        let stopped = try bundle.evaluate(Events.event(tasks: ["t"], contact: Events.contact(email: nil)))
        #expect(stopped.summary == ["t=no_address"])
    }

    @Test func aTemplateThatFailsToRenderNamesItsMember() throws {
        var builder = BundleBuilder()
        builder.bind("task:t", "t", template: "a", priority: 1)
        var content = builder.content
        // Printing an object is refused where engines disagree.
        content["templates"] = .object([
            "a": .object([
                "sender": .string("team"), "purpose": .string("mobilisation"),
                "locales": .object([
                    "fr": .object([
                        "subject": .string("{{ contact }}"), "html": .string("h"), "text": .string("t"),
                        "headers": .object([:]),
                    ])
                ]),
            ])
        ])
        let bundle = try RuntimeBundle.load(BundleEmitter.emit(content))
        #expect {
            try bundle.evaluate(Events.event(tasks: ["t"]))
        } throws: { error in
            guard case .render(let render)? = error as? EvaluationError else { return false }
            return render.pointer.description == "/templates/a/locales/fr/subject"
        }
    }

    // MARK: JSON

    @Test func theDecisionJSONHasEveryMember() throws {
        var builder = BundleBuilder()
        builder.bind("task:t", "t", template: "a", priority: 3, once: -1)
        builder.bind("task:u", "u", template: "b", priority: 2)
        let decision = try builder.load().evaluate(Events.event(tasks: ["t", "u"]))
        let json = decision.json
        #expect(json["format"] == .int(2))
        #expect(json["time"] == .string("2026-03-02T12:00:00Z"))
        guard case .array(let candidates)? = json["candidates"] else {
            Issue.record("no candidates")
            return
        }
        #expect(candidates[0]["once_per_contact_seconds"] == .int(-1))
        #expect(candidates[1]["once_per_contact_seconds"] == .null)
        #expect(candidates[1]["outranked_by"] == .string("t"))
        #expect(candidates[0]["outranked_by"] == nil)
        #expect(json["email"]?["reply_to"] == .string("reply@example.org"))
        #expect(json["email"]?["record"]?["at"] == .string("2026-03-02T12:00:00Z"))
        #expect(json["email"]?["locale_match"] == .string("exact"))
    }
}
