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
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("automail-mnt-\(UUID().uuidString)").path
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
        let whole = try BoundedProcess.run(["build", Self.lyon, "--revision", "r", "--output", output + ".timing"], in: scratch.path)
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
        #expect(sawOld, "no run was killed before it renamed: the test did not test anything")
    }
}
