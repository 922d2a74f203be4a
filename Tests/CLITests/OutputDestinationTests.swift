import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What `--output`, `--report`, `diff --output`, `preview --output` and `keygen --out` do with what is
/// already at the path: a regular file is replaced atomically; a character device or a FIFO is written
/// through and stays what it is (renaming over `/dev/null` as root would turn the device into a regular
/// file for every process); a symbolic link to a regular file replaces that file and the link stays; a
/// broken link or a folder is refused with exit status 3. Devices are only ever `/dev/null`, and it is
/// checked to still be a character device after each run.
@Suite(.serialized) struct OutputDestinationTests {
    static let lyon = HostileWorkspace.repository + "/workspace-examples/lyon-municipales"
    static let fixtures = DiffCLITests.fixtures

    /// The file type bits of `path` (not following a final link), or `nil` when nothing is there.
    static func kind(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    static func expectDevNullIntact(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            kind("/dev/null") == S_IFCHR, "/dev/null is no longer a character device", sourceLocation: sourceLocation)
    }

    /// A FIFO at `path`, read whole on another thread while `body` runs; what was read.
    static func readingFIFO(_ path: String, while body: () throws -> Void) throws -> [UInt8] {
        #expect(mkfifo(path, 0o600) == 0)
        final class Box: @unchecked Sendable { var bytes: [UInt8] = [] }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            // Blocks until the writer opens the FIFO; then reads to its end.
            if let handle = FileHandle(forReadingAtPath: path) {
                box.bytes = Array(handle.readDataToEndOfFile())
                try? handle.close()
            }
            done.signal()
        }
        try body()
        // Release the reader if nothing opened the FIFO for writing.
        let writer = open(path, O_WRONLY | O_NONBLOCK)
        if writer >= 0 { close(writer) }
        done.wait()
        return box.bytes
    }

    @Test func buildWritesThroughAFIFOAndLeavesItAFIFO() throws {
        let scratch = try ScratchFolder()
        let expected = try AutomailProcess.run(["build", Self.lyon, "--revision", "r"])
        #expect(expected.status == 0)
        let fifo = scratch.path + "/bundle.pipe"
        var outcome: AutomailProcess.Outcome?
        let read = try Self.readingFIFO(fifo) {
            outcome = try AutomailProcess.run(["build", Self.lyon, "--revision", "r", "--output", fifo])
        }
        #expect(outcome?.status == 0, "\(outcome?.standardError ?? "")")
        #expect(read == Array(expected.standardOutput.utf8))
        #expect(Self.kind(fifo) == S_IFIFO)
        #expect(try scratch.contents() == ["bundle.pipe"], "a temporary file was left")
    }

    /// A build that fails writes nothing into the FIFO, and its reader is given the end of its input
    /// instead of waiting for ever.
    @Test func aFailedBuildEndsTheFIFOsInputEmpty() throws {
        let scratch = try ScratchFolder()
        try FileManager.default.createDirectory(atPath: scratch.path + "/ws", withIntermediateDirectories: true)
        try scratch.write("ws/automail.yaml", "id: broken\n")
        let fifo = scratch.path + "/bundle.pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        final class Box: @unchecked Sendable { var bytes: [UInt8]? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            if let handle = FileHandle(forReadingAtPath: fifo) {
                box.bytes = Array(handle.readDataToEndOfFile())
                try? handle.close()
            }
            done.signal()
        }
        // The reader is waiting before the build runs.
        usleep(200_000)
        let outcome = try AutomailProcess.run(["build", scratch.path + "/ws", "--output", fifo])
        let ended = done.wait(timeout: .now() + 5) == .success
        #expect(ended, "the reader was left waiting")
        if !ended {
            let writer = open(fifo, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            done.wait()
        }
        #expect(outcome.status == 1)
        #expect(box.bytes == [])
        #expect(Self.kind(fifo) == S_IFIFO)
    }

    @Test func reportAndDiffWriteThroughAFIFO() throws {
        let scratch = try ScratchFolder()
        let fifo = scratch.path + "/report.pipe"
        var outcome: AutomailProcess.Outcome?
        let report = try Self.readingFIFO(fifo) {
            outcome = try AutomailProcess.run(["check", Self.lyon, "--format", "json", "--report", fifo])
        }
        #expect(outcome?.status == 0, "\(outcome?.standardError ?? "")")
        #expect(String(decoding: report, as: UTF8.self).hasPrefix("["))
        #expect(Self.kind(fifo) == S_IFIFO)
        try FileManager.default.removeItem(atPath: fifo)
        let diff = try Self.readingFIFO(fifo) {
            outcome = try AutomailProcess.run(
                ["diff", "lyon-before", "lyon-after", "--output", fifo], in: Self.fixtures.path)
        }
        #expect(outcome?.status == 0, "\(outcome?.standardError ?? "")")
        #expect(String(decoding: diff, as: UTF8.self).hasPrefix("automail diff: folder `lyon-before`"))
        #expect(Self.kind(fifo) == S_IFIFO)
    }

    /// `/dev/null` stays a character device whichever command writes to it.
    @Test func devNullIsWrittenThroughNeverReplaced() throws {
        let scratch = try ScratchFolder()
        let runs: [[String]] = [
            ["build", Self.lyon, "--output", "/dev/null"],
            ["check", Self.lyon, "--format", "sarif", "--report", "/dev/null"],
            ["build", Self.lyon, "--output", scratch.path + "/bundle.json", "--report", "/dev/null"],
            ["preview", "bienvenue-benevole", Self.lyon, "--output", "/dev/null"],
        ]
        for arguments in runs {
            let outcome = try AutomailProcess.run(arguments)
            #expect(outcome.status == 0, "\(arguments): \(outcome.standardError)")
            Self.expectDevNullIntact()
        }
        let diff = try AutomailProcess.run(
            ["diff", "lyon-before", "lyon-after", "--output", "/dev/null"], in: Self.fixtures.path)
        #expect(diff.status == 0, "\(diff.standardError)")
        Self.expectDevNullIntact()
        // keygen never writes over anything: not even through a device.
        let keygen = try AutomailProcess.run(["keygen", "--out", scratch.path + "/dev"], in: scratch.path)
        #expect(keygen.status == 0)
        try FileManager.default.removeItem(atPath: scratch.path + "/dev.key")
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/dev.key", withDestinationPath: "/dev/null")
        let refused = try AutomailProcess.run(["keygen", "--out", scratch.path + "/dev"], in: scratch.path)
        #expect(refused.status == 2)
        #expect(refused.standardError.contains("already exists"))
        Self.expectDevNullIntact()
        #expect(Self.kind(scratch.path + "/dev.key") == S_IFLNK)
    }

    /// `/dev/stdout` is the process's own standard output, as for a shell: written to, never resolved
    /// and replaced (`>> log` appends to the log).
    @Test func devStdoutIsTheStandardOutputItself() throws {
        let scratch = try ScratchFolder()
        let expected = try AutomailProcess.run(["build", Self.lyon, "--revision", "r"])
        let outcome = try AutomailProcess.run(["build", Self.lyon, "--revision", "r", "--output", "/dev/stdout"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput == expected.standardOutput)
        try scratch.write("log", "first\n")
        let executable = try AutomailProcess.executable().path
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "\"$0\" build \"$1\" --revision r --output /dev/stdout >> log", executable, Self.lyon]
        shell.currentDirectoryURL = URL(fileURLWithPath: scratch.path)
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
        #expect(scratch.read("log") == "first\n" + expected.standardOutput)
        #expect(try scratch.contents() == ["log"])
        Self.expectDevNullIntact()
    }

    /// A link to a regular file: the file is replaced (atomically, beside it), the link stays a link.
    @Test func aLinkToARegularFileReplacesTheFileAndKeepsTheLink() throws {
        let scratch = try ScratchFolder()
        try FileManager.default.createDirectory(atPath: scratch.path + "/deploy", withIntermediateDirectories: true)
        try scratch.write("deploy/bundle.json", "{\"previous\": 1}\n")
        try FileManager.default.createSymbolicLink(
            atPath: scratch.path + "/out.json", withDestinationPath: "deploy/bundle.json")
        let expected = try AutomailProcess.run(["build", Self.lyon, "--revision", "r"])
        let outcome = try AutomailProcess.run(
            ["build", Self.lyon, "--revision", "r", "--output", "out.json"], in: scratch.path)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(Self.kind(scratch.path + "/out.json") == S_IFLNK)
        #expect(scratch.read("deploy/bundle.json") == expected.standardOutput)
        #expect(try scratch.contents("deploy") == ["bundle.json"])
        #expect(try scratch.contents() == ["deploy", "out.json"])
    }

    /// A broken link, a folder or a link to a folder: refused with exit 3, nothing changed.
    @Test func aBrokenLinkOrAFolderIsRefusedWithExitThree() throws {
        let scratch = try ScratchFolder()
        try FileManager.default.createSymbolicLink(
            atPath: scratch.path + "/broken.json", withDestinationPath: "nowhere/bundle.json")
        try FileManager.default.createDirectory(atPath: scratch.path + "/folder", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/to-folder", withDestinationPath: "folder")
        for (target, reason) in [
            ("broken.json", "it is a broken symbolic link"), ("folder", "it is a folder"),
            ("to-folder", "it is a symbolic link to a folder"),
        ] {
            let outcome = try AutomailProcess.run(["build", Self.lyon, "--output", target], in: scratch.path)
            #expect(outcome.status == 3, "\(target): \(outcome.standardError)")
            #expect(outcome.standardError.contains("cannot write `\(target)`: \(reason)"), "\(outcome.standardError)")
        }
        #expect(Self.kind(scratch.path + "/broken.json") == S_IFLNK)
        #expect(Self.kind(scratch.path + "/to-folder") == S_IFLNK)
        #expect(try scratch.contents("folder") == [])
        #expect(try scratch.contents() == ["broken.json", "folder", "to-folder"])
        let report = try AutomailProcess.run(["check", Self.lyon, "--report", "folder"], in: scratch.path)
        #expect(report.status == 3)
    }
}
