import AutoMail
import AutomailLanguage
import Diagnostics
import Foundation
import Testing

/// Workspaces and positions for the language service's tests.
enum LanguageFixtures {
    /// The repository root.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `Tests/AutoMailTests/Fixtures`: the compiler's fixtures, shared.
    static let compilerFixtures = repositoryRoot.appendingPathComponent("Tests/AutoMailTests/Fixtures")

    /// Every regular file under `directory`, by path relative to it.
    static func files(in directory: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let base = directory.standardizedFileURL.path
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return out }
        while let relative = enumerator.nextObject() as? String {
            let full = base + "/" + relative
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                out[relative] = try Data(contentsOf: URL(fileURLWithPath: full))
            }
        }
        return out
    }

    /// The workspace files of `root`, as the loader reads them.
    static func load(_ root: URL) throws -> [SourceFile] {
        try WorkspaceLoader.load(root: root.path).files
    }

    /// The Lyon example.
    static func lyon() throws -> [SourceFile] {
        try load(repositoryRoot.appendingPathComponent("workspace-examples/lyon-municipales"))
    }

    /// The compiler's small valid workspace (`RuleCatalog.baseWorkspace`) with `changes` (an empty text
    /// deletes a file).
    static func base(_ changes: [String: String] = [:]) -> [SourceFile] {
        var files = RuleCatalog.baseWorkspace
        for (path, text) in changes { files[path] = text.isEmpty ? nil : text }
        return files.sorted { $0.key < $1.key }.map { SourceFile(path: $0.key, text: $0.value) }
    }

    /// The text of `path` in `files`.
    static func text(_ files: [SourceFile], _ path: String) -> String {
        files.first { $0.path == path }.map { String(decoding: $0.bytes, as: UTF8.self) } ?? ""
    }

    /// The position of the `occurrence`-th (0-based) `needle` in `text`, moved `offset` UTF-16 units on
    /// (across lines).
    static func position(of needle: String, in text: String, occurrence: Int = 0, offset: Int = 0) -> DocumentPosition {
        var search = text.startIndex
        var found = text.startIndex
        for _ in 0...occurrence {
            guard let range = text.range(of: needle, range: search..<text.endIndex) else {
                Issue.record("`\(needle)` not found \(occurrence + 1) times")
                return DocumentPosition(line: 0, character: 0)
            }
            found = range.lowerBound
            search = range.upperBound
        }
        let utf16 = text.utf16
        let start = utf16.distance(from: utf16.startIndex, to: found)
        let target = utf16.index(utf16.startIndex, offsetBy: min(start + offset, utf16.count))
        let before = text[..<target]
        let line = before.filter { $0 == "\n" }.count
        let lineStart = before.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
        return DocumentPosition(line: line, character: text[lineStart..<target].utf16.count)
    }

    /// A location at `needle` (plus `offset`) in `path` of `workspace`.
    static func at(
        _ workspace: LanguageWorkspace, _ path: String, _ needle: String, occurrence: Int = 0, offset: Int = 0
    ) -> DocumentLocation {
        let text = workspace.text(of: path) ?? ""
        let position = position(of: needle, in: text, occurrence: occurrence, offset: offset)
        return DocumentLocation(path: path, range: DocumentRange(at: position))
    }

    /// The text of `range` in `path` of `workspace`.
    static func text(_ workspace: LanguageWorkspace, _ location: DocumentLocation) -> String {
        LineIndex(workspace.text(of: location.path) ?? "").text(in: location.range)
    }

    /// `workspace` with `edit` applied to every file it changes (as an editor would, through `change`).
    static func applying(_ edit: WorkspaceEdit, to workspace: LanguageWorkspace) -> LanguageWorkspace {
        var workspace = workspace
        for (path, edits) in edit.changes.sorted(by: { $0.key < $1.key }) {
            let text = LineIndex.applying(edits, to: workspace.text(of: path) ?? "")
            workspace.change(path: path, text: text)
        }
        return workspace
    }
}
