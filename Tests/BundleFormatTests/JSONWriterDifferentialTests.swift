@testable import BundleFormat
import TestSupport
import Testing

/// The byte-buffer `JSONWriter` against the writer it replaced (kept here as the reference), on
/// generated values: same bytes, canonical and pretty; and `stream` gives `write`'s bytes.
struct JSONWriterDifferentialTests {
    /// The previous writer: an explicit stack of steps with `String` raw steps.
    static func reference(_ value: JSONValue, pretty: Bool) -> [UInt8] {
        var out: [UInt8] = []
        enum Step {
            case value(JSONValue, depth: Int)
            case raw(String)
            case newlineIndent(Int)
        }
        var stack: [Step] = [.value(value, depth: 0)]
        while let step = stack.popLast() {
            switch step {
            case .raw(let text):
                out.append(contentsOf: text.utf8)
            case .newlineIndent(let depth):
                if pretty {
                    out.append(UInt8(ascii: "\n"))
                    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
                }
            case .value(let value, let depth):
                switch value {
                case .null: out.append(contentsOf: "null".utf8)
                case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
                case .int(let i): out.append(contentsOf: String(i).utf8)
                case .string(let s): out.append(contentsOf: referenceString(s))
                case .array(let items):
                    if items.isEmpty {
                        out.append(contentsOf: "[]".utf8)
                        continue
                    }
                    out.append(UInt8(ascii: "["))
                    var steps: [Step] = []
                    for (i, item) in items.enumerated() {
                        if i > 0 { steps.append(.raw(",")) }
                        steps.append(.newlineIndent(depth + 1))
                        steps.append(.value(item, depth: depth + 1))
                    }
                    steps.append(.newlineIndent(depth))
                    steps.append(.raw("]"))
                    stack.append(contentsOf: steps.reversed())
                case .object(let members):
                    if members.isEmpty {
                        out.append(contentsOf: "{}".utf8)
                        continue
                    }
                    out.append(UInt8(ascii: "{"))
                    let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                    var steps: [Step] = []
                    for (i, key) in keys.enumerated() {
                        if i > 0 { steps.append(.raw(",")) }
                        steps.append(.newlineIndent(depth + 1))
                        steps.append(
                            .raw(String(decoding: referenceString(key), as: UTF8.self) + (pretty ? ": " : ":")))
                        steps.append(.value(members[key] ?? .null, depth: depth + 1))
                    }
                    steps.append(.newlineIndent(depth))
                    steps.append(.raw("}"))
                    stack.append(contentsOf: steps.reversed())
                }
            }
        }
        if pretty { out.append(UInt8(ascii: "\n")) }
        return out
    }

    static func referenceString(_ string: String) -> [UInt8] {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }

    /// A deterministic generator (SplitMix64).
    struct Generator {
        var random: SplitMix64
        init(state: UInt64) { random = SplitMix64(state: state) }
        mutating func next(_ bound: Int) -> Int { random.next(bound) }

        mutating func string() -> String {
            let pieces = [
                "a", "Zz", "é", "✓", "👍🏽", "\"", "\\", "\n", "\t", "\r", "\u{07}", "\u{1F}", " ", "{{ x }}", "",
            ]
            var result = ""
            for _ in 0..<next(6) { result += pieces[next(pieces.count)] }
            return result
        }

        mutating func value(depth: Int) -> JSONValue {
            switch next(depth > 3 ? 4 : 6) {
            case 0: return .null
            case 1: return .bool(next(2) == 0)
            case 2:
                let samples = [0, 1, -1, 42, -987_654_321, Int.max, Int.min, 10, 100]
                return .int(samples[next(samples.count)])
            case 3: return .string(string())
            case 4: return .array((0..<next(4)).map { _ in value(depth: depth + 1) })
            default:
                var members: [String: JSONValue] = [:]
                for _ in 0..<next(5) { members[string()] = value(depth: depth + 1) }
                return .object(members)
            }
        }
    }

    @Test func writerAgreesWithTheReferenceWriter() {
        var generator = Generator(state: 7)
        for _ in 0..<500 {
            let value = generator.value(depth: 0)
            for pretty in [false, true] {
                let writer = JSONWriter(pretty: pretty)
                let bytes = writer.write(value)
                #expect(bytes == Self.reference(value, pretty: pretty))
                var streamed: [UInt8] = []
                writer.stream(value, chunkSize: 7) { streamed.append(contentsOf: $0) }
                #expect(streamed == bytes)
            }
        }
    }

    /// `keyPrecedes` against the order it replaced, kept as its definition: UTF-8 bytes compared as a
    /// sequence, on every pair of generated keys (prefixes, equal keys, non-ASCII, long ones, bridged ones).
    @Test func keyOrderIsTheUTF8SequenceOrder() {
        var generator = Generator(state: 11)
        var keys = ["", "a", "ab", "b", "é", "e\u{301}", "z", "Z", "✓", "👍🏽", String(repeating: "k", count: 40)]
        keys += keys.map { $0 + "x" } + keys.map { String(repeating: "long key ", count: 4) + $0 }
        for _ in 0..<60 { keys.append(generator.string()) }
        for a in keys {
            for b in keys {
                #expect(JSONWriter.keyPrecedes(a, b) == a.utf8.lexicographicallyPrecedes(b.utf8), "\(a) \(b)")
            }
        }
    }

