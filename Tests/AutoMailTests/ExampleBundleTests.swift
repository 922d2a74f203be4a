import AutoMail
import Diagnostics
import Foundation
import Testing

/// The bundled examples check clean, build into their golden bundles, and build the same bytes
/// whatever order their files come in.
struct ExampleBundleTests {
    static let examples = ["lyon-municipales", "riverside-tenants"]

    static func load(_ name: String) throws -> [SourceFile] {
        let root = Fixtures.repositoryRoot.appendingPathComponent("workspace-examples/\(name)").path
        let loaded = try WorkspaceLoader.load(root: root)
        #expect(loaded.diagnostics.isEmpty)
        return loaded.files
    }

    @Test(arguments: examples)
    func exampleChecksClean(_ name: String) throws {
        let result = Compiler.check(try Self.load(name))
        #expect(Fixtures.describe(result.diagnostics) == "")
    }

    @Test(arguments: examples)
    func exampleMatchesGoldenBundle(_ name: String) throws {
        let result = Compiler.build(try Self.load(name), options: BuildOptions(revision: "golden"))
        let bundle = try #require(result.bundle, "\(Fixtures.describe(result.diagnostics))")
        let golden = Fixtures.root.appendingPathComponent("golden/\(name).bundle.json")
        if Fixtures.recording {
            try FileManager.default.createDirectory(
                at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bundle).write(to: golden)
            return
        }
        let expected = try Data(contentsOf: golden)
        #expect(Data(bundle) == expected, "bundle of `\(name)` differs from its golden; RECORD_SNAPSHOTS=1 re-records")
    }

    @Test(arguments: examples)
    func buildIsDeterministicWhateverTheFileOrder(_ name: String) throws {
        let files = try Self.load(name)
        let first = Compiler.build(files).bundle
        let reversed = Compiler.build(files.reversed()).bundle
        var shuffled = files
        var generator = SeededGenerator(seed: 42)
        shuffled.shuffle(using: &generator)
        let third = Compiler.build(shuffled).bundle
        #expect(first != nil)
        #expect(first == reversed)
        #expect(first == third)
    }

    @Test func digestCoversContent() throws {
        let files = try Self.load("riverside-tenants")
        let a = try #require(Compiler.build(files, options: BuildOptions(revision: "a")).bundle)
        let b = try #require(Compiler.build(files, options: BuildOptions(revision: "b")).bundle)
        func digest(_ bytes: [UInt8]) throws -> String {
            let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
            return object?["digest"] as? String ?? ""
        }
        #expect(try digest(a).hasPrefix("sha256:"))
        #expect(try digest(a) != digest(b))
    }
}

/// A small deterministic generator for shuffles in tests (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
