import BundleFormat
import Diagnostics

/// The text of `automail explain`: the list of rules, or one rule's summary, explanation and examples.
public enum RuleExplanation {
    /// One line a rule, `CODE  severity  summary`, sorted by code, each ending with a line break.
    public static func list(_ rules: [RuleDescription]) -> String {
        rules.sorted { $0.code < $1.code }.map { rule in
            let severity = rule.severity.rawValue
            return
                "\(rule.code)  \(severity)\(String(repeating: " ", count: max(0, 7 - severity.count)))  \(rule.summary)\n"
        }.joined()
    }

    /// The list of rules as a Markdown table (`automail explain --format markdown`), one row a rule sorted
    /// by code: code, severity, summary and whether a suppression comment may silence it. docs/diagnostics.md
    /// holds this table between `<!-- rule-list -->` markers (`DocumentedListsTests` keeps it current).
    public static func listMarkdown(_ rules: [RuleDescription]) -> String {
        let rows = rules.sorted { $0.code < $1.code }.map { rule in
            let suppressible: String
            switch rule.suppressibility {
            case .allowed: suppressible = "yes"
            case .unsafe: suppressible = "no: unsafe"
            case .unfaithful: suppressible = "no: unfaithful"
            case .unreadable: suppressible = "no: unreadable"
            case .suppressionComment: suppressible = "no: about a suppression comment"
            }
            let summary = rule.summary.replacingOccurrences(of: "|", with: "\\|")
            return "| `\(rule.code)` | \(severity(rule)) | \(summary) | \(suppressible) |\n"
        }
        return "| code | severity | summary | suppressible |\n| --- | --- | --- | --- |\n" + rows.joined()
    }

    /// Whether `rule` can be suppressed, as one sentence.
    public static func suppression(_ rule: RuleDescription) -> String {
        if let reason = rule.suppressibility.reason {
            return "\(rule.code) cannot be suppressed: \(reason)."
        }
        return
            "\(rule.code) can be suppressed with `# automail: ignore \(rule.code) — reason` on the line before, or at the end of, the line it is reported on."
    }

