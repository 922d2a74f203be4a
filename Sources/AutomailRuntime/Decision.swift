import BundleFormat
import BundleModel

/// What the evaluation of one event decided: every candidate action with its outcome, and the email
/// to send, rendered. Its JSON form (``json``) is `schemas/decision.schema.json`.
public struct Decision: Sendable, Hashable {
    /// The version of the decision's JSON form.
    public static let format = 2

    /// The bundle's `workspace.id`.
    public var workspace: String
    /// The bundle's `digest`.
    public var digest: String
    /// The event's time.
    public var time: Timestamp
    /// Every event key of the encounter, in ``Encounter/eventKeys`` order, with the triggers it fired.
    public var keys: [FiredKey]
    /// Every action of those keys, highest priority first (then trigger id, code point order).
    public var candidates: [Candidate]
    /// The email to send, if any.
    public var email: ScheduledEmail?
    /// The time zone local times were computed in (quiet hours).
    public var timeZone: String = "UTC"
    /// Where ``timeZone`` came from.
    public var timeZoneSource: TimingRules.ZoneSource = .workspace
    /// The offsets of ``timeZone``, to show times in local time (not part of the JSON form).
    public var zoneOffsets: ZoneOffsets?

    /// `2026-03-15 20:00 Europe/Paris`: `time` in the decision's local time (UTC without offsets).
    public func localTime(_ time: Timestamp) -> String {
        time.localText(offsets: zoneOffsets, zone: timeZone)
    }

    /// Creates a decision.
    public init(
        workspace: String, digest: String, time: Timestamp, keys: [FiredKey], candidates: [Candidate],
        email: ScheduledEmail?, timeZone: String = "UTC", timeZoneSource: TimingRules.ZoneSource = .workspace
    ) {
        self.timeZone = timeZone
        self.timeZoneSource = timeZoneSource
        self.workspace = workspace
        self.digest = digest
        self.time = time
        self.keys = keys
        self.candidates = candidates
        self.email = email
    }
}

/// One event key of the encounter and the triggers the bundle binds to it (none when it has no entry).
public struct FiredKey: Sendable, Hashable {
    /// The event key (`answer:q/question/answer`, `support_level:id`, `task:id`).
    public var key: String
    /// The trigger ids of its actions, in bundle order.
    public var triggers: [String]

    /// Creates a fired key.
    public init(key: String, triggers: [String]) {
        self.key = key
        self.triggers = triggers
    }
}

/// One action that the encounter made a candidate, and what became of it.
public struct Candidate: Sendable, Hashable {
    /// The trigger id.
    public var trigger: String
    /// The template id.
    public var template: String
    /// The event key that made it a candidate.
    public var key: String
    /// The action's priority.
    public var priority: Int
    /// The template's purpose (purpose mode), else `nil`.
    public var purpose: String?
    /// The action's delay.
    public var delaySeconds: Int
    /// The action's once-per-contact window.
    public var oncePerContact: RuntimeBundle.OncePerContact?
    /// Sent, or why not.
    public var outcome: Outcome

    /// Creates a candidate.
    public init(
        trigger: String, template: String, key: String, priority: Int, purpose: String?, delaySeconds: Int,
        oncePerContact: RuntimeBundle.OncePerContact?, outcome: Outcome
    ) {
        self.trigger = trigger
        self.template = template
        self.key = key
        self.priority = priority
        self.purpose = purpose
        self.delaySeconds = delaySeconds
        self.oncePerContact = oncePerContact
        self.outcome = outcome
    }
}

/// What became of a candidate: sent, or the first rule that stopped it, in the evaluation's order.
public enum Outcome: Sendable, Hashable {
    /// The email of this candidate is sent.
    case sent
    /// `inactive`: the event's time is outside the trigger's lifetime `[from, until)`.
    case inactive(from: Timestamp?, until: Timestamp?)
    /// `no_address`: the contact has no email address.
    case noAddress
    /// `no_consent`: no email consent (channel mode), or none for the template's purpose (purpose mode).
    case noConsent
    /// `unsubscribed`: unsubscribed from everything, or from the template's purpose.
    case unsubscribed
    /// `once_per_contact`: the history holds an email of this trigger or template inside the window;
    /// `lastSent` is the latest such entry.
    case oncePerContact(lastSent: Timestamp)
    /// `frequency_cap`: the history already holds `counted` emails inside the cap's window.
    case frequencyCap(counted: Int)
    /// `blackout`: the send time falls in a blackout and the action drops it; `until` is its end.
    case blackout(until: Timestamp, reason: String)
    /// `quiet_hours`: the send time falls in quiet hours and the action drops it; `until` is their end.
    case quietHours(until: Timestamp)
    /// `lower_priority`: another eligible candidate, `outrankedBy`, is sent instead.
    case lowerPriority(outrankedBy: String)

    /// The machine-readable code: `sent`, `no_address`, `no_consent`, `unsubscribed`,
    /// `once_per_contact` or `lower_priority`.
    public var code: String {
        switch self {
        case .sent: return "sent"
        case .noAddress: return "no_address"
        case .noConsent: return "no_consent"
        case .unsubscribed: return "unsubscribed"
        case .oncePerContact: return "once_per_contact"
        case .lowerPriority: return "lower_priority"
        case .inactive: return "inactive"
        case .frequencyCap: return "frequency_cap"
        case .blackout: return "blackout"
        case .quietHours: return "quiet_hours"
        }
    }

