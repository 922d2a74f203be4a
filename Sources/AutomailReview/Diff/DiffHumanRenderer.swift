import AutoMail

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
        var style = TerminalStyle(useColor: useColor)
        DiffReport.write(diff, to: &style)
        return style.output
    }
}

/// What each part of the diff's terminal report is painted in.
extension TerminalColor {
    fileprivate static let added = TerminalColor.green
    fileprivate static let removed = TerminalColor.red
    fileprivate static let changed = TerminalColor.yellow
    fileprivate static let hunk = TerminalColor.cyan
    fileprivate static let warning = TerminalColor.boldYellow
}

/// The terminal's way of writing a report.
private struct TerminalStyle: DiffReportStyle {
    let useColor: Bool
    var output = ""

    func paint(_ text: String, _ color: TerminalColor) -> String {
        color.paint(text, enabled: useColor)
    }

    mutating func line(_ line: String) {
        output += line + "\n"
    }

    func code(_ value: String) -> String { "`" + HumanReporter.sanitize(value) + "`" }

    func plain(_ value: String) -> String { HumanReporter.sanitize(value) }

    mutating func header(_ diff: BundleDiff) {
        line(
            paint("automail diff", .bold) + ": " + DiffWording.source(diff.old, code: code) + " → "
                + DiffWording.source(diff.new, code: code))
        for warning in diff.warnings {
            line(paint("warning", .warning) + ": " + warning.message(code: code))
        }
        let summary = diff.summary
        var headline = DiffWording.headline(summary)
        let parts = summary.parts.filter { $0.counts.total > 0 }
        if !parts.isEmpty {
            headline +=
                ": "
                + parts.map { DiffWording.title(ofPart: $0.name).lowercased() + " " + DiffWording.counts($0.counts) }
                .joined(separator: "; ")
        }
        line(headline.prefix(1).uppercased() + headline.dropFirst())
    }

    mutating func section(_ title: String) {
        output += "\n" + paint(title, .bold) + "\n"
    }

    private func mark(_ kind: BundleDiff.ChangeKind) -> String {
        switch kind {
        case .added: paint("+", .added)
        case .removed: paint("-", .removed)
        case .changed: paint("~", .changed)
        }
    }

    mutating func entry(_ kind: BundleDiff.ChangeKind, _ text: String, details: [String]) {
        line("  " + mark(kind) + " " + text)
        for detail in details { line("      " + detail) }
    }

    mutating func value(_ kind: BundleDiff.ChangeKind, _ text: String, old: String?, new: String?) {
        entry(kind, text, details: [])
        if let old { line("        " + paint("- " + plain(old), .removed)) }
        if let new { line("        " + paint("+ " + plain(new), .added)) }
    }

    mutating func template(_ change: BundleDiff.TemplateChange, facts: [String]) {
        entry(change.kind, code(change.id) + (facts.isEmpty ? "" : ": " + facts.joined(separator: ", ")), details: [])
    }

    mutating func locale(_ locale: String, _ text: String) {
        line("      \(plain(locale)): \(text)")
    }

    mutating func subject(_ locale: String, old: String, new: String) {
        line("      \(plain(locale)): subject changed")
        line("        " + paint("- " + plain(old), .removed))
        line("        " + paint("+ " + plain(new), .added))
    }

    mutating func text(_ locale: String, template: String, _ diff: TextDiff, summary: String, bare: Bool) {
        line("      \(plain(locale)): \(summary)")
        for hunk in diff.hunks {
            if !bare { line("        " + paint(hunk.header, .hunk)) }
            for diffLine in hunk.lines {
                let color: TerminalColor? =
                    diffLine.kind == .added ? .added : diffLine.kind == .removed ? .removed : nil
                for (index, text) in diffLine.unified.enumerated() {
                    let shown = index == 0 ? String(text.prefix(1)) + plain(String(text.dropFirst())) : text
                    line("        " + (color.map { paint(shown, $0) } ?? shown))
                }
            }
        }
    }
}
