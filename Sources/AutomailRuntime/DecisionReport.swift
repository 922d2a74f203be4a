import BundleModel
import Diagnostics

/// A decision in words, for people (`automail simulate`'s default output): the event keys and the
/// triggers they fired, the email sent, and why every other candidate was not. Values are shown with
/// their control characters as pictures (``TerminalText``), each on the line it belongs to.
public enum DecisionReport {
    /// How much of the sent message to show.
    public enum Detail: Sendable, Hashable {
        /// The decision only.
        case decision
        /// The decision, then the message's headers, subject and text part.
        case message
        /// The decision, then the message's headers, subject, text part and HTML part.
        case messageWithHTML
    }

    /// The report of `decision`, the evaluation of `event`.
    public static func text(_ decision: Decision, event: RuntimeEvent, detail: Detail = .decision) -> String {
        var lines: [String] = []
        let address = event.contact.hasAddress ? event.contact.email ?? "" : "no address"
        lines.append("event at \(decision.time), contact \(address), workspace \(decision.workspace)")
        let zoneNote: String
        switch decision.timeZoneSource {
        case .contact: zoneNote = "the contact's"
        case .workspace: zoneNote = "the workspace's"
        case .workspaceFallback:
            zoneNote = "the workspace's: the bundle lacks the contact's `\(event.contact.timeZone ?? "")`"
        }
        lines.append("local time \(decision.localTime(decision.time)) (\(decision.timeZone), \(zoneNote))")
        lines.append("")
        if decision.keys.isEmpty {
            lines.append("the encounter holds no answer, support level or task")
        } else {
            lines.append("triggers fired:")
            for fired in decision.keys {
                let triggers = fired.triggers.isEmpty ? "no trigger" : fired.triggers.joined(separator: ", ")
                lines.append("  \(fired.key) -> \(triggers)")
            }
        }
        lines.append("")
        if let email = decision.email {
            let candidate = decision.candidates.first { $0.outcome == .sent }
            let priority = candidate.map { " (priority \($0.priority))" } ?? ""
            let delay = email.delaySeconds == 0 ? "at once" : "after \(duration(email.delaySeconds))"
            lines.append(
                "sent: \(email.trigger)\(priority): template \(email.message.template) in \(email.locale) "
                    + "(\(localeNote(email.localeMatch, requested: event.contact.locale))), "
                    + "at \(email.sendAt) (\(delay))")
            for deferral in email.deferrals {
                let why = deferral.blackout.map { "blackout: \($0)" } ?? "quiet hours"
                lines.append(
                    "  deferred from \(decision.localTime(deferral.from)) to \(decision.localTime(deferral.until)) "
                        + "(\(deferral.until)): \(why)")
            }
        } else {
            lines.append("sent: nothing")
        }
        let others = decision.candidates.filter { $0.outcome != .sent }
        if !others.isEmpty {
            lines.append("not sent:")
            for candidate in others {
                lines.append(
                    "  \(candidate.trigger) (priority \(candidate.priority), template \(candidate.template)): "
                        + "\(candidate.outcome.code): \(reason(candidate, in: decision, event: event))")
            }
        }
        if let email = decision.email, detail != .decision {
            let message = email.message
            lines.append("")
            lines.append("--- message ---")
            lines.append("From: " + shown(message.from))
            if let replyTo = message.replyTo { lines.append("Reply-To: " + replyTo) }
            lines.append("To: " + shown(message.to))
            lines.append("Subject: " + message.subject)
            for header in message.headers { lines.append(header.name + ": " + header.value) }
            lines.append("")
            var body = lines.map(TerminalText.line)
            body.append(
                TerminalText.block(message.text.hasSuffix("\n") ? String(message.text.dropLast()) : message.text))
            if detail == .messageWithHTML {
                body.append("--- html ---")
                body.append(
                    TerminalText.block(message.html.hasSuffix("\n") ? String(message.html.dropLast()) : message.html))
            }
            return body.joined(separator: "\n") + "\n"
        }
        // Every value (the contact's address, locale, event keys, the subject…) shown as one line, its
        // control characters as pictures: an event cannot write escape sequences or CI log commands.
        return lines.map(TerminalText.line).joined(separator: "\n") + "\n"
    }

    /// Why `candidate` was not sent, in words.
    static func reason(_ candidate: Candidate, in decision: Decision, event: RuntimeEvent) -> String {
        let contact = event.contact
        switch candidate.outcome {
        case .sent: return "sent"
        case .noAddress: return "the contact has no email address"
        case .noConsent:
            if let purpose = candidate.purpose { return "no email consent for the purpose `\(purpose)`" }
            return "no consent to the email channel"
        case .unsubscribed:
            if contact.unsubscribed.all { return "unsubscribed from every email" }
            if let purpose = candidate.purpose { return "unsubscribed from the purpose `\(purpose)`" }
            let purposes = contact.unsubscribed.purposes.sorted().map { "`\($0)`" }.joined(separator: ", ")
            return "unsubscribed from \(purposes): in channel mode an unsubscription from any purpose stops every email"
        case .oncePerContact(let lastSent):
            switch candidate.oncePerContact {
            case .window(let seconds)?:
                let next = lastSent.adding(seconds: seconds).map { ", again from \($0)" } ?? ""
                return "already sent at \(lastSent) (this trigger or template), once per \(duration(seconds))\(next)"
            case .forever?, nil:
                return "already sent at \(lastSent) (this trigger or template), once per contact ever"
            }
        case .inactive(let from, let until):
            if let from, decision.time < from {
                return "the trigger is active from \(decision.localTime(from)) (\(from))"
            }
            return "the trigger stopped at \(until.map { "\(decision.localTime($0)) (\($0))" } ?? "its end")"
        case .frequencyCap(let counted):
            return "\(counted) email\(counted == 1 ? "" : "s") already sent or scheduled in the frequency cap's window"
        case .blackout(let until, let reason):
            return "\(reason): no email until \(decision.localTime(until)) (\(until)); this trigger drops it"
        case .quietHours(let until):
            return "quiet hours until \(decision.localTime(until)) (\(until)); this trigger drops it"
        case .lowerPriority(let winner):
            let sent = decision.candidates.first { $0.trigger == winner && $0.outcome == .sent }
            let priority = sent.map { " (priority \($0.priority))" } ?? ""
            return "`\(winner)`\(priority) is sent instead: one email per encounter"
        }
    }

    private static func localeNote(_ match: LocaleMatch, requested: String?) -> String {
        switch match {
        case .exact: return "the contact's locale"
        case .language: return "the language of the contact's locale `\(requested ?? "")`"
        case .default:
            if let requested, !requested.isEmpty { return "default locale: the template lacks `\(requested)`" }
            return "default locale: the contact has none"
        }
    }

    /// `Name <address>`, or the address alone.
    private static func shown(_ mailbox: Mailbox) -> String {
        mailbox.name.isEmpty ? mailbox.address : "\(mailbox.name) <\(mailbox.address)>"
    }

    /// `30m`, `2h`, `7d`, or seconds (`90s`) when not a whole number of minutes (``TimingText/duration(_:)``).
    public static func duration(_ seconds: Int) -> String { TimingText.duration(seconds) }
}
