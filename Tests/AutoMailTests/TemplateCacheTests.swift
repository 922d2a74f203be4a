@testable import AutoMail
import BundleFormat
import Crypto
import Diagnostics
import Dispatch
import Foundation
import Testing

/// `build --cache`: the bundle is byte-identical with and without a cache, a one-template change renders
/// that template alone, and an entry that is corrupt, foreign or stored under another key is never used.
struct TemplateCacheTests {
    /// A store in memory, counting what it was asked.
    final class MemoryStore: TemplateCacheStore, @unchecked Sendable {
        private let queue = DispatchQueue(label: "memory-store")
        private var entries: [String: [UInt8]] = [:]

        func load(_ key: String) -> [UInt8]? { queue.sync { entries[key] } }
        func store(_ key: String, _ bytes: [UInt8]) { queue.sync { entries[key] = bytes } }
        var keys: [String] { queue.sync { entries.keys.sorted() } }
        func edit(_ key: String, _ change: (inout [UInt8]) -> Void) {
            queue.sync { change(&entries[key, default: []]) }
        }
    }

    static func build(
        _ files: [SourceFile], cache: TemplateCache?, parallelism: Int = 1
    ) throws -> (bytes: [UInt8], result: CompilationResult) {
        var options = BuildOptions(revision: "r", parallelism: parallelism)
        options.streamingBatchSize = 3
        options.templateCache = cache
        var sink = BundleBytes()
        let result = try Compiler.build(files, options: options, into: &sink)
        return (sink.bytes, result)
    }

    static func replacing(_ files: [SourceFile], _ path: String, _ change: (String) -> String) -> [SourceFile] {
        files.map { file in
            file.path == path
                ? SourceFile(path: path, bytes: Array(change(String(decoding: file.bytes, as: UTF8.self)).utf8)) : file
        }
    }

    @Test(arguments: ExampleBundleTests.examples)
    func theBundleIsTheSameColdWarmAndAfterAOneTemplateChange(_ name: String) throws {
        let files = try ExampleBundleTests.load(name)
        let plain = try Self.build(files, cache: nil)
        let templates = try #require(plain.result.summary?.templates)
        let store = MemoryStore()
        for (round, parallelism) in [(0, 1), (1, 1), (2, 2)] {
            let cache = TemplateCache(store: store)
            let cached = try Self.build(files, cache: cache, parallelism: parallelism)
            #expect(cached.bytes == plain.bytes, "\(name), round \(round)")
            #expect(cached.result.diagnostics == plain.result.diagnostics)
            let statistics = cache.statistics
            let kept = store.keys.count
            // Round 0 fills the cache with every template the rules found nothing in; later rounds use them all.
            #expect(statistics.hits + statistics.misses == templates)
            #expect(statistics.hits == (round == 0 ? 0 : kept), "\(name), round \(round): \(statistics)")
        }
        // One template reworded: it alone is rendered again, and the bundle is the uncached one's.
        let template = try #require(files.first { $0.path.hasPrefix("templates/") })
        let edited = Self.replacing(files, template.path) {
            $0.replacingOccurrences("body: |\n", "body: |\n      An edited first line.\n\n", once: true)
        }
        let editedPlain = try Self.build(edited, cache: nil)
        #expect(editedPlain.result.bundleDigest != nil, "\(Fixtures.describe(editedPlain.result.diagnostics))")
        let cache = TemplateCache(store: store)
        let editedCached = try Self.build(edited, cache: cache)
        #expect(editedPlain.bytes != plain.bytes, "the edit changes the bundle")
        #expect(editedCached.bytes == editedPlain.bytes)
        #expect(cache.statistics.misses == 1)
    }

    @Test func theCanonicalFormIsThePrettyOneWithoutWhiteSpaceBetweenTokens() throws {
        let value = JSONValue.object([
            "a b": .string("x \" y\\"), "list": .array([.int(1), .object([:]), .array([]), .string(" \n ")]),
            "nested": .object(["k": .bool(true), "n": .null]),
        ])
        let written = WrittenEntry(value)
        #expect(TemplateCache.canonical(ofPretty: written.forms.pretty) == written.forms.canonical)
    }

