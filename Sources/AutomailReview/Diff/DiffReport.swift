/// How one format writes the pieces of a report for people. ``DiffReport`` walks a diff in report
/// order and says what to write; a style only decides how it looks (a terminal, Markdown).
protocol DiffReportStyle {
    /// A value taken from a bundle, inline (backticks, a code span), made safe for the format.
    func code(_ value: String) -> String
    /// Plain text taken from a bundle that is not code (a locale in a line), made safe for the format.
    func plain(_ value: String) -> String
    /// The headline, the two sides, the warnings and the counts.
    mutating func header(_ diff: BundleDiff)
    /// The start of a part of the report.
    mutating func section(_ title: String)
    /// One thing added, removed or changed, with its details (a changed field each).
    mutating func entry(_ kind: BundleDiff.ChangeKind, _ text: String, details: [String])
    /// One value added, removed or changed, shown whole before and after (a legal value).
    mutating func value(_ kind: BundleDiff.ChangeKind, _ text: String, old: String?, new: String?)
    /// The start of a template's changes, with what to know about it.
    mutating func template(_ change: BundleDiff.TemplateChange, facts: [String])
    /// A line about one locale of the current template.
    mutating func locale(_ locale: String, _ text: String)
    /// A changed subject of the current template.
    mutating func subject(_ locale: String, old: String, new: String)
    /// A text diff of the current template (`bare`: a new text, all added lines, without hunk headers).
    mutating func text(_ locale: String, template: String, _ diff: TextDiff, summary: String, bare: Bool)
}

/// The report of a diff for people: which parts, in which order, in which words. Shared by
/// ``DiffHumanRenderer`` and ``DiffMarkdownRenderer``.
enum DiffReport {
    static func write(_ diff: BundleDiff, to style: inout some DiffReportStyle) {
        style.header(diff)
        triggers(diff, to: &style)
        templates(diff, to: &style)
        senders(diff, to: &style)
        globals(diff, to: &style)
        consent(diff, to: &style)
        variables(diff, to: &style)
        locales(diff, to: &style)
        workspace(diff, to: &style)
        other(diff, to: &style)
    }

    private static func optional(_ value: String?, _ style: some DiffReportStyle) -> String {
        value.map(style.code) ?? "none"
    }

    private static func triggers(_ diff: BundleDiff, to style: inout some DiffReportStyle) {
        guard !diff.triggers.isEmpty else { return }
        style.section(DiffWording.Section.triggers)
        let reader = style
        let code: (String) -> String = { reader.code($0) }
        for change in DiffWording.grouped(diff.triggers, by: \.kind) {
            switch (change.old, change.new) {
            case (nil, let new?):
                style.entry(
                    .added,
                    "\(code(change.id)) on \(DiffWording.event(new.event, code: code)): sends \(code(new.template)), "
                        + DiffWording.settings(new), details: [])
            case (let old?, nil):
                style.entry(
                    .removed,
                    "\(code(change.id)) on \(DiffWording.event(old.event, code: code)): sent \(code(old.template)), "
                        + DiffWording.settings(old), details: [])
            case (_, let new?):
                let details = change.changedFields.compactMap { DiffWording.field($0, of: change, code: code) }
                    .map { "\($0.0): \($0.1) → \($0.2)" }
                style.entry(
                    .changed, "\(code(change.id)) on \(DiffWording.event(new.event, code: code))", details: details)
            case (nil, nil):
                break
            }
        }
    }

    private static func templates(_ diff: BundleDiff, to style: inout some DiffReportStyle) {
        guard !diff.templates.isEmpty else { return }
        style.section(DiffWording.Section.templates)
        let repeated = DiffWording.repeatedTexts(diff)
        for change in DiffWording.grouped(diff.templates, by: \.kind) {
            var facts: [String] = []
            if change.kind == .changed {
                if let sender = change.sender {
                    facts.append("sender: \(optional(sender.old, style)) → \(optional(sender.new, style))")
                }
                if let purpose = change.purpose {
                    facts.append("purpose: \(optional(purpose.old, style)) → \(optional(purpose.new, style))")
                }
            } else {
                if let sender = change.sender?.new ?? change.sender?.old {
                    facts.append("sender \(style.code(sender))")
                }
                if let purpose = change.purpose?.new ?? change.purpose?.old {
                    facts.append("purpose \(style.code(purpose))")
                }
                facts.append("locales " + change.locales.map { style.plain($0.locale) }.joined(separator: ", "))
            }
            facts.append(sentBy(change, style))
            style.template(change, facts: facts)
            for locale in change.locales {
                self.locale(locale, of: change, repeated: repeated, to: &style)
            }
        }
    }

    /// `sent by `a`, `b` and 3 more`, `sent by no trigger` (`was sent by` for a removed template).
    private static func sentBy(_ change: BundleDiff.TemplateChange, _ style: some DiffReportStyle) -> String {
        let verb = change.kind == .removed ? "was sent by " : "sent by "
        guard !change.sentBy.isEmpty else { return verb + "no trigger" }
        let shown = change.sentBy.prefix(4).map(style.code).joined(separator: ", ")
        return verb + shown + (change.sentBy.count > 4 ? " and \(change.sentBy.count - 4) more" : "")
    }

