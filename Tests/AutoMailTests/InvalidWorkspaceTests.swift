import AutoMail
import BundleFormat
import Diagnostics
import Foundation
import Testing

/// Each folder of `Fixtures/invalid/` is the base workspace (`Fixtures/base/`) with a few files
/// replaced or added. The first line of the changed file says what the case tests; `expected.txt`
/// holds the exact diagnostics. `RECORD_SNAPSHOTS=1` rewrites `expected.txt` on purpose.
struct InvalidWorkspaceTests {
    static let cases: [String] = {
        let dir = Fixtures.root.appendingPathComponent("invalid").path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }()

    @Test func thereAreCases() {
        #expect(Self.cases.count >= 10)
    }

    @Test(arguments: cases)
    func invalidWorkspace(_ name: String) throws {
        let caseDir = Fixtures.root.appendingPathComponent("invalid/\(name)")
        var files = try Fixtures.files(in: Fixtures.root.appendingPathComponent("base"))
        for (path, data) in try Fixtures.files(in: caseDir) where path != "expected.txt" {
            if path.hasSuffix(".delete") {
                files[String(path.dropLast(".delete".count))] = nil
            } else {
                files[path] = data
            }
        }
        let dir = try Fixtures.materialize(files)
        defer { try? FileManager.default.removeItem(at: dir) }
        let loaded = try WorkspaceLoader.load(root: dir.path)
        let result = Compiler.check(loaded.files)
        // A build (which runs the template rules inside the lowering) reports the same and writes nothing.
        var sink = BundleBytes()
        let built = try Compiler.build(loaded.files, into: &sink)
        #expect(
            built.diagnostics == result.diagnostics.map(RuleCatalog.forBuild), "build and check disagree on `\(name)`")
        #expect(built.bundleDigest == nil)
        let all = (loaded.diagnostics + result.diagnostics).sorted(by: Diagnostic.reportingOrder)
        let actual = Fixtures.describe(all)
        let expectedURL = caseDir.appendingPathComponent("expected.txt")
        if Fixtures.recording {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(actual == expected, "diagnostics of `\(name)` differ from expected.txt")
        #expect(all.contains { $0.severity == .error }, "an invalid fixture must report an error")
    }

    @Test func baseWorkspaceIsClean() throws {
        let files = try Fixtures.files(in: Fixtures.root.appendingPathComponent("base"))
        let dir = try Fixtures.materialize(files)
        defer { try? FileManager.default.removeItem(at: dir) }
        let loaded = try WorkspaceLoader.load(root: dir.path)
        let result = Compiler.build(loaded.files)
        #expect(Fixtures.describe(loaded.diagnostics + result.diagnostics) == "")
        #expect(result.bundle != nil)
    }
}
