@testable import AutoMail
import BundleFormat
import Diagnostics
import Liquid
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
            for parallelism in [1, 2, 4] {
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

    /// A custom layout's markup is rewritten once for every document: each document is still the
    /// escape rewrite of the whole document (the definition), Liquid in the layout included.
    @Test func aCustomLayoutIsLoweredAsTheWholeDocumentWouldBe() throws {
        var files = try ExampleBundleTests.load("lyon-municipales")
        let manifest = try #require(files.firstIndex { $0.path == "automail.yaml" })
        files[manifest] = SourceFile(
            path: "automail.yaml", bytes: Array("layout: layouts/email.html\n".utf8) + files[manifest].bytes)
        let layout = """
            <body style="margin:0">
            <p class="brand">{{ workspace.name }} {% if contact.firstname %}{{ contact.firstname | upcase }}{% endif %}</p>
            {{ content }}
            <div class="legal">{{ footer }}</div>
            </body>
            """
        files.append(SourceFile(path: "layouts/email.html", text: layout))
        let result = Compiler.build(files, options: BuildOptions(revision: "r"))
        #expect(!result.hasErrors, "\(Fixtures.describe(result.diagnostics))")
        guard case .object(let content)? = result.bundleContent, case .object(let templates)? = content["templates"]
        else {
            Issue.record("no templates")
            return
        }
        var documents = 0
        for case .object(let template) in templates.values {
            guard case .object(let locales)? = template["locales"] else { continue }
            for case .object(let localized) in locales.values {
                guard case .string(let html)? = localized["html"] else { continue }
                let brand =
                    #"{{ workspace.name | escape | replace: "&#x27;", "&#39;" }} {% if contact.firstname %}{{ contact.firstname | upcase | escape | replace: "&#x27;", "&#39;" }}{% endif %}"#
                #expect(html.contains("<p class=\"brand\">" + brand + "</p>"))
                // Rewriting the document again changes nothing: every output already ends with the chain.
                #expect(LiquidTemplate.appendingEscapeToOutputs(html) == html)
                documents += 1
            }
        }
        #expect(documents >= 4)
        var sink = BundleBytes()
        _ = try Compiler.build(files, options: BuildOptions(revision: "r"), into: &sink)
        #expect(sink.bytes == result.bundle)
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
