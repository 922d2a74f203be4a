import AutoMail
import Diagnostics
import Foundation
import Testing

/// Every report format against committed expected output. Each folder of `Fixtures/reports/` holds
/// `workspace/` (files replacing or adding to `Fixtures/base/`; the first lines of each say what it
/// tests) and `expected.txt` (human), `expected.json`, `expected.sarif`, `expected.github`, `expected.gitlab.json`.
/// `RECORD_SNAPSHOTS=1` rewrites the expected files on purpose. The JSON is validated against
/// schemas/diagnostics.schema.json, the SARIF against the OASIS schema (when `../shared/conformance/`
/// has it) and what code scanning needs, and the annotations are parsed back with GitHub's unescaping.
@Suite struct ReportingFormatTests {
    static let cases: [String] = {
        let dir = Fixtures.root.appendingPathComponent("reports").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }()

    /// A prefix holding every character the formats must escape: `,` `:` `%` and a space.
    static let prefix = "campaign, 2026: 100%/"

    /// The expected file of each format, `expected.EXT`: a new ``ReportFormat`` case fails
    /// `everyFormatHasAnExpectedOutput` until it has one here (and recorded goldens).
    static let extensionByFormat: [ReportFormat: String] = [
        .human: "txt", .json: "json", .sarif: "sarif", .github: "github", .gitlab: "gitlab.json",
    ]

    static let extensions: [(ReportFormat, String)] = ReportFormat.allCases.compactMap { format in
        extensionByFormat[format].map { (format, $0) }
    }

    @Test func everyFormatHasAnExpectedOutput() {
        let missing = ReportFormat.allCases.filter { Self.extensionByFormat[$0] == nil }
        #expect(missing.isEmpty, "no expected output for \(missing.map(\.rawValue)): add it to `extensionByFormat`")
    }

    /// The OASIS SARIF 2.1.0 schema beside the project, when present.
    static let sarifSchema = Fixtures.repositoryRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/conformance/sarif-schema-2.1.0.json")

    struct Run {
        var diagnostics: [Diagnostic]
        var suppressed: [SuppressedDiagnostic]
        var sources: [String: SourceFile]
    }

    /// Checks the case's workspace as `automail check` does.
    static func check(_ name: String, edit: (inout [String: Data]) -> Void = { _ in }) throws -> Run {
        var files = try Fixtures.files(in: Fixtures.root.appendingPathComponent("base"))
        for (path, data) in try Fixtures.files(in: Fixtures.root.appendingPathComponent("reports/\(name)/workspace")) {
            files[path] = data
        }
        edit(&files)
        let dir = try Fixtures.materialize(files)
        defer { try? FileManager.default.removeItem(at: dir) }
        let loaded = try WorkspaceLoader.load(root: dir.path)
        let result = Compiler.check(loaded.files)
        var bag = DiagnosticBag()
        bag.report(contentsOf: loaded.diagnostics + result.diagnostics)
        return Run(diagnostics: bag.sorted(), suppressed: result.suppressed, sources: loaded.filesByPath)
    }

    static func render(_ run: Run, _ format: ReportFormat) -> String {
        format.reporter(ReportContext(sources: run.sources, pathPrefix: prefix)).report(
            run.diagnostics, suppressed: run.suppressed)
    }

    @Test func thereAreCases() {
        #expect(!Self.cases.isEmpty)
    }

