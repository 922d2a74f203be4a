/// Renders a ``BundleDiff`` as a GitHub-flavoured Markdown comment a bot can post on a pull request:
/// a hidden marker (`<!-- automail-diff -->`, to find and update the comment), a headline with the
/// number of changes, a table of counts, then one section per kind of change, text diffs folded in
/// `<details>` as ```` ```diff ```` blocks.
///
/// Every value taken from a bundle (ids, subjects, texts, addresses) is written inside a code span or a
/// fenced block whose backtick run is longer than any in the value, with control characters shown as
/// control pictures: a subject holding backticks, `|`, `<script>`, `@someone` or `#12` stays inert text,
/// never Markdown, HTML, a mention or a link. The comment stays under GitHub's 65,536-character limit:
/// each text diff shows at most ``maxLinesPerTextDiff`` lines, and text diffs stop being shown once
/// ``maxTextDiffCharacters`` characters of them have been written (the report says so).
public struct DiffMarkdownRenderer: Sendable {
    /// The most lines one text diff shows.
    public var maxLinesPerTextDiff = 400
    /// The most characters all text diffs (and new texts) may take together.
    public var maxTextDiffCharacters = 45_000
    /// The longest value shown in a code span; longer ones are cut with `…`.
    public var maxInlineCharacters = 300

    /// The marker at the top of the comment.
    public static let marker = "<!-- automail-diff -->"

    /// Creates a renderer.
    public init() {}

