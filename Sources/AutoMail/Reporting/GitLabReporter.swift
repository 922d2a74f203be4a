import BundleFormat
import Diagnostics

/// `--format gitlab`: GitLab's Code Quality report (the subset of the Code Climate format GitLab reads,
/// for `artifacts:reports:codequality`), so the merge request's Code Quality widget lists what a change
/// introduces and what it fixes:
///
/// ```json
/// [
///   {
///     "check_name": "AM302",
///     "description": "unknown sender `camille-rous` in template `merci-soutien` — did you mean `camille-roux`?",
///     "fingerprint": "…64 hex…",
///     "location": { "lines": { "begin": 3, "end": 3 }, "path": "campaign/templates/merci-soutien.yaml" },
///     "severity": "blocker"
///   }
/// ]
/// ```
///
/// Errors are `blocker` (they stop the build of the bundle), warnings `minor`, notes `info`. The fingerprint
/// is the one SARIF carries (stable across unrelated edits), so GitLab matches an issue between the base and
/// the merge request. Diagnostics about the workspace as a whole are placed on line 1 of `automail.yaml`.
/// Suppressed diagnostics are not listed.
package struct GitLabReporter: DiagnosticReporter {
    /// The sources and the path prefix.
    public var context: ReportContext

    /// Creates a reporter.
    public init(context: ReportContext) {
        self.context = context
    }

    public func report(_ diagnostics: [Diagnostic], suppressed: [SuppressedDiagnostic]) -> String {
        var locator = SourceLocator(sources: context.sources)
        var fingerprints = DiagnosticFingerprints(pathPrefix: context.pathPrefix)
        let issues = diagnostics.map { diagnostic -> JSONValue in
            let range = diagnostic.range ?? .startOf(file: WorkspaceLoader.manifestName)
            var description = diagnostic.message
            if let help = diagnostic.help { description += " — " + help }
            return .object([
                "check_name": .string(diagnostic.code.rawValue),
                "description": .string(description),
                "fingerprint": .string(fingerprints.next(diagnostic, locator: &locator)),
                "severity": .string(Self.severity(diagnostic.severity)),
                "location": .object([
                    "path": .string(context.pathPrefix + range.file),
                    "lines": .object(["begin": .int(range.start.line), "end": .int(range.end.line)]),
                ]),
            ])
        }
        return String(decoding: JSONWriter(pretty: true).write(.array(issues)), as: UTF8.self)
    }

    /// GitLab's severity for `severity`.
    static func severity(_ severity: Severity) -> String {
        switch severity {
        case .error: "blocker"
        case .warning: "minor"
        case .note: "info"
        }
    }
}
