import Testing
import TestSupport

@testable import AutoMail

/// `TextKey`'s hash folds the bytes it reads into one word (`TextKey.fold`): keys equal by their bytes
/// hash alike, and a byte changed among those read changes the word.
struct TextKeyTests {
    /// A random text of ASCII letters and a few multi-byte scalars, `count` scalars long.
    static func text(_ count: Int, _ random: inout SplitMix64) -> String {
        let alphabet: [Character] = ["a", "b", "z", " ", "\n", "{", "%", "é", "€", "🙂"]
        return String((0..<count).map { _ in alphabet[random.next(alphabet.count)] })
    }

    static func fold(_ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { TextKey.fold(UnsafeRawBufferPointer($0)) }
    }

    @Test func equalTextsFoldAlikeAndChangedBytesDiffer() {
        var random = SplitMix64(state: 19)
        for _ in 0..<2_000 {
            let text = Self.text(random.next(150), &random)
            // The same bytes in a String of its own storage: equal keys, equal folds.
            let copy = String(decoding: Array(text.utf8), as: UTF8.self)
            #expect(TextKey(text) == TextKey(copy))
            #expect(Self.fold(text) == Self.fold(copy))
            // One byte changed among those read (all of them up to 64, else the first and last 32).
            var bytes = Array(text.utf8)
            guard !bytes.isEmpty else { continue }
            let read =
                bytes.count <= 64 ? Array(0..<bytes.count) : Array(0..<32) + Array((bytes.count - 32)..<bytes.count)
            let index = read[random.next(read.count)]
            bytes[index] = bytes[index] == UInt8(ascii: "q") ? UInt8(ascii: "r") : UInt8(ascii: "q")
            let changed = String(decoding: bytes, as: UTF8.self)
            #expect(TextKey(text) != TextKey(changed))
            #expect(Self.fold(text) != Self.fold(changed), "\(text.debugDescription) at \(index)")
            // A byte appended changes the length, which is folded in.
            #expect(Self.fold(text) != Self.fold(text + "a"))
        }
    }

    /// A dictionary keyed by `TextKey` holds what one keyed by the texts' bytes holds.
    @Test func dictionaryAgreesWithBytesKeys() {
        var random = SplitMix64(state: 26)
        var byKey: [TextKey: Int] = [:]
        var byBytes: [[UInt8]: Int] = [:]
        for value in 0..<3_000 {
            let text = Self.text(random.next(4) == 0 ? random.next(300) : random.next(6), &random)
            byKey[TextKey(text)] = value
            byBytes[Array(text.utf8)] = value
        }
        #expect(byKey.count == byBytes.count)
        for (key, value) in byKey { #expect(byBytes[Array(key.text.utf8)] == value) }
    }
}
