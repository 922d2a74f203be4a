import TestSupport
import Testing

@testable import Liquid

/// The Liquid parser reading a template's UTF-8 bytes (`LiquidTemplate.parseFully`, `UTF8Markup`)
/// against the same parser reading its decoded Unicode scalars (`parseFullyByScalars`), kept as the
/// definition: the same issues (messages and scalar ranges), the same template, node for node, over
/// random and hostile templates mixing markup with multi-byte scalars, inside and outside it.
struct ByteParserDifferentialTests {
    static let pieces = [
        "a", " ", "\n", "é", "€", "😀", "e\u{301}", "\r\n", "\u{0}", "{", "}", "%", "-", "{{", "}}", "{%", "%}",
        "{{ contact.firstname | default: \"à vous\" }}", "{{ é }}", "{{ a.é }}", "{{ a[\"ü\"].b | upcase }}",
        "{{ 12é }}", "{{ 12abc }}", "{{ \"unterminé }}", "{{ 1.5 }}", "{{ (1..3) }}", "{{ ! }}", "{{ 😀 }}",
        "{{ a | nope: '€' }}", "{{ a | truncate: 3, x: '€' }}", "{%- if x == 'é' -%}", "{% if a %}", "{% elsif b %}",
        "{% else %}", "{% endif %}", "{% unless a %}", "{% endunless %}", "{% case x %}", "{% when 'é', 2 %}",
        "{% endcase %}", "{% raw %}", "{% endraw %}", "{% comment %}", "{% endcomment %}", "{% assign é = 1 %}",
        "{% assign b = 'ü' | upcase %}", "{% capture c %}", "{% endcapture %}", "{% for x in y %}", "{% tablé %}",
        "{% é %}", "{% %}", "{{-", "-}}", "{{ a | é }}", "{% if a contains \"😀\" and b %}",
    ]

    static func random(_ random: inout SplitMix64, pieces count: Int) -> String {
        var source = ""
        for _ in 0..<count { source += Self.pieces[random.next(Self.pieces.count)] }
        return source
    }

    static func expectSameParse(_ source: String) {
        let bytes = LiquidTemplate.parseFully(source)
        let scalars = LiquidTemplate.parseFullyByScalars(source)
        #expect(bytes.issues == scalars.issues, "\(source.debugDescription)")
        #expect((bytes.template == nil) == (scalars.template == nil), "\(source.debugDescription)")
        guard let a = bytes.template, let b = scalars.template else { return }
        #expect(a.variables == b.variables && a.filters == b.filters && a.printed == b.printed)
        #expect(a.outputs == b.outputs && a.tags == b.tags, "\(source.debugDescription)")
        #expect(a.bindings.map(\.name) == b.bindings.map(\.name) && a.bindings.map(\.range) == b.bindings.map(\.range))
        #expect(String(describing: a.nodes) == String(describing: b.nodes), "\(source.debugDescription)")
    }

    @Test func bytesAgreeWithScalarsOnRandomTemplates() {
        var random = SplitMix64(state: 24)
        for _ in 0..<4_000 {
            let count = random.next(24)
            Self.expectSameParse(Self.random(&random, pieces: count))
        }
    }

    /// Long templates (thousands of constructs and multi-byte scalars), and markup left open at the end.
    @Test func bytesAgreeWithScalarsOnHostileTemplates() {
        var random = SplitMix64(state: 2_024)
        for round in 0..<20 {
            var source = Self.random(&random, pieces: 2_000)
            if round % 2 == 0 { source += ["{{ é", "{% if é", "{% raw %}€", "{% comment %}😀"][round / 2 % 4] }
            Self.expectSameParse(source)
        }
        Self.expectSameParse(String(repeating: "é{{ a }}", count: 3_000))
        Self.expectSameParse(
            String(repeating: "{% if a %}😀", count: 150) + String(repeating: "{% endif %}", count: 150))
    }

    /// A byte offset's scalar offset against the scalars' own UTF-8 widths, at every scalar boundary.
    @Test func scalarOffsetsAgreeWithTheScalarsWidths() {
        var random = SplitMix64(state: 7)
        for _ in 0..<500 {
            let source = Self.random(&random, pieces: random.next(40))
            let markup = UTF8Markup(source)
            var byte = 0
            for (index, scalar) in source.unicodeScalars.enumerated() {
                #expect(markup.scalarOffset(byte) == index, "\(source.debugDescription) \(byte)")
                byte += UTF8.width(scalar)
            }
            #expect(markup.scalarOffset(byte) == source.unicodeScalars.count)
            #expect(markup.count == source.utf8.count)
        }
    }

    /// The run of word bytes read from the buffer against the definition reading unit by unit, from every
    /// offset and to every end, on bytes of every kind (letters, digits, `_`, `-`, `?`, multi-byte scalars).
    @Test func wordEndsAgreeWithTheDefinition() {
        var random = SplitMix64(state: 31)
        let extra = ["abc_DEF-09", "@[`{", "Zz", "-_-", "x?y", "\u{7F}\u{80}"]
        for _ in 0..<300 {
            var source = Self.random(&random, pieces: random.next(12))
            source += extra[random.next(extra.count)]
            let markup = UTF8Markup(source)
            for start in 0...markup.count {
                for end in [start, markup.count, start + 3, markup.count + 2] where end <= markup.count {
                    #expect(
                        markup.wordEnd(from: start, upTo: end) == markup.wordEndByScalars(from: start, upTo: end),
                        "\(source.debugDescription) \(start) \(end)")
                }
            }
        }
    }

    /// The same, asked in any order: the conversion goes on from the last offset converted, forward or
    /// back (the parser asks in source order, moving back across a token at most).
    @Test func scalarOffsetsAgreeInAnyOrder() {
        var random = SplitMix64(state: 19)
        for _ in 0..<500 {
            let source = Self.random(&random, pieces: random.next(60))
            var boundaries: [(byte: Int, scalar: Int)] = [(0, 0)]
            for (index, scalar) in source.unicodeScalars.enumerated() {
                boundaries.append((boundaries[boundaries.count - 1].byte + UTF8.width(scalar), index + 1))
            }
            let markup = UTF8Markup(source)
            for _ in 0..<20 {
                let boundary = boundaries[random.next(boundaries.count)]
                #expect(markup.scalarOffset(boundary.byte) == boundary.scalar, "\(source.debugDescription)")
            }
        }
    }
}
