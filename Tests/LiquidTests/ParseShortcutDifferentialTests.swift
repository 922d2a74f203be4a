import TestSupport
import Testing
@testable import Liquid

/// `LiquidTemplate.parse`'s shortcut for a text without `{{` or `{%` against the full parse
/// (`parseFully`), kept as the definition: the same template, node for node.
struct ParseShortcutDifferentialTests {
    static let pieces = ["a", " ", "\n", "{", "}", "%", "{ {", "}}", "%}", "é", "😀", "\r\n", "-", "\u{0}", "{{", "{%"]

    @Test func shortcutAgreesWithTheFullParse() {
        var random = SplitMix64(state: 23)
        for round in 0..<3_000 {
            var source = ""
            // Most sources without an opening (the shortcut), some with one (no shortcut).
            let alphabet = round % 5 == 0 ? Self.pieces.count : Self.pieces.count - 2
            for _ in 0..<random.next(30) { source += Self.pieces[random.next(alphabet)] }
            let shortcut = LiquidTemplate.parse(source)
            let full = LiquidTemplate.parseFully(source)
            #expect(
                LiquidTemplate.hasOpening(source)
                    == (LiquidDelimiters(Array(source.unicodeScalars)).nextOpening(from: 0) != nil))
            #expect(shortcut.issues.map(\.message) == full.issues.map(\.message), "\(source.debugDescription)")
            #expect((shortcut.template == nil) == (full.template == nil))
            guard let a = shortcut.template, let b = full.template else { continue }
            #expect(Array(a.source.utf8) == Array(b.source.utf8))
            #expect(a.variables == b.variables && a.filters == b.filters && a.printed == b.printed)
            #expect(a.outputs == b.outputs && a.tags == b.tags)
            #expect(String(describing: a.nodes) == String(describing: b.nodes), "\(source.debugDescription)")
        }
    }
}