    /// Every code, in the order the rules apply (`sent` first).
    public static let codes = [
        "sent", "inactive", "no_address", "no_consent", "unsubscribed", "once_per_contact", "frequency_cap", "blackout",
        "quiet_hours", "lower_priority",
    ]
}

/// The email the evaluation sends: which candidate, in which locale, when, and the message.
public struct ScheduledEmail: Sendable, Hashable {
    /// The trigger sent.
    public var trigger: String
    /// The locale chosen.
    public var locale: String
    /// How it was chosen.
    public var localeMatch: LocaleMatch
    /// The action's delay.
    public var delaySeconds: Int
    /// The event's time plus the delay, moved by ``deferrals``.
    public var sendAt: Timestamp
    /// How the send time was moved out of blackouts and quiet hours, in order (empty: not moved).
    public var deferrals: [Deferral] = []
    /// The rendered message.
    public var message: RenderedEmail
    /// What to append to the contact's history once the email is sent: this trigger and template, at
    /// ``sendAt``.
    public var record: SentRecord

    /// Creates a scheduled email.
    public init(
        trigger: String, locale: String, localeMatch: LocaleMatch, delaySeconds: Int, sendAt: Timestamp,
        message: RenderedEmail, record: SentRecord
    ) {
        self.trigger = trigger
        self.locale = locale
        self.localeMatch = localeMatch
        self.delaySeconds = delaySeconds
        self.sendAt = sendAt
        self.message = message
        self.record = record
    }
}

extension Decision {
    /// The `Message-ID` (without angle brackets) of the email sent, `nil` when none is: one per send,
    /// derived from the bundle digest, the trigger, the To address and the send time
    /// (``EMLWriter/messageID(digest:trigger:address:sendAt:from:)``).
    public var messageID: String? {
        email.map {
            EMLWriter.messageID(
                digest: digest, trigger: $0.trigger, address: $0.message.to.address, sendAt: $0.sendAt,
                from: $0.message.from.address)
        }
    }

    /// The decision as JSON (`schemas/decision.schema.json`). Members that do not apply are `null`,
    /// never absent, except `last_sent` and `outranked_by`, present only with their outcome.
    public var json: JSONValue {
        .object([
            "format": .int(Self.format),
            "bundle": .object(["workspace": .string(workspace), "digest": .string(digest)]),
            "time": .string(time.description),
            "keys": .array(
                keys.map { .object(["key": .string($0.key), "triggers": .array($0.triggers.map(JSONValue.string))]) }),
            "candidates": .array(candidates.map(\.json)),
            "email": email?.json ?? .null,
            "time_zone": .object(["name": .string(timeZone), "source": .string(timeZoneSource.rawValue)]),
        ])
    }
}

extension Candidate {
    /// The candidate as JSON.
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "trigger": .string(trigger), "template": .string(template), "key": .string(key),
            "priority": .int(priority), "purpose": purpose.map(JSONValue.string) ?? .null,
            "delay_seconds": .int(delaySeconds),
            "once_per_contact_seconds": oncePerContact.map { .int($0.seconds) } ?? .null,
            "outcome": .string(outcome.code),
        ]
        switch outcome {
        case .oncePerContact(let lastSent): members["last_sent"] = .string(lastSent.description)
        case .lowerPriority(let winner): members["outranked_by"] = .string(winner)
        case .inactive(let from, let until):
            members["active_from"] = from.map { .string($0.description) } ?? .null
            members["active_until"] = until.map { .string($0.description) } ?? .null
        case .frequencyCap(let counted): members["counted"] = .int(counted)
        case .blackout(let until, let reason):
            members["until"] = .string(until.description)
            members["reason"] = .string(reason)
        case .quietHours(let until): members["until"] = .string(until.description)
        case .sent, .noAddress, .noConsent, .unsubscribed: break
        }
        return .object(members)
    }
}

extension ScheduledEmail {
    /// The email as JSON.
    public var json: JSONValue {
        func mailbox(_ mailbox: Mailbox) -> JSONValue {
            .object(["name": .string(mailbox.name), "address": .string(mailbox.address)])
        }
        var headers: [String: JSONValue] = [:]
        for header in message.headers { headers[header.name] = .string(header.value) }
        var record: [String: JSONValue] = ["at": .string(self.record.at.description)]
        record["trigger"] = self.record.trigger.map(JSONValue.string) ?? .null
        record["template"] = self.record.template.map(JSONValue.string) ?? .null
        return .object([
            "trigger": .string(trigger), "template": .string(message.template), "locale": .string(locale),
            "locale_match": .string(localeMatch.rawValue), "delay_seconds": .int(delaySeconds),
            "send_at": .string(sendAt.description), "from": mailbox(message.from),
            "reply_to": message.replyTo.map(JSONValue.string) ?? .null, "to": mailbox(message.to),
            "subject": .string(message.subject), "headers": .object(headers), "text": .string(message.text),
            "html": .string(message.html), "record": .object(record),
            "deferrals": .array(deferrals.map(\.json)),
        ])
    }
}

extension Deferral {
    /// The deferral as JSON: `reason`, `from`, `until`, and `blackout` (the blackout's reason, or `null`).
    public var json: JSONValue {
        .object([
            "reason": .string(reason), "from": .string(from.description), "until": .string(until.description),
            "blackout": blackout.map(JSONValue.string) ?? .null,
        ])
    }
}
