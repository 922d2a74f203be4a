import AutoMail
import AutomailReview
import BundleFormat
import Foundation
import Testing

/// `BundleDiff` on fixture pairs of `Fixtures/diff/`, with the expected reports of every format in
/// `Fixtures/diff/expected/` (`RECORD_SNAPSHOTS=1` re-records them on purpose):
/// - `lyon-before` → `lyon-after`: the Lyon example changed the way a pull request would: a subject
///   reworded in one locale, a body edited, a trigger retargeted with a new priority, a new template
///   and its trigger, a trigger removed, a reply-to and the legal postal address changed;
/// - `lyon-fr-only` → `lyon-before`: English added to a French-only workspace (a locale added to every
///   template, the legal values of the new locale).
struct BundleDiffTests {
    static let folder = Fixtures.root.appendingPathComponent("diff")
    static let expected = folder.appendingPathComponent("expected")

    /// The pairs, and the stem of their expected files.
    static let pairs: [(old: String, new: String, stem: String)] = [
        ("lyon-before", "lyon-after", "lyon"),
        ("lyon-fr-only", "lyon-before", "lyon-english"),
    ]

    /// The bundle content of a fixture workspace, compiled in memory.
    static func content(_ name: String) throws -> JSONValue {
        let loaded = try WorkspaceLoader.load(root: folder.appendingPathComponent(name).path)
        let result = Compiler.build(loaded.files)
        return try #require(result.bundleContent, "`\(name)` does not build:\n\(Fixtures.describe(result.diagnostics))")
    }

    static func diff(_ old: String, _ new: String) throws -> BundleDiff {
        try BundleDiff.compare(
            old: content(old), new: content(new), oldSource: BundleDiff.Source(kind: .workspace, name: old),
            newSource: BundleDiff.Source(kind: .workspace, name: new))
    }

