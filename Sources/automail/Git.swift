import Foundation

/// Runs `git` for `automail diff REV ...`: the only place the command line spawns a process (the
/// library never does). Output is read whole; the commands used print little.
enum Git {
    /// What one run of git gave.
    struct Run {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Why git could not be run at all.
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    /// What one run of git gave, its output as bytes (`ls-tree -z` paths need not be UTF-8).
    struct RawRun {
        var status: Int32
        var output: [UInt8]
        var errors: String
    }

    /// Runs `git arguments` in `directory` (the current one when `nil`), with no standard input.
    static func run(_ arguments: [String], in directory: String? = nil) throws(Unavailable) -> Run {
        let raw = try runRaw(arguments, in: directory)
        return Run(status: raw.status, output: String(decoding: raw.output, as: UTF8.self), errors: raw.errors)
    }

    /// Runs `git arguments` in `directory` (the current one when `nil`), with no standard input, and
    /// keeps its output as bytes.
    static func runRaw(_ arguments: [String], in directory: String? = nil) throws(Unavailable) -> RawRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw Unavailable(description: "cannot run git: \(error.localizedDescription)")
        }
        // Standard error is drained on another thread so that neither pipe can fill and block git.
        let errorData = ErrorDrain(errors.fileHandleForReading)
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let status = process.terminationStatus
        // `env` exits with 127 when git is not installed.
        let errorText = errorData.wait()
        if status == 127, errorText.contains("git") && errorText.contains("No such file") {
            throw Unavailable(description: "git is not installed")
        }
        return RawRun(
            status: status, output: Array(outData),
            errors: errorText.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The full commit hash `revision` names in the repository around `directory`, or `nil` when it
    /// names none (or git is not there, or this is not a repository).
    static func commit(_ revision: String, in directory: String? = nil) -> String? {
        guard !revision.hasPrefix("-"),
            let run = try? run(
                ["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"], in: directory),
            run.status == 0
        else { return nil }
        let hash = run.output.trimmingCharacters(in: .whitespacesAndNewlines)
        return hash.isEmpty ? nil : hash
    }
}

/// Reads a pipe to its end on a background thread.
private final class ErrorDrain: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