    /// The whole comment, ending with a line break.
    public func render(_ diff: BundleDiff) -> String {
        var out = MarkdownOutput(renderer: self)
        let summary = diff.summary
        out.line(Self.marker)
        out.line("## automail diff: \(DiffWording.headline(summary))")
        out.blank()
        out.line(
            (diff.new.workspaceID.map { "Workspace " + out.code($0) + ", " } ?? "") + "**old:** "
                + DiffWording.source(diff.old, code: out.code) + ", **new:** " + DiffWording.source(diff.new, code: out.code)
                + ".")
        for warning in diff.warnings {
            out.blank()
            out.line("> **Warning:** " + warning.message(code: out.code))
        }
        let parts = summary.parts.filter { $0.counts.total > 0 }
        if !parts.isEmpty {
            out.blank()
            out.line("| | Added | Removed | Changed |")
            out.line("| :--- | ---: | ---: | ---: |")
            for (name, counts) in parts {
                out.line("| \(DiffWording.title(ofPart: name)) | \(counts.added) | \(counts.removed) | \(counts.changed) |")
            }
        } else {
            out.blank()
            out.line("The two sides send the same emails on the same triggers.")
        }
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

    // MARK: Sections

    private func triggers(_ diff: BundleDiff, into out: inout MarkdownOutput) {
        guard !diff.triggers.isEmpty else { return }
        out.section(DiffWording.Section.triggers)
        for change in DiffWording.grouped(diff.triggers, by: \.kind) {
            switch (change.old, change.new) {
            case (nil, let new?):
                out.line(
                    "- **Added** \(out.code(change.id)) on \(DiffWording.event(new.event, code: out.code)): sends "
                        + "\(out.code(new.template)); \(DiffWording.settings(new))")
            case (let old?, nil):
                out.line(
                    "- **Removed** \(out.code(change.id)) on \(DiffWording.event(old.event, code: out.code)): sent "
                        + "\(out.code(old.template)); \(DiffWording.settings(old))")
            case (_, let new?):
                let fields = change.changedFields.compactMap { DiffWording.field($0, of: change, code: out.code) }
                    .map { "\($0.0) \($0.1) → \($0.2)" }
                out.line(
                    "- **Changed** \(out.code(change.id)) on \(DiffWording.event(new.event, code: out.code)): "
                        + fields.joined(separator: "; "))
            case (nil, nil):
                break
            }
        }
    }

    private func templates(_ diff: BundleDiff, into out: inout MarkdownOutput) {
        guard !diff.templates.isEmpty else { return }
        out.section(DiffWording.Section.templates)
        let repeated = DiffWording.repeatedTexts(diff)
        for change in DiffWording.grouped(diff.templates, by: \.kind) {
            out.blank()
            out.line("#### \(change.kind.rawValue.capitalized) \(out.code(change.id))")
            var facts: [String] = []
            if change.kind == .changed {
                if let sender = change.sender { facts.append("Sender \(out.optional(sender.old)) → \(out.optional(sender.new))") }
                if let purpose = change.purpose {
                    facts.append("Purpose \(out.optional(purpose.old)) → \(out.optional(purpose.new))")
                }
                let added = change.locales.filter { $0.kind == .added }.map { out.code($0.locale) }
                let removed = change.locales.filter { $0.kind == .removed }.map { out.code($0.locale) }
                if !added.isEmpty { facts.append("Locale added: " + added.joined(separator: ", ")) }
                if !removed.isEmpty { facts.append("Locale removed: " + removed.joined(separator: ", ")) }
            } else {
                if let sender = change.sender?.new ?? change.sender?.old { facts.append("Sender \(out.code(sender))") }
                if let purpose = change.purpose?.new ?? change.purpose?.old { facts.append("purpose \(out.code(purpose))") }
                facts.append("locales " + change.locales.map { out.code($0.locale) }.joined(separator: ", "))
            }
            if !facts.isEmpty {
                out.blank()
                out.line(facts.joined(separator: "; ") + ".")
            }
            for locale in change.locales {
                self.locale(locale, of: change, repeated: repeated, into: &out)
            }
        }
    }

    private func locale(
        _ change: TemplateLocaleChange, of template: TemplateChange,
        repeated: [String: (template: String, locale: String)], into out: inout MarkdownOutput
    ) {
        let name = "**" + out.code(change.locale) + "**"
        switch change.kind {
        case .removed:
            if let subject = change.subject?.old {
                out.blank()
                out.line("\(name) subject was \(out.code(subject)).")
            }
        case .added:
            if let subject = change.subject?.new {
                out.blank()
                out.line("\(name) subject: \(out.code(subject))")
            }
            if let text = change.text {
                out.details(
                    summary: "<code>\(MarkdownOutput.escapeHTML(change.locale))</code> text (\(text.added) lines)",
                    diff: text, bare: true)
            }
        case .changed:
            if let subject = change.subject {
                out.blank()
                out.line("\(name) subject:")
                out.blank()
                out.fence(["- " + (subject.old ?? ""), "+ " + (subject.new ?? "")])
            }
            let note = DiffWording.htmlNote(change)
            if let text = change.text {
                out.blank()
                let counts = "+\(text.added) −\(text.removed) lines" + (note.map { "; " + $0 } ?? "")
                if let earlier = repeated[DiffWording.key(template.id, change.locale)] {
                    out.line(
                        "\(name) text (\(counts)): the same change as \(out.code(earlier.template)) "
                            + "\(out.code(earlier.locale)).")
                } else {
                    out.line("\(name) text (\(counts)):")
                    out.details(
                        summary: "Text diff of <code>\(MarkdownOutput.escapeHTML(template.id))</code> · "
                            + "<code>\(MarkdownOutput.escapeHTML(change.locale))</code>",
                        diff: text, bare: false)
                }
            } else if let note {
                out.blank()
                out.line("\(name): \(note).")
            }
            if !change.headers.isEmpty {
                out.blank()
                for header in change.headers {
                    out.line(
                        "- \(name) header \(out.code(header.field)): \(out.optional(header.old)) → \(out.optional(header.new))")
                }
            }
        }
    }

    private func senders(_ diff: BundleDiff, into out: inout MarkdownOutput) {
        guard !diff.senders.isEmpty || diff.defaultSender != nil else { return }
        out.section(DiffWording.Section.senders)
        for change in DiffWording.grouped(diff.senders, by: \.kind) {
            switch change.kind {
            case .added, .removed:
                let values = change.fields.map { "\(DiffWording.senderField($0.field)) \(out.code($0.new ?? $0.old ?? ""))" }
                out.line("- **\(change.kind.rawValue.capitalized)** \(out.code(change.id)): " + values.joined(separator: ", "))
            case .changed:
                let values = change.fields.map {
                    "\(DiffWording.senderField($0.field)) \(out.optional($0.old)) → \(out.optional($0.new))"
                }
                out.line("- **Changed** \(out.code(change.id)): " + values.joined(separator: "; "))
            }
        }
        if let change = diff.defaultSender {
            out.line("- **Changed** default sender: \(out.optional(change.old)) → \(out.optional(change.new))")
        }
    }

    private func globals(_ diff: BundleDiff, into out: inout MarkdownOutput) {
        guard !diff.globals.isEmpty else { return }
        out.section(DiffWording.Section.globals)
        for change in diff.globals {
            let head = "- **\(change.kind.rawValue.capitalized)** \(out.code(change.key)) in "
                + change.locales.map { out.code($0) }.joined(separator: ", ")
            let short = [change.old, change.new].allSatisfy { ($0?.count ?? 0) <= 80 && $0?.contains("\n") != true }
            if short {
                switch change.kind {
                case .added: out.line(head + ": " + out.optional(change.new))
                case .removed: out.line(head + ": was " + out.optional(change.old))
                case .changed: out.line(head + ": \(out.optional(change.old)) → \(out.optional(change.new))")
                }
            } else {
                out.line(head + ":")
                out.blank()
                out.fence((change.old.map { ["- " + $0] } ?? []) + (change.new.map { ["+ " + $0] } ?? []), indent: "  ")
                out.blank()
            }
        }
    }

    private func consent(_ diff: BundleDiff, into out: inout MarkdownOutput) {
        guard diff.consent.mode != nil || !diff.consent.purposes.isEmpty else { return }
        out.section(DiffWording.Section.consent)
        if let mode = diff.consent.mode {
            out.line("- **Changed** mode: \(out.optional(mode.old)) → \(out.optional(mode.new))")
        }
        for purpose in diff.consent.purposes {
            switch purpose.kind {
            case .added: out.line("- **Added** purpose \(out.code(purpose.field)): \(out.optional(purpose.new))")
            case .removed: out.line("- **Removed** purpose \(out.code(purpose.field)): \(out.optional(purpose.old))")
            case .changed:
                out.line(
                    "- **Changed** purpose \(out.code(purpose.field)) label: \(out.optional(purpose.old)) → "
                        + out.optional(purpose.new))
            }
        }
    }

    private func variables(_ diff: BundleDiff, into out: inout MarkdownOutput) {
        guard !diff.variables.isEmpty else { return }
        out.section(DiffWording.Section.variables)
        for change in diff.variables {
            let old = change.old.map(DiffWording.variable)
            let new = change.new.map(DiffWording.variable)
            switch change.kind {
            case .added: out.line("- **Added** \(out.code(change.name)) (\(out.optional(new)))")
            case .removed: out.line("- **Removed** \(out.code(change.name)) (\(out.optional(old)))")
            case .changed: out.line("- **Changed** \(out.code(change.name)): \(out.optional(old)) → \(out.optional(new))")
            }
        }
    }

    private func locales(_ diff: BundleDiff, into out: inout MarkdownOutput) {
        let changes = diff.locales
        guard !changes.added.isEmpty || !changes.removed.isEmpty || changes.defaultLocale != nil else { return }
        out.section(DiffWording.Section.locales)
        for locale in changes.added { out.line("- **Added** \(out.code(locale))") }
        for locale in changes.removed { out.line("- **Removed** \(out.code(locale))") }
        if let change = changes.defaultLocale {
            out.line("- **Changed** default locale: \(out.optional(change.old)) → \(out.optional(change.new))")
        }
    }

    private func workspace(_ diff: BundleDiff, into out: inout MarkdownOutput) {
        guard !diff.workspace.isEmpty else { return }
        out.section(DiffWording.Section.workspace)
        for change in diff.workspace {
            out.line("- **Changed** \(change.field): \(out.optional(change.old)) → \(out.optional(change.new))")
        }
    }

    private func other(_ diff: BundleDiff, into out: inout MarkdownOutput) {
        guard !diff.other.isEmpty else { return }
        out.section(DiffWording.Section.other)
        for change in diff.other {
            out.line(
                "- **\(change.kind.rawValue.capitalized)** \(out.code(change.path)): "
                    + "\(out.code(DiffWording.json(change.old))) → \(out.code(DiffWording.json(change.new)))")
        }
    }
}

/// The comment being written, with the escaping rules and the size budget.
private struct MarkdownOutput {
    let renderer: DiffMarkdownRenderer
    var text = ""
    /// Characters of text diffs written so far.
    var textDiffCharacters = 0
    var textDiffsLeftOut = false

