import BundleFormat
import BundleModel
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
    /// 2. each candidate gets the first of these outcomes that applies: `inactive` (outside its lifetime),
    ///    `no_address`, `no_consent`, `unsubscribed`, `once_per_contact`, `frequency_cap`, then its send
    ///    time is moved out of blackouts and quiet hours (in the contact's local time, from the bundle's
    ///    zone offsets) or the candidate dropped (`blackout`, `quiet_hours`), as its action says; a
    ///    candidate none applies to is eligible;
    /// 3. the first eligible candidate is `sent`, every other eligible one is `lower_priority` (so a
    ///    higher-priority candidate stopped by rules 2 lets a lower one be sent);
    /// 4. the sent one's locale is chosen (``chooseLocale(for:requested:)``), the contact's address and
    ///    unsubscribe link checked (``HeaderSafety``), its template rendered with `globals[locale]`,
    ///    `contact` (the fields and `mail`) and `unsubscribe_url`, and every header value checked, to be
    ///    sent at its send time (the event's time plus its delay, deferred as step 2 says).
    /// Pure: no clock (the event carries its time), no time-zone database (the bundle carries the
    /// offsets), no file, no randomness.
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
        let zone = timing.zone(for: event.contact.timeZone)
        var winnerTime: SendTime?
        // Send times by delay and policies: a hostile bundle's 100,000 candidates share a few of them.
        struct TimingKey: Hashable {
            var delay: Int
            var quiet: TimingPolicy
            var blackouts: TimingPolicy
        }
        var sendTimes: [TimingKey: SendTime] = [:]
        for (key, action) in actions {
            guard let template = templates[action.template] else {
                throw .unknownTemplate(trigger: action.trigger, template: action.template)
            }
            var outcome = stop(action, template: template, contact: event.contact, at: event.time, sent: sent)
            var sendTime: SendTime?
            if outcome == nil {
                let timingKey = TimingKey(
                    delay: action.delaySeconds, quiet: action.quietHours, blackouts: action.blackouts)
                let time =
                    sendTimes[timingKey]
                    ?? timing.sendTime(
                        event: event.time, delaySeconds: action.delaySeconds, quietPolicy: action.quietHours,
                        blackoutPolicy: action.blackouts, zone: zone.offsets)
                sendTimes[timingKey] = time
                if case .dropped(let dropped) = time { outcome = dropped } else { sendTime = time }
            }
            if outcome == nil {
                if let first = winner {
                    outcome = .lowerPriority(outrankedBy: first.action.trigger)
                } else {
                    winner = (key, action, template)
                    winnerTime = sendTime
                }
            }
            let final = outcome ?? .sent
            candidates.append(
                Candidate(
                    trigger: action.trigger, template: action.template, key: key, priority: action.priority,
                    purpose: template.purpose, delaySeconds: action.delaySeconds,
                    oncePerContact: action.oncePerContact, outcome: final))
        }
        var email: ScheduledEmail?
        if let winner {
            email = try schedule(winner.action, template: winner.template, event: event, time: winnerTime)
        }
        var decision = Decision(
            workspace: workspaceID, digest: digest, time: event.time, keys: fired, candidates: candidates, email: email,
            timeZone: zone.name, timeZoneSource: zone.source)
        decision.zoneOffsets = zone.offsets
        return decision
    }

    /// The first rule that stops `action` for this contact, in the evaluation's order; `nil` when it is
    /// eligible.
    func stop(
        _ action: Action, template: Template, contact: ContactState, at time: Timestamp, sent: SentIndex? = nil
    ) -> Outcome? {
        if let from = action.activeFrom, time < from {
            return .inactive(from: action.activeFrom, until: action.activeUntil)
        }
        if let until = action.activeUntil, time >= until {
            return .inactive(from: action.activeFrom, until: action.activeUntil)
        }
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
        if let cap = timing.frequencyCap, !action.frequencyCapExempt {
            let index = sent ?? SentIndex(contact.history)
            let counted = index.count(since: time, windowSeconds: cap.windowSeconds)
            if counted >= cap.emails { return .frequencyCap(counted: counted) }
        }
        return nil
    }

    private func schedule(
        _ action: Action, template: Template, event: RuntimeEvent, time: SendTime?
    ) throws(EvaluationError) -> ScheduledEmail {
        guard case .at(let sendAt, let deferrals) = time else {
            throw .sendTimeOutOfRange(trigger: action.trigger, delaySeconds: action.delaySeconds)
        }
        let (locale, match) = chooseLocale(for: template, requested: event.contact.locale)
        var contact = event.contact.fields.mapValues(LiquidValue.init(json:))
        if let email = event.contact.email { contact["mail"] = .string(email) }
        do {
            try HeaderSafety.checkContact(
                address: event.contact.email ?? "", unsubscribeURL: event.contact.unsubscribeURL)
        } catch {
            throw .unsafeMessage(trigger: action.trigger, error)
        }
        let message: RenderedEmail
        do {
            message = try render(
                template: action.template, locale: locale, contact: contact,
                unsubscribeURL: event.contact.unsubscribeURL)
        } catch {
            throw .render(error)
        }
        do {
            try HeaderSafety.checkHeaders(of: message)
        } catch {
            throw .unsafeMessage(trigger: action.trigger, error)
        }
        var email = ScheduledEmail(
            trigger: action.trigger, locale: locale, localeMatch: match, delaySeconds: action.delaySeconds,
            sendAt: sendAt, message: message,
            record: SentRecord(trigger: action.trigger, template: action.template, at: sendAt))
        email.deferrals = deferrals
        return email
    }
}

/// The latest send of each trigger and of each template in a contact's history, built in one pass.
struct SentIndex {
    private var byTrigger: [String: Timestamp] = [:]
    private var byTemplate: [String: Timestamp] = [:]
    /// Every entry's time, sorted: the frequency cap counts them.
    private var times: [Int] = []

    init(_ history: [SentRecord]) {
        times = history.map(\.at.seconds).sorted()
        for record in history {
            if let trigger = record.trigger { byTrigger[trigger] = max(byTrigger[trigger] ?? record.at, record.at) }
            if let template = record.template {
                byTemplate[template] = max(byTemplate[template] ?? record.at, record.at)
            }
        }
    }

    /// How many entries are at `at` with `time - at < windowSeconds` (those later than `time`, emails
    /// already scheduled, included): the entries inside the rolling window ending at `time`.
    func count(since time: Timestamp, windowSeconds: Int) -> Int {
        // time - at < W  <=>  at > time - W (no overflow: both are within years 1...9999, W > 0 is an Int).
        let (bound, overflow) = time.seconds.subtractingReportingOverflow(windowSeconds)
        if overflow { return times.count }
        var low = 0, high = times.count
        while low < high {
            let middle = (low + high) / 2
            if times[middle] <= bound { low = middle + 1 } else { high = middle }
        }
        return times.count - low
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
