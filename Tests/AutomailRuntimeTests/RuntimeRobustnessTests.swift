import AutomailRuntime
import BundleFormat
import BundleModel
import Testing

/// Whatever a bundle or an event holds, loading and evaluating answer (a value or an error), never
/// crash: every member of a small bundle replaced by every kind of value or removed, with a valid
/// digest; an event file with every byte changed.
struct RuntimeRobustnessTests {
    /// Every pointer of `value`, the root excluded.
    static func pointers(_ value: JSONValue, _ prefix: [String] = []) -> [[String]] {
        switch value {
        case .object(let members):
            return members.keys.sorted().flatMap { key in
                [prefix + [key]] + pointers(members[key] ?? .null, prefix + [key])
            }
        case .array(let items):
            return items.indices.flatMap { index in
                [prefix + [String(index)]] + pointers(items[index], prefix + [String(index)])
            }
        default:
            return []
        }
    }

    /// `value` with the member at `path` replaced by `replacement` (removed when `nil`).
    static func replacing(_ path: ArraySlice<String>, in value: JSONValue, with replacement: JSONValue?) -> JSONValue? {
        guard let head = path.first else { return replacement }
        switch value {
        case .object(var members):
            members[head] = members[head].flatMap { replacing(path.dropFirst(), in: $0, with: replacement) }
            return .object(members)
        case .array(var items):
            guard let index = Int(head), items.indices.contains(index) else { return value }
            if let changed = replacing(path.dropFirst(), in: items[index], with: replacement) {
                items[index] = changed
            } else {
                items.remove(at: index)
            }
            return .array(items)
        default:
            return value
        }
    }

    @Test func everyMemberOfABundleReplacedOrRemovedIsReadOrRefused() throws {
        var builder = BundleBuilder()
        builder.bind("task:t", "t", template: "a", priority: 2, delay: 60, once: 86_400)
        builder.bind("support_level:s", "s", template: "b", priority: 1)
        let content = JSONValue.object(builder.content)
        let event = Events.event(
            level: "s", tasks: ["t"],
            contact: Events.contact(history: [SentRecord(trigger: "x", template: "b", at: Events.ago(60))]))
        let replacements: [JSONValue?] = [
            nil, .null, .bool(true), .int(-2), .string(""), .string("{{"), .array([]), .object([:]),
        ]
        var loaded = 0
        var refused = 0
        for path in Self.pointers(content) {
            for replacement in replacements {
                guard case .object(let members)? = Self.replacing(path[...], in: content, with: replacement) else {
                    continue
                }
                do {
                    let bundle = try RuntimeBundle.load(BundleEmitter.emit(members))
                    loaded += 1
                    _ = try? bundle.evaluate(event)
                } catch {
                    refused += 1
                    #expect(!error.description.isEmpty)
                }
            }
        }
        #expect(loaded > 0 && refused > 0)
    }

    @Test func everyByteOfAnEventChangedIsReadOrRefused() throws {
        let bundle = try RuntimeBundle.load(
            try Repository.bytes("Tests/AutoMailTests/Fixtures/golden/lyon-municipales.bundle.json"))
        let original = try Repository.bytes("workspace-examples/lyon-municipales/events/porte-a-porte-soutien.json")
        var decided = 0
        for index in original.indices {
            for byte in [UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "0"), 0xFF, UInt8(ascii: "-")] {
                var changed = original
                changed[index] = byte
                guard let event = try? RuntimeEvent.decode(changed) else { continue }
                if (try? bundle.evaluate(event)) != nil { decided += 1 }
            }
        }
        #expect(decided > 0)
    }

    @Test func deepNestingIsRefusedNotOverflowed() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: EventDecodingError.self) { try RuntimeEvent.decode(Array(deep.utf8)) }
        #expect(throws: BundleLoadError.self) { try RuntimeBundle.load(Array(deep.utf8)) }
    }
}
