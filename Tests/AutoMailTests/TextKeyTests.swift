import Testing
import TestSupport

@testable import AutoMail

/// `TextKey`'s hash folds every byte into one word (`TextKey.fold`): keys equal by their bytes hash
/// alike, and a byte changed anywhere changes the word.
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
            // One byte changed anywhere.
            var bytes = Array(text.utf8)
            guard !bytes.isEmpty else { continue }
            let index = random.next(bytes.count)
            bytes[index] = bytes[index] == UInt8(ascii: "q") ? UInt8(ascii: "r") : UInt8(ascii: "q")
            let changed = String(decoding: bytes, as: UTF8.self)
            #expect(TextKey(text) != TextKey(changed))
            #expect(Self.fold(text) != Self.fold(changed), "\(text.debugDescription) at \(index)")
            // A byte appended changes the length, which is folded in.
            #expect(Self.fold(text) != Self.fold(text + "a"))
        }
    }

    /// Texts of one length alike at both ends (a shared greeting and signature, a numbered middle), as
    /// thousands of bodies of a workspace can be: their hashes differ, so a table of them is not one
    /// chain of collisions that every lookup walks.
    @Test func textsAlikeAtBothEndsHashApart() {
        let greeting = "Bonjour {{ contact.firstname | default: \"\" }}, merci pour votre temps. "
        let signature = " Bien cordialement, l'équipe de campagne."
        let folds = Set((0..<5_000).map { Self.fold(greeting + "Paragraphe \(100_000 + $0)." + signature) })
        #expect(folds.count == 5_000)
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

    /// `TextTable` does what a `Dictionary` of the same keys does, under random sets, replacements,
    /// removals and lookups, below and past its linear limit (where it keeps an index): the texts are few
    /// and short, so many share a length and some are equal.
    @Test func textTableIsADictionary() {
        var random = SplitMix64(state: 23)
        for round in 0..<200 {
            var table: TextTable<TextKey, Int> = [:]
            var dictionary: [TextKey: Int] = [:]
            let distinct = round % 2 == 0 ? 6 : 3 * TextTable<TextKey, Int>.linearLimit
            let texts = (0..<distinct).map { _ in Self.text(random.next(4), &random) }
            for step in 0..<120 {
                let key = TextKey(texts[random.next(texts.count)])
                switch random.next(4) {
                case 0:
                    table[key] = nil
                    dictionary[key] = nil
                case 1, 2:
                    table[key] = step
                    dictionary[key] = step
                default:
                    break
                }
                #expect(table[key] == dictionary[key])
                #expect(table.count == dictionary.count)
            }
            for text in texts { #expect(table[TextKey(text)] == dictionary[TextKey(text)]) }
        }
    }
}
