import AutoMail
import BundleFormat
import Diagnostics
import Foundation
import Testing

/// The rule catalog's examples are its tests: each example is compiled as an overlay on the base
/// workspace, and a triggering example must report its rule's code exactly at the «marked» range.
@Suite struct RuleExampleTests {
    /// Codes reported by the loader (which reads the disk), not by `Compiler.check`: their examples are
    /// written to a temporary folder, loaded with `WorkspaceLoader`, then checked.
    static let loaderOnlyCodes: Set<DiagnosticCode> = ["AM002", "AM003"]
    /// Codes whose triggering example cannot be written as catalog text: an unreadable file (AM002) and a
    /// 16 MiB file (AM110). Their own stages' tests cover them.
    /// AM004 needs 100,000 files (or a lower `--max-files`): Tests/CLITests/HostileInputTests.swift covers it.
    static let codesWithoutTriggeringExample: Set<DiagnosticCode> = ["AM002", "AM004", "AM110"]

    /// Examples that fail because the compiler is wrong, not the example, by `CODE #n` (n from 1, in the
    /// rule's example order), with what the compiler does instead.
    static let knownCompilerBugs: [String: String] = [:]

    /// Every (rule, example) pair, by index so that the test name is short.
    static let runnableExamples: [ExampleCase] = RuleCatalog.all.flatMap { rule in
        rule.examples.enumerated().map { index, example in ExampleCase(rule: rule, index: index, example: example) }
    }

