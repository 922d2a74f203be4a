import Diagnostics

/// Renders diagnostics for people, the way rustc does:
///
/// ```
/// error[AM301]: unknown template `welcom` in trigger `bienvenue-soutien`
///  --> triggers/porte-a-porte.yaml:7:15
///   |
/// 7 |     template: welcom
///   |               ^~~~~~
///   = help: did you mean `welcome`?
/// ```
///
/// The gutter is as wide as the largest line number the diagnostic shows. The underline starts with `^`
/// under the first character and goes on with `~` to the end of the range, or to the end of the line
/// when the range spans lines. Columns count Unicode scalars; tabs are shown as four spaces (and
/// underlined as four columns); other C0 controls as their Unicode control pictures and C1 controls as
/// `\u{9B}` escapes, so that a file cannot send escape sequences to the terminal. Each diagnostic is
/// followed by a blank line.
public struct HumanReporter: DiagnosticReporter {
    /// Whether to colour the output with ANSI escapes.
    public var useColor: Bool
    /// The workspace's files by relative path: where source lines are taken from.
    public var sources: [String: SourceFile]
    /// Printed before every file path (the workspace folder as the user named it, ending with `/`).
    public var pathPrefix: String
    /// The most diagnostics ``report(_:suppressed:)`` prints before a count of the rest (`nil`: all).
    public var maxDiagnostics: Int?

    /// Creates a reporter.
    public init(useColor: Bool, sources: [String: SourceFile], pathPrefix: String = "") {
        self.useColor = useColor
        self.sources = sources
        self.pathPrefix = pathPrefix
    }

    /// The path prefix for a workspace folder given on the command line: empty for `.`, else the folder
    /// with a trailing `/` (`workspace-examples/lyon` prints `workspace-examples/lyon/triggers/a.yaml`).
    public static func pathPrefix(forWorkspace argument: String) -> String {
        if argument.isEmpty || argument == "." || argument == "./" { return "" }
        return argument.hasSuffix("/") ? argument : argument + "/"
    }

    /// The report `check` and `build` print: every diagnostic (at most ``maxDiagnostics``, then
    /// `… and K more (N errors, M warnings in all)`), then the ``summary(_:suppressed:)`` line.
    public func report(_ diagnostics: [Diagnostic], suppressed: [SuppressedDiagnostic]) -> String {
        let summary = self.summary(diagnostics, suppressed: suppressed.count) + "\n"
        guard let limit = maxDiagnostics, diagnostics.count > limit else { return render(diagnostics) + summary }
        // Diagnostics folded into another (`notShown`, past the per-file cap) count too.
        let errors = diagnostics.total(of: .error)
        let warnings = diagnostics.total(of: .warning)
        return render(Array(diagnostics.prefix(limit)))
            + "… and \(diagnostics.reduce(0) { $0 + 1 + $1.notShown } - limit) more (\(Self.plural(errors, "error")), \(Self.plural(warnings, "warning")) in all)\n"
            + summary
    }

    /// Every diagnostic rendered, in the order given, each followed by a blank line.
    public func render(_ diagnostics: [Diagnostic]) -> String {
        var lines = LineCache(sources: sources)
        var output = ""
        for diagnostic in diagnostics {
            output += render(diagnostic, lines: &lines)
            output += "\n"
        }
        return output
    }

    /// One line (without a line break) counting the problems:
    /// `error: 2 errors, 1 warning`, `warning: 1 warning, no errors` or `ok: no problems found in 3 files`,
    /// followed by `(N suppressed)` when comments silenced N diagnostics.
    public func summary(_ diagnostics: [Diagnostic], suppressed: Int = 0) -> String {
        // Diagnostics folded into another (`notShown`, past the per-file cap) count too.
        let errors = diagnostics.total(of: .error)
        let warnings = diagnostics.total(of: .warning)
        let silenced = suppressed > 0 ? " (\(suppressed) suppressed)" : ""
        if errors > 0 {
            let counts = [Self.plural(errors, "error")] + (warnings > 0 ? [Self.plural(warnings, "warning")] : [])
            return paint("error", Style.error) + ": " + counts.joined(separator: ", ") + silenced
        }
        if warnings > 0 {
            return paint("warning", Style.warning) + ": " + Self.plural(warnings, "warning") + ", no errors" + silenced
        }
        return paint("ok", Style.ok) + ": no problems found in " + Self.plural(sources.count, "file") + silenced
    }

