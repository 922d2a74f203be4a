import AutoMail
import Diagnostics
import Foundation
import TestSupport
import Testing

/// A ``CompilationSession`` keeps each template's per-template diagnostics between checks
/// (`TemplateResults`): after any sequence of edits it reports exactly what `Compiler.check` reports on
/// the same files (the definition), and it runs the per-template rules on the templates whose file
/// changed, on every template when the manifest changed, on none when a trigger, a questionnaire or a
/// layout changed.
@Suite struct SessionTemplateReuseTests {
    /// The Lyon example with a custom layout (so that edits reach a layout too).
    static func lyon() throws -> [String: String] {
        var files: [String: String] = [:]
        for file in try ExampleBundleTests.load("lyon-municipales") {
            files[file.path] = String(decoding: file.bytes, as: UTF8.self)
        }
        files["automail.yaml"] = "layout: layouts/email.html\n" + (files["automail.yaml"] ?? "")
        files["layouts/email.html"] = """
            <body style="margin:0">
            <p class="brand">{{ workspace.name }}</p>
            {{ content }}
            <div class="legal">{{ footer }}</div>
            </body>

            """
        return files
    }

    /// A workspace of the property tests' generator.
    static func generated(seed: UInt64) -> [String: String] {
        var generator = WorkspaceGenerator(seed: seed)
        return generator.workspace().files
    }

    static func sources(_ files: [String: String]) -> [SourceFile] {
        files.map { SourceFile(path: $0.key, text: $0.value) }
    }

    /// What an edit may insert: Liquid and Markdown errors, suppression comments (valid, unknown,
    /// misspelt, stale), YAML syntax, multi-byte characters.
    static let snippets = [
        "{{ contact.nope }}", "{% if contact.firstname %}", "{% endif %}", "<b>bold</b>", "![](https://x.fr/a.png)",
        "# automail: ignore AM611 — decorative", "# automail: ignore AM703, AM614 — kept",
        "# automail: ignore AM999 — unknown", "# automail: ignroe AM611 - misspelt", "[link](javascript:x)",
        "{{ contact.firstname | nope }}", "{% case contact.x %}", "key: value", "- item", "\t", "é", ":", "{%",
        "}}", "\"", "'", "locales:", "  fr:", "subject: ''",
    ]
    static let characters: [Character] = ["x", " ", "\n", ":", "-", "#", "{", "}", "%", "é", "\"", "|", ">", "<", "a"]

    /// A random edit of `files` (of `original`'s): a character changed, inserted or deleted; a line
    /// inserted (indented as the line it goes before); a file restored, added (a copy of a template) or
    /// removed. Returns the path edited.
    static func edit(
        _ files: inout [String: String], original: [String: String], random: inout SplitMix64, step: Int
    ) -> String {
        let paths = files.keys.sorted()
        func pick(_ prefix: String) -> String? {
            let among = paths.filter { $0.hasPrefix(prefix) }
            return among.isEmpty ? nil : among[random.next(among.count)]
        }
        let roll = random.next(100)
        let path: String
        switch roll {
        case 0..<45: path = pick("templates/") ?? "automail.yaml"
        case 45..<60: path = pick("triggers/") ?? "automail.yaml"
        case 60..<72: path = "automail.yaml"
        case 72..<82: path = pick("questionnaires/") ?? "automail.yaml"
        case 82..<87: path = pick("layouts/") ?? "automail.yaml"
        case 87..<91:
            // A copy of a template: the same id (a duplicate), or its own.
            guard let source = pick("templates/"), let text = files[source] else { return "automail.yaml" }
            let copy = "templates/zz-copy-\(step).yaml"
            files[copy] =
                random.next(2) == 0 ? text : text.replacingOccurrences(of: "id: ", with: "id: copy\(step)-")
            return copy
        case 91..<93:
            // A file removed (the manifest too, rarely: it comes back when restored).
            guard let removed = random.next(6) == 0 ? "automail.yaml" : pick("t") else { return "automail.yaml" }
            files[removed] = nil
            return removed
        default:
            // A file back to what it was (an error fixed, a removed file back).
            let candidates = original.keys.sorted().filter { files[$0] != original[$0] }
            guard !candidates.isEmpty else { return "automail.yaml" }
            let restored = candidates[random.next(candidates.count)]
            files[restored] = original[restored]
            return restored
        }
        guard var text = files[path] else {
            files[path] = original[path]
            return path
        }
        var scalars = Array(text)
        switch random.next(4) {
        case 0 where !scalars.isEmpty: scalars[random.next(scalars.count)] = characters[random.next(characters.count)]
        case 1: scalars.insert(characters[random.next(characters.count)], at: random.next(scalars.count + 1))
        case 2 where !scalars.isEmpty: scalars.remove(at: random.next(scalars.count))
        default:
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let at = random.next(lines.count)
            let indent = lines[at].prefix { $0 == " " }
            lines.insert(indent + snippets[random.next(snippets.count)], at: at)
            text = lines.joined(separator: "\n")
            files[path] = text
            return path
        }
        files[path] = String(scalars)
        return path
    }