    @Test func aManifestChangeRendersEveryTemplateAgain() throws {
        let files = try ExampleBundleTests.load("riverside-tenants")
        let store = MemoryStore()
        _ = try Self.build(files, cache: TemplateCache(store: store))
        let edited = Self.replacing(files, "automail.yaml") { $0 + "\n# a comment changes the manifest's bytes\n" }
        let cache = TemplateCache(store: store)
        let rebuilt = try Self.build(edited, cache: cache)
        #expect(cache.statistics.hits == 0 && cache.statistics.misses == rebuilt.result.summary?.templates)
        #expect(rebuilt.bytes == (try Self.build(edited, cache: nil)).bytes)
    }

    @Test func corruptForeignOrMisplacedEntriesAreIgnoredAndReplaced() throws {
        let files = try ExampleBundleTests.load("lyon-municipales")
        let plain = try Self.build(files, cache: nil)
        let damages: [(String, (inout [UInt8], [String: [UInt8]]) -> Void)] = [
            ("truncated", { bytes, _ in bytes.removeLast(40) }),
            ("emptied", { bytes, _ in bytes = [] }),
            ("a byte flipped", { bytes, _ in bytes[bytes.count / 2] ^= 0x20 }),
            ("the checksum flipped", { bytes, _ in bytes[bytes.count - 1] ^= 1 }),
            ("another key's entry", { bytes, all in bytes = all.values.first { $0 != bytes } ?? [] }),
            ("another version's magic", { bytes, _ in bytes[0] = UInt8(ascii: "X") }),
            (
                "a well-sealed entry that is not a template",
                { bytes, _ in
                    let key = String(
                        decoding: bytes[TemplateCache.magic.count..<(TemplateCache.magic.count + 64)], as: UTF8.self)
                    var forged = TemplateCache.magic + Array(key.utf8)
                    forged += [0, 0, 0, 0, 0, 0, 0, 0]  // no reads
                    let json = Array("[1, 2, 3]".utf8)
                    forged += withUnsafeBytes(of: UInt64(json.count).littleEndian) { Array($0) } + json
                    bytes = forged + SHA256.hash(data: forged)
                }
            ),
            (
                "a length past the end",
                { bytes, _ in
                    let at = TemplateCache.magic.count + 64
                    for i in 0..<8 { bytes[at + i] = 0xff }
                }
            ),
        ]
        for (damage, apply) in damages {
            let store = MemoryStore()
            _ = try Self.build(files, cache: TemplateCache(store: store))
            var all: [String: [UInt8]] = [:]
            for key in store.keys { all[key] = store.load(key) }
            for key in store.keys { store.edit(key) { apply(&$0, all) } }
            let cache = TemplateCache(store: store)
            let rebuilt = try Self.build(files, cache: cache)
            #expect(rebuilt.bytes == plain.bytes, "\(damage)")
            #expect(cache.statistics.hits == 0, "\(damage): \(cache.statistics)")
            // Replaced by good entries: the next build uses every one.
            let again = TemplateCache(store: store)
            _ = try Self.build(files, cache: again)
            #expect(again.statistics.misses == 0, "\(damage): \(again.statistics)")
        }
    }

    @Test func aTemplateWithWarningsIsNotKeptAndKeepsItsWarnings() throws {
        let files = try ExampleBundleTests.load("riverside-tenants")
        let template = try #require(files.first { $0.path.hasPrefix("templates/") })
        // An image without alt text is a warning (imageWithoutAlt), not an error: the template is still built.
        let warned = Self.replacing(files, template.path) { text in
            text.replacingOccurrences("body: |\n", "body: |\n      ![](https://example.org/banner.png)\n\n", once: true)
        }
        let plain = try Self.build(warned, cache: nil)
        #expect(
            plain.result.bundleDigest != nil && !plain.result.diagnostics.isEmpty,
            "\(Fixtures.describe(plain.result.diagnostics))")
        let store = MemoryStore()
        for _ in 0..<2 {
            let cached = try Self.build(warned, cache: TemplateCache(store: store))
            #expect(cached.result.diagnostics == plain.result.diagnostics)
            #expect(cached.bytes == plain.bytes)
        }
        let templates = try #require(plain.result.summary?.templates)
        #expect(plain.result.diagnostics.allSatisfy { $0.range?.file == template.path })
        #expect(store.keys.count == templates - 1)
    }
}

extension String {
    /// The text with the first (or every) `target` replaced.
    func replacingOccurrences(_ target: String, _ replacement: String, once: Bool) -> String {
        guard let range = range(of: target) else { return self }
        return once
            ? replacingCharacters(in: range, with: replacement)
            : components(separatedBy: target).joined(separator: replacement)
    }
}