    @Test(arguments: cases)
    func matchesTheExpectedOutputs(_ name: String) throws {
        let run = try Self.check(name)
        #expect(!run.suppressed.isEmpty, "a report case needs suppressed diagnostics")
        for (format, ext) in Self.extensions {
            let actual = Self.render(run, format)
            let url = Fixtures.root.appendingPathComponent("reports/\(name)/expected.\(ext)")
            if Fixtures.recording {
                try actual.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            let expected = try String(contentsOf: url, encoding: .utf8)
            #expect(actual == expected, "`\(name)` in format \(format) differs from expected.\(ext)")
        }
    }

    @Test(arguments: cases)
    func jsonValidatesAgainstItsSchema(_ name: String) throws {
        let url = try Self.write(Self.render(try Self.check(name), .json), ext: "json")
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try Python.validate(["--diagnostics", url.path])
        #expect(run.status == 0 && run.output.hasSuffix("1 passed, 0 failed\n"), "\(run.output)")
    }

    @Test(arguments: cases)
    func sarifValidatesAgainstTheOASISSchemaAndCodeScanningNeeds(_ name: String) throws {
        guard FileManager.default.fileExists(atPath: Self.sarifSchema.path) else {
            print("SARIF schema validation: skipped, \(Self.sarifSchema.path) is absent")
            return
        }
        let url = try Self.write(Self.render(try Self.check(name), .sarif), ext: "sarif")
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try Python.validate(["--sarif", url.path, "--sarif-schema", Self.sarifSchema.path])
        #expect(run.status == 0 && run.output.hasSuffix("1 passed, 0 failed\n"), "\(run.output)")
    }

    /// The validation is live: a SARIF log that breaks the schema, or what code scanning needs, fails.
    @Test func sarifValidationRejectsBrokenLogs() throws {
        guard FileManager.default.fileExists(atPath: Self.sarifSchema.path) else {
            print("SARIF schema validation: skipped, \(Self.sarifSchema.path) is absent")
            return
        }
        let good = Self.render(try Self.check(Self.cases[0]), .sarif)
        // The first result's rule index replaced by 0 (AM001, which the cases never report).
        var wrongIndex = good
        if let key = good.range(of: "\"ruleIndex\": "),
            let end = good[key.upperBound...].firstIndex(where: { $0 == "," || $0 == "\n" })
        {
            wrongIndex.replaceSubrange(key.upperBound..<end, with: "0")
        }
        for (broken, expected) in [
            (good.replacingOccurrences(of: "\"startLine\"", with: "\"startline\""), "Additional properties"),
            (wrongIndex, "ruleIndex does not point"),
            (good.replacingOccurrences(of: "\"utf16CodeUnits\"", with: "\"unicodeCodePoints\""), "columnKind"),
        ] {
            #expect(broken != good)
            let url = try Self.write(broken, ext: "sarif")
            defer { try? FileManager.default.removeItem(at: url) }
            let run = try Python.validate(["--sarif", url.path, "--sarif-schema", Self.sarifSchema.path])
            #expect(run.status == 1 && run.output.contains(expected), "\(run.output)")
        }
    }

    @Test(arguments: cases)
    func annotationsParseBackWithGitHubsUnescaping(_ name: String) throws {
        let run = try Self.check(name)
        let lines = Self.render(run, .github).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == run.diagnostics.count)
        for (line, diagnostic) in zip(lines, run.diagnostics) {
            let command = try #require(GitHubCommand(parsing: String(line)), "not a workflow command: \(line)")
            let name = ["error": "error", "warning": "warning", "note": "notice"][diagnostic.severity.rawValue]
            #expect(command.name == name)
            #expect(command.properties["title"] == diagnostic.code.rawValue)
            let data = command.data.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(data.first.map(String.init) == diagnostic.message)
            if let help = diagnostic.help { #expect(data.contains { $0 == "help: " + help }) }
            if let range = diagnostic.range {
                #expect(command.properties["file"] == Self.prefix + range.file)
                #expect(command.properties["line"] == String(range.start.line))
                #expect(command.properties["endLine"] == String(range.end.line))
                #expect((command.properties["col"] != nil) == (range.start.line == range.end.line))
            } else {
                #expect(command.properties["file"] == nil)
            }
        }
    }

    /// The fingerprints survive edits elsewhere: lines added above every result move them, and their
    /// fingerprints stay.
    @Test(arguments: cases)
    func sarifFingerprintsSurviveUnrelatedEdits(_ name: String) throws {
        let before = try Self.fingerprints(Self.render(try Self.check(name), .sarif))
        let after = try Self.fingerprints(
            Self.render(
                try Self.check(name) { files in
                    for (path, data) in files where path.hasSuffix(".yaml") {
                        files[path] = Data("# a comment added above\n\n".utf8) + data
                    }
                }, .sarif))
        #expect(before.count == after.count && !before.isEmpty)
        for (old, new) in zip(before, after) {
            #expect(old.id == new.id && old.fingerprint == new.fingerprint)
            #expect(new.line == old.line + 2 || old.line == 1 && old.id == "AM001")
        }
    }

    /// GitLab's Code Quality report: the fields its widget requires, one issue a reported diagnostic, each
    /// fingerprint unique and the same as the SARIF result's (so both survive unrelated edits alike).
    @Test(arguments: cases)
    func gitLabReportHasWhatTheCodeQualityWidgetNeeds(_ name: String) throws {
        let run = try Self.check(name)
        let issues = try #require(
            try JSONSerialization.jsonObject(with: Data(Self.render(run, .gitlab).utf8)) as? [[String: Any]])
        let sarif = try Self.fingerprints(Self.render(run, .sarif))
        let reported = sarif.filter { result in issues.contains { ($0["fingerprint"] as? String) == result.fingerprint }
        }
        #expect(Set(issues.compactMap { $0["fingerprint"] as? String }).count == issues.count)
        #expect(reported.count == issues.count)
        for issue in issues {
            #expect((issue["check_name"] as? String)?.hasPrefix("AM") == true)
            #expect((issue["description"] as? String)?.isEmpty == false)
            #expect(["info", "minor", "major", "critical", "blocker"].contains(issue["severity"] as? String ?? ""))
            let location = try #require(issue["location"] as? [String: Any])
            let path = try #require(location["path"] as? String)
            #expect(!path.hasPrefix("/") && !path.isEmpty)
            let lines = try #require(location["lines"] as? [String: Any])
            #expect((lines["begin"] as? Int ?? 0) >= 1)
        }
    }

