import TestSupport
import Testing

@testable import MailRendering

/// `UTF8Text.validity(of:)` and `UTF8Text.string(_:)` against their definition, the standard library's
/// repairing decoder: bytes are valid UTF-8 exactly when `String(decoding:as:)` gives them back unchanged
/// (it replaces every ill-formed sequence by U+FFFD), and `UTF8Text.string(_:)` is that string, always.
struct UTF8StringDifferentialTests {
    typealias Generator = SplitMix64

    /// The definition: the validity the standard library's decoder finds.
    static func definedValidity(of bytes: [UInt8]) -> UTF8Text.Validity {
        guard Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes else { return .invalid }
        return bytes.allSatisfy { $0 < 0x80 } ? .ascii : .valid
    }

    static func check(_ bytes: [UInt8]) {
        let validity = bytes.withUnsafeBufferPointer { UTF8Text.validity(of: $0) }
        let string = UTF8Text.string(bytes)
        let decoded = String(decoding: bytes, as: UTF8.self)
        // One expectation a case, with the bytes to reproduce it.
        let agrees =
            validity == definedValidity(of: bytes) && Array(string.utf8) == Array(decoded.utf8) && string == decoded
        #expect(agrees, "\(bytes)")
    }

    /// ASCII padding before and after a sequence: none, and enough for the eight-byte skip on both sides.
    static let paddings: [[UInt8]] = [[], Array("abcdefghij".utf8)]

    @Test func everySequenceOfOneAndTwoBytes() {
        for first in 0...255 {
            Self.check([UInt8(first)])
            for second in 0...255 {
                for padding in Self.paddings {
                    Self.check(padding + [UInt8(first), UInt8(second)] + padding)
                }
            }
        }
    }

    /// The bytes at the edges of the ranges table 3-7 of the Unicode standard draws.
    static let edges: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xF4, 0xFF]

    @Test func everyLeadWithEdgeContinuations() {
        for lead in 0xC0...0xFF {
            for second in Self.edges {
                for third in Self.edges {
                    for padding in Self.paddings {
                        Self.check(padding + [UInt8(lead), second, third] + padding)
                        Self.check(padding + [UInt8(lead), second, third])
                        for fourth in Self.edges where lead >= 0xF0 {
                            Self.check(padding + [UInt8(lead), second, third, fourth] + padding)
                        }
                    }
                }
            }
        }
    }

    @Test func generatedTexts() {
        var generator = Generator(state: 30)
        let scalars: [String] = ["a", "é", "’", "\u{202F}", "€", "\u{FFFD}", "\u{D7FF}", "\u{E000}", "👍", "\u{10FFFF}"]
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<generator.next(12) {
                switch generator.next(4) {
                case 0: bytes += Array(repeating: UInt8(0x61 + generator.next(26)), count: generator.next(20))
                case 1, 2: bytes += Array(scalars[generator.next(scalars.count)].utf8)
                default:
                    // A whole scalar cut short, or a byte anywhere.
                    if generator.next(2) == 0 {
                        let scalar = Array(scalars[generator.next(scalars.count)].utf8)
                        bytes += scalar.prefix(generator.next(scalar.count + 1))
                    } else {
                        bytes.append(UInt8(generator.next(256)))
                    }
                }
            }
            Self.check(bytes)
        }
    }
}
