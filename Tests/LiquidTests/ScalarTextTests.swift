import Liquid
import Testing

/// `ScalarText` decodes and encodes by hand for speed: it must agree with the standard library.
struct ScalarTextTests {
    /// Texts with scalars of every UTF-8 length, at the start, the middle and the end.
    static let texts = [
        "", "a", "é", "€", "👍🏽", "a\u{301}", "\r\n", "\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}",
        "Bonjour {{ contact.firstname | default: \"à tous\" }} – l’équipe 🇫🇷", String(repeating: "ß€𝄞x", count: 300),
        // ASCII runs read eight bytes at a time, around scalars of every length and at every offset.
        "abcdefgh", "abcdefghé", "éabcdefgh", "abcdefg€hijklmnopq𝄞rstuvwxyz0123456789", "1234567\u{7F}abcdefgh",
        String(repeating: "abcdefghijklmno", count: 9) + "\u{10FFFF}" + String(repeating: "z", count: 17),
    ]

    /// Every placement of a non-ASCII scalar within and around an eight-byte ASCII run.
    @Test func asciiRunsAroundEveryScalarLength() {
        for scalar in ["é", "€", "𝄞", "\u{7F}", "\u{80}"] {
            for before in 0..<18 {
                for after in [0, 1, 7, 8, 9, 16] {
                    let text = String(repeating: "a", count: before) + scalar + String(repeating: "b", count: after)
                    #expect(ScalarText.scalars(of: text) == Array(text.unicodeScalars), "\(text.debugDescription)")
                }
            }
        }
    }

    @Test(arguments: texts)
    func scalarsAreTheStandardLibrarysScalars(_ text: String) {
        #expect(ScalarText.scalars(of: text) == Array(text.unicodeScalars))
    }

    @Test(arguments: texts)
    func stringOfSlicesIsTheStandardLibrarysString(_ text: String) {
        let scalars = Array(text.unicodeScalars)
        for lower in stride(from: 0, through: scalars.count, by: max(1, scalars.count / 7)) {
            for upper in stride(from: lower, through: scalars.count, by: max(1, scalars.count / 5)) {
                let slice = scalars[lower..<upper]
                let expected = String(String.UnicodeScalarView(slice))
                #expect(ScalarText.string(slice) == expected)
                #expect(Array(ScalarText.string(slice).utf8) == Array(expected.utf8))
            }
        }
    }
}