    // MARK: - One diagnostic

    private func render(_ diagnostic: Diagnostic, lines: inout LineCache) -> String {
        // The gutter width is shared by every snippet of the diagnostic, its notes' included.
        let shown = ([diagnostic.range] + diagnostic.notes.map(\.range)).compactMap { range -> Int? in
            guard let range, lines.text(file: range.file, line: range.start.line) != nil else { return nil }
            return range.start.line
        }
        let width = max(1, String(shown.max() ?? 0).count)
        let severityStyle = Style.of(diagnostic.severity)

        var out = paint("\(diagnostic.severity.rawValue)[\(diagnostic.code.rawValue)]", severityStyle)
        out += paint(": " + Self.sanitize(diagnostic.message), Style.bold) + "\n"
        if let range = diagnostic.range {
            out += snippet(range, width: width, style: severityStyle, lines: &lines)
        }
        let padding = String(repeating: " ", count: width + 1)
        if let help = diagnostic.help {
            out +=
                padding + paint("=", Style.gutter) + " " + paint("help", Style.bold) + ": "
                + Self.sanitize(help) + "\n"
        }
        for note in diagnostic.notes where note.range == nil {
            out +=
                padding + paint("=", Style.gutter) + " " + paint("note", Style.bold) + ": "
                + Self.sanitize(note.message) + "\n"
        }
        for note in diagnostic.notes {
            guard let range = note.range else { continue }
            out += paint("note", Style.note) + paint(": " + Self.sanitize(note.message), Style.bold) + "\n"
            out += snippet(range, width: width, style: Style.note, lines: &lines)
        }
        return out
    }

    /// The `-->` line and, when the source line is known, the gutter, the line and its underline.
    private func snippet(_ range: SourceRange, width: Int, style: TerminalColor, lines: inout LineCache) -> String {
        let padding = String(repeating: " ", count: width)
        var out =
            padding + paint("-->", Style.gutter) + " " + Self.sanitize(pathPrefix + range.file)
            + ":\(range.start.line):\(range.start.column)\n"
        guard let fullLine = lines.text(file: range.file, line: range.start.line) else { return out }

        var start = max(1, range.start.column)
        var end = range.end.line > range.start.line ? fullLine.count + 1 : range.end.column
        end = max(end, start + 1)
        // A long line is shown as a window around the start of the range, so that many diagnostics on a
        // huge line (a hostile file) cost bounded output each.
        var scalars = fullLine
        if fullLine.count > Self.maxShownColumns {
            let first = max(0, min(start - 1 - Self.maxShownColumns / 4, fullLine.count - Self.maxShownColumns))
            let last = min(fullLine.count, first + Self.maxShownColumns)
            scalars = (first > 0 ? ["…"] : []) + Array(fullLine[first..<last]) + (last < fullLine.count ? ["…"] : [])
            let shift = first - (first > 0 ? 1 : 0)
            start -= shift
            end = min(end - shift, scalars.count + 1)
            end = max(end, start + 1)
        }
        // Display width of the columns before `start` and of the range, tabs counting four.
        func displayWidth(_ columns: Range<Int>) -> Int {
            columns.reduce(0) { total, column in
                total + (column - 1 < scalars.count ? Self.shownWidth(scalars[column - 1]) : 1)
            }
        }
        let lead = displayWidth(1..<start)
        let length = max(1, displayWidth(start..<end))

        let number = String(range.start.line)
        let gutter = String(repeating: " ", count: width - number.count) + number + " |"
        let text = Self.display(scalars)
        out += padding + " " + paint("|", Style.gutter) + "\n"
        out += paint(gutter, Style.gutter) + (text.isEmpty ? "" : " " + text) + "\n"
        out +=
            padding + " " + paint("|", Style.gutter) + " " + String(repeating: " ", count: lead)
            + paint("^" + String(repeating: "~", count: length - 1), style) + "\n"
        return out
    }

