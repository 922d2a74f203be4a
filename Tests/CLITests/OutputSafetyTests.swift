import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `build --output`: nothing lost, nothing partial. A build that fails or is killed leaves the previous
/// bundle byte-identical; a missing folder, a read-only folder or a full disk is a diagnostic and exit
/// status 2 or 3. The read-only and full-disk cases mount a tmpfs (the tests run as root in CI, where
/// permissions alone do not stop a write); where mounting is not permitted they print why and skip.
@Suite(.serialized) struct OutputSafetyTests {
    static let repository = HostileWorkspace.repository
    static let lyon = repository + "/workspace-examples/lyon-municipales"
    static let riverside = repository + "/workspace-examples/riverside-tenants"
    static let previous = Array("{\"previous\": \"bundle\"}\n".utf8)

    /// Mounts a tmpfs of `size` at a new folder, or prints why not and returns `nil`.
    static func mountTmpfs(size: String) -> String? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("automail-mnt-\(UUID().uuidString)")
            .path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard shell("mount -t tmpfs -o size=\(size) tmpfs '\(folder)'") else {
            print("OutputSafetyTests: skipped: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)")
            return nil
        }
        return folder
    }

    static func unmount(_ folder: String) {
        _ = shell("umount '\(folder)'")
        try? FileManager.default.removeItem(atPath: folder)
    }

    @discardableResult
    static func shell(_ command: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command + " 2>/dev/null"]
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    static func bytes(_ path: String) -> [UInt8]? {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).map(Array.init)
    }

    @Test func aMissingFolderIsExitTwo() throws {
        let scratch = try ScratchFolder()
        let outcome = try BoundedProcess.run(["build", Self.lyon, "--output", "missing/bundle.json"], in: scratch.path)
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("cannot write `missing/bundle.json`"))
    }

    @Test func aFullDiskIsExitThreeAndKeepsThePreviousBundle() throws {
        guard let folder = Self.mountTmpfs(size: "64k") else { return }
        defer { Self.unmount(folder) }
        try Data(Self.previous).write(to: URL(fileURLWithPath: folder + "/bundle.json"))
        // Fill the disk but for a few blocks: the lyon bundle (about 40 KB) cannot fit.
        Self.shell("dd if=/dev/zero of='\(folder)/filler' bs=4k count=100")
        let outcome = try BoundedProcess.run(["build", Self.lyon, "--output", folder + "/bundle.json"], in: folder)
        #expect(outcome.status == 3, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("no space left on device"))
        #expect(Self.bytes(folder + "/bundle.json") == Self.previous)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["bundle.json", "filler"])
    }

    @Test func aReadOnlyFolderIsExitThreeAndKeepsThePreviousBundle() throws {
        guard let folder = Self.mountTmpfs(size: "1m") else { return }
        defer { Self.unmount(folder) }
        try Data(Self.previous).write(to: URL(fileURLWithPath: folder + "/bundle.json"))
        guard Self.shell("mount -o remount,ro '\(folder)'") else {
            print("OutputSafetyTests: skipped: cannot remount a tmpfs read-only here")
            return
        }
        let outcome = try BoundedProcess.run(["build", Self.lyon, "--output", folder + "/bundle.json"], in: "/")
        #expect(outcome.status == 3, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("read-only file system"))
        #expect(Self.bytes(folder + "/bundle.json") == Self.previous)
    }

    /// SIGKILL at moments spread over a build's life: the output is always the old bundle or the whole
    /// new one, never a mix or a truncated file.
    @Test func aKilledBuildLeavesThePreviousBundleOrTheWholeNewOne() throws {
        let scratch = try ScratchFolder()
        let output = scratch.path + "/bundle.json"
        let old = try AutomailProcess.run(["build", Self.riverside, "--revision", "r", "--output", output])
        #expect(old.status == 0)
        let oldBytes = try #require(Self.bytes(output))
        let full = try AutomailProcess.run(["build", Self.lyon, "--revision", "r"])
        let newBytes = Array(full.standardOutput.utf8)
        let whole = try BoundedProcess.run(
            ["build", Self.lyon, "--revision", "r", "--output", output + ".timing"], in: scratch.path)
        let life = max(whole.seconds, 0.05)
        var sawOld = false
        for step in 0..<12 {
            try Data(oldBytes).write(to: URL(fileURLWithPath: output))
            let outcome = try BoundedProcess.run(
                ["build", Self.lyon, "--revision", "r", "--output", output], in: scratch.path,
                seconds: life * Double(step) / 10)
            let now = try #require(Self.bytes(output))
            #expect(now == oldBytes || now == newBytes, "step \(step): a partial bundle")
            if outcome.timedOut, now == oldBytes { sawOld = true }
        }
        // The spread above is a fraction of one measured run: on a machine whose load changes between that
        // run and these, every kill can come after the rename. Halving the delay until one comes before
        // it does not depend on the machine's speed (a kill at once always does).
        sawOld =
            try sawOld
            || Self.killEarlier(from: life / 10) { seconds in
                try Data(oldBytes).write(to: URL(fileURLWithPath: output))
                let outcome = try BoundedProcess.run(
                    ["build", Self.lyon, "--revision", "r", "--output", output], in: scratch.path, seconds: seconds)
                let now = try #require(Self.bytes(output))
                #expect(now == oldBytes || now == newBytes, "killed after \(seconds) s: a partial bundle")
                return outcome.timedOut && now == oldBytes
            }
        #expect(sawOld, "no run was killed before it renamed: the test did not test anything")
    }

    /// Runs `attempt` with a kill delay of `seconds`, halved after each attempt that was not killed before
    /// the rename, down to a delay of zero: whether it returns `true` (some run was) does not depend on
    /// how fast the machine is. Each attempt checks its own output.
    static func killEarlier(from seconds: Double, _ attempt: (Double) throws -> Bool) throws -> Bool {
        var delay = seconds
        for _ in 0..<24 {
            if try attempt(delay) { return true }
            delay /= 2
        }
        return try attempt(0)
    }

    /// A generated workspace whose bundle (about 1.5 MB) streams out in many chunks. The generator is
    /// deterministic, so one copy in the temporary folder serves every run (none is left per run).
    static let streamed: Result<String, any Error> = Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("automail-stream-workspace-v1").path
        if FileManager.default.fileExists(atPath: folder) { return folder }
        // Generated aside, then renamed into place: a run killed while generating leaves no half workspace.
        let partial = folder + "-\(UUID().uuidString)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", repository + "/scripts/generate_workspace.py", "--size", "M", "--templates", "120",
            "--questionnaires", "8", "--triggers", "150", "--out", partial,
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        if (try? FileManager.default.moveItem(atPath: partial, toPath: folder)) == nil {
            try? FileManager.default.removeItem(atPath: partial)
        }
        return folder
    }

    /// The files other than `kept` in `folder`: a temporary file left behind shows here.
    static func others(in folder: String, than kept: Set<String>) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { !kept.contains($0) }.sorted()
    }

    /// SIGKILL while the bundle streams into its temporary file: the output is the old bundle or the
    /// whole new one, and the stream really was cut (some runs were killed before the rename).
    @Test func aBuildKilledWhileStreamingLeavesThePreviousBundleOrTheWholeNewOne() throws {
        let workspace = try Self.streamed.get()
        let scratch = try ScratchFolder()
        let output = scratch.path + "/bundle.json"
        let full = try AutomailProcess.run(["build", workspace, "--revision", "r"])
        let newBytes = Array(full.standardOutput.utf8)
        #expect(full.status == 0 && newBytes.count > 1_000_000, "\(full.standardError.prefix(500))")
        let whole = try BoundedProcess.run(
            ["build", workspace, "--revision", "r", "--output", output], in: scratch.path)
        #expect(Self.bytes(output) == newBytes, "the streamed file differs from the bundle on stdout")
        let life = max(whole.seconds, 0.05)
        var sawOld = false
        for step in 0..<14 {
            try Data(Self.previous).write(to: URL(fileURLWithPath: output))
            let outcome = try BoundedProcess.run(
                ["build", workspace, "--revision", "r", "--output", output], in: scratch.path,
                seconds: life * (0.3 + 0.8 * Double(step) / 14))
            let now = try #require(Self.bytes(output))
            #expect(now == Self.previous || now == newBytes, "step \(step): a partial bundle")
            if outcome.timedOut, now == Self.previous { sawOld = true }
        }
        sawOld =
            try sawOld
            || Self.killEarlier(from: life * 0.3) { seconds in
                try Data(Self.previous).write(to: URL(fileURLWithPath: output))
                let outcome = try BoundedProcess.run(
                    ["build", workspace, "--revision", "r", "--output", output], in: scratch.path, seconds: seconds)
                let now = try #require(Self.bytes(output))
                #expect(now == Self.previous || now == newBytes, "killed after \(seconds) s: a partial bundle")
                return outcome.timedOut && now == Self.previous
            }
        #expect(sawOld, "no run was killed before it renamed: the test did not test anything")
    }

    /// The disk fills in the middle of the stream: exit 3, the previous bundle intact, no temporary
    /// file left.
    @Test func aDiskFullInTheMiddleOfTheStreamIsExitThree() throws {
        let workspace = try Self.streamed.get()
        guard let folder = Self.mountTmpfs(size: "512k") else { return }
        defer { Self.unmount(folder) }
        try Data(Self.previous).write(to: URL(fileURLWithPath: folder + "/bundle.json"))
        let outcome = try BoundedProcess.run(
            ["build", workspace, "--output", folder + "/bundle.json"], in: folder, seconds: 60)
        #expect(outcome.status == 3, "\(outcome.standardError)")
        #expect(outcome.standardError.contains("no space left on device"))
        #expect(Self.bytes(folder + "/bundle.json") == Self.previous)
        #expect(try Self.others(in: folder, than: ["bundle.json"]) == [])
    }

    /// A build that fails after its bundle was streamed (`--strict` and a warning) or before (errors)
    /// leaves the previous bundle and no temporary file.
    @Test func aFailedBuildLeavesNoTemporaryFile() throws {
        let scratch = try ScratchFolder()
        let workspace = scratch.path + "/ws"
        try FileManager.default.copyItem(atPath: Self.riverside, toPath: workspace)
        let output = scratch.path + "/bundle.json"
        try Data(Self.previous).write(to: URL(fileURLWithPath: output))
        // An unused template: a warning (AM703), which `--strict` turns into a failure.
        let template = try String(contentsOfFile: workspace + "/templates/meeting-reminder.yaml", encoding: .utf8)
        try template.replacingOccurrences(of: "id: meeting-reminder", with: "id: spare")
            .write(toFile: workspace + "/templates/spare.yaml", atomically: true, encoding: .utf8)
        let strict = try BoundedProcess.run(["build", workspace, "--output", output, "--strict"], in: scratch.path)
        #expect(strict.status == 1, "\(strict.standardError.prefix(300))")
        #expect(strict.codes == ["AM703"])
        #expect(Self.bytes(output) == Self.previous)
        #expect(try Self.others(in: scratch.path, than: ["bundle.json", "ws"]) == [])
        // Raw HTML in the body of the template that sorts last: the template rules run inside the
        // lowering, so this error is found once every other template is already streamed to the file.
        let last = try #require(
            try FileManager.default.contentsOfDirectory(atPath: workspace + "/templates").sorted().last)
        let original = try String(contentsOfFile: workspace + "/templates/" + last, encoding: .utf8)
        let broken = try #require(original.range(of: "body: |\n"))
        let indent = String(original[broken.upperBound...].prefix { $0 == " " })
        try original.replacingCharacters(in: broken, with: "body: |\n\(indent)<script>alert(1)</script>\n\n")
            .write(toFile: workspace + "/templates/" + last, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: workspace + "/templates/spare.yaml")
        let late = try BoundedProcess.run(["build", workspace, "--output", output], in: scratch.path)
        #expect(late.status == 1, "\(late.standardError.prefix(300))")
        #expect(late.codes.contains("AM608"), "\(late.codes)")
        #expect(Self.bytes(output) == Self.previous)
        #expect(try Self.others(in: scratch.path, than: ["bundle.json", "ws"]) == [])
        try original.write(toFile: workspace + "/templates/" + last, atomically: true, encoding: .utf8)
        // A trigger naming a template that does not exist: an error, nothing lowered.
        try Data("triggers:\n  - id: broken\n    when:\n      task: call-back\n    template: nowhere\n".utf8)
            .write(to: URL(fileURLWithPath: workspace + "/triggers/broken.yaml"))
        for arguments in [["--strict"], []] {
            let outcome = try BoundedProcess.run(
                ["build", workspace, "--output", output] + arguments, in: scratch.path)
            #expect(outcome.status == 1, "\(arguments): \(outcome.standardError.prefix(300))")
            #expect(Self.bytes(output) == Self.previous)
            #expect(try Self.others(in: scratch.path, than: ["bundle.json", "ws"]) == [])
        }
    }
}
