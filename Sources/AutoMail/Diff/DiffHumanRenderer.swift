/// Renders a ``BundleDiff`` for a terminal: a headline, then one section per kind of change, with
/// `+` added, `-` removed, `~` changed, and unified text diffs of the text parts. Values from the
/// bundles have their control characters shown as Unicode control pictures, so a bundle cannot send
/// escape sequences to the terminal. Colours (ANSI) only when asked.
public struct DiffHumanRenderer: Sendable {
    /// Whether to colour the output.
    public var useColor: Bool

    /// Creates a renderer.
    public init(useColor: Bool) {
        self.useColor = useColor
    }

    /// The whole report, ending with a line break.
    public func render(_ diff: BundleDiff) -> String {
        var out = Output(useColor: useColor)
        let summary = diff.summary
        out.line(
            out.paint("automail diff", .bold) + ": " + DiffWording.source(diff.old, code: code) + " → "
                + DiffWording.source(diff.new, code: code))
        for warning in diff.warnings {
            out.line(out.paint("warning", .warning) + ": " + warning.message(code: code))
        }
        var headline = DiffWording.headline(summary)
        let parts = summary.parts.filter { $0.counts.total > 0 }
        if !parts.isEmpty {
            headline += ": " + parts.map { DiffWording.title(ofPart: $0.name).lowercased() + " " + DiffWording.counts($0.counts) }
                .joined(separator: "; ")
        }
        out.line(headline.prefix(1).uppercased() + headline.dropFirst())
        triggers(diff, into: &out)
        templates(diff, into: &out)
        senders(diff, into: &out)
        globals(diff, into: &out)
        consent(diff, into: &out)
        variables(diff, into: &out)
        locales(diff, into: &out)
        workspace(diff, into: &out)
        other(diff, into: &out)
        return out.text
    }

    /// A value from a bundle, in backticks, control characters made visible.
    private func code(_ value: String) -> String { "`" + HumanReporter.sanitize(value) + "`" }

    private func plain(_ value: String) -> String { HumanReporter.sanitize(value) }

    // MARK: Sections

    private func triggers(_ diff: BundleDiff, into out: inout Output) {
        guard !diff.triggers.isEmpty else { return }
        out.section(DiffWording.Section.triggers)
        for change in DiffWording.grouped(diff.triggers, by: \.kind) {
            switch (change.old, change.new) {
            case (nil, let new?):
                out.entry(
                    .added,
                    "\(code(change.id)) on \(DiffWording.event(new.event, code: code)): sends \(code(new.template)), "
                        + DiffWording.settings(new))
            case (let old?, nil):
                out.entry(
                    .removed,
                    "\(code(change.id)) on \(DiffWording.event(old.event, code: code)): sent \(code(old.template)), "
                        + DiffWording.settings(old))
            case (_, let new?):
                out.entry(.changed, "\(code(change.id)) on \(DiffWording.event(new.event, code: code))")
                for field in change.changedFields {
                    guard let (name, before, after) = DiffWording.field(field, of: change, code: code) else { continue }
                    out.line("      \(name): \(before) → \(after)")
                }
            case (nil, nil):
                break
            }
        }
    }

    private func templates(_ diff: BundleDiff, into out: inout Output) {
        guard !diff.templates.isEmpty else { return }
        out.section(DiffWording.Section.templates)
        let repeated = DiffWording.repeatedTexts(diff)
        for change in DiffWording.grouped(diff.templates, by: \.kind) {
            var facts: [String] = []
            if change.kind != .changed {
                if let sender = change.sender?.new ?? change.sender?.old { facts.append("sender \(code(sender))") }
                if let purpose = change.purpose?.new ?? change.purpose?.old { facts.append("purpose \(code(purpose))") }
                facts.append("locales " + change.locales.map { plain($0.locale) }.joined(separator: ", "))
            }
            out.entry(Output.Mark(change.kind), code(change.id) + (facts.isEmpty ? "" : ": " + facts.joined(separator: ", ")))
            if change.kind == .changed {
                if let sender = change.sender { out.line("      sender: \(optional(sender.old)) → \(optional(sender.new))") }
                if let purpose = change.purpose {
                    out.line("      purpose: \(optional(purpose.old)) → \(optional(purpose.new))")
                }
            }
            for locale in change.locales {
                self.locale(locale, of: change, repeated: repeated, into: &out)
            }
        }
    }

