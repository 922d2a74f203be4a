@testable import BundleFormat
import Testing

/// The streamed bundle (`BundleEmitter.emit(members:streamed:...)`, what `automail build` writes
/// with) against the whole-value emitter: the same bytes, signed or not, whatever the chunk size, on
/// generated contents.
struct BundleStreamTests {
    /// A sink that checks each overwrite replaces bytes already appended, of the same length.
    struct CheckingSink: BundleSink {
        var bytes: [UInt8] = []
        var chunks = 0
        var badOverwrites = 0

        mutating func append(_ bytes: UnsafeRawBufferPointer) {
            self.bytes.append(contentsOf: bytes)
            chunks += 1
        }

        mutating func overwrite(at offset: Int, with bytes: [UInt8]) {
            guard offset >= 0, offset + bytes.count <= self.bytes.count else {
                badOverwrites += 1
                return
            }
            self.bytes.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
        }
    }

    /// A generated bundle-like content: members before and after `templates`, and `templates` itself
    /// (possibly empty).
    static func content(_ generator: inout JSONWriterDifferentialTests.Generator) -> [String: JSONValue] {
        var content: [String: JSONValue] = [:]
        let names = [
            "compiler", "format", "globals", "revision", "senders", "triggers", "variables", "workspace", "zé",
        ]
        for name in names where generator.next(3) > 0 { content[name] = generator.value(depth: 1) }
        var templates: [String: JSONValue] = [:]
        for _ in 0..<generator.next(6) { templates["t" + generator.string()] = generator.value(depth: 1) }
        content["templates"] = .object(templates)
        return content
    }

    /// Streams `content`: the members after `templates` are returned by `produce` as late members when
    /// `late` holds them.
    static func streamed(
        _ content: [String: JSONValue], late: Set<String>, signingKey: BundlePrivateKey?, chunkSize: Int
    ) throws -> CheckingSink {
        var members = content
        members["templates"] = nil
        for name in late { members[name] = nil }
        guard case .object(let templates)? = content["templates"] else { return CheckingSink() }
        var sink = CheckingSink()
        _ = try BundleEmitter.emit(
            members: members, streamed: "templates", signingKey: signingKey, chunkSize: chunkSize, into: &sink
        ) { yield in
            for key in templates.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                yield(key, WrittenEntry(templates[key] ?? .null))
            }
            // Objects as lazily made entries, the way the compiler writes its triggers.
            return content.filter { late.contains($0.key) }.mapValues { value in
                guard case .object(let members) = value else { return LateMember.value(value) }
                // Every other object with its entries already written.
                if members.count % 2 == 1 {
                    return .writtenObject(
                        keys: Array(members.keys), entry: { members[$0] ?? .null },
                        written: { WrittenEntry(members[$0] ?? .null) })
                }
                return .object(keys: Array(members.keys)) { members[$0] ?? .null }
            }
        }
        return sink
    }

    @Test func streamedBytesAreTheWholeEmittersBytes() throws {
        let key = try BundlePrivateKey(seed: Array(repeating: 7, count: 32))
        var generator = JSONWriterDifferentialTests.Generator(state: 11)
        for round in 0..<200 {
            let content = Self.content(&generator)
            let late: Set<String> = round % 2 == 0 ? [] : ["triggers", "variables"]
            for chunkSize in [1, 64, 1 << 16] {
                let plain = try Self.streamed(content, late: late, signingKey: nil, chunkSize: chunkSize)
                #expect(plain.bytes == BundleEmitter.emit(content), "round \(round), chunk \(chunkSize)")
                #expect(plain.badOverwrites == 0)
                let signed = try Self.streamed(content, late: late, signingKey: key, chunkSize: chunkSize)
                #expect(signed.bytes == (try BundleEmitter.emit(content, signingKey: key)), "round \(round), signed")
                #expect(signed.badOverwrites == 0)
                if chunkSize == 1 { #expect(plain.chunks > 3) }
            }
        }
    }

    @Test func theInMemorySinkGivesTheSameBytes() throws {
        let content: [String: JSONValue] = [
            "format": .int(1), "templates": .object(["a": .object(["x": .string("é\n")]), "b": .array([])]),
            "variables": .array([.string("v")]),
        ]
        var sink = BundleBytes()
        let digest = try BundleEmitter.emit(members: ["format": .int(1)], streamed: "templates", into: &sink) { yield in
            yield("a", WrittenEntry(.object(["x": .string("é\n")])))
            yield("b", WrittenEntry(.array([])))
            return ["variables": .value(.array([.string("v")]))]
        }
        #expect(sink.bytes == BundleEmitter.emit(content))
        #expect(digest == BundleEmitter.expectedDigest(of: content))
    }
}