    init(renderer: DiffMarkdownRenderer) {
        self.renderer = renderer
    }

    mutating func line(_ line: String) {
        text += line + "\n"
    }

    /// An empty line, unless the text already ends with one.
    mutating func blank() {
        if !text.hasSuffix("\n\n") { text += "\n" }
    }

    mutating func section(_ title: String) {
        blank()
        line("### " + title)
        blank()
    }

    /// A value from a bundle as a code span: control characters as pictures, cut when too long, the
    /// delimiter one backtick longer than the longest run inside, padded when it starts or ends with a
    /// backtick or a space (CommonMark strips one space on each side).
    func code(_ value: String) -> String {
        var shown = HumanReporter.sanitize(value)
        if shown.count > renderer.maxInlineCharacters { shown = String(shown.prefix(renderer.maxInlineCharacters)) + "…" }
        if shown.isEmpty { return "*(empty)*" }
        let delimiter = String(repeating: "`", count: Self.longestBacktickRun(shown) + 1)
        let padded = shown.first == "`" || shown.last == "`" || shown.first == " " || shown.last == " "
        return delimiter + (padded ? " " + shown + " " : shown) + delimiter
    }

    /// A value as a code span, or *none*.
    func optional(_ value: String?) -> String { value.map(code) ?? "*none*" }

