import TestSupport
import Testing
@testable import MailRendering

/// `ProtectedMarkdown.tokens(in:)` scans UTF-8 bytes; `tokensByCharacters(in:)` is the Character-based
/// definition it replaced. Both must find the same tokens at the same places, on generated strings
/// that mix tokens, near-tokens, digits and non-ASCII neighbours (combining marks included).
struct TokenScanDifferentialTests {
    /// A deterministic generator (SplitMix64), so a failure always reproduces.
    typealias Generator = SplitMix64

    @Test func byteScanAgreesWithCharacterScan() {
        // Three placeholders, so indices 0...2 are tokens and 3... are not.
        let document = ProtectedMarkdown(source: "a {{ x }} b {% if y %} c <d")
        let prefix = document.prefix
        let pieces = [
            "\(prefix)0X", "\(prefix)1X", "\(prefix)2X", "\(prefix)3X", "\(prefix)X", "\(prefix)12", prefix,
            "\(prefix)99999999999999999999999X", "L", "Q", "Z", "X", "0", "7", " ", "\n", "é", "\u{301}",
            "\u{200D}", "👍🏽", "<p>", "&amp;", "ü", "\r\n",
        ]
        var generator = Generator(state: 42)
        for _ in 0..<3_000 {
            var string = ""
            for _ in 0..<generator.next(12) { string += pieces[generator.next(pieces.count)] }
            let substring = Substring(string)
            let fast = document.tokens(in: substring)
            let reference = document.tokensByCharacters(in: substring)
            #expect(fast.map(\.range) == reference.map(\.range), "\(string.debugDescription)")
            #expect(fast.map(\.index) == reference.map(\.index), "\(string.debugDescription)")
            // A substring that does not start at its base's start.
            if string.count > 2 {
                let inner = string.dropFirst().dropLast()
                #expect(document.tokens(in: inner).map(\.range) == document.tokensByCharacters(in: inner).map(\.range))
            }
        }
    }
}
