@testable import AutoMail
import BundleFormat
import Diagnostics
import Testing

/// `Compiler.build(_:options:signingKey:into:)`, the streaming build `automail build` writes with,
/// gives the bytes of the in-memory build (`BundleEmitter.emit` of the whole content), signed or not,
/// on any number of threads and across template batches.
struct StreamingBuildTests {
    static let key = Result { try BundlePrivateKey(seed: Array(repeating: 9, count: 32)) }

    @Test func streamedBundlesAreTheInMemoryOnes() throws {
        let key = try Self.key.get()
        for (name, files) in try BundleSchemaTests.workspaces() {
            let whole = Compiler.build(files, options: BuildOptions(revision: "r"))
            let bundle = try #require(whole.bundle, "\(name): \(Fixtures.describe(whole.diagnostics))")
            guard case .object(let content)? = whole.bundleContent else {
                Issue.record("\(name): no content")
                continue
            }
            let signed = try BundleEmitter.emit(content, signingKey: key)
            for parallelism in [1, 2] {
                for batch in [1, 3, 256] {
                    var options = BuildOptions(revision: "r", parallelism: parallelism)
                    options.streamingBatchSize = batch
                    var plain = BundleBytes()
                    let result = try Compiler.build(files, options: options, into: &plain)
                    #expect(plain.bytes == bundle, "\(name), \(parallelism) threads, batches of \(batch)")
                    #expect(result.bundleDigest == whole.bundleDigest)
                    #expect(result.bundle == nil && result.bundleContent == nil)
                    var signedSink = BundleBytes()
                    _ = try Compiler.build(files, options: options, signingKey: key, into: &signedSink)
                    #expect(signedSink.bytes == signed, "\(name) signed, \(parallelism) threads, batches of \(batch)")
                }
            }
        }
    }

    @Test func aWorkspaceWithErrorsWritesNothing() throws {
        var files = try ExampleBundleTests.load("riverside-tenants")
        files.removeAll { $0.path == "automail.yaml" }
        var sink = BundleBytes()
        let result = try Compiler.build(files, into: &sink)
        #expect(result.hasErrors)
        #expect(result.bundleDigest == nil)
        #expect(sink.bytes.isEmpty)
    }
}