    /// ``explain(_:)`` as Markdown (SARIF's `help.markdown`): the first line in bold, examples as indented
    /// code blocks.
    public static func markdown(_ rule: RuleDescription) -> String {
        let text = explain(rule)
        let rest = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).dropFirst().first ?? ""
        return "**\(rule.code)** (\(severity(rule))): \(rule.summary)\n" + rest
    }

    /// The list of rules as JSON (`automail explain --format json`): an array of objects with `code`,
    /// `severity`, `summary` and `suppressible`.
    public static func listJSON(_ rules: [RuleDescription]) -> String {
        let array = JSONValue.array(rules.sorted { $0.code < $1.code }.map { .object(summaryObject($0)) })
        return String(decoding: JSONWriter(pretty: true).write(array), as: UTF8.self)
    }

    /// One rule as JSON (`automail explain CODE --format json`): the list's fields, plus `explanation`
    /// (Markdown), `suppression` (the sentence saying whether and why), `text` (what `explain` prints)
    /// and `markdown`.
    public static func json(_ rule: RuleDescription) -> String {
        var object = summaryObject(rule)
        object["explanation"] = .string(rule.explanation)
        object["suppression"] = .string(suppression(rule))
        object["text"] = .string(explain(rule))
        object["markdown"] = .string(markdown(rule))
        return String(decoding: JSONWriter(pretty: true).write(.object(object)), as: UTF8.self)
    }

    /// `warning`, or `warning; error for build` for a rule whose build severity differs.
    static func severity(_ rule: RuleDescription) -> String {
        guard let build = rule.buildSeverity, build != rule.severity else { return rule.severity.rawValue }
        return "\(rule.severity.rawValue); \(build.rawValue) for build"
    }

    private static func summaryObject(_ rule: RuleDescription) -> [String: JSONValue] {
        [
            "code": .string(rule.code.rawValue), "severity": .string(rule.severity.rawValue),
            "summary": .string(rule.summary), "suppressible": .bool(rule.suppressibility == .allowed),
        ]
    }

    /// A rule explained: `CODE (severity): summary`, the Markdown explanation, whether it can be suppressed,
    /// then its first triggering and
    /// first passing examples, each file under its path. In examples, `«` and `»` mark where the
    /// diagnostic lands.
    public static func explain(_ rule: RuleDescription) -> String {
        var out = "\(rule.code) (\(severity(rule))): \(rule.summary)\n"
        let explanation = rule.explanation.trimmingTrailingNewlines
        if !explanation.isEmpty { out += "\n" + explanation + "\n" }
        out += "\n" + suppression(rule) + "\n"
        let triggering = rule.examples.first(where: \.triggers)
        if let example = triggering {
            out += "\nExample that triggers \(rule.code) («» marks where it is reported):\n"
            // A file without a marker (a manifest line the example needs) is shown around what it changes.
            out += files(example.files) { path, lines in
                let marked = markerLines(lines)
                guard marked.isEmpty else { return marked }
                return changedLines(lines, from: RuleCatalog.baseWorkspace[path].map { Self.lines(of: $0) } ?? [])
            }
        }
        if let example = rule.examples.first(where: { !$0.triggers }) {
            out += "\nExample that passes:\n"
            if example.files.isEmpty, let triggering {
                // The fix is the base workspace itself: show its version of the files the failing example changed.
                let base = triggering.files.keys.reduce(into: [String: String]()) {
                    $0[$1] = RuleCatalog.baseWorkspace[$1] ?? ""
                }
                let focus = triggering.files.mapValues { markerLines(lines(of: $0)) }
                out += files(base, focus: { path, _ in focus[path] ?? [] })
            } else {
                out += files(example.files) { path, lines in
                    changedLines(lines, from: RuleCatalog.baseWorkspace[path].map { Self.lines(of: $0) } ?? [])
                }
            }
        }
        return out
    }

    /// The lookup behind `automail explain CODE`: the rule (codes are matched case-insensitively), or a
    /// "did you mean" help line when there is none.
    public static func lookup(_ code: String, in rules: [RuleDescription]) -> Result<RuleDescription, UnknownRule> {
        let wanted = code.uppercased()
        if let rule = rules.first(where: { $0.code.rawValue == wanted }) { return .success(rule) }
        return .failure(
            UnknownRule(code: code, help: DidYouMean.help(for: wanted, among: rules.map(\.code.rawValue))))
    }

    /// A code that names no rule.
    public struct UnknownRule: Error, Sendable, Hashable {
        /// The code as the user typed it.
        public var code: String
        /// `did you mean `AM301`?`, when a code is close.
        public var help: String?

        /// The message to print.
        public var message: String { "unknown rule code `\(code)`" }
    }

    /// Files under their paths, indented. A long file is shown only around its `focus` lines (0-based),
    /// with `…` for what is left out; control characters are shown as visible symbols.
    private static func files(_ files: [String: String], focus: (String, [Substring]) -> Set<Int>) -> String {
        var out = ""
        for path in files.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let content = files[path] ?? ""
            out += "\n    # \(path)\n"
            if content.isEmpty {
                out += "    (file removed)\n"
                continue
            }
            let lines = lines(of: content)
            let focused = focus(path, lines)
            let context = 3
            let shown: (Int) -> Bool = { index in
                lines.count <= 16 || focused.isEmpty
                    || focused.contains { abs($0 - index) <= context }
            }
            var skipping = false
            for (index, line) in lines.enumerated() {
                guard shown(index) else {
                    if !skipping { out += "    …\n" }
                    skipping = true
                    continue
                }
                skipping = false
                out += line.isEmpty ? "\n" : "    \(visible(line))\n"
            }
        }
        return out
    }

    private static func lines(of content: String) -> [Substring] {
        content.trimmingTrailingNewlines.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The lines holding a `«` or `»` marker.
    private static func markerLines(_ lines: [Substring]) -> Set<Int> {
        Set(lines.indices.filter { lines[$0].contains("«") || lines[$0].contains("»") })
    }

    /// The lines of `lines` that differ from the same line of `base`.
    private static func changedLines(_ lines: [Substring], from base: [Substring]) -> Set<Int> {
        guard !base.isEmpty else { return [] }
        return Set(lines.indices.filter { $0 >= base.count || lines[$0] != base[$0] })
    }

    /// `line` with control characters made visible (``TerminalText/line(_:)``), so an example never sends
    /// raw control bytes to a terminal. Tabs are kept.
    private static func visible<S: StringProtocol>(_ line: S) -> String {
        TerminalText.line(line)
    }
}

extension String {
    fileprivate var trimmingTrailingNewlines: String {
        var text = self
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }
}
