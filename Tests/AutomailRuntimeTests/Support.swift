import AutomailRuntime
import BundleFormat
import BundleModel
import Foundation
import Testing

/// Small bundles made in code, shaped as the compiler writes them, for the rules one at a time.
struct BundleBuilder {
    enum Mode { case channel, purpose }

    var mode: Mode = .purpose
    var locales = ["fr", "en"]
    /// Template id -> purpose (ignored in channel mode).
    var templates: [String: String] = ["a": "mobilisation", "b": "information", "c": "dons"]
    /// Event key -> actions.
    var triggers: [String: [JSONValue]] = [:]
    /// `timing`: UTC, no quiet hours, no cap, no blackout unless a test sets it.
    var timing: JSONValue = .object([
        "time_zone": .string("UTC"), "tzdata": .string("2025b"),
        "zones": .object(["UTC": .array([.array([.int(946_684_800), .int(0)])])]), "blackouts": .array([]),
    ])

    /// An action as the bundle writes it.
    static func action(
        _ trigger: String, template: String, priority: Int, delay: Int = 0, once: Int? = nil,
        timing: [String: JSONValue] = [:]
    ) -> JSONValue {
        var members: [String: JSONValue] = [
            "trigger": .string(trigger), "template": .string(template), "priority": .int(priority),
            "delay_seconds": .int(delay), "quiet_hours": .string("defer"), "blackouts": .string("defer"),
            "frequency_cap": .string("count"),
        ]
        members.merge(timing) { _, new in new }
        if let once { members["once_per_contact_seconds"] = .int(once) }
        return .object(members)
    }

    /// Adds an action under `key`, keeping the bundle's order (priority descending, then trigger id).
    mutating func bind(
        _ key: String, _ trigger: String, template: String, priority: Int, delay: Int = 0, once: Int? = nil,
        timing: [String: JSONValue] = [:]
    ) {
        triggers[key, default: []].append(
            Self.action(trigger, template: template, priority: priority, delay: delay, once: once, timing: timing))
    }

    /// The content without digest.
    var content: [String: JSONValue] {
        var templateValues: [String: JSONValue] = [:]
        for (id, purpose) in templates {
            var localized: [String: JSONValue] = [:]
            for locale in locales {
                localized[locale] = .object([
                    "subject": .string("[\(locale)] \(id) {{ contact.firstname | default: \"friend\" }}"),
                    "html": .string(
                        "<p lang=\"\(locale)\">{{ contact.firstname | default: \"friend\" | escape | replace: \"&#x27;\", \"&#39;\" }}</p>"
                    ),
                    "text": .string(
                        "\(id) for {{ contact.firstname | default: \"friend\" }} {{ contact.mail }} {{ legal.publisher }}\n"
                    ),
                    "headers": .object([
                        "List-Unsubscribe": .string("<{{ unsubscribe_url }}>"),
                        "List-Unsubscribe-Post": .string("List-Unsubscribe=One-Click"),
                    ]),
                ])
            }
            var template: [String: JSONValue] = [
                "sender": .string(id == "c" ? "finance" : "team"), "locales": .object(localized),
            ]
            if mode == .purpose { template["purpose"] = .string(purpose) }
            templateValues[id] = .object(template)
        }
        var consent: [String: JSONValue] = ["mode": .string(mode == .purpose ? "purpose" : "channel")]
        if mode == .purpose {
            consent["purposes"] = .array(
                ["mobilisation", "information", "dons"].map { .object(["id": .string($0), "label": .string($0)]) })
        }
        var globals: [String: JSONValue] = [:]
        for locale in locales {
            globals[locale] = .object([
                "legal": .object(["publisher": .string("Publisher \(locale)")]),
                "workspace": .object(["id": .string("w"), "name": .string("W")]),
            ])
        }
        return [
            "format": .int(2), "format_minor": .int(0),
            "compiler": .object(["name": .string("automail"), "version": .string("0.1.0")]),
            "workspace": .object(["id": .string("w"), "name": .string("W")]),
            "locales": .object(["default": .string(locales[0]), "all": .array(locales.map(JSONValue.string))]),
            "consent": .object(consent),
            "senders": .object([
                "team": .object([
                    "from": .object(["name": .string("The Team"), "address": .string("team@example.org")]),
                    "reply_to": .string("reply@example.org"),
                ]),
                "finance": .object([
                    "from": .object(["name": .string("Finance"), "address": .string("finance@example.org")])
                ]),
            ]),
            "default_sender": .string("team"),
            "globals": .object(globals),
            "variables": .array([
                .object(["name": .string("unsubscribe_url"), "type": .string("url"), "required": .bool(true)])
            ]),
            "rendering": .object(["engine": .string("liquid")]),
            "templates": .object(templateValues),
            "triggers": .object(triggers.mapValues(JSONValue.array)),
            "timing": timing,
        ]
    }

    /// The bundle file's bytes, with its digest.
    var bytes: [UInt8] { BundleEmitter.emit(content) }

    /// The bundle, loaded as a sender loads it.
    func load() throws -> RuntimeBundle { try RuntimeBundle.load(bytes) }
}

/// Shorthands for events.
enum Events {
    static let time = Timestamp(rfc3339: "2026-03-02T12:00:00Z")!

    /// A contact with an address, consenting to email for every purpose and the channel.
    static func contact(
        email: String? = "ada@example.org", locale: String? = "fr",
        fields: [String: JSONValue] = ["firstname": .string("Ada")],
        channels: Set<String> = ["email"],
        purposes: [String: Set<String>] = [
            "mobilisation": ["email"], "information": ["email"], "dons": ["email"],
        ], unsubscribed: Unsubscriptions = Unsubscriptions(), history: [SentRecord] = []
    ) -> ContactState {
        ContactState(
            email: email, locale: locale, fields: fields, consent: Consent(channels: channels, purposes: purposes),
            unsubscribed: unsubscribed, unsubscribeURL: "https://example.org/u?c=1&s=2", history: history)
    }

    static func event(
        answers: [String] = [], level: String? = nil, tasks: [String] = [], contact: ContactState = contact(),
        at time: Timestamp = time
    ) -> RuntimeEvent {
        let parsed = answers.map { text -> Answer in
            let parts = text.split(separator: "/").map(String.init)
            return Answer(questionnaire: parts[0], question: parts[1], answer: parts[2])
        }
        return RuntimeEvent(
            time: time, encounter: Encounter(answers: parsed, supportLevel: level, tasks: tasks), contact: contact)
    }

    /// `seconds` before `time`.
    static func ago(_ seconds: Int) -> Timestamp { time.adding(seconds: -seconds)! }
}

extension Decision {
    /// `trigger=outcome` for every candidate, in decision order.
    var summary: [String] { candidates.map { "\($0.trigger)=\($0.outcome.code)" } }
}

/// The repository root, from this file's path.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appendingPathComponent(relative)))
    }
}