    /// The expected report `name`, or records it when recording.
    static func expect(_ actual: String, matches name: String, sourceLocation: SourceLocation = #_sourceLocation) throws
    {
        let url = expected.appendingPathComponent(name)
        if Fixtures.recording {
            try FileManager.default.createDirectory(at: expected, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            return
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == golden, "\(name) differs; RECORD_SNAPSHOTS=1 re-records it", sourceLocation: sourceLocation)
    }

    @Test(arguments: pairs.map(\.stem))
    func reportsMatchTheExpectedOnes(_ stem: String) throws {
        let pair = try #require(Self.pairs.first { $0.stem == stem })
        let diff = try Self.diff(pair.old, pair.new)
        try Self.expect(DiffHumanRenderer(useColor: false).render(diff), matches: "\(stem).human.txt")
        try Self.expect(DiffMarkdownRenderer().render(diff), matches: "\(stem).md")
        try Self.expect(String(decoding: DiffJSONRenderer.render(diff), as: UTF8.self), matches: "\(stem).json")
    }

    /// What the Lyon pull request changes, read off the value (the reports are checked above).
    @Test func theLyonChangesAreFoundAndNothingElse() throws {
        let diff = try Self.diff("lyon-before", "lyon-after")
        #expect(
            diff.triggers.map { "\($0.kind.rawValue) \($0.id) \($0.changedFields)" } == [
                "changed niveau-indecis [\"template\", \"priority\"]",
                "added pap-sujet-logement []",
                "removed phoning-don-plus-tard []",
            ])
        // The text part holds `legal.*` as words (format 2, wrapped on what the contact reads): the new
        // postal address changes the text part of every template, and only that in the ones the pull
        // request did not touch.
        #expect(
            diff.templates.map { "\($0.kind.rawValue) \($0.id)" } == [
                "changed appel-don", "changed bienvenue-benevole", "changed confirmation-reunion",
                "changed invitation-reunion",
                "changed merci-don", "changed merci-soutien", "changed procuration", "changed programme-indecis",
                "added programme-logement",
            ])
        let merci = try #require(diff.templates.first { $0.id == "merci-soutien" })
        #expect(merci.locales.map(\.locale) == ["fr", "en"])
        #expect(
            merci.locales.allSatisfy { $0.htmlChanged == false },
            "the subject in <title> and a global value do not change the HTML template")
        let untouched = diff.templates.filter {
            !["merci-soutien", "programme-indecis", "programme-logement"].contains($0.id)
        }
        #expect(untouched.allSatisfy { $0.locales.allSatisfy { $0.text != nil && $0.htmlChanged == false } })
        #expect(
            diff.senders.map(\.fields) == [
                [
                    BundleDiff.FieldChange(
                        field: "reply_to", old: "contact@lyon-en-commun.fr", new: "benevoles@lyon-en-commun.fr")
                ]
            ])
        #expect(diff.globals.map { "\($0.key) \($0.locales)" } == ["legal.postal_address [\"fr\", \"en\"]"])
        #expect(diff.defaultSender == nil && diff.variables.isEmpty && diff.other.isEmpty && diff.warnings.isEmpty)
        #expect(diff.summary.total == 14)
    }

    @Test func aWorkspaceAgainstItselfHasNoChange() throws {
        let diff = try Self.diff("lyon-before", "lyon-before")
        #expect(diff.isEmpty)
        #expect(DiffHumanRenderer(useColor: false).render(diff).contains("No change in what is sent"))
        #expect(DiffMarkdownRenderer().render(diff).contains("## automail diff: no change in what is sent"))
    }

    /// A bundle read back from its bytes compares equal to the compiled content, and a changed byte
    /// of content is caught by the digest.
    @Test func bundleFilesCarryTheirDigest() throws {
        let loaded = try WorkspaceLoader.load(root: Self.folder.appendingPathComponent("lyon-before").path)
        let bytes = try #require(Compiler.build(loaded.files, options: BuildOptions(revision: "0123abc")).bundle)
        let read = try ReadBundle.read(bytes)
        #expect(read.digestStatus == .matches)
        let diff = try BundleDiff.compare(
            old: read.content, new: Self.content("lyon-before"),
            oldSource: BundleDiff.Source(bundle: "old.json", read: read),
            newSource: BundleDiff.Source(kind: .workspace, name: "lyon-before"))
        #expect(diff.isEmpty, "the revision and digest are provenance, not content")

        let tampered = String(decoding: bytes, as: UTF8.self)
            .replacingOccurrences(of: "contact@lyon-en-commun.fr", with: "attacker@example.net")
        let changed = try ReadBundle.read(Array(tampered.utf8))
        #expect(changed.digestStatus == .mismatch)
        let warned = try BundleDiff.compare(
            old: read.content, new: changed.content, oldSource: BundleDiff.Source(bundle: "old.json", read: read),
            newSource: BundleDiff.Source(bundle: "new.json", read: changed))
        #expect(warned.warnings == [.digestMismatch(source: "new.json")])
        #expect(
            DiffHumanRenderer(useColor: false).render(warned).contains(
                "warning: the digest of `new.json` does not match its content: the file was changed after it was built")
        )
        #expect(warned.senders.first?.fields.first?.new == "attacker@example.net")
    }

    @Test func unreadableBundlesSayWhereAndWhy() throws {
        #expect(throws: BundleReadError(path: "", message: "a bundle is a JSON object, this is not one")) {
            try ReadBundle.read(Array("[1]".utf8))
        }
        #expect(throws: BundleReadError.self) { try ReadBundle.read(Array("{\"a\": 1, \"a\": 2}".utf8)) }
        var content = try Self.content("lyon-before")
        content = Self.replacing(content, at: ["format"], with: .int(3))
        let source = BundleDiff.Source(kind: .bundle, name: "x.json")
        #expect(
            throws: BundleDiff.ReadFailure(
                side: .new,
                error: BundleReadError(
                    path: "format", message: "bundle format 3 is not one this automail reads (formats 1 to 2)"))
        ) {
            try BundleDiff.compare(old: Self.content("lyon-before"), new: content, oldSource: source, newSource: source)
        }
        let broken = Self.replacing(
            try Self.content("lyon-before"), at: ["templates", "appel-don", "locales", "fr", "subject"], with: .int(3))
        #expect(
            throws: BundleDiff.ReadFailure(
                side: .old,
                error: BundleReadError(
                    path: "templates.appel-don.locales.fr.subject", message: "expected a string, found a number"))
        ) {
            try BundleDiff.compare(old: broken, new: Self.content("lyon-before"), oldSource: source, newSource: source)
        }
    }

    /// The reader's problems in the diff's words: a dotted path, the missing member's own, `missing`.
    @Test func aMissingMemberIsNamedByItsOwnPath() throws {
        guard case .object(var members) = try Self.content("lyon-before"),
            case .object(var templates)? = members["templates"], case .object(var template)? = templates["appel-don"]
        else { throw BundleReadError(path: "", message: "not a bundle") }
        template["sender"] = nil
        templates["appel-don"] = .object(template)
        members["templates"] = .object(templates)
        let source = BundleDiff.Source(kind: .bundle, name: "x.json")
        #expect(
            throws: BundleDiff.ReadFailure(
                side: .new, error: BundleReadError(path: "templates.appel-don.sender", message: "missing"))
        ) {
            try BundleDiff.compare(
                old: Self.content("lyon-before"), new: .object(members), oldSource: source, newSource: source)
        }
    }

    /// A deployed bundle of format 1 (no `timing`, no timing member in an action) compares with a new
    /// build: the timing settings show as added, and nothing else changes.
    @Test func aFormatOneBundleComparesWithANewBuild() throws {
        let new = try Self.content("lyon-before")
        guard case .object(var members) = new, case .object(let triggers)? = members["triggers"] else {
            throw BundleReadError(path: "", message: "not a bundle")
        }
        members["format"] = .int(1)
        members["timing"] = nil
        members["triggers"] = .object(
            triggers.mapValues { actions in
                guard case .array(let items) = actions else { return actions }
                return .array(
                    items.map { item in
                        guard case .object(var action) = item else { return item }
                        for key in ["quiet_hours", "blackouts", "frequency_cap"] { action[key] = nil }
                        return .object(action)
                    })
            })
        let source = BundleDiff.Source(kind: .bundle, name: "x.json")
        let diff = try BundleDiff.compare(old: .object(members), new: new, oldSource: source, newSource: source)
        #expect(diff.triggers.isEmpty && diff.templates.isEmpty && diff.senders.isEmpty)
        #expect(diff.other.contains { $0.path == "timing.time_zone" && $0.old == nil && $0.new == .string("UTC") })
        #expect(diff.other.allSatisfy { $0.old == nil && $0.path.hasPrefix("timing.") }, "\(diff.other.map(\.path))")
    }

    /// Members the diff does not model are still compared, and a trigger id repeated in a hand-made
    /// bundle is kept apart instead of hiding one of its actions.
    @Test func unmodelledMembersAndRepeatedTriggerIDsAreReported() throws {
        let old = try Self.content("lyon-before")
        var new = Self.replacing(old, at: ["rendering", "engine"], with: .string("handlebars"))
        new = Self.replacing(new, at: ["extra"], with: .array([.int(1)]))
        let action: JSONValue = .object([
            "trigger": .string("niveau-indecis"), "template": .string("appel-don"), "priority": .int(1),
            "delay_seconds": .int(0),
        ])
        new = Self.replacing(new, at: ["triggers", "task:rappeler"], with: .array([action]))
        let source = BundleDiff.Source(kind: .bundle, name: "x.json")
        let diff = try BundleDiff.compare(old: old, new: new, oldSource: source, newSource: source)
        #expect(diff.other.map(\.path) == ["extra", "rendering.engine"])
        #expect(diff.triggers.map(\.id) == ["niveau-indecis (2)"])
        #expect(diff.triggers.first?.new?.event == "task:rappeler")
    }

    /// Contact-facing text cannot break the Markdown comment: a subject and a body holding backticks,
    /// fences, `|`, HTML, a mention, an issue reference, a link and emphasis are rendered by GitHub's
    /// own Markdown reader (cmark-gfm) as literal code, and the comment's structure is unchanged.
    @Test func hostileTextStaysLiteralInTheMarkdownComment() throws {
        let old = try Self.content("lyon-before")
        let subject = "Hi `there` ``` | <script>alert(1)</script> @octocat #12 [x](https://evil.example) **bold** ~~s~~"
        var new = Self.replacing(
            old, at: ["templates", "merci-soutien", "locales", "fr", "subject"], with: .string(subject))
        let text = "````\n</details>\n<img src=x onerror=alert(1)>\n| a | b |\n@octocat\n# Heading\n"
        new = Self.replacing(new, at: ["templates", "merci-soutien", "locales", "fr", "text"], with: .string(text))
        new = Self.replacing(new, at: ["senders", "equipe", "from", "name"], with: .string("`Team` <b>@octocat</b> |"))
        let source = BundleDiff.Source(kind: .bundle, name: "`odd` <name>.json")
        let diff = try BundleDiff.compare(old: old, new: new, oldSource: source, newSource: source)
        let markdown = DiffMarkdownRenderer().render(diff)
        let html = try Self.githubHTML(markdown)
        #expect(!html.contains("<script"), "\(html)")
        #expect(!html.contains("<img"), "\(html)")
        #expect(!html.contains("<b>"), "\(html)")
        #expect(!html.contains("evil.example\""), "\(html)")
        #expect(!html.contains("<del>"), "\(html)")
        #expect(!html.contains("<h1"), "\(html)")
        #expect(!html.contains("<strong>bold"), "\(html)")
        #expect(html.components(separatedBy: "<details>").count == html.components(separatedBy: "</details>").count)
        #expect(html.components(separatedBy: "<table>").count == 2, "only the summary table")
        #expect(html.contains(Self.escapeHTML("+ " + subject)), "the new subject, whole, in the diff block")
        #expect(html.contains(Self.escapeHTML("+</details>")), "the text's own `</details>` stays text")
        #expect(html.contains("<code>`Team` &lt;b&gt;@octocat&lt;/b&gt; |</code>"), "\(html)")
    }

    /// The JSON report of every pair, and of a diff with warnings and unmodelled members, validates
    /// against `schemas/diff.schema.json` (itself a valid draft-07 schema).
    @Test func jsonReportsValidateAgainstTheSchema() throws {
        var documents = try Self.pairs.map { try Self.diff($0.old, $0.new) }
        let old = try Self.content("lyon-before")
        let new = Self.replacing(old, at: ["rendering", "engine"], with: .string("other"))
        var odd = try BundleDiff.compare(
            old: old, new: new,
            oldSource: BundleDiff.Source(kind: .revision, name: "main", commit: String(repeating: "ab", count: 20)),
            newSource: BundleDiff.Source(kind: .bundle, name: "b.json"))
        odd.new.digestStatus = .mismatch
        odd.new.digest = "sha256:00"
        odd.warnings = [.digestMismatch(source: "b.json")]
        documents.append(odd)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "automail-diff-json-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var paths: [String] = []
        for (index, diff) in documents.enumerated() {
            let url = folder.appendingPathComponent("\(index).json")
            try Data(DiffJSONRenderer.render(diff)).write(to: url)
            paths.append(url.path)
        }
        let script = """
            import json, sys
            import jsonschema
            schema = json.load(open("schemas/diff.schema.json", encoding="utf-8"))
            jsonschema.Draft7Validator.check_schema(schema)
            validator = jsonschema.Draft7Validator(schema)
            failed = 0
            for path in sys.argv[1:]:
                for error in validator.iter_errors(json.load(open(path, encoding="utf-8"))):
                    failed += 1
                    print(path, list(error.absolute_path), error.message)
            print(f"{len(sys.argv) - 1 - failed} passed, {failed} failed")
            sys.exit(1 if failed else 0)
            """
        let run = try Python.run(["-c", script] + paths)
        #expect(run.status == 0, "\(run.output)")
    }

    // MARK: Helpers

    /// `value` with the member at `path` set to `member`.
    static func replacing(_ value: JSONValue, at path: [String], with member: JSONValue) -> JSONValue {
        guard let key = path.first, case .object(var members) = value else { return member }
        members[key] = replacing(members[key] ?? .null, at: Array(path.dropFirst()), with: member)
        return .object(members)
    }

    static func escapeHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// `markdown` as GitHub renders it (cmark-gfm with GitHub's extensions, raw HTML passed through so
    /// that any HTML the comment let through would show). Needs the Python package `cmarkgfm`, which
    /// scripts/test.sh installs.
    static func githubHTML(_ markdown: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("automail-md-\(UUID().uuidString).md")
        try Data(markdown.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let script = """
            import sys
            try:
                import cmarkgfm
                from cmarkgfm.cmark import Options
            except ImportError:
                sys.exit("python3 lacks cmarkgfm: run scripts/test.sh, or pip install cmarkgfm")
            text = open(sys.argv[1], encoding="utf-8").read()
            sys.stdout.write(cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE))
            """
        let run = try Python.run(["-c", script, url.path])
        try #require(run.status == 0, "\(run.output)")
        return run.output
    }
}