    @Test(arguments: runnableExamples)
    func example(_ testCase: ExampleCase) throws {
        let example = testCase.example
        let location = SourceLocation(
            fileID: "AutoMail/\((example.sourceFile as NSString).lastPathComponent)", filePath: example.sourceFile,
            line: example.line, column: 1)
        let overlay: Overlay
        do {
            overlay = try Overlay(example)
        } catch {
            Issue.record("malformed example: \(error)", sourceLocation: location)
            return
        }
        let code = testCase.rule.code
        let diagnostics: [Diagnostic]
        if Self.loaderOnlyCodes.contains(code) {
            diagnostics = try Self.loadAndCheck(overlay.files)
        } else {
            let files = overlay.files.map { SourceFile(path: $0.key, text: $0.value) }
            var options = BuildOptions()
            options.referenceTime = RuleCatalog.exampleReferenceTime
            diagnostics = Compiler.check(files, options: options).diagnostics
            // A build runs the template rules inside the lowering (streamed or not): it must report
            // exactly what a check reports, with the build severities (AM508's placeholders are errors),
            // and give a bundle only without an error.
            let built = Compiler.build(files, options: options)
            var sink = BundleBytes()
            let streamed = try Compiler.build(files, options: options, into: &sink)
            let forBuild = diagnostics.map(RuleCatalog.forBuild)
            for result in [built, streamed] {
                #expect(result.diagnostics == forBuild, "build and check disagree", sourceLocation: location)
                #expect(
                    (result.bundleDigest != nil) == !forBuild.contains { $0.severity == .error },
                    "a bundle must come exactly when there is no error", sourceLocation: location)
            }
            #expect((built.bundle != nil) == (built.bundleDigest != nil), sourceLocation: location)
        }
        let produced = diagnostics.map(Self.describe).joined(separator: "\n")
        if ProcessInfo.processInfo.environment["AUTOMAIL_PRINT_EXAMPLES"] != nil {
            print("\(testCase.testDescription):\n\(produced.isEmpty ? "  (no diagnostics)" : produced)")
        }
        let verify = {
            if example.triggers {
                let expected = overlay.expectedRange
                let found = diagnostics.contains { $0.code == code && $0.range == expected }
                if !found {
                    Issue.record(
                        """
                        \(code) example does not report \(code) at \(expected.map(Self.describe) ?? "no range (workspace-wide)")
                        diagnostics produced:
                        \(produced.isEmpty ? "(none)" : produced)
                        """, sourceLocation: location)
                }
                if let diagnostic = diagnostics.first(where: { $0.code == code }),
                    diagnostic.severity != testCase.rule.severity
                {
                    Issue.record(
                        "\(code) is reported as \(diagnostic.severity), the catalog says \(testCase.rule.severity)",
                        sourceLocation: location)
                }
            } else if diagnostics.contains(where: { $0.code == code }) {
                Issue.record(
                    """
                    passing \(code) example reports \(code)
                    diagnostics produced:
                    \(produced)
                    """, sourceLocation: location)
            }
        }
        if let bug = Self.knownCompilerBugs[testCase.key] {
            // The example is right and the compiler wrong: tracked here until fixed (a fix makes this fail).
            withKnownIssue(Comment(rawValue: bug)) { verify() }
        } else {
            verify()
        }
    }

    @Test func baseWorkspaceIsTheFixture() throws {
        let fixture = Self.testsDirectory.appendingPathComponent("Fixtures/base")
        let enumerator = try #require(FileManager.default.enumerator(at: fixture, includingPropertiesForKeys: nil))
        var onDisk: [String: [UInt8]] = [:]
        for case let url as URL in enumerator where url.pathExtension == "yaml" {
            let path = String(url.standardizedFileURL.path.dropFirst(fixture.standardizedFileURL.path.count + 1))
            onDisk[path] = Array(try Data(contentsOf: url))
        }
        #expect(onDisk.keys.sorted() == RuleCatalog.baseWorkspace.keys.sorted())
        for (path, text) in RuleCatalog.baseWorkspace {
            #expect(
                onDisk[path] == Array(text.utf8),
                "RuleCatalog.baseWorkspace[\"\(path)\"] differs from Fixtures/base/\(path)")
        }
    }

    /// A rule whose `build` severity differs from `check`'s reports it in a build, with a note saying so.
    @Test func buildRaisesTheBuildSeverity() throws {
        let rule = try #require(RuleCatalog.rule("AM508"))
        #expect(rule.severity == .warning && rule.buildSeverity == .error)
        let files = RuleCatalog.baseWorkspace.map {
            SourceFile(
                path: $0.key,
                text: $0.key == "automail.yaml"
                    ? $0.value.replacingOccurrences(
                        of: "sending_domains: [lyonvote.fr]", with: "sending_domains: [lyonvote.fr, example.org]")
                    : $0.value)
        }
        let checked = Compiler.check(files)
        #expect(checked.diagnostics.map(\.severity) == [.warning])
        #expect(!checked.hasErrors)
        let built = Compiler.build(files)
        #expect(built.diagnostics.map(\.severity) == [.error])
        #expect(
            built.diagnostics.first?.notes.map(\.message) == ["`check` reports this as a warning; `build` refuses it"])
        #expect(built.bundle == nil && built.bundleDigest == nil)
    }

    @Test func baseWorkspaceIsClean() {
        let result = Compiler.check(RuleCatalog.baseWorkspace.map { SourceFile(path: $0.key, text: $0.value) })
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(Self.describe).joined(separator: "\n"))")
    }

    @Test func everyCodeHasOneRule() throws {
        // AM101–AM113 are declared by the YAML layer, every other code in its family's `+Codes.swift`.
        let source = try RuleFamilyTests.codeDeclarationFiles()
            .map { try String(contentsOf: $0, encoding: .utf8) }
            .joined(separator: "\n")
        let regex = try NSRegularExpression(pattern: #""(AM\d{3})""#)
        let declared = regex.matches(in: source, range: NSRange(source.startIndex..., in: source)).compactMap {
            Range($0.range(at: 1), in: source).map { DiagnosticCode(rawValue: String(source[$0])) }
        }
        #expect(declared.count > 60)
        #expect(Set(declared).count == declared.count, "a code is declared twice in the families' `+Codes.swift` files")
        let catalogued = RuleCatalog.all.map(\.code)
        #expect(Set(catalogued).count == catalogued.count, "a code has two catalog entries")
        #expect(
            Set(catalogued) == Set(declared),
            "missing: \(Set(declared).subtracting(catalogued).sorted()), unknown: \(Set(catalogued).subtracting(declared).sorted())"
        )
        #expect(catalogued == catalogued.sorted(), "RuleCatalog.all is sorted by code")
        for code in declared {
            #expect(RuleCatalog.rule(code)?.code == code)
        }
    }

    @Test(arguments: RuleCatalog.all.map(\.code))
    func ruleIsWellFormed(_ code: DiagnosticCode) throws {
        let rule = try #require(RuleCatalog.rule(code))
        let summary = rule.summary
        #expect(!summary.isEmpty && !summary.contains("\n"), "\(code): the summary is one line")
        #expect(summary.first.map { !$0.isUppercase } == true, "\(code): the summary starts lowercase")
        #expect(!summary.hasSuffix("."), "\(code): the summary has no trailing period")
        let lines = rule.explanation.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }.count
        #expect((4...12).contains(lines), "\(code): the explanation has \(lines) non-blank lines, not 4 to 12")
        if !Self.codesWithoutTriggeringExample.contains(code) {
            #expect(rule.examples.contains { $0.triggers }, "\(code) has no triggering example")
        }
        if code != "AM002" {  // an unreadable file cannot be written as catalog text
            #expect(rule.examples.contains { !$0.triggers }, "\(code) has no passing example")
        }
        for example in rule.examples {
            for (path, text) in example.files {
                #expect(
                    !text.contains(RuleCatalog.editNotFoundMarker),
                    "\(code) example at line \(example.line) edits `\(path)` where the old text is not",
                    sourceLocation: SourceLocation(
                        fileID: "AutoMail/catalog", filePath: example.sourceFile, line: example.line, column: 1))
            }
        }
    }

    // MARK: Support

    /// Writes `files` to a fresh temporary folder, loads it as the CLI does and checks what was loaded.
    static func loadAndCheck(_ files: [String: String]) throws -> [Diagnostic] {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("automail-catalog-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let loaded = try WorkspaceLoader.load(root: root.path)
        return loaded.diagnostics + Compiler.check(loaded.files).diagnostics
    }

    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    static func describe(_ range: SourceRange) -> String {
        "\(range.file):\(range.start.line):\(range.start.column)-\(range.end.line):\(range.end.column)"
    }

    static func describe(_ diagnostic: Diagnostic) -> String {
        "  \(diagnostic.severity) \(diagnostic.code) at \(diagnostic.range.map(describe) ?? "(workspace)"): \(diagnostic.message)"
    }
}

