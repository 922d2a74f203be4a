import BundleFormat
import Liquid

/// Why an event could not be evaluated (the bundle and the event were read, but no decision follows).
public enum EvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An action names a template the bundle lacks (only a bundle built by hand, not loaded, can).
    case unknownTemplate(trigger: String, template: String)
    /// The chosen template does not render for this contact.
    case render(FormatProblem)
    /// The event's time plus the delay is after 9999-12-31T23:59:59Z.
    case sendTimeOutOfRange(trigger: String, delaySeconds: Int)
    /// A value from the contact would go into a header it must not (docs/bundle-format.md, "What a
    /// header may hold"): nothing is sent.
    case unsafeMessage(trigger: String, UnsafeMessage)

    /// The error code of the conformance kit: `unknown_template`, `render`, `send_time_out_of_range`,
    /// or the code of the ``UnsafeMessage``.
    public var code: String {
        switch self {
        case .unknownTemplate: "unknown_template"
        case .render: "render"
        case .sendTimeOutOfRange: "send_time_out_of_range"
        case .unsafeMessage(_, let unsafe): unsafe.code
        }
    }

    /// A one-line description.
    public var description: String {
        switch self {
        case .unknownTemplate(let trigger, let template):
            return "the trigger `\(trigger)` sends the template `\(template)`, which the bundle lacks"
        case .render(let error): return "\(error)"
        case .sendTimeOutOfRange(let trigger, let delay):
            return "the trigger `\(trigger)` would send \(delay) seconds after the event, after the year 9999"
        case .unsafeMessage(let trigger, let unsafe):
            return "\(unsafe.code): the trigger `\(trigger)`: \(unsafe)"
        }
    }
}

extension RuntimeBundle {
    /// Evaluates an event (docs/bundle-format.md, "Evaluating an event"):
    /// 1. the candidates are the actions of the encounter's event keys, ordered by priority (highest
    ///    first), then trigger id (code point order);
    /// 2. each candidate gets the first of these outcomes that applies: `no_address`, `no_consent`,
    ///    `unsubscribed`, `once_per_contact`; a candidate none applies to is eligible;
    /// 3. the first eligible candidate is `sent`, every other eligible one is `lower_priority` (so a
    ///    higher-priority candidate stopped by rules 2 lets a lower one be sent);
    /// 4. the sent one's locale is chosen (``chooseLocale(for:requested:)``), the contact's address and
    ///    unsubscribe link checked (``HeaderSafety``), its template rendered with `globals[locale]`,
    ///    `contact` (the fields and `mail`) and `unsubscribe_url`, and every header value checked, to be
    ///    sent at the event's time plus its delay.
    /// Pure: no clock (the event carries its time), no file, no randomness.
    public func evaluate(_ event: RuntimeEvent) throws(EvaluationError) -> Decision {
        let keys = event.encounter.eventKeys
        var fired: [FiredKey] = []
        var actions: [(key: String, action: Action)] = []
        for key in keys {
            let bound = triggers[key] ?? []
            fired.append(FiredKey(key: key, triggers: bound.map(\.trigger)))
            actions += bound.map { (key, $0) }
        }
        actions.sort { a, b in
            if a.action.priority != b.action.priority { return a.action.priority > b.action.priority }
            return a.action.trigger.utf8.lexicographicallyPrecedes(b.action.trigger.utf8)
        }
        var candidates: [Candidate] = []
        var winner: (key: String, action: Action, template: Template)?
        // The contact's history read once: each candidate looks its trigger and template up, instead of
        // filtering a hostile event's million history entries once per candidate.
        let sent = SentIndex(event.contact.history)
        for (key, action) in actions {
            guard let template = templates[action.template] else {
                throw .unknownTemplate(trigger: action.trigger, template: action.template)
            }
            var outcome = stop(action, template: template, contact: event.contact, at: event.time, sent: sent) ?? .sent
            if outcome == .sent {
                if let first = winner {
                    outcome = .lowerPriority(outrankedBy: first.action.trigger)
                } else {
                    winner = (key, action, template)
                }
            }
            candidates.append(
                Candidate(
                    trigger: action.trigger, template: action.template, key: key, priority: action.priority,
                    purpose: template.purpose, delaySeconds: action.delaySeconds,
                    oncePerContact: action.oncePerContact, outcome: outcome))
        }
        var email: ScheduledEmail?
        if let winner { email = try schedule(winner.action, template: winner.template, event: event) }
        return Decision(
            workspace: workspaceID, digest: digest, time: event.time, keys: fired, candidates: candidates, email: email)
    }

