import Diagnostics

/// `--format github`: one GitHub Actions workflow command a diagnostic, which the runner turns into an
/// annotation on the file and line:
///
/// ```
/// ::error file=ws/triggers/main.yaml,line=7,col=15,endLine=7,endColumn=21,title=AM301::unknown template `welcom`%0Ahelp: did you mean `welcome`?
/// ```
///
/// Errors are `::error`, warnings `::warning`, notes `::notice`. The message is the diagnostic's, then
/// `help:` and `note:` lines, with other control characters shown as Unicode control pictures. Escaping is that of GitHub's toolkit (`@actions/core`, command.ts): in the
/// message `%` → `%25`, CR → `%0D`, LF → `%0A`; in property values also `:` → `%3A` and `,` → `%2C`.
/// Columns are 1-based UTF-16 code units, end exclusive; for a range over several lines only `line` and
/// `endLine` are given, as GitHub's annotations support columns only within one line. A diagnostic about
/// the whole workspace has no `file`. Suppressed diagnostics are not written.
package struct GitHubReporter: DiagnosticReporter {
    /// The sources and the path prefix.
    public var context: ReportContext

    /// Creates a reporter.
    public init(context: ReportContext) {
        self.context = context
    }

    public func report(_ diagnostics: [Diagnostic], suppressed: [SuppressedDiagnostic]) -> String {
        var locator = SourceLocator(sources: context.sources)
        return diagnostics.map { command($0, locator: &locator) + "\n" }.joined()
    }

    private func command(_ diagnostic: Diagnostic, locator: inout SourceLocator) -> String {
        let name =
            switch diagnostic.severity {
            case .error: "error"
            case .warning: "warning"
            case .note: "notice"
            }
        var properties: [(String, String)] = []
        if let range = diagnostic.range {
            properties.append(("file", HumanReporter.sanitize(context.pathPrefix + range.file)))
            properties.append(("line", String(range.start.line)))
            let oneLine = range.end.line == range.start.line
            if oneLine { properties.append(("col", String(locator.utf16Column(range.start, in: range.file)))) }
            properties.append(("endLine", String(range.end.line)))
            if oneLine { properties.append(("endColumn", String(locator.utf16Column(range.end, in: range.file)))) }
        }
        properties.append(("title", diagnostic.code.rawValue))
        // Each part has its control characters made visible: only the line breaks between parts remain.
        var message = HumanReporter.sanitize(diagnostic.message)
        if let help = diagnostic.help { message += "\nhelp: " + HumanReporter.sanitize(help) }
        for note in diagnostic.notes {
            message += "\nnote: " + HumanReporter.sanitize(note.message)
            if let range = note.range {
                message +=
                    " ("
                    + HumanReporter.sanitize(
                        "\(context.pathPrefix)\(range.file):\(range.start.line):\(range.start.column)") + ")"
            }
        }
        let list = properties.map { "\($0.0)=\(Self.escapeProperty($0.1))" }.joined(separator: ",")
        return "::\(name) \(list)::\(Self.escapeData(message))"
    }

    /// A message as `@actions/core` escapes it: `%`, CR and LF.
    public static func escapeData(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A property value as `@actions/core` escapes it: as a message, plus `:` and `,`.
    public static func escapeProperty(_ text: String) -> String {
        var out = ""
        for scalar in escapeData(text).unicodeScalars {
            switch scalar {
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
