import TestSupport
import Testing
@testable import Liquid

/// Text nodes copied from the source's UTF-8 bytes (`SourceSlicer`) against the encoding of the
/// decoded scalars they replaced (`ScalarText.string`), kept as the definition.
struct SourceSlicerDifferentialTests {
    static let pieces = ["a", " ", "\n", "{{", "}}", "é", "€", "😀", "e\u{301}", "\r\n", "{%", "%}", "x", "\u{0}"]

    @Test func slicesAgreeWithTheEncodedScalars() {
        var random = SplitMix64(state: 19)
        func next(_ bound: Int) -> Int { random.next(bound) }
        for round in 0..<3_000 {
            var source = ""
            // A third of the sources are ASCII only, the slicer's fast path.
            let alphabet = round % 3 == 0 ? 1 : Self.pieces.count
            for _ in 0..<next(40) {
                source += round % 3 == 0 ? ["a", " ", "{{", "\n"][next(4)] : Self.pieces[next(alphabet)]
            }
            let scalars = ScalarText.scalars(of: source)
            var slicer = SourceSlicer(source: source, scalarCount: scalars.count)
            // Ranges in source order (the parser's), then in any order (the cursor restarts).
            var lower = 0
            while lower < scalars.count {
                let upper = lower + next(scalars.count - lower + 1)
                let text = slicer.text(lower..<upper, of: scalars)
                #expect(Array(text.utf8) == Array(ScalarText.string(scalars[lower..<upper]).utf8))
                lower = upper + next(3)
            }
            for _ in 0..<5 {
                let a = next(scalars.count + 1)
                let b = a + next(scalars.count - a + 1)
                let text = slicer.text(a..<b, of: scalars)
                #expect(
                    Array(text.utf8) == Array(ScalarText.string(scalars[a..<b]).utf8),
                    "\(source.debugDescription) \(a)..<\(b)")
            }
        }
    }
}