/// One example of one rule, as a test argument.
struct ExampleCase: Sendable, CustomTestStringConvertible {
    var rule: RuleDescription
    var index: Int
    var example: RuleExample

    /// `CODE #n`, n counted from 1 in the rule's example order.
    var key: String { "\(rule.code) #\(index + 1)" }

    var testDescription: String {
        "\(rule.code) #\(index + 1) (\(example.triggers ? "triggers" : "passes"), line \(example.line))"
    }
}

/// An example applied to the base workspace: the files to compile, markers removed, and the range the
/// markers delimit.
struct Overlay {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    var files: [String: String]
    /// The marked range; `nil` when the example has no marker (a workspace-wide diagnostic).
    var expectedRange: SourceRange?

    init(_ example: RuleExample) throws {
        var files = RuleCatalog.baseWorkspace
        var expected: SourceRange?
        for (path, text) in example.files.sorted(by: { $0.key < $1.key }) {
            if text.isEmpty {
                files[path] = nil
                continue
            }
            let (stripped, range) = try Self.strip(text, path: path)
            files[path] = stripped
            if let range {
                guard expected == nil else { throw Malformed(description: "markers in more than one file") }
                expected = range
            }
        }
        if example.triggers == false, expected != nil {
            throw Malformed(description: "a passing example has a marker")
        }
        self.files = files
        self.expectedRange = expected
    }

    /// `text` without its `«` and `»`, and the range between them: line and column 1-based, columns in
    /// Unicode scalars, the end just past the last marked character.
    static func strip(_ text: String, path: String) throws -> (String, SourceRange?) {
        var out = String.UnicodeScalarView()
        var line = 1
        var column = 1
        var start: SourcePosition?
        var end: SourcePosition?
        for scalar in text.unicodeScalars {
            switch scalar {
            case "«":
                guard start == nil else { throw Malformed(description: "two `«` in \(path)") }
                start = SourcePosition(line: line, column: column)
            case "»":
                guard start != nil, end == nil else { throw Malformed(description: "unbalanced `»` in \(path)") }
                end = SourcePosition(line: line, column: column)
            default:
                out.append(scalar)
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            }
        }
        switch (start, end) {
        case (nil, nil): return (String(out), nil)
        case let (start?, end?): return (String(out), SourceRange(file: path, start: start, end: end))
        default: throw Malformed(description: "unbalanced `«` in \(path)")
        }
    }
}