    private func locale(
        _ change: TemplateLocaleChange, of template: TemplateChange,
        repeated: [String: (template: String, locale: String)], into out: inout Output
    ) {
        let name = plain(change.locale)
        switch change.kind {
        case .removed:
            let subject = change.subject?.old.map { "subject was " + code($0) }
            if template.kind == .removed {
                if let subject { out.line("      \(name): \(subject)") }
            } else {
                out.line("      \(name): locale removed" + (subject.map { ", " + $0 } ?? ""))
            }
        case .added:
            if template.kind == .changed { out.line("      \(name): locale added") }
            if let subject = change.subject?.new { out.line("      \(name) subject: \(code(subject))") }
            if let text = change.text {
                out.line("      \(name) text (\(text.added) lines):")
                textDiff(text, into: &out, bare: true)
            }
        case .changed:
            if let subject = change.subject {
                out.line("      \(name) subject:")
                out.line("        " + out.paint("- " + plain(subject.old ?? ""), .removed))
                out.line("        " + out.paint("+ " + plain(subject.new ?? ""), .added))
            }
            if let text = change.text {
                let note = DiffWording.htmlNote(change).map { "; " + $0 } ?? ""
                if let earlier = repeated[DiffWording.key(template.id, change.locale)] {
                    out.line(
                        "      \(name) text (+\(text.added) -\(text.removed)\(note)): the same change as "
                            + "\(code(earlier.template)) \(plain(earlier.locale))")
                } else {
                    out.line("      \(name) text (+\(text.added) -\(text.removed)\(note)):")
                    textDiff(text, into: &out, bare: false)
                }
            } else if let note = DiffWording.htmlNote(change) {
                out.line("      \(name): \(note)")
            }
            for header in change.headers {
                out.line("      \(name) header \(plain(header.field)): \(optional(header.old)) → \(optional(header.new))")
            }
        }
    }

    /// The hunks of `diff`, indented; `bare` (a new text) leaves out the hunk header.
    private func textDiff(_ diff: TextDiff, into out: inout Output, bare: Bool) {
        for hunk in diff.hunks {
            if !bare { out.line("        " + out.paint(hunk.header, .hunk)) }
            for line in hunk.lines {
                let style: Output.Style? = line.kind == .added ? .added : line.kind == .removed ? .removed : nil
                for (index, text) in line.unified.enumerated() {
                    let shown = index == 0 ? String(text.prefix(1)) + plain(String(text.dropFirst())) : text
                    out.line("        " + (style.map { out.paint(shown, $0) } ?? shown))
                }
            }
        }
    }

    private func senders(_ diff: BundleDiff, into out: inout Output) {
        guard !diff.senders.isEmpty || diff.defaultSender != nil else { return }
        out.section(DiffWording.Section.senders)
        for change in DiffWording.grouped(diff.senders, by: \.kind) {
            switch change.kind {
            case .added, .removed:
                let values = change.fields.map { "\(DiffWording.senderField($0.field)) \(code($0.new ?? $0.old ?? ""))" }
                out.entry(Output.Mark(change.kind), code(change.id) + ": " + values.joined(separator: ", "))
            case .changed:
                out.entry(.changed, code(change.id))
                for field in change.fields {
                    out.line("      \(DiffWording.senderField(field.field)): \(optional(field.old)) → \(optional(field.new))")
                }
            }
        }
        if let change = diff.defaultSender {
            out.entry(.changed, "default sender: \(optional(change.old)) → \(optional(change.new))")
        }
    }

    private func globals(_ diff: BundleDiff, into out: inout Output) {
        guard !diff.globals.isEmpty else { return }
        out.section(DiffWording.Section.globals)
        for change in diff.globals {
            out.entry(Output.Mark(change.kind), "\(plain(change.key)) (\(change.locales.map(plain).joined(separator: ", ")))")
            if let old = change.old { out.line("        " + out.paint("- " + plain(old), .removed)) }
            if let new = change.new { out.line("        " + out.paint("+ " + plain(new), .added)) }
        }
    }

