import AutoMail
import Diagnostics
import Foundation
import Testing

/// Built bundles validate against `schemas/bundle.schema.json`, and their digest matches the one
/// `scripts/schemas/validate.py` recomputes on its own from docs/bundle-format.md's canonical form.
struct BundleSchemaTests {
    /// The workspaces built: both examples, the kitchen sink, and the kitchen sink without
    /// `default_sender` nor template `sender` (the implicit `_noreply` sender).
    static func workspaces() throws -> [(name: String, files: [SourceFile])] {
        var out = try ExampleBundleTests.examples.map { ($0, try ExampleBundleTests.load($0)) }
        let kitchenSink = try SchemaAgreementTests.loadKitchenSink()
        out.append(("kitchen-sink", kitchenSink))
        let implicitSender = kitchenSink.map { file in
            let text = String(decoding: file.bytes, as: UTF8.self)
                .split(separator: "\n", omittingEmptySubsequences: false)
                .filter { $0 != "default_sender: team" && $0 != "sender: team" }
                .joined(separator: "\n")
            return SourceFile(path: file.path, bytes: Array(text.utf8))
        }
        out.append(("kitchen-sink-implicit-sender", implicitSender))
        return out
    }

    /// Builds every workspace (with and without a revision) into a new temporary folder.
    static func writeBundles() throws -> [URL] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("automail-bundles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var urls: [URL] = []
        for (name, files) in try workspaces() {
            for revision in [nil, "0123abc"] as [String?] {
                let result = Compiler.build(files, options: BuildOptions(revision: revision))
                let bundle = try #require(
                    result.bundle, "`\(name)` does not build:\n\(Fixtures.describe(result.diagnostics))")
                let url = dir.appendingPathComponent("\(name)\(revision == nil ? "" : "-revision").bundle.json")
                try Data(bundle).write(to: url)
                urls.append(url)
            }
        }
        return urls
    }

    @Test func builtBundlesValidateAndCarryTheirDigest() throws {
        let urls = try Self.writeBundles()
        defer { try? FileManager.default.removeItem(at: urls[0].deletingLastPathComponent()) }
        let run = try Python.validate(["--bundle"] + urls.map(\.path))
        #expect(run.status == 0, "validate.py failed on built bundles:\n\(run.output)")
        #expect(run.output.hasSuffix("\(urls.count) passed, 0 failed\n"), "\(run.output)")
    }

    @Test func implicitSenderBundleUsesTheNoreplySender() throws {
        let files = try #require(try Self.workspaces().first { $0.name == "kitchen-sink-implicit-sender" }).files
        let bundle = try #require(Compiler.build(files).bundle)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bundle)) as? [String: Any])
        #expect(object["default_sender"] as? String == "_noreply")
    }

    /// The digest check is live: a bundle changed after the build fails, as does a wrong digest.
    @Test func validateRejectsATamperedBundle() throws {
        let files = try SchemaAgreementTests.loadKitchenSink()
        let bundle = try #require(Compiler.build(files).bundle)
        var object = try #require(try JSONSerialization.jsonObject(with: Data(bundle)) as? [String: Any])
        var workspace = try #require(object["workspace"] as? [String: Any])
        workspace["name"] = "Kitchen Sink Association, changed"
        object["workspace"] = workspace
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("automail-tampered-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let run = try Python.validate(["--bundle", url.path])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.output.contains("does not match the canonical form"), "\(run.output)")
    }
}
