import BundleFormat

/// How a diff names things for people: the words both the terminal and the Markdown reports use.
/// `code` formats a value taken from a bundle (backticks in the terminal, a code span in Markdown).
enum DiffWording {
    /// Section titles, in report order.
    enum Section {
        static let triggers = "Triggers"
        static let templates = "Templates"
        static let senders = "Senders"
        static let globals = "Legal and global values"
        static let consent = "Consent"
        static let variables = "Variables the sender provides"
        static let locales = "Locales"
        static let workspace = "Workspace"
        static let other = "Other differences"
    }

    /// The title of each summary part (``BundleDiff/Summary/parts`` names).
    static func title(ofPart name: String) -> String {
        switch name {
        case "triggers": Section.triggers
        case "templates": Section.templates
        case "senders": Section.senders
        case "default_sender": "Default sender"
        case "globals": Section.globals
        case "consent": Section.consent
        case "variables": "Variables"
        case "locales": Section.locales
        case "workspace": Section.workspace
        default: "Other"
        }
    }

    /// `7 changes in what is sent` or `no change in what is sent`.
    static func headline(_ summary: BundleDiff.Summary) -> String {
        switch summary.total {
        case 0: "no change in what is sent"
        case 1: "1 change in what is sent"
        default: "\(summary.total) changes in what is sent"
        }
    }

    /// `1 added, 2 changed`.
    static func counts(_ counts: BundleDiff.Counts) -> String {
        var parts: [String] = []
        if counts.added > 0 { parts.append("\(counts.added) added") }
        if counts.removed > 0 { parts.append("\(counts.removed) removed") }
        if counts.changed > 0 { parts.append("\(counts.changed) changed") }
        return parts.joined(separator: ", ")
    }

    /// A side: `bundle `a.json``, `folder `.``, `revision `main` (1b448d9)`.
    static func source(_ source: BundleDiff.Source, code: (String) -> String) -> String {
        switch source.kind {
        case .bundle: return "bundle " + code(source.name)
        case .workspace: return "folder " + code(source.name)
        case .revision:
            let commit = source.commit.map { " (" + code(String($0.prefix(12))) + ")" } ?? ""
            return "revision " + code(source.name) + commit
        }
    }

    /// An event key in words: `answer `q/question/a``, `support level `x``, `task `x``.
    static func event(_ key: String, code: (String) -> String) -> String {
        guard let (kind, value) = EventKind.parse(key: key) else { return "event " + code(key) }
        return kind.words + " " + code(String(value))
    }

    /// `2h`, `30m`, `7d`, `90s`: the largest unit that divides the duration.
    static func duration(_ seconds: Int) -> String {
        if seconds == 0 { return "0" }
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60)] where seconds % size == 0 {
            return "\(seconds / size)\(unit)"
        }
        return "\(seconds)s"
    }

    /// The delay in words: `none` or a duration.
    static func delay(_ seconds: Int) -> String {
        seconds == 0 ? "none" : duration(seconds)
    }

    /// The once-per-contact window in words: `none`, `forever` or a duration.
    static func oncePerContact(_ seconds: Int?) -> String {
        guard let seconds else { return "none" }
        return seconds < 0 ? "forever" : duration(seconds)
    }

    /// `priority 615, delay 1h, once per contact: forever`.
    static func settings(_ action: BundleDiff.TriggerAction) -> String {
        "priority \(action.priority), delay \(delay(action.delaySeconds)), once per contact: "
            + oncePerContact(action.oncePerContactSeconds)
    }

    /// A changed trigger field, old and new values in words.
    static func field(
        _ field: String, of change: BundleDiff.TriggerChange, code: (String) -> String
    ) -> (String, String, String)? {
        guard let old = change.old, let new = change.new else { return nil }
        switch field {
        case "event": return ("event", event(old.event, code: code), event(new.event, code: code))
        case "template": return ("template", code(old.template), code(new.template))
        case "priority": return ("priority", "\(old.priority)", "\(new.priority)")
        case "delay": return ("delay", delay(old.delaySeconds), delay(new.delaySeconds))
        case "once_per_contact":
            return (
                "once per contact", oncePerContact(old.oncePerContactSeconds), oncePerContact(new.oncePerContactSeconds)
            )
        default: return nil
        }
    }

    /// A sender field's name in words.
    static func senderField(_ field: String) -> String {
        switch field {
        case "name": "From name"
        case "address": "From address"
        case "reply_to": "reply-to"
        default: field
        }
    }

    /// A variable in words: `short_text`, `url, required`.
    static func variable(_ variable: BundleDiff.Variable) -> String {
        variable.type + (variable.required ? ", required" : "")
    }

    /// What to say about the HTML part of a changed locale, if anything.
    static func htmlNote(_ change: BundleDiff.TemplateLocaleChange) -> String? {
        guard change.kind == .changed, change.htmlChanged else { return nil }
        return change.text == nil
            ? "only the HTML part changed (markup, links or layout; the text part is the same)"
            : "the HTML part changed too"
    }

    /// For each changed locale whose text diff repeats an earlier one (a footer edited in the manifest
    /// changes every template alike), the template and locale that first showed it.
    static func repeatedTexts(_ diff: BundleDiff) -> [String: (template: String, locale: String)] {
        var first: [TextDiff: (template: String, locale: String)] = [:]
        var repeated: [String: (template: String, locale: String)] = [:]
        for template in diff.templates where template.kind == .changed {
            for locale in template.locales where locale.kind == .changed {
                guard let text = locale.text else { continue }
                if let earlier = first[text] {
                    repeated[key(template.id, locale.locale)] = earlier
                } else {
                    first[text] = (template.id, locale.locale)
                }
            }
        }
        return repeated
    }

    /// The key of a template's locale in ``repeatedTexts(_:)``.
    static func key(_ template: String, _ locale: String) -> String { template + "\u{0}" + locale }

    /// A value of an unmodelled part, as compact JSON (`absent` when there is none).
    static func json(_ value: JSONValue?) -> String {
        guard let value else { return "absent" }
        return String(decoding: JSONWriter(pretty: false).write(value), as: UTF8.self)
    }
}

extension DiffWording {
    /// The rank of a kind in reports: added first, then removed, then changed.
    static func rank(_ kind: BundleDiff.ChangeKind) -> Int {
        switch kind {
        case .added: 0
        case .removed: 1
        case .changed: 2
        }
    }

    /// `items` grouped as reports show them: added, then removed, then changed, each group in the
    /// diff's order (a stable sort).
    static func grouped<T>(_ items: [T], by kind: (T) -> BundleDiff.ChangeKind) -> [T] {
        items.enumerated().sorted { (rank(kind($0.element)), $0.offset) < (rank(kind($1.element)), $1.offset) }.map(
            \.element)
    }
}