    /// A fenced `diff` block of `lines` (control characters as pictures).
    mutating func fence(_ lines: [String], indent: String = "") {
        let shown = lines.map { line -> String in
            // Keep the leading marker, show the rest's control characters.
            HumanReporter.sanitize(line)
        }
        let run = shown.map(Self.longestBacktickRun).max() ?? 0
        let fence = String(repeating: "`", count: max(3, run + 1))
        line(indent + fence + "diff")
        for item in shown { line(indent + item) }
        line(indent + fence)
    }

    /// A text diff folded in `<details>`, within the size budget.
    mutating func details(summary: String, diff: TextDiff, bare: Bool) {
        var lines: [String] = []
        var count = 0
        outer: for hunk in diff.hunks {
            if !bare { lines.append(hunk.header) }
            for line in hunk.lines {
                for unified in line.unified {
                    if count == renderer.maxLinesPerTextDiff { break outer }
                    lines.append(unified)
                    count += 1
                }
            }
        }
        let total = diff.hunks.reduce(0) { $0 + $1.lines.reduce(0) { $0 + $1.unified.count } }
        let size = lines.reduce(0) { $0 + $1.count + 1 }
        blank()
        if textDiffCharacters + size > renderer.maxTextDiffCharacters {
            line(
                "*The text diff is left out to keep this comment under GitHub's size limit; "
                    + "run `automail diff` to see it.*")
            return
        }
        textDiffCharacters += size
        line("<details><summary>\(summary)</summary>")
        blank()
        fence(lines)
        if total > count {
            blank()
            line("*… and \(total - count) more lines: run `automail diff` to see them all.*")
        }
        blank()
        line("</details>")
        blank()
    }

    static func longestBacktickRun(_ text: String) -> Int {
        var longest = 0
        var current = 0
        for character in text.unicodeScalars {
            if character == "`" {
                current += 1
                longest = max(longest, current)
            } else {
                current = 0
            }
        }
        return longest
    }

    /// Text inside HTML (`<summary>`): `&`, `<`, `>`, `"` and `'` as entities.
    static func escapeHTML(_ text: String) -> String {
        var out = ""
        for scalar in HumanReporter.sanitize(text).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