    /// The first rule that stops `action` for this contact, in the evaluation's order; `nil` when it is
    /// eligible.
    func stop(
        _ action: Action, template: Template, contact: ContactState, at time: Timestamp, sent: SentIndex? = nil
    ) -> Outcome? {
        guard contact.hasAddress else { return .noAddress }
        switch consentMode {
        case .channel:
            guard contact.consent.channels.contains(Consent.emailChannel) else { return .noConsent }
            if contact.unsubscribed.all || !contact.unsubscribed.purposes.isEmpty { return .unsubscribed }
        case .purpose:
            guard let purpose = template.purpose,
                contact.consent.purposes[purpose]?.contains(Consent.emailChannel) == true
            else { return .noConsent }
            if contact.unsubscribed.all || contact.unsubscribed.purposes.contains(purpose) { return .unsubscribed }
        }
        if let once = action.oncePerContact {
            let index = sent ?? SentIndex(contact.history)
            let latest = index.latest(trigger: action.trigger, template: action.template)
            if let latest {
                switch once {
                case .forever: return .oncePerContact(lastSent: latest)
                case .window(let seconds):
                    if time.seconds - latest.seconds < seconds { return .oncePerContact(lastSent: latest) }
                }
            }
        }
        return nil
    }

    private func schedule(_ action: Action, template: Template, event: RuntimeEvent) throws(EvaluationError) -> ScheduledEmail {
        guard let sendAt = event.time.adding(seconds: action.delaySeconds) else {
            throw .sendTimeOutOfRange(trigger: action.trigger, delaySeconds: action.delaySeconds)
        }
        let (locale, match) = chooseLocale(for: template, requested: event.contact.locale)
        var contact = event.contact.fields.mapValues(LiquidValue.init(json:))
        if let email = event.contact.email { contact["mail"] = .string(email) }
        do {
            try HeaderSafety.checkContact(address: event.contact.email ?? "", unsubscribeURL: event.contact.unsubscribeURL)
        } catch {
            throw .unsafeMessage(trigger: action.trigger, error)
        }
        let message: RenderedEmail
        do {
            message = try render(
                template: action.template, locale: locale, contact: contact, unsubscribeURL: event.contact.unsubscribeURL)
        } catch {
            throw .render(error)
        }
        do {
            try HeaderSafety.checkHeaders(of: message)
        } catch {
            throw .unsafeMessage(trigger: action.trigger, error)
        }
        return ScheduledEmail(
            trigger: action.trigger, locale: locale, localeMatch: match, delaySeconds: action.delaySeconds,
            sendAt: sendAt, message: message,
            record: SentRecord(trigger: action.trigger, template: action.template, at: sendAt))
    }
}

/// The latest send of each trigger and of each template in a contact's history, built in one pass.
struct SentIndex {
    private var byTrigger: [String: Timestamp] = [:]
    private var byTemplate: [String: Timestamp] = [:]

    init(_ history: [SentRecord]) {
        for record in history {
            if let trigger = record.trigger { byTrigger[trigger] = max(byTrigger[trigger] ?? record.at, record.at) }
            if let template = record.template { byTemplate[template] = max(byTemplate[template] ?? record.at, record.at) }
        }
    }

    /// The latest send of `trigger` or of `template`, if any.
    func latest(trigger: String, template: String) -> Timestamp? {
        switch (byTrigger[trigger], byTemplate[template]) {
        case let (a?, b?): return max(a, b)
        case let (a?, nil): return a
        case let (nil, b?): return b
        case (nil, nil): return nil
        }
    }
}
