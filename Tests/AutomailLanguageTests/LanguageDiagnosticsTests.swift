import AutoMail
import AutomailLanguage
import Diagnostics
import Foundation
import Testing

/// The diagnostics an editor shows are exactly `automail check`'s for the same content, from disk or
/// from unsaved buffers, with notes, help and code carried over.
@Suite struct LanguageDiagnosticsTests {
    static var exampleOptions: BuildOptions {
        var options = BuildOptions()
        options.referenceTime = RuleCatalog.exampleReferenceTime
        return options
    }

    /// Every rule example, as files (markers `«»` removed).
    static let examples: [(name: String, files: [SourceFile])] = RuleCatalog.all.flatMap { rule in
        rule.examples.enumerated().map { index, example in
            var files = RuleCatalog.baseWorkspace
            for (path, text) in example.files {
                files[path] =
                    text.isEmpty
                    ? nil : text.replacingOccurrences(of: "«", with: "").replacingOccurrences(of: "»", with: "")
            }
            return (
                "\(rule.code) #\(index)",
                files.sorted { $0.key < $1.key }.map { SourceFile(path: $0.key, text: $0.value) }
            )
        }
    }

    /// The invalid fixtures of the compiler's suite.
    static let invalidCases: [String] = {
        let dir = LanguageFixtures.compilerFixtures.appendingPathComponent("invalid").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }()

    static func expectSameAsCheck(
        _ workspace: LanguageWorkspace, _ files: [SourceFile], options: BuildOptions, _ comment: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let report = workspace.diagnostics()
        let expected = Compiler.check(files, options: options).diagnostics
        #expect(report.all.map(\.source) == expected, "\(comment)", sourceLocation: sourceLocation)
        // Grouped by file, in check's order within each file, nothing lost.
        let grouped = report.files.values.reduce(0) { $0 + $1.count } + report.workspace.count
        #expect(grouped == expected.count, "\(comment): grouped", sourceLocation: sourceLocation)
        for (path, diagnostics) in report.files {
            #expect(
                diagnostics.map(\.source) == expected.filter { $0.range?.file == path }, "\(comment): \(path)",
                sourceLocation: sourceLocation)
        }
    }

    @Test func thereAreCases() {
        #expect(Self.examples.count > 100)
        #expect(Self.invalidCases.count >= 10)
    }

    @Test func ruleExamples() {
        for example in Self.examples {
            let workspace = LanguageWorkspace(files: example.files, options: Self.exampleOptions)
            Self.expectSameAsCheck(workspace, example.files, options: Self.exampleOptions, example.name)
        }
    }

    @Test(arguments: invalidCases)
    func invalidFixture(_ name: String) throws {
        var files = try LanguageFixtures.files(in: LanguageFixtures.compilerFixtures.appendingPathComponent("base"))
        for (path, data) in try LanguageFixtures.files(
            in: LanguageFixtures.compilerFixtures.appendingPathComponent("invalid/\(name)"))
        where path != "expected.txt" {
            if path.hasSuffix(".delete") {
                files[String(path.dropLast(".delete".count))] = nil
            } else {
                files[path] = data
            }
        }
        let sources = files.sorted { $0.key < $1.key }.map { SourceFile(path: $0.key, bytes: Array($0.value)) }
        let workspace = LanguageWorkspace(files: sources)
        Self.expectSameAsCheck(workspace, sources, options: BuildOptions(), name)
        #expect(!workspace.diagnostics().all.isEmpty, "\(name) reports something")
    }

    /// Unsaved buffers count, and closing a buffer goes back to the disk's text.
    @Test func buffersOverDisk() {
        let base = LanguageFixtures.base()
        var workspace = LanguageWorkspace(files: base)
        #expect(workspace.diagnostics().all.isEmpty)
        let path = "templates/callback.yaml"
        let edited = LanguageFixtures.text(base, path).replacingOccurrences(of: "sender: team", with: "sender: teem")
        workspace.open(path: path, text: LanguageFixtures.text(base, path))
        #expect(workspace.diagnostics().all.isEmpty)
        workspace.change(path: path, text: edited)
        let changed = base.map { $0.path == path ? SourceFile(path: path, text: edited) : $0 }
        Self.expectSameAsCheck(workspace, changed, options: BuildOptions(), "edited buffer")
        let diagnostic = workspace.diagnostics(path: path).first
        #expect(diagnostic?.help == "did you mean `team`?")
        #expect(diagnostic?.range.start == DocumentPosition(line: 1, character: 8))
        #expect(diagnostic?.fullMessage.contains("help: did you mean `team`?") == true)
        workspace.close(path: path, text: LanguageFixtures.text(base, path))
        #expect(workspace.diagnostics().all.isEmpty)
    }

    /// A note with a range becomes related information in the file it points to.
    @Test func notesAreRelatedInformation() throws {
        let files = try LanguageFixtures.lyon()
        var workspace = LanguageWorkspace(files: files)
        let path = "templates/merci-don.yaml"
        let text = workspace.text(of: path) ?? ""
        // A second template with the same id: the duplicate points at the first definition.
        workspace.open(path: "templates/zz-copie.yaml", text: text)
        let duplicate = workspace.diagnostics(path: "templates/zz-copie.yaml").first { !$0.relatedInformation.isEmpty }
        #expect(duplicate?.relatedInformation.first?.location.path == path)
        #expect(workspace.diagnostics(path: path).allSatisfy { $0.path == path })
    }

    /// A clean workspace has nothing; a workspace-wide diagnostic has no file.
    @Test func workspaceWideDiagnostics() {
        let workspace = LanguageWorkspace(files: LanguageFixtures.base(["automail.yaml": ""]))
        let report = workspace.diagnostics()
        #expect(report.workspace.contains { $0.code == "AM001" && $0.path == nil })
    }

    /// What the loader reports from the disk is shown with the compiler's, as `automail check` merges them.
    @Test func loaderDiagnostics() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "automail-language-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        for file in LanguageFixtures.base() {
            let url = dir.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.bytes).write(to: url)
        }
        try Data("id: x\n".utf8).write(to: dir.appendingPathComponent("templates/extra.yml"))
        let loaded = try WorkspaceLoader.load(root: dir.path)
        #expect(!loaded.diagnostics.isEmpty)
        let workspace = LanguageWorkspace(files: loaded.files, loaderDiagnostics: loaded.diagnostics)
        var bag = DiagnosticBag()
        bag.report(contentsOf: loaded.diagnostics)
        bag.report(contentsOf: Compiler.check(loaded.files).diagnostics)
        #expect(workspace.diagnostics().all.map(\.source) == bag.sorted())
        var cleared = workspace
        cleared.loaderReported([])
        #expect(cleared.diagnostics().all.map(\.source) == Compiler.check(loaded.files).diagnostics)
    }
}
