import Foundation

/// A copy of the `base` fixture workspace in a temporary folder, for one hostile case to damage.
final class HostileWorkspace {
    /// The folder that holds the scratch space; the workspace is its `ws/` subfolder.
    let scratch: String
    /// The workspace folder.
    var root: String { scratch + "/ws" }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("automail-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        scratch = url.resolvingSymlinksInPath().path
        try FileManager.default.copyItem(
            atPath: Self.repository + "/Tests/AutoMailTests/Fixtures/base", toPath: scratch + "/ws")
    }

    deinit { try? FileManager.default.removeItem(atPath: scratch) }

    /// Writes `bytes` at `relative` (inside the workspace), creating folders.
    func write(_ relative: String, _ bytes: [UInt8]) throws {
        let url = URL(fileURLWithPath: root + "/" + relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    /// Writes `text` as UTF-8 at `relative`.
    func write(_ relative: String, _ text: String) throws {
        try write(relative, Array(text.utf8))
    }

    /// Replaces `old` (which must occur) with `new` in the file at `relative`.
    func replace(_ relative: String, _ old: String, _ new: String) throws {
        let text = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
        guard text.contains(old) else { throw Failure(description: "`\(old)` is not in \(relative)") }
        try write(relative, text.replacingOccurrences(of: old, with: new))
    }

    /// The bytes of the file at `relative`.
    func read(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + relative)))
    }

    /// Writes a file of `count` bytes: `prefix`, then `filler` repeated, in 1 MiB writes.
    func writeLarge(_ relative: String, prefix: String, filler: String, count: Int) throws {
        let path = root + "/" + relative
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.write(contentsOf: Data(prefix.utf8))
        let unit = Array(filler.utf8)
        let chunk = Data((0..<(1 << 20)).map { unit[$0 % unit.count] })
        var written = prefix.utf8.count
        while written < count {
            let part = min(chunk.count, count - written)
            try handle.write(contentsOf: chunk.prefix(part))
            written += part
        }
    }

    /// Runs a shell command in the workspace (for links, FIFOs, line-ending conversions).
    func shell(_ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(description: "`\(command)` failed") }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }
}
