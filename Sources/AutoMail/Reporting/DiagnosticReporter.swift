import Diagnostics

/// Renders one run's diagnostics in one output format. Each format is one type in its own file
/// (``HumanReporter``, ``JSONReporter``, ``SARIFReporter``, ``GitHubReporter``, ``GitLabReporter``), named
/// by a case of ``ReportFormat``; docs/diagnostics.md describes what each writes.
public protocol DiagnosticReporter: Sendable {
    /// The whole report of one run: `diagnostics` in the stable reporting order, and the diagnostics that
    /// `# automail: ignore` comments silenced (which only some formats show).
    func report(_ diagnostics: [Diagnostic], suppressed: [SuppressedDiagnostic]) -> String
}

/// What a reporter needs besides the diagnostics: the source files (for snippets, columns and
/// fingerprints) and how file paths are written.
public struct ReportContext: Sendable {
    /// The workspace's files by path relative to the workspace root.
    public var sources: [String: SourceFile]
    /// Written before every workspace-relative path: the workspace folder as the user named it, or as
    /// seen from the repository root (see ``WorkspaceLoader/reportPathPrefix(root:argument:)``).
    public var pathPrefix: String
    /// Whether the human format colours its output.
    public var useColor: Bool
    /// The most diagnostics the human format prints before a count of the rest (`nil`: all). Machine
    /// formats always carry every diagnostic.
    public var maxDiagnostics: Int?

    /// Creates a context.
    public init(sources: [String: SourceFile], pathPrefix: String, useColor: Bool = false, maxDiagnostics: Int? = nil) {
        self.sources = sources
        self.pathPrefix = pathPrefix
        self.useColor = useColor
        self.maxDiagnostics = maxDiagnostics
    }
}

/// The output formats of `automail check` and `automail build` (`--format`): the one list of them, which
/// the CLI parses, its help lists and the tests check the documentation against (CONTRIBUTING.md, "Adding
/// an output format").
public enum ReportFormat: String, Sendable, Hashable, CaseIterable {
    /// rustc-style text for people, with source snippets.
    case human
    /// A JSON array of diagnostics (schemas/diagnostics.schema.json), for editors and tools.
    case json
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    case sarif
    /// GitHub Actions workflow commands (`::error file=…::message`), one a diagnostic.
    case github
    /// GitLab's Code Quality report (Code Climate JSON), for the merge request's Code Quality widget.
    case gitlab

    /// What `--help` says of this format, after its name: `sarif (SARIF 2.1.0 for code scanning)`.
    public var helpSummary: String {
        switch self {
        case .human: "rustc-style text"
        case .json: "schemas/diagnostics.schema.json"
        case .sarif: "SARIF 2.1.0 for code scanning"
        case .github: "GitHub Actions annotations"
        case .gitlab: "GitLab Code Quality"
        }
    }

    /// Every format with its ``helpSummary``, as `--format`'s help lists them: `human (rustc-style text), …
    /// or gitlab (GitLab Code Quality)`.
    public static var helpList: String {
        let items = allCases.map { "\($0.rawValue) (\($0.helpSummary))" }
        guard let last = items.last else { return "" }
        return items.count == 1 ? last : items.dropLast().joined(separator: ", ") + " or " + last
    }

    /// The reporter for this format.
    public func reporter(_ context: ReportContext) -> any DiagnosticReporter {
        switch self {
        case .human:
            var reporter = HumanReporter(
                useColor: context.useColor, sources: context.sources, pathPrefix: context.pathPrefix)
            reporter.maxDiagnostics = context.maxDiagnostics
            return reporter
        case .json: return JSONReporter(context: context)
        case .sarif: return SARIFReporter(context: context)
        case .github: return GitHubReporter(context: context)
        case .gitlab: return GitLabReporter(context: context)
        }
    }
}