    // MARK: - Small cases

    @Test func workspaceWideDiagnosticsInEveryFormat() {
        let diagnostic = Diagnostic.error("AM001", "the workspace has no `automail.yaml`", at: nil, help: "create it")
        let context = ReportContext(sources: [:], pathPrefix: "ws/")
        #expect(
            GitHubReporter(context: context).report([diagnostic], suppressed: [])
                == "::error title=AM001::the workspace has no `automail.yaml`%0Ahelp: create it\n")
        let json = JSONReporter(context: context).report([diagnostic], suppressed: [])
        #expect(json.contains("\"file\": null") && json.contains("\"range\": null"))
        let sarif = SARIFReporter(context: context).report([diagnostic], suppressed: [])
        #expect(sarif.contains("\"uri\": \"ws/automail.yaml\""))
        let gitlab = GitLabReporter(context: context).report([diagnostic], suppressed: [])
        #expect(gitlab.contains("\"path\": \"ws/automail.yaml\"") && gitlab.contains("\"severity\": \"blocker\""))
    }

    @Test func escapingFollowsTheActionsToolkit() {
        let text = "100% done,\r\nfile: a"
        #expect(GitHubReporter.escapeData(text) == "100%25 done,%0D%0Afile: a")
        #expect(GitHubReporter.escapeProperty(text) == "100%25 done%2C%0D%0Afile%3A a")
        #expect(GitHubCommand.unescapeProperty(GitHubReporter.escapeProperty(text)) == text)
        #expect(GitHubCommand.unescapeData(GitHubReporter.escapeData(text)) == text)
    }

    @Test func humanSummaryCountsSuppressedDiagnostics() {
        let reporter = HumanReporter(useColor: false, sources: [:])
        #expect(reporter.summary([], suppressed: 2) == "ok: no problems found in 0 files (2 suppressed)")
        let warning = Diagnostic.warning("AM611", "x", at: nil)
        #expect(reporter.summary([warning], suppressed: 1) == "warning: 1 warning, no errors (1 suppressed)")
    }

    // MARK: - Support

    static func write(_ text: String, ext: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "automail-report-\(UUID().uuidString).\(ext)")
        try Data(text.utf8).write(to: url)
        return url
    }

    /// (ruleId, fingerprint, startLine) of each result.
    static func fingerprints(_ sarif: String) throws -> [(id: String, fingerprint: String, line: Int)] {
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        return try (run["results"] as? [[String: Any]] ?? []).map { result in
            let fingerprint = try #require((result["partialFingerprints"] as? [String: String])?["automail/v1"])
            let location = try #require((result["locations"] as? [[String: Any]])?.first)
            let physical = try #require(location["physicalLocation"] as? [String: Any])
            let region = try #require(physical["region"] as? [String: Any])
            return (result["ruleId"] as? String ?? "", fingerprint, region["startLine"] as? Int ?? 0)
        }
    }
}

/// A workflow command parsed the way GitHub's runner does (ActionCommand.cs): `::name k=v,k=v::data`,
/// properties split at `,` and their first `=`, then unescaped.
struct GitHubCommand {
    var name: String
    var properties: [String: String]
    var data: String

    init?(parsing line: String) {
        guard line.hasPrefix("::") else { return nil }
        let rest = line.dropFirst(2)
        guard let end = rest.range(of: "::") else { return nil }
        let head = rest[..<end.lowerBound]
        data = Self.unescapeData(String(rest[end.upperBound...]))
        let parts = head.split(separator: " ", maxSplits: 1)
        guard let first = parts.first else { return nil }
        name = String(first)
        properties = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: ",") {
                guard let equals = pair.firstIndex(of: "=") else { return nil }
                properties[String(pair[..<equals])] = Self.unescapeProperty(String(pair[pair.index(after: equals)...]))
            }
        }
    }

    static func unescapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%0D", with: "\r").replacingOccurrences(of: "%0A", with: "\n")
            .replacingOccurrences(of: "%25", with: "%")
    }

    static func unescapeProperty(_ text: String) -> String {
        text.replacingOccurrences(of: "%0D", with: "\r").replacingOccurrences(of: "%0A", with: "\n")
            .replacingOccurrences(of: "%3A", with: ":").replacingOccurrences(of: "%2C", with: ",")
            .replacingOccurrences(of: "%25", with: "%")
    }
}
