import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Every subcommand exits with status 3 when its main output cannot be written, never 0 (the verdict
/// lost) nor 141 (killed by `SIGPIPE`): standard output a pipe whose reader is gone
/// (`automail check --format sarif | head -c 1`), or `/dev/full` (opened for writing as the child's
/// standard output, which is safe; it is checked to still be a character device afterwards).
@Suite struct OutputFailureTests {
    static let lyon = HostileWorkspace.repository + "/workspace-examples/lyon-municipales"
    static let fixtures = DiffCLITests.fixtures

    /// The runs whose main output goes to standard output.
    static let commands: [[String]] = [
        ["check", lyon, "--format", "sarif"],
        ["check", lyon, "--format", "json"],
        ["build", lyon],
        ["explain"],
        ["explain", "AM301"],
        ["explain", "AM301", "--format", "json"],
        ["preview", "bienvenue-benevole", lyon],
        [
            "diff", fixtures.appendingPathComponent("lyon-before").path,
            fixtures.appendingPathComponent("lyon-after").path,
        ],
        ["simulate", "--workspace", lyon, "--event", lyon + "/events/porte-a-porte-soutien.json"],
        ["--version"],
        ["--help"],
    ]

    enum Output {
        /// A pipe whose read end is closed before the run starts.
        case closedPipe
        /// `/dev/full`: every write fails with ENOSPC.
        case full
    }

    struct Outcome {
        var status: Int32
        var signaled: Bool
        var standardError: String
    }

    /// Runs `automail arguments` with standard output `output`; standard error captured through a file.
    static func run(_ arguments: [String], output: Output) throws -> Outcome {
        let scratch = try ScratchFolder()
        let errURL = URL(fileURLWithPath: scratch.path + "/stderr")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = try AutomailProcess.executable()
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardError = err
        var pipe: Pipe?
        var full: FileHandle?
        switch output {
        case .closedPipe:
            let made = Pipe()
            try made.fileHandleForReading.close()
            process.standardOutput = made.fileHandleForWriting
            pipe = made
        case .full:
            let handle = try #require(FileHandle(forWritingAtPath: "/dev/full"))
            process.standardOutput = handle
            full = handle
        }
        try process.run()
        try pipe?.fileHandleForWriting.close()
        try full?.close()
        process.waitUntilExit()
        try err.close()
        return Outcome(
            status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal,
            standardError: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    @Test(arguments: commands)
    func aClosedPipeIsExitThreeNotSIGPIPE(_ arguments: [String]) throws {
        let outcome = try Self.run(arguments, output: .closedPipe)
        #expect(!outcome.signaled, "killed by signal \(outcome.status)")
        #expect(outcome.status == 3, "\(outcome.standardError.suffix(500))")
        #expect(outcome.standardError.contains("cannot write"), "\(outcome.standardError.suffix(500))")
    }

    @Test(arguments: commands)
    func aFullDeviceIsExitThree(_ arguments: [String]) throws {
        let outcome = try Self.run(arguments, output: .full)
        #expect(!outcome.signaled)
        #expect(outcome.status == 3, "\(outcome.standardError.suffix(500))")
        #expect(outcome.standardError.contains("no space left on device"), "\(outcome.standardError.suffix(500))")
        var info = stat()
        #expect(lstat("/dev/full", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    }

    /// The human format's diagnostics are `check`'s main output, on standard error: lost, exit 3.
    @Test func checkFailsWhenItsHumanReportIsLost() throws {
        let scratch = try ScratchFolder()
        let errURL = URL(fileURLWithPath: scratch.path + "/stdout")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = try AutomailProcess.executable()
        process.arguments = ["check", Self.lyon]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: errURL)
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        process.standardError = full
        try process.run()
        try full.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 3)
        var info = stat()
        #expect(lstat("/dev/full", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
    }

    /// `verify` prints its verdict on standard output: lost, the run fails, whatever the verdict.
    @Test func verifyFailsWhenItsVerdictIsLost() throws {
        let scratch = try ScratchFolder()
        let build = try AutomailProcess.run(["build", Self.lyon, "--output", scratch.path + "/bundle.json"])
        #expect(build.status == 0)
        for output in [Output.closedPipe, .full] {
            let outcome = try Self.run(["verify", "--bundle", scratch.path + "/bundle.json"], output: output)
            #expect(!outcome.signaled)
            #expect(outcome.status == 3, "\(output): \(outcome.standardError)")
        }
        // keygen and init report what they wrote on standard output: lost, exit 3 too (their files are kept).
        let keygen = try Self.run(["keygen", "--out", scratch.path + "/k"], output: .full)
        #expect(keygen.status == 3)
        let initialised = try Self.run(["init", scratch.path + "/ws"], output: .closedPipe)
        #expect(initialised.status == 3, "\(initialised.standardError)")
    }
}