    private func consent(_ diff: BundleDiff, into out: inout Output) {
        guard diff.consent.mode != nil || !diff.consent.purposes.isEmpty else { return }
        out.section(DiffWording.Section.consent)
        if let mode = diff.consent.mode { out.entry(.changed, "mode: \(optional(mode.old)) → \(optional(mode.new))") }
        for purpose in diff.consent.purposes {
            switch purpose.kind {
            case .added: out.entry(.added, "purpose \(code(purpose.field)): \(optional(purpose.new))")
            case .removed: out.entry(.removed, "purpose \(code(purpose.field)): \(optional(purpose.old))")
            case .changed:
                out.entry(.changed, "purpose \(code(purpose.field)) label: \(optional(purpose.old)) → \(optional(purpose.new))")
            }
        }
    }

    private func variables(_ diff: BundleDiff, into out: inout Output) {
        guard !diff.variables.isEmpty else { return }
        out.section(DiffWording.Section.variables)
        for change in diff.variables {
            let old = change.old.map(DiffWording.variable)
            let new = change.new.map(DiffWording.variable)
            switch change.kind {
            case .added: out.entry(.added, "\(code(change.name)) (\(plain(new ?? "")))")
            case .removed: out.entry(.removed, "\(code(change.name)) (\(plain(old ?? "")))")
            case .changed: out.entry(.changed, "\(code(change.name)): \(plain(old ?? "")) → \(plain(new ?? ""))")
            }
        }
    }

    private func locales(_ diff: BundleDiff, into out: inout Output) {
        let changes = diff.locales
        guard !changes.added.isEmpty || !changes.removed.isEmpty || changes.defaultLocale != nil else { return }
        out.section(DiffWording.Section.locales)
        for locale in changes.added { out.entry(.added, code(locale)) }
        for locale in changes.removed { out.entry(.removed, code(locale)) }
        if let change = changes.defaultLocale {
            out.entry(.changed, "default locale: \(optional(change.old)) → \(optional(change.new))")
        }
    }

    private func workspace(_ diff: BundleDiff, into out: inout Output) {
        guard !diff.workspace.isEmpty else { return }
        out.section(DiffWording.Section.workspace)
        for change in diff.workspace {
            out.entry(.changed, "\(change.field): \(optional(change.old)) → \(optional(change.new))")
        }
    }

    private func other(_ diff: BundleDiff, into out: inout Output) {
        guard !diff.other.isEmpty else { return }
        out.section(DiffWording.Section.other)
        for change in diff.other {
            out.entry(
                Output.Mark(change.kind),
                "\(plain(change.path)): \(plain(DiffWording.json(change.old))) → \(plain(DiffWording.json(change.new)))")
        }
    }

    private func optional(_ value: String?) -> String { value.map(code) ?? "none" }
}

/// The report being written, with its colours.
private struct Output {
    enum Style: String {
        case bold = "\u{1B}[1m"
        case added = "\u{1B}[32m"
        case removed = "\u{1B}[31m"
        case changed = "\u{1B}[33m"
        case hunk = "\u{1B}[36m"
        case warning = "\u{1B}[1;33m"
    }

    enum Mark {
        case added, removed, changed

        init(_ kind: ChangeKind) {
            switch kind {
            case .added: self = .added
            case .removed: self = .removed
            case .changed: self = .changed
            }
        }
    }

    let useColor: Bool
    var text = ""

    func paint(_ text: String, _ style: Style) -> String {
        useColor ? style.rawValue + text + "\u{1B}[0m" : text
    }

    mutating func line(_ line: String) {
        text += line + "\n"
    }

    mutating func section(_ title: String) {
        text += "\n" + paint(title, .bold) + "\n"
    }

    mutating func entry(_ mark: Mark, _ body: String) {
        switch mark {
        case .added: line("  " + paint("+", .added) + " " + body)
        case .removed: line("  " + paint("-", .removed) + " " + body)
        case .changed: line("  " + paint("~", .changed) + " " + body)
        }
    }
}
