import AutoMail
import Diagnostics
import Foundation

/// Paths and helpers shared by the fixture-driven tests.
enum Fixtures {
    /// The repository root (three levels above this file's folder).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `Tests/AutoMailTests/Fixtures`.
    static let root = repositoryRoot.appendingPathComponent("Tests/AutoMailTests/Fixtures")

    /// Whether goldens and expected outputs are re-recorded instead of compared (`RECORD_SNAPSHOTS=1`).
    static var recording: Bool { ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" }

    /// Every regular file under `directory`, as workspace-relative paths and contents, sorted.
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

    /// Writes `files` into a new temporary directory and returns it.
    static func materialize(_ files: [String: Data]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("automail-fixture-\(UUID().uuidString)")
        for (path, data) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// One line per diagnostic (and indented lines for its notes and help), the format of `expected.txt`.
    static func describe(_ diagnostics: [Diagnostic]) -> String {
        var lines: [String] = []
        func place(_ range: SourceRange?) -> String {
            guard let r = range else { return "<workspace>" }
            return "\(r.file):\(r.start.line):\(r.start.column)-\(r.end.line):\(r.end.column)"
        }
        for d in diagnostics {
            lines.append("\(place(d.range)): \(d.severity.rawValue)[\(d.code.rawValue)]: \(d.message)")
            for note in d.notes {
                lines.append("    note: \(note.range.map { place($0) + ": " } ?? "")\(note.message)")
            }
            if let help = d.help { lines.append("    help: \(help)") }
        }
        return lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n")
    }
}
