import AutoMail
import Liquid

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
        var style = MarkdownStyle(renderer: self)
        DiffReport.write(diff, to: &style)
        return style.output
    }
}

/// The comment being written, with the escaping rules and the size budget.
private struct MarkdownStyle: DiffReportStyle {
    let renderer: DiffMarkdownRenderer
    var output = ""
    /// Characters of text diffs written so far.
    var textDiffCharacters = 0

    init(renderer: DiffMarkdownRenderer) {
        self.renderer = renderer
    }

    mutating func line(_ line: String) {
        output += line + "\n"
    }

    func plain(_ value: String) -> String { code(value) }

    mutating func header(_ diff: BundleDiff) {
        let summary = diff.summary
        line(DiffMarkdownRenderer.marker)
        line("## automail diff: \(DiffWording.headline(summary))")
        blank()
        line(
            (diff.new.workspaceID.map { "Workspace " + code($0) + ", " } ?? "") + "**old:** "
                + DiffWording.source(diff.old, code: code) + ", **new:** " + DiffWording.source(diff.new, code: code)
                + ".")
        for warning in diff.warnings {
            blank()
            line("> **Warning:** " + warning.message(code: code))
        }
        blank()
        let parts = summary.parts.filter { $0.counts.total > 0 }
        guard !parts.isEmpty else {
            line("The two sides send the same emails on the same triggers.")
            return
        }
        line("| | Added | Removed | Changed |")
        line("| :--- | ---: | ---: | ---: |")
        for (name, counts) in parts {
            line("| \(DiffWording.title(ofPart: name)) | \(counts.added) | \(counts.removed) | \(counts.changed) |")
        }
    }

    private static func label(_ kind: BundleDiff.ChangeKind) -> String {
        "**" + kind.rawValue.prefix(1).uppercased() + kind.rawValue.dropFirst() + "**"
    }

    mutating func entry(_ kind: BundleDiff.ChangeKind, _ text: String, details: [String]) {
        line("- \(Self.label(kind)) \(text)")
        for detail in details { line("  - " + detail) }
    }

    mutating func value(_ kind: BundleDiff.ChangeKind, _ text: String, old: String?, new: String?) {
        let short = [old, new].allSatisfy { ($0?.count ?? 0) <= 80 && $0?.contains("\n") != true }
        guard !short else {
            switch kind {
            case .added: entry(kind, text + ": " + optional(new), details: [])
            case .removed: entry(kind, text + ": was " + optional(old), details: [])
            case .changed: entry(kind, text + ": \(optional(old)) → \(optional(new))", details: [])
            }
            return
        }
        entry(kind, text + ":", details: [])
        blank()
        fence((old.map { ["- " + $0] } ?? []) + (new.map { ["+ " + $0] } ?? []), indent: "  ")
        blank()
    }

    mutating func template(_ change: BundleDiff.TemplateChange, facts: [String]) {
        blank()
        line(
            "#### \(change.kind.rawValue.prefix(1).uppercased() + change.kind.rawValue.dropFirst()) \(code(change.id))")
        if !facts.isEmpty {
            blank()
            let sentence = facts.joined(separator: "; ")
            line(sentence.prefix(1).uppercased() + sentence.dropFirst() + ".")
        }
    }

    mutating func locale(_ locale: String, _ text: String) {
        blank()
        line("**\(code(locale))** \(text)")
    }

    mutating func subject(_ locale: String, old: String, new: String) {
        blank()
        line("**\(code(locale))** subject:")
        blank()
        fence(["- " + old, "+ " + new])
    }

    mutating func text(_ locale: String, template: String, _ diff: TextDiff, summary: String, bare: Bool) {
        details(summary: "<code>\(Self.escapeHTML(locale))</code> \(Self.escapeHTML(summary))", diff: diff, bare: bare)
    }

    /// An empty line, unless the text already ends with one.
    mutating func blank() {
        if !output.hasSuffix("\n\n") { output += "\n" }
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
        if shown.count > renderer.maxInlineCharacters {
            shown = String(shown.prefix(renderer.maxInlineCharacters)) + "…"
        }
        if shown.isEmpty { return "*(empty)*" }
        let delimiter = String(repeating: "`", count: Self.longestBacktickRun(shown) + 1)
        let padded = shown.first == "`" || shown.last == "`" || shown.first == " " || shown.last == " "
        return delimiter + (padded ? " " + shown + " " : shown) + delimiter
    }

    /// A value as a code span, or *none*.
    func optional(_ value: String?) -> String { value.map(code) ?? "none" }

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

    /// Text inside HTML (`<summary>`): `&`, `<`, `>`, `"` and `'` as entities, after terminal controls are
    /// made visible.
    static func escapeHTML(_ text: String) -> String {
        HTMLEscaper.escape(.all, HumanReporter.sanitize(text))
    }
}
