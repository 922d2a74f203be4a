import TestSupport
import Testing
@testable import Liquid

/// Where the escape rewrite inserts its chain: the answer without parsing for the common outputs
/// (`LiquidTemplate.simpleEscapeInsertion`) against the parser's, kept as the definition
/// (`LiquidTemplate.parsedEscapeInsertion`), on generated output markup.
struct EscapeInsertionDifferentialTests {
    static let pieces = [
        " ", "  ", "\t", "\n", "a", "name", "contact", ".", "firstname", "|", "default", ":", "\"\"", "\"x y\"", "'q'",
        "\"", "'", "escape", "replace", "\"&#x27;\"", ",", "-", "?", "1", "2.5", "true", "nil", "empty", "_x", "é",
        "[0]", "..", "upcase", "x-y", "a?", "(1..2)", "==", "\u{0B}",
    ]

    /// A random output's markup of `pieces`; half the rounds start from a common shape, so that most of
    /// those take the simple path.
    static func markup(round: Int, _ next: (Int) -> Int) -> String {
        var markup = ""
        if round % 2 == 0 { markup = ["contact.firstname", " name", "a.b | default: ", "x | upcase"][next(4)] }
        for _ in 0..<next(7) { markup += pieces[next(pieces.count)] }
        return markup
    }

    /// The literals the byte version compares without a `String` are the scalar version's words, and
    /// `isName` answers as the comparison of a `String`'s bytes it replaced (its definition).
    @Test func literalNamesAreTheLiteralWords() {
        #expect(LiquidTemplate.literalNames.map(\.description) == LiquidTemplate.literalWords)
        let names: [StaticString] = ["raw", "comment", "capture", "assign", "true", "nil", ""]
        for name in names {
            for candidate in ["raw", "ra", "rawx", "comment", "capture", "assign", "true", "nil", "", "é", "Raw"] {
                let bytes = Array(candidate.utf8)
                let found = bytes.withUnsafeBufferPointer { LiquidTemplate.isName($0, name) }
                #expect(found == bytes.elementsEqual(name.description.utf8), "\(candidate) \(name)")
            }
        }
    }

    @Test func simpleAnswersAgreeWithTheParser() {
        var random = SplitMix64(state: 61)
        func next(_ bound: Int) -> Int { random.next(bound) }
        var simple = 0
        for round in 0..<20_000 {
            let markup = Self.markup(round: round, next)
            let scalars = Array(markup.unicodeScalars)
            for captured in [Set<String>(), ["name", "a", "x"]] {
                let fast = LiquidTemplate.escapeInsertion(scalars, inner: 0..<scalars.count, captured: captured)
                let parsed = LiquidTemplate.parsedEscapeInsertion(scalars, inner: 0..<scalars.count, captured: captured)
                #expect(fast?.0 == parsed?.0 && fast?.1 == parsed?.1, "\(markup.debugDescription) \(captured)")
                if LiquidTemplate.simpleEscapeInsertion(scalars, inner: 0..<scalars.count, captured: captured) != nil {
                    simple += 1
                }
            }
        }
        // The generator reaches the simple path often, or the test would prove little.
        #expect(simple > 4_000)
    }

    /// The answer on bytes against the one on scalars (without captured names), its offset in bytes.
    @Test func bytesAgreeWithScalars() {
        var random = SplitMix64(state: 62)
        func next(_ bound: Int) -> Int { random.next(bound) }
        var simple = 0
        for round in 0..<20_000 {
            let markup = Self.markup(round: round, next)
            let prefix = ["", "é", "{{ "][next(3)]
            let text = prefix + markup + " }}"
            let scalars = Array(text.unicodeScalars)
            let innerScalars = prefix.unicodeScalars.count..<(scalars.count - 3)
            let bytes = Array(text.utf8)
            let innerBytes = prefix.utf8.count..<(bytes.count - 3)
            let byScalars = LiquidTemplate.simpleEscapeInsertion(scalars, inner: innerScalars, captured: [])
            let byBytes = bytes.withUnsafeBufferPointer {
                LiquidTemplate.simpleEscapeInsertion($0, inner: innerBytes)
            }
            switch byScalars {
            case .insert(let offset, let suffix)?:
                simple += 1
                #expect(suffix == LiquidTemplate.escapeSuffix)
                let byteOffset = String(String.UnicodeScalarView(scalars[..<offset])).utf8.count
                #expect(byBytes == byteOffset, "\(text.debugDescription)")
            default:
                #expect(byBytes == nil, "\(text.debugDescription)")
            }
        }
        // The generator reaches the simple path often (half the rounds start from a common shape).
        #expect(simple > 1_500, "\(simple)")
    }

    @Test func innerRangesInsideLargerText() {
        let source = Array("{{ contact.firstname | default: \"toi\" }} and {{- name -}}".unicodeScalars)
        for (inner, captured) in [(3..<37, Set<String>()), (48..<54, ["name"]), (48..<54, []), (2..<38, [])] {
            let fast = LiquidTemplate.escapeInsertion(source, inner: inner, captured: captured)
            let parsed = LiquidTemplate.parsedEscapeInsertion(source, inner: inner, captured: captured)
            #expect(fast?.0 == parsed?.0 && fast?.1 == parsed?.1)
        }
    }
}