    // MARK: - Text

    static let tabWidth = 4

    /// The most columns of a source line a snippet shows; longer lines are cut around the range, with `…`.
    static let maxShownColumns = 160

    /// A source line as shown: tabs expanded, control characters as control pictures, trailing spaces kept
    /// off the end of the output line.
    static func display(_ scalars: [Unicode.Scalar]) -> String {
        var text = ""
        for scalar in scalars {
            if scalar == "\t" {
                text += String(repeating: " ", count: tabWidth)
            } else {
                text.unicodeScalars.append(contentsOf: visible(scalar).unicodeScalars)
            }
        }
        while text.last == " " { text.removeLast() }
        return text
    }

    /// A message with control characters made visible (tabs become spaces).
    package static func sanitize(_ message: String) -> String {
        var text = ""
        for scalar in message.unicodeScalars {
            text.unicodeScalars.append(contentsOf: (scalar == "\t" ? " " : visible(scalar)).unicodeScalars)
        }
        return text
    }

    /// How a scalar is shown so that nothing a file holds acts on the terminal
    /// (``TerminalText/picture(_:)``: the one escaper of every human output).
    static func visible(_ scalar: Unicode.Scalar) -> String {
        String(TerminalText.picture(scalar))
    }

    /// How many columns ``visible(_:)`` (or a tab) takes in a snippet.
    static func shownWidth(_ scalar: Unicode.Scalar) -> Int {
        scalar == "\t" ? tabWidth : visible(scalar).unicodeScalars.count
    }

    private static func plural(_ count: Int, _ noun: String) -> String {
        count == 1 ? "1 \(noun)" : "\(count) \(noun)s"
    }

    // MARK: - Colour

    private enum Style {
        static let error = TerminalColor.boldRed
        static let warning = TerminalColor.boldYellow
        static let note = TerminalColor.boldCyan
        static let ok = TerminalColor.boldGreen
        static let gutter = TerminalColor.boldBlue
        static let bold = TerminalColor.bold

        static func of(_ severity: Severity) -> TerminalColor {
            switch severity {
            case .error: error
            case .warning: warning
            case .note: note
            }
        }
    }

    private func paint(_ text: String, _ color: TerminalColor) -> String {
        color.paint(text, enabled: useColor)
    }
}

/// Source lines by file and number, split once per file: bytes split on LF, a trailing CR and a leading
/// BOM removed, invalid UTF-8 shown as U+FFFD.
private struct LineCache {
    let sources: [String: SourceFile]
    private var starts: [String: [Int]] = [:]
    /// The line decoded last: diagnostics come sorted, so many in a row share a (possibly huge) line.
    private var last: (file: String, line: Int, scalars: [Unicode.Scalar])?

    init(sources: [String: SourceFile]) {
        self.sources = sources
    }

    /// The scalars of line `line` (1-based) of `file`, or `nil` when the file or the line is unknown.
    mutating func text(file: String, line: Int) -> [Unicode.Scalar]? {
        guard let source = sources[file], line >= 1 else { return nil }
        if let last, last.file == file, last.line == line { return last.scalars }
        let bytes = source.bytes
        let lineStarts: [Int]
        if let known = starts[file] {
            lineStarts = known
        } else {
            var found = [0]
            for (index, byte) in bytes.enumerated() where byte == 0x0A { found.append(index + 1) }
            starts[file] = found
            lineStarts = found
        }
        guard line <= lineStarts.count else { return nil }
        var lower = lineStarts[line - 1]
        var upper = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if upper > lower, bytes[upper - 1] == 0x0D { upper -= 1 }
        if line == 1, upper - lower >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { lower += 3 }
        let scalars = Array(String(decoding: bytes[lower..<upper], as: UTF8.self).unicodeScalars)
        last = (file, line, scalars)
        return scalars
    }
}
