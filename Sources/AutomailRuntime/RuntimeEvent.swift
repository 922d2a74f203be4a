import BundleFormat
import BundleModel

/// What happened to one contact, and what the sender knows of that contact: the input of
/// ``RuntimeBundle/evaluate(_:)``. Its JSON form is `schemas/event.schema.json` (docs/bundle-format.md,
/// "The event"); read one with ``decode(_:)``, write one with ``json``.
public struct RuntimeEvent: Sendable, Hashable {
    /// When the encounter happened: the only clock of the evaluation.
    public var time: Timestamp
    /// What the encounter recorded.
    public var encounter: Encounter
    /// The contact's state before the encounter.
    public var contact: ContactState

    /// Creates an event.
    public init(time: Timestamp, encounter: Encounter, contact: ContactState) {
        self.time = time
        self.encounter = encounter
        self.contact = contact
    }
}

/// What one encounter recorded: answers given, the support level set, tasks assigned.
public struct Encounter: Sendable, Hashable {
    /// The answers given, in order.
    public var answers: [Answer]
    /// The support level set, if any.
    public var supportLevel: String?
    /// The tasks assigned, in order.
    public var tasks: [String]

    /// Creates an encounter.
    public init(answers: [Answer] = [], supportLevel: String? = nil, tasks: [String] = []) {
        self.answers = answers
        self.supportLevel = supportLevel
        self.tasks = tasks
    }

    /// The event keys of the encounter, each once, in this order: the answers (`answer:q/question/answer`)
    /// in the order given, then the support level (`support_level:id`), then the tasks (`task:id`) in the
    /// order given. A key repeated in the event is kept at its first place.
    public var eventKeys: [String] {
        var keys: [String] = []
        var seen = Set<String>()
        let all =
            answers.map(\.eventKey) + (supportLevel.map { [EventKind.supportLevel.key($0)] } ?? [])
            + tasks.map(EventKind.task.key)
        for key in all where seen.insert(key).inserted { keys.append(key) }
        return keys
    }
}

/// One answer given to a questionnaire question.
public struct Answer: Sendable, Hashable {
    /// The questionnaire id.
    public var questionnaire: String
    /// The question id.
    public var question: String
    /// The answer id.
    public var answer: String

    /// Creates an answer.
    public init(questionnaire: String, question: String, answer: String) {
        self.questionnaire = questionnaire
        self.question = question
        self.answer = answer
    }

    /// `answer:questionnaire/question/answer`.
    public var eventKey: String { EventKind.answer.key("\(questionnaire)/\(question)/\(answer)") }
}

/// What the sender knows of a contact when an event happens.
public struct ContactState: Sendable, Hashable {
    /// The email address; `nil` or empty when the contact gave none.
    public var email: String?
    /// The contact's locale (`fr`, `fr-CA`), if known.
    public var locale: String?
    /// The contact's IANA time zone (`Europe/Paris`), if known: quiet hours are in its local time when
    /// the bundle has it, else in the workspace's.
    public var timeZone: String?
    /// The contact's values by field id (`firstname`, `surname`, custom fields): strings, integers,
    /// booleans, `null` or arrays of strings. `contact.mail` is ``email``, never a field.
    public var fields: [String: JSONValue]
    /// The consents given.
    public var consent: Consent
    /// The unsubscriptions.
    public var unsubscribed: Unsubscriptions
    /// The link that unsubscribes this contact, given to templates as `unsubscribe_url`.
    public var unsubscribeURL: String
    /// The emails already sent to the contact (or scheduled).
    public var history: [SentRecord]

    /// Creates a contact state.
    public init(
        email: String?, locale: String? = nil, timeZone: String? = nil, fields: [String: JSONValue] = [:],
        consent: Consent = Consent(),
        unsubscribed: Unsubscriptions = Unsubscriptions(), unsubscribeURL: String, history: [SentRecord] = []
    ) {
        self.email = email
        self.locale = locale
        self.timeZone = timeZone
        self.fields = fields
        self.consent = consent
        self.unsubscribed = unsubscribed
        self.unsubscribeURL = unsubscribeURL
        self.history = history
    }

    /// Whether the contact has an address to write to: ``email`` is neither `nil` nor empty.
    public var hasAddress: Bool { !(email ?? "").isEmpty }

    /// Whether `name` may be a time zone name: 1 to 64 ASCII letters, digits, `/`, `_`, `+`, `-`.
    public static func isZoneName(_ name: String) -> Bool {
        let utf8 = name.utf8
        return (1...64).contains(utf8.count)
            && utf8.allSatisfy { byte in
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == 0x2F || byte == 0x5F || byte == 0x2B || byte == 0x2D
            }
    }
}

/// The consents a contact gave: per channel (read in channel mode) and per purpose and channel (read
/// in purpose mode). The channel of automail's emails is `email`.
public struct Consent: Sendable, Hashable {
    /// The channel automail's emails use.
    public static let emailChannel = "email"

    /// The channels consented to (`email`, `sms`...).
    public var channels: Set<String>
    /// Per purpose id, the channels consented to for that purpose.
    public var purposes: [String: Set<String>]

    /// Creates a consent state.
    public init(channels: Set<String> = [], purposes: [String: Set<String>] = [:]) {
        self.channels = channels
        self.purposes = purposes
    }
}

/// A contact's unsubscriptions: from everything, or from some purposes.
public struct Unsubscriptions: Sendable, Hashable {
    /// Unsubscribed from every email.
    public var all: Bool
    /// The purposes unsubscribed from.
    public var purposes: Set<String>

    /// Creates an unsubscription state.
    public init(all: Bool = false, purposes: Set<String> = []) {
        self.all = all
        self.purposes = purposes
    }
}

/// An email already sent to (or scheduled for) the contact: which trigger, which template, when.
public struct SentRecord: Sendable, Hashable {
    /// The trigger that sent it, if known.
    public var trigger: String?
    /// The template sent, if known.
    public var template: String?
    /// When it was sent (or is to be sent).
    public var at: Timestamp

    /// Creates a record; at least one of `trigger` and `template` should be given.
    public init(trigger: String?, template: String?, at: Timestamp) {
        self.trigger = trigger
        self.template = template
        self.at = at
    }
}

/// Why an event file was refused.
public enum EventDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes are not one JSON document (integers only, no repeated key).
    case syntax(JSONParseError)
    /// A member is missing, unknown, of the wrong kind or malformed.
    case malformed(FormatProblem)

    /// A one-line description: where, then what.
    public var description: String {
        switch self {
        case .syntax(let error): return "\(error.line):\(error.column): \(error.message)"
        case .malformed(let problem): return "\(problem)"
        }
    }
}
