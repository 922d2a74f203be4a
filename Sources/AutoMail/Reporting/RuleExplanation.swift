import Diagnostics

/// The text of `automail explain`: the list of rules, or one rule's summary, explanation and examples.
public enum RuleExplanation {
    /// One line a rule, `CODE  summary`, sorted by code, each ending with a line break.
    public static func list(_ rules: [RuleDescription]) -> String {
        rules.sorted { $0.code < $1.code }.map { "\($0.code)  \($0.summary)\n" }.joined()
    }

    /// A rule explained: `CODE (severity): summary`, the Markdown explanation, then its first triggering and
    /// first passing examples, each file under its path. In examples, `«` and `»` mark where the
    /// diagnostic lands.
    public static func explain(_ rule: RuleDescription) -> String {
        var out = "\(rule.code) (\(rule.severity.rawValue)): \(rule.summary)\n"
        let explanation = rule.explanation.trimmingTrailingNewlines
        if !explanation.isEmpty { out += "\n" + explanation + "\n" }
        if let example = rule.examples.first(where: \.triggers) {
            out += "\nExample that triggers \(rule.code) («» marks where it is reported):\n"
            out += files(example)
        }
        if let example = rule.examples.first(where: { !$0.triggers }) {
            out += "\nExample that passes:\n"
            out += files(example)
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

    private static func files(_ example: RuleExample) -> String {
        var out = ""
        for path in example.files.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let content = example.files[path] ?? ""
            out += "\n    # \(path)\n"
            if content.isEmpty {
                out += "    (file removed)\n"
                continue
            }
            for line in content.trimmingTrailingNewlines.split(separator: "\n", omittingEmptySubsequences: false) {
                out += line.isEmpty ? "\n" : "    \(line)\n"
            }
        }
        return out
    }
}

extension String {
    fileprivate var trimmingTrailingNewlines: String {
        var text = self
        while text.last?.isNewline == true { text.removeLast() }
        return text
    }
}
