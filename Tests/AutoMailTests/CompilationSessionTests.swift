import AutoMail
import Diagnostics
import Foundation
import Testing

/// A ``CompilationSession`` (what an editor server keeps between edits) reports exactly what
/// `Compiler.check` reports on the same files, and parses again only the files that changed.
@Suite struct CompilationSessionTests {
    static var exampleOptions: BuildOptions {
        var options = BuildOptions()
        options.referenceTime = RuleCatalog.exampleReferenceTime
        return options
    }

    /// `files` as the compiler takes them.
    static func sources(_ files: [String: String]) -> [SourceFile] {
        files.map { SourceFile(path: $0.key, text: $0.value) }
    }

    /// The workspace YAML files among `paths`: what a session parses (layouts are read whole, and a file
    /// the workspace does not read is never parsed).
    static func yamlCount(_ paths: some Sequence<String>) -> Int {
        paths.filter { path in
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            return path == "automail.yaml"
                || (parts.count == 2 && WorkspaceLoader.folders.contains(String(parts[0]))
                    && parts[1].hasSuffix(".yaml"))
        }.count
    }

    /// Records an issue unless `session` reports what `Compiler.check` reports for `files`.
    static func expectSameAsCheck(
        _ session: inout CompilationSession, _ files: [SourceFile], _ comment: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let incremental = session.check()
        let whole = Compiler.check(files, options: session.options)
        #expect(incremental.diagnostics == whole.diagnostics, "\(comment): diagnostics", sourceLocation: sourceLocation)
        #expect(incremental.suppressed == whole.suppressed, "\(comment): suppressed", sourceLocation: sourceLocation)
    }

    @Test(arguments: RuleExampleTests.runnableExamples)
    func ruleExample(_ testCase: ExampleCase) throws {
        let files = Self.sources(try Overlay(testCase.example).files)
        var session = CompilationSession(files: files, options: Self.exampleOptions)
        Self.expectSameAsCheck(&session, files, testCase.testDescription)
        #expect(session.filesParsed == Self.yamlCount(files.map(\.path)))
        // Nothing changed: nothing parsed again, the same diagnostics.
        Self.expectSameAsCheck(&session, files, testCase.testDescription + " (again)")
        #expect(session.filesParsed == Self.yamlCount(files.map(\.path)))
    }

    @Test(arguments: InvalidWorkspaceTests.cases)
    func invalidFixture(_ name: String) throws {
        var files = try Fixtures.files(in: Fixtures.root.appendingPathComponent("base"))
        for (path, data) in try Fixtures.files(in: Fixtures.root.appendingPathComponent("invalid/\(name)"))
        where path != "expected.txt" {
            if path.hasSuffix(".delete") {
                files[String(path.dropLast(".delete".count))] = nil
            } else {
                files[path] = data
            }
        }
        let dir = try Fixtures.materialize(files)
        defer { try? FileManager.default.removeItem(at: dir) }
        let loaded = try WorkspaceLoader.load(root: dir.path)
        var session = CompilationSession(files: loaded.files)
        Self.expectSameAsCheck(&session, loaded.files, name)
        #expect(session.check().hasErrors)
    }

    /// One session walks from the base workspace through every rule example and back, edit after edit:
    /// after each, it reports what a check from scratch reports, having parsed only the files edited.
    @Test func sequenceOfEdits() throws {
        let base = RuleCatalog.baseWorkspace
        var session = CompilationSession(files: Self.sources(base), options: Self.exampleOptions)
        Self.expectSameAsCheck(&session, Self.sources(base), "base")
        var current = base
        for testCase in RuleExampleTests.runnableExamples {
            let next = try Overlay(testCase.example).files
            var edited = Set<String>()
            for (path, text) in next where current[path] != text {
                session.update(file: SourceFile(path: path, text: text))
                edited.insert(path)
            }
            for path in current.keys where next[path] == nil {
                session.remove(path: path)
            }
            let before = session.filesParsed
            Self.expectSameAsCheck(&session, Self.sources(next), testCase.testDescription)
            #expect(
                session.filesParsed - before == Self.yamlCount(edited),
                "\(testCase.testDescription): parsed \(session.filesParsed - before) files, \(edited.count) edited")
            #expect(session.paths == next.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            current = next
        }
    }

    @Test func oneEditParsesOneFile() throws {
        let base = RuleCatalog.baseWorkspace
        var session = CompilationSession(files: Self.sources(base))
        #expect(session.filesParsed == 0, "nothing is parsed before the first check")
        #expect(!session.check().hasErrors)
        let all = Self.yamlCount(base.keys)
        #expect(session.filesParsed == all)

        // One template edited: one file parsed again.
        let path = try #require(base.keys.sorted().first { $0.hasPrefix("templates/") })
        let text = try #require(base[path])
        let edited = text + "# edited\n"
        session.update(file: SourceFile(path: path, text: edited))
        var files = base
        files[path] = edited
        Self.expectSameAsCheck(&session, Self.sources(files), "edited \(path)")
        #expect(session.filesParsed == all + 1)

        // The same bytes again: nothing parsed.
        session.update(file: SourceFile(path: path, text: edited))
        _ = session.check()
        #expect(session.filesParsed == all + 1)

        // Back to the original: one file parsed, and the workspace is clean again.
        session.update(file: SourceFile(path: path, text: text))
        #expect(!session.check().hasErrors)
        #expect(session.filesParsed == all + 2)

        // A file removed: nothing parsed, and the diagnostics are a check's without it.
        session.remove(path: path)
        files[path] = nil
        Self.expectSameAsCheck(&session, Self.sources(files), "removed \(path)")
        #expect(session.filesParsed == all + 2)
    }
}
