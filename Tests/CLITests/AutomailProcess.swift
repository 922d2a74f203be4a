import Foundation
import Testing

/// Runs the built `automail` executable and captures what it prints.
struct AutomailProcess {
    /// What one run gave.
    struct Outcome {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Errors finding or starting the executable.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The `automail` executable built next to this test bundle: `AUTOMAIL_BINARY` when set, else found by
    /// walking up from the test executable (so the build folder and triple do not matter), else
    /// `.build/debug/automail` of the package.
    static func executable() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["AUTOMAIL_BINARY"], !explicit.isEmpty { return URL(fileURLWithPath: explicit) }
        var starts = [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()]
        if let main = Bundle.main.executableURL { starts.append(main.resolvingSymlinksInPath()) }
        for start in starts {
            var directory = start.deletingLastPathComponent()
            for _ in 0..<6 {
                if let found = candidate(directory.appendingPathComponent("automail")) { return found }
                directory = directory.deletingLastPathComponent()
            }
        }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        if let found = candidate(package.appendingPathComponent(".build/debug/automail")) { return found }
        throw Failure(description: "cannot find the built `automail` executable; set AUTOMAIL_BINARY")
    }

    private static func candidate(_ url: URL) -> URL? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
            FileManager.default.isExecutableFile(atPath: url.path)
        else { return nil }
        return url
    }

    /// Runs `automail arguments` in `directory` with no standard input; output goes through files, so a
    /// large output cannot fill a pipe and block.
    static func run(
        _ arguments: [String], in directory: String? = nil, environment extra: [String: String] = [:]
    ) throws -> Outcome {
        let captured = try CapturedRun.launch(
            try executable(), arguments, in: directory, environment: extra, seconds: nil)
        return Outcome(
            status: captured.status, standardOutput: captured.standardOutput,
            standardError: captured.standardError)
    }
}

/// A temporary folder for one test, removed at the end.
final class ScratchFolder {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("automail-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.resolvingSymlinksInPath().path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ relative: String, _ text: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ relative: String) -> String? {
        (try? Data(contentsOf: URL(fileURLWithPath: path).appendingPathComponent(relative)))
            .map { String(decoding: $0, as: UTF8.self) }
    }

    func contents(_ relative: String = ".") throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path + "/" + relative).sorted()
    }
}
