import TestSupport
import Testing

@testable import MailRendering

/// `UTF8Text.isSimple`, which reads eight bytes at once wherever none is 0xCC or above, against the scan it
/// replaced (kept below as the definition: eight bytes at once only where all are ASCII).
struct SimpleScanDifferentialTests {
    static let pieces = [
        "a", "abcdefgh", " ", "\r", "\n", "\r\n", "é", "à", "ß", "\u{2C6}", "\u{2FF}", "\u{300}", "\u{301}", "\u{2019}",
        "\u{2026}", "\u{202F}", "\u{20AC}", "\u{2028}", "\u{200D}", "\u{2010}", "\u{205E}", "\u{205F}", "中", "👍🏽",
        "\u{85}", "ÿ", "Ā", "\u{E2}", "ǅ", "«\u{A0}", "\u{0}",
    ]

    @Test func wordScanAgreesWithASCIIWordScan() {
        var generator = SplitMix64(state: 0x51)
        for _ in 0..<6_000 {
            var text = generator.string(Self.pieces, upTo: 40)
            let expected = text.withUTF8 { Self.isSimpleByBytes($0) }
            #expect(UTF8Text.isSimple(text) == expected, "\(text.debugDescription)")
        }
    }

    // MARK: - The definition (UTF8Text.swift before the wider word test)

    static func isSimpleByBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let count = bytes.count
        let base = bytes.baseAddress.map(UnsafeRawPointer.init)
        while i < count {
            // Eight ASCII bytes at once: simple unless one is `\r`. The load reads `i..<i + 8`, within the
            // buffer; `i` is always a scalar boundary (a word starting on a continuation byte is not ASCII).
            if i + 8 <= count, let base {
                let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    // Whether a byte of `word` is 0x0D: a zero byte of `x`, found exactly by this test.
                    let x = word ^ 0x0D0D_0D0D_0D0D_0D0D
                    if (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0 { return false }
                    i += 8
                    continue
                }
            }
            let byte = bytes[i]
            if byte < 0xCC {
                // ASCII, a continuation byte or the lead of U+0080...U+02FF.
                if byte == 0x0D { return false }
                i += 1
                continue
            }
            guard byte == 0xE2, i + 2 < count else { return false }
            let scalar = (UInt32(bytes[i + 1] & 0x3F) << 6) | UInt32(bytes[i + 2] & 0x3F) | 0x2000
            guard
                (0x2010...0x2027).contains(scalar) || (0x202F...0x205E).contains(scalar)
                    || (0x20A0...0x20BF).contains(scalar)
            else { return false }
            i += 3
        }
        return true
    }
}
