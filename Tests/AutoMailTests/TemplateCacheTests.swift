@testable import AutoMail
import BundleFormat
import Diagnostics
import Dispatch
import Foundation
import TestSupport
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

    /// The canonical form of JSON written pretty by `JSONWriter`, scanned byte by byte: the same tokens
    /// without the white space between them. What version 1 of the cache derived an entry's canonical form
    /// with, kept as the definition the gaps are checked against.
    static func canonical(ofPretty pretty: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var inString = false
        var escaped = false
        for byte in pretty {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                out.append(byte)
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                out.append(byte)
            } else if byte != UInt8(ascii: " "), byte != UInt8(ascii: "\n") {
                out.append(byte)
            }
        }
        return out
    }

    @Test func theCanonicalFormIsThePrettyOneWithoutItsGaps() throws {
        var generator = ValueGenerator(state: 19)
        var values: [JSONValue] = [
            .object([
                "a b": .string("x \" y\\"), "list": .array([.int(1), .object([:]), .array([]), .string(" \n ")]),
                "nested": .object(["k": .bool(true), "n": .null]),
            ])
        ]
        for _ in 0..<300 { values.append(.object(["v": generator.value(depth: 0), "w": generator.value(depth: 1)])) }
        for value in values {
            let written = WrittenEntry(value)
            let (canonical, pretty) = written.forms
            #expect(canonical == Self.canonical(ofPretty: pretty))
            #expect(canonical == JSONWriter(pretty: false).write(value))
            // Kept and read back, the entry has the same gaps and forms.
            let key = String(repeating: "a", count: 64)
            let bytes = TemplateCache.encode(TemplateCache.Entry(written: written, reads: ["x", "é"]), key: key)
            let decoded = try #require(TemplateCache.decode(bytes, key: key))
            #expect(decoded.written.gaps.map { $0.count } == written.gaps.map { $0.count })
            #expect(decoded.written.forms == written.forms)
            #expect(decoded.reads == ["x", "é"])
        }
    }

    @Test func theChecksumIsXXH64() {
        // The reference implementation's values (xxHash 0.8, `XXH64(data, length, seed)`).
        let vectors: [(String, UInt64, UInt64)] = [
            ("", 0, 0xEF46_DB37_51D8_E999), ("a", 0, 0xD24E_C4F1_A98C_6E5B), ("abc", 0, 0x44BC_2CF5_AD77_0999),
            ("automail", 0, 0xDB93_8BB2_3DA1_F91A),
        ]
        for (text, seed, expected) in vectors {
            #expect(XXH64.hash(Array(text.utf8), seed: seed) == expected, "\(text)")
        }
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
                { bytes, _ in bytes = Self.sealed(key: Self.key(of: bytes), pretty: "[1, 2, 3]", gaps: [3, 2]) }
            ),
            (
                "a well-sealed entry whose gap is not white space",
                { bytes, _ in bytes = Self.sealed(key: Self.key(of: bytes), pretty: "{\"a\": 1}", gaps: [0]) }
            ),
            (
                "a well-sealed entry whose gap lies past its end",
                { bytes, _ in bytes = Self.sealed(key: Self.key(of: bytes), pretty: "{\"a\": 1}", gaps: [5, 40]) }
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

    /// The key an entry is stored under, read from its header.
    static func key(of entry: [UInt8]) -> String {
        String(decoding: entry[TemplateCache.magic.count..<(TemplateCache.magic.count + 64)], as: UTF8.self)
    }

    /// An entry laid out and sealed as ``TemplateCache/encode(_:key:)`` does, with no reads, holding
    /// `pretty` and gaps at the distances `gaps` (each one byte).
    static func sealed(key: String, pretty: String, gaps: [UInt8]) -> [UInt8] {
        func length(_ count: Int) -> [UInt8] { withUnsafeBytes(of: UInt64(count).littleEndian) { Array($0) } }
        var forged = TemplateCache.magic + Array(key.utf8) + length(0)
        forged += length(pretty.utf8.count) + Array(pretty.utf8) + length(gaps.count) + gaps
        return forged + withUnsafeBytes(of: XXH64.hash(forged).littleEndian) { Array($0) }
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

/// Generated JSON values, deterministic (SplitMix64): strings with quotes, escapes, spaces and line breaks,
/// nested arrays and objects, empty ones too.
struct ValueGenerator {
    var random: SplitMix64

    init(state: UInt64) { random = SplitMix64(state: state) }

    mutating func next(_ bound: Int) -> Int { random.next(bound) }

    mutating func string() -> String {
        let pieces = ["a", "é", " ", "  ", "\n", "\n  ", "\"", "\\", "\\\"", "\t", "\u{1F}", ": ", ", ", "{", "]", ""]
        return (0..<next(6)).map { _ in pieces[next(pieces.count)] }.joined()
    }

    mutating func value(depth: Int) -> JSONValue {
        switch next(depth > 3 ? 4 : 6) {
        case 0: return .null
        case 1: return .bool(next(2) == 0)
        case 2: return .int([0, -1, 42, Int.max, Int.min][next(5)])
        case 3: return .string(string())
        case 4: return .array((0..<next(4)).map { _ in value(depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<next(5) { members[string()] = value(depth: depth + 1) }
            return .object(members)
        }
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