    /// The word-at-a-time escape against the reference's byte loop: a byte that needs an escape at every
    /// position of strings of every length up to 40, among ASCII, non-ASCII (bytes 0x80 and above), DEL and
    /// the characters next to those that need one (space, `!`, `#`, `[`, `]`).
    /// Strings dense in escapes (up to six bytes for one), long and short: `appendString` grows its room
    /// for escapes as it goes; the bytes are the reference's, appended after bytes already there.
    @Test func denseEscapesAgreeWithTheReference() {
        let pieces = ["\u{01}", "\u{1F}", "\"", "\\", "\n", "a", "é", "👍", "\u{7F}"]
        var generator = Generator(state: 31)
        for _ in 0..<3_000 {
            var text = ""
            let length = generator.next(4) == 0 ? generator.next(2_000) : generator.next(40)
            let dense = generator.next(3)
            for _ in 0..<length { text += pieces[generator.next(dense == 0 ? 2 : pieces.count)] }
            var out: [UInt8] = Array("prefix".utf8)
            JSONWriter.appendString(text, to: &out)
            #expect(out == Array("prefix".utf8) + Self.referenceString(text), "\(text.debugDescription)")
        }
    }

    @Test func stringEscapesAgreeWithTheReferenceAtEveryPosition() {
        let special = ["\"", "\\", "\n", "\u{00}", "\u{1F}", "\t"]
        let fillers = ["a", "é", "👍", "\u{7F}", " ", "!", "#", "[", "]", "\u{80}", "ÿ"]
        var generator = Generator(state: 3)
        for length in 0...40 {
            for position in 0...length {
                for escape in special {
                    var text = ""
                    for index in 0..<length {
                        text += index == position ? escape : fillers[generator.next(fillers.count)]
                    }
                    var written: [UInt8] = []
                    JSONWriter.appendString(text, to: &written)
                    #expect(written == Self.referenceString(text), "\(length) \(position) \(escape)")
                }
            }
        }
    }

    /// Random strings over all of Unicode (every plane, the C0 controls, DEL, `"`, `\\`, U+2028), of every
    /// length up to 300, appended after bytes already there: the reference's bytes. And `appendEscaped`
    /// without quotes on random bytes, invalid UTF-8 included (a `String` is always valid, but the
    /// function reads bytes): the reference's bytes without their quotes.
    @Test func randomTextAgreesWithTheReference() {
        var generator = Generator(state: 41)
        func scalar() -> Unicode.Scalar {
            switch generator.next(8) {
            case 0: return Unicode.Scalar(UInt8(generator.next(0x20)))
            case 1: return ["\"", "\\", "\u{7F}", "\u{2028}", "\u{2029}", "<", "&", "'"][generator.next(8)]
            case 2, 3: return Unicode.Scalar(UInt8(0x20 + generator.next(0x60)))
            default:
                let value = UInt32(generator.next(0x11_0000))
                return Unicode.Scalar(value) ?? "\u{FFFD}"
            }
        }
        for round in 0..<4_000 {
            var text = ""
            for _ in 0..<generator.next(round % 10 == 0 ? 300 : 40) { text.unicodeScalars.append(scalar()) }
            var out: [UInt8] = Array("prefix".utf8)
            JSONWriter.appendString(text, to: &out)
            #expect(out == Array("prefix".utf8) + Self.referenceString(text), "\(text.debugDescription)")
        }
        for _ in 0..<2_000 {
            let bytes = (0..<generator.next(100)).map { _ in UInt8(generator.next(256)) }
            var out: [UInt8] = [1, 2]
            bytes.withUnsafeBufferPointer { JSONWriter.appendEscaped($0, quoted: false, to: &out) }
            let reference = Self.referenceBytes(bytes)
            #expect(out == [1, 2] + reference.dropFirst().dropLast())
        }
        // Every byte, alone and among others.
        for byte in UInt8.min...UInt8.max {
            for padding in [0, 7, 8, 15] {
                let bytes = Array(repeating: UInt8(ascii: "a"), count: padding) + [byte] + [UInt8(ascii: "b")]
                var out: [UInt8] = []
                bytes.withUnsafeBufferPointer { JSONWriter.appendEscaped($0, quoted: true, to: &out) }
                #expect(out == Self.referenceBytes(bytes), "\(byte) \(padding)")
            }
        }
    }

    /// ``referenceString(_:)`` of bytes that need not be valid UTF-8.
    static func referenceBytes(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for byte in bytes {
            let escaped = referenceString(String(decoding: [byte < 0x80 ? byte : UInt8(ascii: "a")], as: UTF8.self))
            out += byte < 0x80 ? escaped.dropFirst().dropLast() : [byte]
        }
        return [UInt8(ascii: "\"")] + out + [UInt8(ascii: "\"")]
    }
}
