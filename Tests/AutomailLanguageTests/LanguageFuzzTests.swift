import AutoMail
import AutomailLanguage
import Diagnostics
import Testing

/// No content and no position makes the language service crash or answer outside the documents:
/// random edits (hostile snippets, positions out of range) to open buffers, and after each, every
/// feature at random positions. Seeded, so a failure replays.
@Suite struct LanguageFuzzTests {
    /// SplitMix64: a small deterministic generator.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let snippets = [
        "{{", "}}", "{%", "%}", "{{ contact.", "{% if contact.", " | ", ":", ": ", "- ", "\n", "\r\n", "\r", "\t", "\"",
        "'", "|", "|-\n", ">", "#", " # automail: ignore AM703 — x", "template: ", "answer: ", "porte-a-porte/", "/",
        "é", "😀", "\u{FEFF}", "\u{202E}", "\0", "[", "]", "{", "}", "&a", "*a", "!!str ", "---\n", "...", "  ",
        "id: ", "locales:\n  ", "legal.publisher", "contact.quartier", "merci-soutien", "fr:", "en:\n", "é😀é",
    ]

    /// A position anywhere, often inside the document, sometimes far outside it.
    static func position(_ text: String, _ random: inout Generator) -> DocumentPosition {
        let lines = LineIndex(text)
        switch Int.random(in: 0..<10, using: &random) {
        case 0:
            return DocumentPosition(
                line: Int.random(in: -3...3, using: &random), character: Int.random(in: -3...3, using: &random))
        case 1:
            return DocumentPosition(
                line: Int.random(in: 0...1_000_000, using: &random),
                character: Int.random(in: 0...Int(Int32.max), using: &random))
        default:
            let line = Int.random(in: 0..<lines.count, using: &random)
            let width = lines.text(ofLine: line).utf16.count
            return DocumentPosition(line: line, character: Int.random(in: 0...(width + 1), using: &random))
        }
    }

    static func expectInside(_ location: DocumentLocation, _ workspace: LanguageWorkspace, _ what: String) {
        guard let text = workspace.text(of: location.path) else { return }
        let lines = LineIndex(text)
        #expect(lines.clamp(location.range.start) == location.range.start, "\(what): \(location)")
        #expect(lines.clamp(location.range.end) == location.range.end, "\(what): \(location)")
    }

    /// Calls every feature at `location`; checks what comes back lies in the documents.
    static func exercise(_ workspace: LanguageWorkspace, at location: DocumentLocation, random: inout Generator) {
        let report = workspace.diagnostics()
        for diagnostic in report.all.prefix(5) {
            if let path = diagnostic.path {
                expectInside(DocumentLocation(path: path, range: diagnostic.range), workspace, "diagnostic")
            }
            for action in workspace.codeActions(for: diagnostic) {
                for (path, edits) in action.edit.changes {
                    for edit in edits {
                        expectInside(DocumentLocation(path: path, range: edit.range), workspace, "action")
                    }
                }
            }
        }
        for found in workspace.definition(at: location) + workspace.references(at: location) {
            expectInside(found, workspace, "navigation")
        }
        for symbol in workspace.documentSymbols(path: location.path) {
            expectInside(DocumentLocation(path: location.path, range: symbol.range), workspace, "symbol")
        }
        for link in workspace.documentLinks(path: location.path) {
            expectInside(DocumentLocation(path: location.path, range: link.range), workspace, "link")
        }
        for item in workspace.completion(at: location) {
            expectInside(DocumentLocation(path: location.path, range: item.edit.range), workspace, "completion")
        }
        if let hover = workspace.hover(at: location) {
            expectInside(DocumentLocation(path: location.path, range: hover.range), workspace, "hover")
        }
        _ = workspace.prepareRename(at: location)
        let names = ["x", "Bad Name", "", "merci-don", String(repeating: "a", count: 70), "nouveau-nom"]
        if case .success(let edit) = workspace.rename(
            at: location, newName: names[Int.random(in: 0..<names.count, using: &random)])
        {
            for (path, edits) in edit.changes {
                for edit in edits { expectInside(DocumentLocation(path: path, range: edit.range), workspace, "rename") }
            }
        }
    }

    /// The index kept across edits (each edit re-indexes the files it changed) answers as the index of a
    /// workspace opened afresh on the same texts: references, definitions and symbols at positions of
    /// every file, hovers too.
    static func expectSameAsFresh(_ workspace: LanguageWorkspace, random: inout Generator) {
        let files = workspace.paths.compactMap { path in
            workspace.text(of: path).map { SourceFile(path: path, text: $0) }
        }
        let fresh = LanguageWorkspace(files: files)
        for path in workspace.paths {
            let text = workspace.text(of: path) ?? ""
            #expect(workspace.documentSymbols(path: path) == fresh.documentSymbols(path: path), "\(path): symbols")
            for _ in 0..<6 {
                let location = DocumentLocation(path: path, range: DocumentRange(at: position(text, &random)))
                #expect(workspace.references(at: location) == fresh.references(at: location), "\(location)")
                #expect(workspace.definition(at: location) == fresh.definition(at: location), "\(location)")
                #expect(workspace.hover(at: location) == fresh.hover(at: location), "\(location)")
            }
        }
    }

    static func fuzz(_ files: [SourceFile], seed: UInt64, rounds: Int) {
        var random = Generator(state: seed)
        var workspace = LanguageWorkspace(files: files)
        let paths = files.map(\.path).filter { $0.hasSuffix(".yaml") }.sorted()
        for path in paths { workspace.open(path: path, text: workspace.text(of: path) ?? "") }
        for round in 0..<rounds {
            if round % 50 == 49 { expectSameAsFresh(workspace, random: &random) }
            guard let path = paths.randomElement(using: &random) else { return }
            let text = workspace.text(of: path) ?? ""
            var edits: [TextEdit] = []
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let start = position(text, &random)
                let end = Bool.random(using: &random) ? start : position(text, &random)
                let snippet =
                    Bool.random(using: &random) ? "" : snippets[Int.random(in: 0..<snippets.count, using: &random)]
                edits.append(TextEdit(range: DocumentRange(start: start, end: end), newText: snippet))
            }
            workspace.change(path: path, edits: edits)
            let after = workspace.text(of: path) ?? ""
            for _ in 0..<4 {
                let location = DocumentLocation(path: path, range: DocumentRange(at: position(after, &random)))
                exercise(workspace, at: location, random: &random)
            }
            // Now and then, apply a quick fix.
            if let diagnostic = workspace.diagnostics().all.first,
                let action = workspace.codeActions(for: diagnostic).first,
                Int.random(in: 0..<4, using: &random) == 0
            {
                for (path, edits) in action.edit.changes { workspace.change(path: path, edits: edits.reversed()) }
            }
        }
        // Diagnostics still agree with a check of the same content.
        let current = workspace.paths.compactMap { path in
            workspace.text(of: path).map { SourceFile(path: path, text: $0) }
        }
        #expect(workspace.diagnostics().all.map(\.source) == Compiler.check(current).diagnostics)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func baseWorkspace(seed: UInt64) {
        Self.fuzz(LanguageFixtures.base(), seed: seed, rounds: 400)
    }

    @Test func lyon() throws {
        Self.fuzz(try LanguageFixtures.lyon(), seed: 17, rounds: 200)
    }
}
