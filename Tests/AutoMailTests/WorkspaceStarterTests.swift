import AutoMail
import Diagnostics
import Foundation
import Testing

/// The workspace `automail init` writes: whatever its locales, `check` finds nothing but its placeholders
/// (AM508 warnings), `build` refuses them (AM508 errors, no bundle) and builds once they are replaced;
/// the schema copies it carries are the files of `schemas/`.
struct WorkspaceStarterTests {
    static let localeSets: [[String]] = [
        [], ["en"], ["fr"], ["fr", "en"], ["en", "fr", "es", "de", "it", "pt"], ["pt-BR", "nl"], ["ja", "en"],
    ]

    /// The starter's YAML files as a workspace (the schema copies are not workspace files).
    static func files(_ starter: WorkspaceStarter) -> [SourceFile] {
        starter.files.filter { !$0.path.hasPrefix(".") }.map { SourceFile(path: $0.path, bytes: Array($0.text.utf8)) }
    }

    /// The starter's files with its placeholders replaced, as a user does before building.
    static func completed(_ starter: WorkspaceStarter) -> [SourceFile] {
        files(starter).map { file in
            guard file.path == "automail.yaml" else { return file }
            let text = String(decoding: file.bytes, as: UTF8.self)
                .replacingOccurrences(of: WorkspaceStarter.placeholderDomain, with: "riverside-tenants.org")
                .replacingOccurrences(
                    of: WorkspaceStarter.placeholderPostalAddress, with: "12 River Road, Springfield, IL 62701")
            return SourceFile(path: file.path, bytes: Array(text.utf8))
        }
    }

    /// What `check` says of a fresh starter: its two placeholders, as warnings; the placeholder domain
    /// once, with a note at each of its other uses.
    static let placeholderWarnings = [
        "AM508 the sending domain `example.org` is a domain reserved for examples (RFC 2606): no mail reaches it",
        "AM508 the postal address `1 Example Street, Springfield` is the placeholder `automail init` writes",
    ]

    @Test(arguments: localeSets)
    func theStarterChecksWithOnlyItsPlaceholders(_ locales: [String]) throws {
        let starter = try WorkspaceStarter(name: "Riverside Tenants' Union", locales: locales)
        let checked = Compiler.check(Self.files(starter))
        #expect(
            checked.diagnostics.map { "\($0.code) \($0.message)" } == Self.placeholderWarnings, "locales \(locales)")
        #expect(checked.diagnostics.allSatisfy { $0.severity == .warning })
        #expect(
            checked.diagnostics.first?.notes.map(\.message) == [
                "the From address `team@example.org` of sender `team` is at `example.org` too",
                "the Reply-To address `contact@example.org` of sender `team` is at `example.org` too",
                "the privacy URL `https://example.org/privacy` is at `example.org` too",
            ])
        // A build refuses them: no placeholder reaches a contact.
        let built = Compiler.build(Self.files(starter))
        #expect(built.diagnostics.map { "\($0.code) \($0.message)" } == Self.placeholderWarnings)
        #expect(built.diagnostics.allSatisfy { $0.severity == .error })
        #expect(built.bundle == nil)
        // Replaced, the workspace builds clean.
        let completed = Compiler.build(Self.completed(starter))
        #expect(Fixtures.describe(completed.diagnostics) == "", "locales \(locales)")
        #expect(completed.bundle != nil)
    }

    @Test func everyYAMLFileStartsWithAModelineToItsSchemaCopy() throws {
        let starter = try WorkspaceStarter(name: "x")
        for file in starter.files where file.path.hasSuffix(".yaml") {
            let depth = file.path.split(separator: "/").count - 1
            let kind = file.path == "automail.yaml" ? "automail" : String(file.path.split(separator: "/")[0].dropLast())
            let schema = kind == "trigger" ? "triggers" : kind
            let expected =
                "# yaml-language-server: $schema=" + String(repeating: "../", count: depth)
                + ".automail/schemas/\(schema).schema.json\n"
            #expect(file.text.hasPrefix(expected), "\(file.path)")
        }
    }

    /// `scripts/schemas/embed.py` keeps the copies in step with `schemas/`; run it after editing a schema.
    @Test func theSchemaCopiesAreTheSchemaFiles() throws {
        let copies = try WorkspaceStarter(name: "x").files.filter { $0.path.hasPrefix(".automail/schemas/") }
        #expect(
            copies.map(\.path).sorted()
                == ["automail", "questionnaire", "template", "triggers"].map {
                    ".automail/schemas/\($0).schema.json"
                })
        for copy in copies {
            let name = String(copy.path.split(separator: "/").last ?? "")
            let file = try String(
                contentsOf: Fixtures.repositoryRoot.appendingPathComponent("schemas/" + name), encoding: .utf8)
            #expect(copy.text == file, "\(name) differs from schemas/\(name): run `python3 scripts/schemas/embed.py`")
        }
    }

    @Test func idsComeFromTheName() throws {
        #expect(try WorkspaceStarter(name: "  Lyon en commun 2026 ").id == "lyon-en-commun-2026")
        #expect(try WorkspaceStarter(name: "Zürich für alle!").id == "zurich-fur-alle")
        #expect(try WorkspaceStarter(name: "Élan—Ça va").id == "elan-ca-va")
        #expect(try WorkspaceStarter(name: "日本").id == "campaign")
        #expect(try WorkspaceStarter(name: String(repeating: "a", count: 100)).id.count == 64)
    }

    @Test func badOptionsAreRefused() {
        #expect(throws: WorkspaceStarter.Problem.self) { try WorkspaceStarter(name: "x", locales: ["english"]) }
        #expect(throws: WorkspaceStarter.Problem.self) { try WorkspaceStarter(name: "x", locales: ["fr", "fr"]) }
        #expect(throws: WorkspaceStarter.Problem.self) { try WorkspaceStarter(name: " ") }
        #expect(throws: WorkspaceStarter.Problem.self) { try WorkspaceStarter(name: "a\nb") }
    }

    /// A name YAML would read as something else, or that needs quoting, is quoted.
    @Test func awkwardNamesStayStrings() throws {
        for name in ["yes", "No", "null", "Tenants: united", "#1 union", "O'Brien & co", "{x}", "- dash"] {
            let starter = try WorkspaceStarter(name: name)
            let result = Compiler.build(Self.completed(starter))
            #expect(Fixtures.describe(result.diagnostics) == "", "\(name)")
            #expect(result.bundleContent?["workspace"]?["name"] == .string(name), "\(name)")
        }
    }
}

extension WorkspaceStarterTests {
    /// The written files validate against the schemas, as an editor would check them.
    @Test func theStarterValidatesAgainstTheSchemas() throws {
        let starter = try WorkspaceStarter(name: "Riverside", locales: ["en", "es"])
        let folder = try Fixtures.materialize(
            Dictionary(uniqueKeysWithValues: starter.files.map { ($0.path, Data($0.text.utf8)) }))
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try Python.validate(["--workspace", folder.path])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.hasSuffix(" passed, 0 failed\n"), "\(run.output)")
    }
}