    private static func locale(
        _ change: BundleDiff.TemplateLocaleChange, of template: BundleDiff.TemplateChange,
        repeated: [String: (template: String, locale: String)], to style: inout some DiffReportStyle
    ) {
        let locale = change.locale
        switch change.kind {
        case .removed:
            let subject = change.subject?.old.map { "subject was " + style.code($0) }
            if template.kind != .removed {
                style.locale(locale, "locale removed" + (subject.map { ", " + $0 } ?? ""))
            } else if let subject {
                style.locale(locale, subject)
            }
        case .added:
            if template.kind == .changed { style.locale(locale, "locale added") }
            if let subject = change.subject?.new { style.locale(locale, "subject " + style.code(subject)) }
            if let text = change.text {
                style.text(locale, template: template.id, text, summary: "text (\(text.added) lines)", bare: true)
            }
        case .changed:
            if let subject = change.subject { style.subject(locale, old: subject.old ?? "", new: subject.new ?? "") }
            let note = DiffWording.htmlNote(change)
            if let text = change.text {
                let summary = "text (+\(text.added) −\(text.removed) lines" + (note.map { "; " + $0 } ?? "") + ")"
                if let earlier = repeated[DiffWording.key(template.id, locale)] {
                    style.locale(
                        locale,
                        summary + ": the same change as \(style.code(earlier.template)) \(style.plain(earlier.locale))")
                } else {
                    style.text(locale, template: template.id, text, summary: summary, bare: false)
                }
            } else if let note {
                style.locale(locale, note)
            }
            for header in change.headers {
                style.locale(
                    locale,
                    "header \(style.code(header.field)): \(optional(header.old, style)) → \(optional(header.new, style))"
                )
            }
        }
    }

    private static func senders(_ diff: BundleDiff, to style: inout some DiffReportStyle) {
        guard !diff.senders.isEmpty || diff.defaultSender != nil else { return }
        style.section(DiffWording.Section.senders)
        for change in DiffWording.grouped(diff.senders, by: \.kind) {
            switch change.kind {
            case .added, .removed:
                let values = change.fields.map {
                    "\(DiffWording.senderField($0.field)) \(style.code($0.new ?? $0.old ?? ""))"
                }
                style.entry(change.kind, style.code(change.id) + ": " + values.joined(separator: ", "), details: [])
            case .changed:
                let details = change.fields.map {
                    "\(DiffWording.senderField($0.field)): \(optional($0.old, style)) → \(optional($0.new, style))"
                }
                style.entry(.changed, style.code(change.id), details: details)
            }
        }
        if let change = diff.defaultSender {
            named(
                .changed, "default sender", old: optional(change.old, style), new: optional(change.new, style),
                to: &style)
        }
    }

    private static func globals(_ diff: BundleDiff, to style: inout some DiffReportStyle) {
        guard !diff.globals.isEmpty else { return }
        style.section(DiffWording.Section.globals)
        for change in diff.globals {
            style.value(
                change.kind, "\(style.code(change.key)) in \(change.locales.map(style.plain).joined(separator: ", "))",
                old: change.old, new: change.new)
        }
    }

    /// An entry for a named value: `subject: new` (added), `subject: old` (removed), `subject: old → new`.
    private static func named(
        _ kind: BundleDiff.ChangeKind, _ subject: String, old: String, new: String, to style: inout some DiffReportStyle
    ) {
        switch kind {
        case .added: style.entry(.added, "\(subject): \(new)", details: [])
        case .removed: style.entry(.removed, "\(subject): \(old)", details: [])
        case .changed: style.entry(.changed, "\(subject): \(old) → \(new)", details: [])
        }
    }

    private static func consent(_ diff: BundleDiff, to style: inout some DiffReportStyle) {
        guard diff.consent.mode != nil || !diff.consent.purposes.isEmpty else { return }
        style.section(DiffWording.Section.consent)
        if let mode = diff.consent.mode {
            named(.changed, "mode", old: optional(mode.old, style), new: optional(mode.new, style), to: &style)
        }
        for purpose in diff.consent.purposes {
            named(
                purpose.kind, "purpose \(style.code(purpose.field))", old: optional(purpose.old, style),
                new: optional(purpose.new, style), to: &style)
        }
    }

    private static func variables(_ diff: BundleDiff, to style: inout some DiffReportStyle) {
        guard !diff.variables.isEmpty else { return }
        style.section(DiffWording.Section.variables)
        for change in diff.variables {
            named(
                change.kind, style.code(change.name),
                old: change.old.map { style.plain(DiffWording.variable($0)) } ?? "none",
                new: change.new.map { style.plain(DiffWording.variable($0)) } ?? "none", to: &style)
        }
    }

    private static func locales(_ diff: BundleDiff, to style: inout some DiffReportStyle) {
        let changes = diff.locales
        guard !changes.added.isEmpty || !changes.removed.isEmpty || changes.defaultLocale != nil else { return }
        style.section(DiffWording.Section.locales)
        for locale in changes.added { style.entry(.added, style.code(locale), details: []) }
        for locale in changes.removed { style.entry(.removed, style.code(locale), details: []) }
        if let change = changes.defaultLocale {
            named(
                .changed, "default locale", old: optional(change.old, style), new: optional(change.new, style),
                to: &style)
        }
    }

    private static func workspace(_ diff: BundleDiff, to style: inout some DiffReportStyle) {
        guard !diff.workspace.isEmpty else { return }
        style.section(DiffWording.Section.workspace)
        for change in diff.workspace {
            named(
                .changed, change.field, old: optional(change.old, style), new: optional(change.new, style), to: &style)
        }
    }

    private static func other(_ diff: BundleDiff, to style: inout some DiffReportStyle) {
        guard !diff.other.isEmpty else { return }
        style.section(DiffWording.Section.other)
        for change in diff.other {
            style.entry(
                change.kind,
                "\(style.code(change.path)): \(style.code(DiffWording.json(change.old))) → "
                    + style.code(DiffWording.json(change.new)), details: [])
        }
    }
}
