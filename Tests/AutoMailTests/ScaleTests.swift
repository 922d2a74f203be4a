import AutoMail
import BundleFormat
import Diagnostics
import Foundation
import Testing

/// The workspace generator (`scripts/generate_workspace.py`) and parallel compilation: a generated
/// workspace checks clean, `--errors` yields every kind of error, and 1 or N threads give the same bytes.
@Suite struct ScaleTests {
    /// Runs the generator into a new temporary folder and loads what it wrote.
    static func generate(_ arguments: [String]) throws -> LoadedWorkspace {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("automail-gen-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [
                "python3", Fixtures.repositoryRoot.appendingPathComponent("scripts/generate_workspace.py").path,
                "--out", out.path,
            ] + arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return try WorkspaceLoader.load(root: out.path)
    }

    /// A small workspace of the generator's M shape (same code paths, a few hundred files).
    static let smallM = ["--size", "M", "--templates", "60", "--questionnaires", "8", "--triggers", "150"]

    @Test func generatedWorkspacesCheckClean() throws {
        for arguments in [["--size", "S"], Self.smallM, Self.smallM + ["--locales", "4", "--seed", "7"]] {
            let loaded = try Self.generate(arguments)
            let result = Compiler.build(loaded.files)
            #expect(loaded.diagnostics.isEmpty, "\(arguments)")
            #expect(result.diagnostics.isEmpty, "\(arguments): \(result.diagnostics.prefix(3).map(\.message))")
            #expect(result.bundle != nil)
        }
    }

    @Test func errorsOfEveryKind() throws {
        let loaded = try Self.generate(Self.smallM + ["--errors", "36"])
        let result = Compiler.check(loaded.files)
        let codes = Set(result.diagnostics.filter { $0.severity == .error }.map(\.code.rawValue))
        let expected: Set<String> = [
            "AM201", "AM301", "AM305", "AM303", "AM501", "AM607", "AM702", "AM310", "AM601", "AM605", "AM608",
            "AM401", "AM207", "AM302", "AM307", "AM603", "AM204",
        ]
        #expect(expected.subtracting(codes).isEmpty, "missing: \(expected.subtracting(codes).sorted())")
        #expect(result.diagnostics.contains { $0.message.hasPrefix("duplicate key") })
        // About one diagnostic an injected error: no cascades.
        #expect(result.diagnostics.count >= 36 && result.diagnostics.count <= 48, "\(result.diagnostics.count)")
    }

    @Test(arguments: [2, 3, 8])
    func parallelCompilationIsByteIdentical(threads: Int) throws {
        var workspaces = try ["lyon-municipales", "riverside-tenants"].map { name in
            try WorkspaceLoader.load(
                root: Fixtures.repositoryRoot.appendingPathComponent("workspace-examples/\(name)").path)
        }
        workspaces.append(try Self.generate(Self.smallM))
        workspaces.append(try Self.generate(Self.smallM + ["--errors", "40"]))
        for loaded in workspaces {
            let serial = Compiler.build(loaded.files, options: BuildOptions(revision: "r", parallelism: 1))
            let parallel = Compiler.build(loaded.files, options: BuildOptions(revision: "r", parallelism: threads))
            #expect(serial.bundle == parallel.bundle)
            #expect(serial.diagnostics == parallel.diagnostics)
            // The streamed build, as `automail build` writes it: templates rendered ahead of the writing.
            var sink = BundleBytes()
            let streamed = try Compiler.build(
                loaded.files, options: BuildOptions(revision: "r", parallelism: threads), into: &sink)
            #expect(streamed.diagnostics == serial.diagnostics, "\(threads) threads")
            if serial.bundle != nil {
                #expect(sink.bytes == serial.bundle, "\(threads) threads")
                #expect(streamed.bundleDigest == serial.bundleDigest)
            } else {
                #expect(streamed.bundleDigest == nil, "an error leaves no bundle")
            }
        }
    }
}
