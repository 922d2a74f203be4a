import BundleFormat
import BundleModel

extension RuntimeEvent {
    /// Reads an event file (`schemas/event.schema.json`). Strict: an unknown member is refused (it is
    /// most likely a misspelt one), and every problem names its member with a JSON Pointer.
    public static func decode(_ bytes: [UInt8]) throws(EventDecodingError) -> RuntimeEvent {
        let value: JSONValue
        do {
            value = try JSONParser().parse(bytes)
        } catch {
            throw .syntax(error)
        }
        do {
            return try RuntimeEvent(json: value)
        } catch {
            throw .malformed(error)
        }
    }

    /// Reads an event from its JSON value.
    public init(json: JSONValue) throws(FormatProblem) {
        let root = JSONNode(json)
        _ = try root.object(allowing: ["$schema", "description", "time", "encounter", "contact"])
        if let schema = try root.optional("$schema") { _ = try schema.string() }
        if let description = try root.optional("description") { _ = try description.string() }
        time = try Self.timestamp(root.required("time"))
        encounter = try Self.encounter(root.required("encounter"))
        contact = try Self.contact(root.required("contact"))
    }

    /// The event as JSON, every member written (`null` or empty when unset), sets sorted: reading it
    /// back gives an equal event.
    public var json: JSONValue {
        let answers = encounter.answers.map { answer -> JSONValue in
            .object([
                "questionnaire": .string(answer.questionnaire), "question": .string(answer.question),
                "answer": .string(answer.answer),
            ])
        }
        func sorted(_ set: Set<String>) -> JSONValue {
            .array(set.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map(JSONValue.string))
        }
        let history = contact.history.map { record -> JSONValue in
            var entry: [String: JSONValue] = ["at": .string(record.at.description)]
            if let trigger = record.trigger { entry["trigger"] = .string(trigger) }
            if let template = record.template { entry["template"] = .string(template) }
            return .object(entry)
        }
        return .object([
            "time": .string(time.description),
            "encounter": .object([
                "answers": .array(answers), "support_level": encounter.supportLevel.map(JSONValue.string) ?? .null,
                "tasks": .array(encounter.tasks.map(JSONValue.string)),
            ]),
            "contact": .object([
                "email": contact.email.map(JSONValue.string) ?? .null,
                "locale": contact.locale.map(JSONValue.string) ?? .null,
                "time_zone": contact.timeZone.map(JSONValue.string) ?? .null,
                "fields": .object(contact.fields),
                "consent": .object([
                    "channels": sorted(contact.consent.channels),
                    "purposes": .object(contact.consent.purposes.mapValues(sorted)),
                ]),
                "unsubscribed": .object([
                    "all": .bool(contact.unsubscribed.all), "purposes": sorted(contact.unsubscribed.purposes),
                ]),
                "unsubscribe_url": .string(contact.unsubscribeURL),
                "history": .array(history),
            ]),
        ])
    }

    private static func timestamp(_ node: JSONNode) throws(FormatProblem) -> Timestamp {
        let text = try node.string()
        guard let timestamp = Timestamp(rfc3339: text) else {
            throw node.problem(
                "`\(text)` is not a date-time like `2026-03-02T18:30:00Z` or `2026-03-02T19:30:00+01:00` (RFC 3339, whole seconds, years 0001 to 9999)"
            )
        }
        return timestamp
    }

    private static func encounter(_ node: JSONNode) throws(FormatProblem) -> Encounter {
        _ = try node.object(allowing: Set(EventKind.allCases.map(\.encounterMember)))
        var encounter = Encounter()
        for item in try node.optional("answers")?.items() ?? [] {
            _ = try item.object(allowing: ["questionnaire", "question", "answer"])
            encounter.answers.append(
                Answer(
                    questionnaire: try item.required("questionnaire").identifier(),
                    question: try item.required("question").identifier(),
                    answer: try item.required("answer").identifier()))
        }
        encounter.supportLevel = try node.optionalNonNull("support_level")?.identifier()
        encounter.tasks = try (node.optional("tasks")?.items() ?? []).map { item throws(FormatProblem) in
            try item.identifier()
        }
        return encounter
    }

    private static func contact(_ node: JSONNode) throws(FormatProblem) -> ContactState {
        _ = try node.object(allowing: [
            "email", "locale", "time_zone", "fields", "consent", "unsubscribed", "unsubscribe_url", "history",
        ])
        let email = try node.optionalNonNull("email")?.string()
        let locale = try node.optionalNonNull("locale")?.string()
        var timeZone: String?
        if let zoneNode = try node.optionalNonNull("time_zone") {
            let zone = try zoneNode.string()
            guard ContactState.isZoneName(zone) else {
                throw zoneNode.problem(
                    "`\(zone)` is not a time zone name like `Europe/Paris` (1 to 64 ASCII letters, digits, `/`, `_`, `+`, `-`)"
                )
            }
            timeZone = zone
        }
        var fields: [String: JSONValue] = [:]
        for (key, value) in try node.optional("fields")?.members() ?? [] {
            guard key != "mail" else {
                throw value.problem("`mail` is not a field: give the address as `contact.email`")
            }
            guard Lexical.isIdentifier(key) else {
                throw value.problem("the field name `\(key)` is not an id (`^[a-z0-9][a-z0-9_-]{0,63}$`)")
            }
            switch value.value {
            case .null, .bool, .int, .string: break
            case .array:
                for item in try value.items() { _ = try item.string() }
            case .object:
                throw value.wrongKind("a string, an integer, a boolean, null or an array of strings")
            }
            fields[key] = value.value
        }
        var consent = Consent()
        if let consentNode = try node.optional("consent") {
            _ = try consentNode.object(allowing: ["channels", "purposes"])
            consent.channels = try channels(consentNode.optional("channels"))
            for (purpose, value) in try consentNode.optional("purposes")?.members() ?? [] {
                consent.purposes[purpose] = try channels(value)
            }
        }
        var unsubscribed = Unsubscriptions()
        if let unsubscribedNode = try node.optional("unsubscribed") {
            _ = try unsubscribedNode.object(allowing: ["all", "purposes"])
            unsubscribed.all = try unsubscribedNode.optional("all")?.bool() ?? false
            for item in try unsubscribedNode.optional("purposes")?.items() ?? [] {
                unsubscribed.purposes.insert(try item.string())
            }
        }
        let urlNode = try node.required("unsubscribe_url")
        let url = try urlNode.string()
        guard !url.isEmpty else { throw urlNode.problem("the unsubscribe link must not be empty") }
        var history: [SentRecord] = []
        for item in try node.optional("history")?.items() ?? [] {
            _ = try item.object(allowing: ["trigger", "template", "at"])
            let trigger = try item.optional("trigger")?.identifier()
            let template = try item.optional("template")?.identifier()
            guard trigger != nil || template != nil else {
                throw item.problem("a history entry names its `trigger`, its `template`, or both")
            }
            history.append(SentRecord(trigger: trigger, template: template, at: try timestamp(item.required("at"))))
        }
        return ContactState(
            email: email, locale: locale, timeZone: timeZone, fields: fields, consent: consent,
            unsubscribed: unsubscribed,
            unsubscribeURL: url, history: history)
    }

    /// An array of channel names, as a set (absent: none).
    private static func channels(_ node: JSONNode?) throws(FormatProblem) -> Set<String> {
        var channels = Set<String>()
        for item in try node?.items() ?? [] { channels.insert(try item.string()) }
        return channels
    }
}
