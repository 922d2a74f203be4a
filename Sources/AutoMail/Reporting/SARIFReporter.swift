import BundleFormat
import Diagnostics

/// `--format sarif`: a SARIF 2.1.0 log with one run, for GitHub code scanning and other SARIF viewers.
///
/// - `tool.driver.rules` holds every rule of ``RuleCatalog`` (not only those reported), with its
///   summary (`shortDescription`), first explanation paragraph (`fullDescription`), explanation and
///   whether it can be suppressed (`help.text`; `help.markdown` adds the examples), default level, and tags (its family, and
///   `unsuppressible` where a comment cannot silence it).
/// - Each result has `ruleId`, `ruleIndex`, `level`, `message.text` (the message, then `help:` and
///   `note:` lines for notes without a place), one location, `relatedLocations` for notes with a place,
///   and `partialFingerprints["automail/v1"]`: a SHA-256 of the code, the file, the source text the range
///   covers and how many earlier results share those three, so it survives edits elsewhere in the file.
/// - Locations are relative to `%SRCROOT%` (the repository root, or the current directory outside a
///   repository); `run.columnKind` is `utf16CodeUnits` and columns are counted so; `endColumn` is just
///   past the range. A diagnostic about the whole workspace is placed at line 1 of `automail.yaml`, as
///   code scanning shows only results with a location.
/// - Diagnostics silenced by a comment are results too, with a `suppressions` entry (`inSource`, the
///   reason as `justification` (absent when the comment gives none, AM801), the comment as `location`),
///   which code scanning honours.
/// - The output is deterministic: no times, no absolute paths, keys sorted.
package struct SARIFReporter: DiagnosticReporter {
    /// The sources and the path prefix.
    public var context: ReportContext

    /// The schema URI written in `$schema`.
    public static let schemaURI =
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    /// The base id every location is relative to.
    public static let sourceRoot = "%SRCROOT%"
    /// The key of automail's fingerprint in `partialFingerprints`.
    public static let fingerprintKey = "automail/v1"

    /// Creates a reporter.
    public init(context: ReportContext) {
        self.context = context
    }

    public func report(_ diagnostics: [Diagnostic], suppressed: [SuppressedDiagnostic]) -> String {
        let rules = RuleCatalog.all
        var ruleIndex: [DiagnosticCode: Int] = [:]
        for (index, rule) in rules.enumerated() { ruleIndex[rule.code] = index }
        var all: [(diagnostic: Diagnostic, suppression: SuppressedDiagnostic?)] =
            diagnostics.map { ($0, nil) } + suppressed.map { ($0.diagnostic, $0) }
        all.sort { Diagnostic.reportingOrder($0.diagnostic, $1.diagnostic) }

        var locator = SourceLocator(sources: context.sources)
        var fingerprints = DiagnosticFingerprints(pathPrefix: context.pathPrefix)
        var results: [JSONValue] = []
        for (diagnostic, suppression) in all {
            var result = self.result(diagnostic, ruleIndex: ruleIndex[diagnostic.code], locator: &locator)
            let fingerprint = fingerprints.next(diagnostic, locator: &locator)
            result["partialFingerprints"] = .object([Self.fingerprintKey: .string(fingerprint)])
            if let suppression {
                var entry: [String: JSONValue] = [
                    "kind": .string("inSource"),
                    "location": location(suppression.comment, message: nil, locator: &locator),
                ]
                if !suppression.reason.isEmpty { entry["justification"] = .string(suppression.reason) }
                result["suppressions"] = .array([.object(entry)])
            }
            results.append(.object(result))
        }

        let run: [String: JSONValue] = [
            "tool": .object([
                "driver": .object([
                    "name": .string("automail"),
                    "version": .string(Compiler.version),
                    "semanticVersion": .string(Compiler.version),
                    "rules": .array(rules.map(Self.descriptor)),
                ])
            ]),
            "columnKind": .string("utf16CodeUnits"),
            "originalUriBaseIds": .object([
                Self.sourceRoot: .object([
                    "description": .object([
                        "text": .string(
                            "The root of the git repository holding the workspace, or the directory automail ran in outside a repository."
                        )
                    ])
                ])
            ]),
            "invocations": .array([.object(["executionSuccessful": .bool(true)])]),
            "results": .array(results),
        ]
        let log: JSONValue = .object([
            "$schema": .string(Self.schemaURI), "version": .string("2.1.0"), "runs": .array([.object(run)]),
        ])
        return String(decoding: JSONWriter(pretty: true).write(log), as: UTF8.self)
    }

    // MARK: - Results

    private func result(_ diagnostic: Diagnostic, ruleIndex: Int?, locator: inout SourceLocator) -> [String: JSONValue]
    {
        var text = diagnostic.message
        if let help = diagnostic.help { text += "\nhelp: " + help }
        for note in diagnostic.notes where note.range == nil { text += "\nnote: " + note.message }
        let primary = diagnostic.range ?? .startOf(file: WorkspaceLoader.manifestName)
        var result: [String: JSONValue] = [
            "ruleId": .string(diagnostic.code.rawValue),
            "level": .string(Self.level(diagnostic.severity)),
            "message": .object(["text": .string(text)]),
            "locations": .array([location(primary, message: nil, locator: &locator)]),
        ]
        if let ruleIndex { result["ruleIndex"] = .int(ruleIndex) }
        let related = diagnostic.notes.compactMap { note in note.range.map { (note.message, $0) } }
        if !related.isEmpty {
            result["relatedLocations"] = .array(
                related.enumerated().map { index, note in
                    var value = location(note.1, message: note.0, locator: &locator)
                    if case .object(var members) = value {
                        members["id"] = .int(index + 1)
                        value = .object(members)
                    }
                    return value
                })
        }
        return result
    }

    private func location(_ range: SourceRange, message: String?, locator: inout SourceLocator) -> JSONValue {
        var artifact: [String: JSONValue] = [:]
        let path = context.pathPrefix + range.file
        if path.hasPrefix("/") {
            artifact["uri"] = .string("file://" + Self.percentEncoded(path))
        } else {
            artifact["uri"] = .string(Self.percentEncoded(path))
            artifact["uriBaseId"] = .string(Self.sourceRoot)
        }
        let region: [String: JSONValue] = [
            "startLine": .int(range.start.line),
            "startColumn": .int(locator.utf16Column(range.start, in: range.file)),
            "endLine": .int(range.end.line),
            "endColumn": .int(locator.utf16Column(range.end, in: range.file)),
        ]
        var location: [String: JSONValue] = [
            "physicalLocation": .object(["artifactLocation": .object(artifact), "region": .object(region)])
        ]
        if let message { location["message"] = .object(["text": .string(message)]) }
        return .object(location)
    }

    // MARK: - Rules

    private static func descriptor(_ rule: RuleDescription) -> JSONValue {
        let lines = rule.explanation.split(separator: "\n", omittingEmptySubsequences: false)
        let firstParagraph = lines.drop { $0.allSatisfy(\.isWhitespace) }.prefix { !$0.allSatisfy(\.isWhitespace) }
            .joined(separator: " ")
        var tags = [family(of: rule.code)]
        if rule.suppressibility != .allowed { tags.append("unsuppressible") }
        let details = rule.explanation.trimmingBlankLines + "\n\n" + RuleExplanation.suppression(rule)
        return .object([
            "id": .string(rule.code.rawValue),
            "shortDescription": .object(["text": .string(rule.summary)]),
            "fullDescription": .object(["text": .string(firstParagraph)]),
            "help": .object(["text": .string(details), "markdown": .string(RuleExplanation.markdown(rule))]),
            "defaultConfiguration": .object(["level": .string(level(rule.severity))]),
            "properties": .object([
                "tags": .array(tags.map(JSONValue.string)), "precision": .string("very-high"),
            ]),
        ])
    }

    /// The family of a code, from its hundreds: `workspace`, `yaml`, `structure`, `references`, `legal`,
    /// `senders`, `templates`, `triggers`, `suppressions`.
    static func family(of code: DiagnosticCode) -> String {
        let families = [
            "workspace", "yaml", "structure", "references", "legal", "senders", "templates", "triggers", "suppressions",
        ]
        let scalars = Array(code.rawValue.unicodeScalars)
        guard scalars.count >= 3, let digit = Int(String(scalars[2])), digit < families.count else { return "automail" }
        return families[digit]
    }

    private static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    // MARK: - Text

    /// `path` with every byte outside RFC 3986's unreserved characters and `/` percent-encoded.
    static func percentEncoded(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}

extension String {
    /// The text without leading and trailing blank lines.
    fileprivate var trimmingBlankLines: String {
        var lines = split(separator: "\n", omittingEmptySubsequences: false)
        while let first = lines.first, first.allSatisfy(\.isWhitespace) { lines.removeFirst() }
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
