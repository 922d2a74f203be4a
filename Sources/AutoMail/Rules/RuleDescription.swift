import Diagnostics

/// One example of a rule: a small change to a valid base workspace, and whether it triggers the rule.
///
/// In `files`, the text between `«` and `»` marks exactly where the diagnostic must land; the
/// markers are removed before compiling. Files given replace the base workspace's files of the same
/// path (see ``RuleExample/baseWorkspace``); a file whose content is empty is removed.
public struct RuleExample: Sendable {
    /// Whether compiling the example must report the rule's code (at the marked range).
    public var triggers: Bool
    /// The files that differ from the base workspace, by path.
    public var files: [String: String]
    /// The source line of the example, so that a failing example points at itself.
    public var line: Int
    /// The source file of the example.
    public var sourceFile: String

    /// Creates an example.
    public init(triggers: Bool, files: [String: String], line: Int = #line, sourceFile: String = #filePath) {
        self.triggers = triggers
        self.files = files
        self.line = line
        self.sourceFile = sourceFile
    }
}

/// A rule: a stable code, what it checks, why, and examples that are also its tests.
public struct RuleDescription: Sendable {
    /// The stable code.
    public var code: DiagnosticCode
    /// The default severity.
    public var severity: Severity
    /// A one-line summary, lowercase, no trailing period.
    public var summary: String
    /// A Markdown explanation: what the rule checks, why, and how to fix it (`automail explain CODE`).
    public var explanation: String
    /// Examples that trigger the rule and examples that do not.
    public var examples: [RuleExample]

    /// Creates a rule description.
    public init(
        code: DiagnosticCode, severity: Severity, summary: String, explanation: String, examples: [RuleExample]
    ) {
        self.code = code
        self.severity = severity
        self.summary = summary
        self.explanation = explanation
        self.examples = examples
    }
}

/// Every rule automail knows, by code.
public enum RuleCatalog {
    /// All rules, sorted by code.
    public static var all: [RuleDescription] { [] }

    /// The rule with `code`, if any.
    public static func rule(_ code: DiagnosticCode) -> RuleDescription? {
        all.first { $0.code == code }
    }
}