    /// Random edits to `original`, each followed by a session's check and a check from scratch of the
    /// same files: the same diagnostics and suppressions every time, and the per-template rules run on
    /// no more templates than the edit can have changed.
    static func walk(_ original: [String: String], seed: UInt64, steps: Int, options: BuildOptions, _ name: String) {
        var random = SplitMix64(state: seed)
        var files = original
        var session = CompilationSession(files: sources(files), options: options)
        var expected = Compiler.check(sources(files), options: options)
        var found = session.check()
        #expect(found.diagnostics == expected.diagnostics, "\(name): opened")
        #expect(session.templatesChecked == session.workspace.templates.count)
        for step in 0..<steps {
            let before = files
            let path = edit(&files, original: original, random: &random, step: step)
            if let text = files[path] {
                session.update(file: SourceFile(path: path, text: text))
            } else {
                session.remove(path: path)
            }
            let checked = session.templatesChecked
            found = session.check()
            expected = Compiler.check(sources(files), options: options)
            let what = "\(name), step \(step), \(path)"
            #expect(found.diagnostics == expected.diagnostics, "\(what): diagnostics")
            #expect(found.suppressed == expected.suppressed, "\(what): suppressed")
            let ran = session.templatesChecked - checked
            if before[path] == files[path] {
                #expect(ran == 0, "\(what): nothing changed, \(ran) templates checked")
            } else if path == "automail.yaml" {
                #expect(ran == session.workspace.templates.count, "\(what): the manifest changed, \(ran) checked")
            } else if path.hasPrefix("templates/") {
                #expect(ran <= 1, "\(what): one template changed, \(ran) checked")
            } else {
                #expect(ran == 0, "\(what): no template changed, \(ran) checked")
            }
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func randomEditsOfLyon(_ seed: UInt64) throws {
        var options = CompilationSessionTests.exampleOptions
        options.parallelism = seed == 2 ? 2 : 1
        Self.walk(try Self.lyon(), seed: seed, steps: 40, options: options, "lyon, seed \(seed)")
    }

    @Test(arguments: [11, 12] as [UInt64])
    func randomEditsOfAGeneratedWorkspace(_ seed: UInt64) {
        Self.walk(
            Self.generated(seed: seed), seed: seed, steps: 40, options: CompilationSessionTests.exampleOptions,
            "generated, seed \(seed)")
    }

    /// The operation counts on Lyon: one template edited, one template checked; the manifest, all;
    /// a trigger, a questionnaire, the layout, none; new options, all.
    @Test func oneTemplateEditChecksOneTemplate() throws {
        let files = try Self.lyon()
        var session = CompilationSession(files: Self.sources(files), options: CompilationSessionTests.exampleOptions)
        #expect(session.templatesChecked == 0)
        _ = session.check()
        let all = session.workspace.templates.count
        #expect(all == 8)
        #expect(session.templatesChecked == all)
        func edited(_ path: String, _ change: (String) -> String) throws -> Int {
            let text = try #require(files[path])
            let before = session.templatesChecked
            session.update(file: SourceFile(path: path, text: change(text)))
            _ = session.check()
            return session.templatesChecked - before
        }
        #expect(
            try edited("templates/merci-don.yaml") { $0.replacingOccurrences(of: "merci !", with: "merci !!") } == 1)
        #expect(try edited("templates/merci-don.yaml") { $0 } == 1, "back to the original: checked again")
        #expect(try edited("templates/merci-don.yaml") { $0 } == 0, "the same bytes: not checked")
        #expect(try edited("triggers/porte-a-porte.yaml") { $0 + "\n" } == 0)
        #expect(try edited("questionnaires/porte-a-porte.yaml") { $0 + "\n" } == 0)
        #expect(try edited("layouts/email.html") { $0 + "<!-- -->\n" } == 0)
        #expect(try edited("automail.yaml") { $0 + "\n" } == all)
        #expect(try edited("automail.yaml") { $0 + "\n" } == 0, "the same manifest: nothing checked")
        session.remove(path: "templates/appel-don.yaml")
        var before = session.templatesChecked
        _ = session.check()
        #expect(session.templatesChecked == before, "a template removed: nothing checked")
        session.options.parallelism = 2
        before = session.templatesChecked
        _ = session.check()
        #expect(session.templatesChecked - before == all - 1, "new options: every template checked")
    }

    /// Counts the times it is asked, and answers `true` from the `limit`-th time on.
    final class Canceller: @unchecked Sendable {
        private let lock = NSLock()
        private var asked = 0
        let limit: Int
        init(after limit: Int) { self.limit = limit }
        func isCancelled() -> Bool {
            lock.lock()
            defer { lock.unlock() }
            asked += 1
            return asked > limit
        }
    }

    /// A check cancelled after three templates gives no result and keeps what it checked; the next check
    /// checks the others only, and reports what `Compiler.check` reports.
    @Test(arguments: [1, 2])
    func aCancelledCheckKeepsTheTemplatesItChecked(_ parallelism: Int) throws {
        var files = try Self.lyon()
        var options = CompilationSessionTests.exampleOptions
        options.parallelism = parallelism
        var session = CompilationSession(files: Self.sources(files), options: options)
        let canceller = Canceller(after: 3)
        #expect(session.check(cancelledIf: { canceller.isCancelled() }) == nil)
        let all = session.workspace.templates.count
        #expect(session.templatesChecked == 3)
        let checked = session.check(cancelledIf: { false })
        let result = try #require(checked)
        #expect(session.templatesChecked == all)
        #expect(result.diagnostics == Compiler.check(Self.sources(files), options: options).diagnostics)
        // Cancelled at once after a manifest edit: nothing checked, then everything.
        files["automail.yaml"] = (files["automail.yaml"] ?? "") + "\n"
        session.update(file: SourceFile(path: "automail.yaml", text: files["automail.yaml"] ?? ""))
        #expect(session.check(cancelledIf: { true }) == nil)
        #expect(session.templatesChecked == all)
        #expect(session.check().diagnostics == Compiler.check(Self.sources(files), options: options).diagnostics)
        #expect(session.templatesChecked == 2 * all)
    }
}
