import Foundation
import TestSupport
import Testing

@testable import Liquid

/// The parser's whole answer (issues, nodes, references, outputs, tags, bindings) over thousands of
/// random templates, folded into one digest recorded from the parser before its allocations were cut
/// (issue 19: tag names as a kind, the open body held apart from the block stack, expression tokens
/// as ranges in one reused buffer). The parser of 749a534 is the definition: a change to what any
/// template parses to changes the digest. Re-record only for a deliberate change of the parse result
/// (`PRINT_PARSER_DIGEST=1` prints the digests).
struct ParserSnapshotTests {
    /// Well-formed constructs, nested at random by ``wellFormed(_:depth:)``.
    static let outputs = [
        "{{ contact.firstname }}", "{{ contact.firstname | default: \"à vous\" }}", "{{ a[\"ü\"].b | upcase }}",
        "{{ a[b].c }}", "{{ a[b[c]] }}", "{{ 'x' | append: contact.surname | truncate: 3, x: '€' }}",
        "{{- workspace.name -}}", "{{ 12 }}", "{{ -3 }}", "{{ 1.5 }}", "{{ true }}", "{{ nil }}", "{{ empty }}",
        "{{ blank }}", "{{ x.size }}", "{{ x.first | size }}", "{{ a | default }}", "{{ a | replace: 'a', 'b' }}",
        "{{ v_1-2? }}", "{{ [\"k\"] }}", "{{ a.b.c.d.e }}", "{{ a | truncate: 5, '…' | escape }}",
    ]
    /// Constructs refused or in error, rarer: most well-formed templates parse.
    static let refused = [
        "{{ a | nope }}", "{{ x | truncate: 2, ellipsis: '…' }}", "{{ contact.interests | join: ', ' }}",
        "{% for x in y %}", "{% endfor %}", "{% set a = 1 %}", "{{ a. }}", "{% if %}", "{% endif %}",
        "{% else %}", "{% when 1 %}", "{% endcapture %}", "{{ (1..3) }}", "{% tablé %}",
    ]
    static let conditions = [
        "a", "a == 'é'", "a != 2", "a <> b", "a < 1", "a > 1.5", "a <= b", "a >= c", "a contains \"😀\"",
        "a and b", "a or b and c", "contact.quartier", "x.size > 0 or y[\"z\"]", "nil == blank",
    ]
    static let texts = ["a", " ", "\n", "é", "€ ", "😀", "\r\n", "  \n  ", "Bonjour ", ",\n\n", "{", "}", "%"]

    static func wellFormed(_ random: inout SplitMix64, depth: Int) -> String {
        var source = ""
        for _ in 0..<random.next(6) {
            switch random.next(depth > 3 ? 3 : 10) {
            case 0, 1: source += texts[random.next(texts.count)]
            case 2: source += outputs[random.next(outputs.count)]
            case 3:
                let dash = random.next(3) == 0 ? "-" : ""
                source += "{%\(dash) if \(conditions[random.next(conditions.count)]) \(dash)%}"
                source += wellFormed(&random, depth: depth + 1)
                for _ in 0..<random.next(3) {
                    source += "{% elsif \(conditions[random.next(conditions.count)]) %}"
                    source += wellFormed(&random, depth: depth + 1)
                }
                if random.next(2) == 0 { source += "{% else %}" + wellFormed(&random, depth: depth + 1) }
                source += "{%\(dash) endif \(dash)%}"
            case 4:
                source += "{% unless \(conditions[random.next(conditions.count)]) %}"
                source += wellFormed(&random, depth: depth + 1) + "{% endunless %}"
            case 5:
                source += "{% case contact.x %}" + (random.next(3) == 0 ? "é" : " \n")
                for _ in 0..<random.next(4) {
                    source += ["{% when 'a' %}", "{% when 1, 2 %}", "{% when a or 'b' %}"][random.next(3)]
                    source += wellFormed(&random, depth: depth + 1)
                }
                if random.next(2) == 0 { source += "{% else %}" + wellFormed(&random, depth: depth + 1) }
                source += "{% endcase %}"
            case 6:
                let name = ["c", "contact", "é", "x1", "123", "legal"][random.next(6)]
                source += "{% capture \(name) %}" + wellFormed(&random, depth: depth + 1) + "{% endcapture %}"
            case 7:
                let name = ["b", "contact", "unsubscribe_url", "0", "-1"][random.next(5)]
                source += "{% assign \(name) = \(["'ü' | upcase", "a.b", "1", "x[y]"][random.next(4)]) %}"
            case 8:
                source +=
                    [
                        "{% comment %}{{ a }}{% if %}{% endcomment %}", "{% raw %}{{ a }}{% endraw %}",
                        "{%- raw -%} x {% endraw %}", "{% comment %}{% comment %}x{% endcomment %}{% endcomment %}",
                    ][
                        random.next(4)]
            default:
                source += random.next(8) == 0 ? refused[random.next(refused.count)] : texts[random.next(texts.count)]
            }
        }
        return source
    }

    /// Everything the parser answers for `source`, as text.
    static func describe(_ source: String) -> String {
        let result = LiquidTemplate.parse(source)
        var text = "\(result.issues)"
        guard let template = result.template else { return text }
        text += "|\(template.nodes)|\(template.variables)|\(template.filters)|\(template.printed)"
        text +=
            "|\(template.outputs)|\(template.tags)|\(template.bindings.map(\.name))|\(template.bindings.map(\.range))"
        return text
    }

    /// FNV-1a over the descriptions' UTF-8 bytes: the same on every machine and run.
    static func digest(_ sources: [String]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for source in sources {
            for byte in describe(source).utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
            hash = (hash ^ 0xFF) &* 0x100_0000_01b3
        }
        return hash
    }

    static func report(_ name: String, _ value: UInt64) {
        if ProcessInfo.processInfo.environment["PRINT_PARSER_DIGEST"] != nil {
            print("\(name): 0x\(String(value, radix: 16))")
        }
    }

    @Test func wellFormedTemplatesParseAsBefore() {
        var random = SplitMix64(state: 19)
        var sources: [String] = []
        for _ in 0..<3_000 { sources.append(Self.wellFormed(&random, depth: 0)) }
        // Most of them parse (else the nodes would go untested).
        let parsed = sources.filter { LiquidTemplate.parse($0).template != nil }.count
        #expect(parsed > sources.count / 3, "\(parsed)")
        let value = Self.digest(sources)
        Self.report("well-formed (\(parsed) of \(sources.count) parsed)", value)
        #expect(value == Self.recordedWellFormed)
    }

    @Test func randomPiecesParseAsBefore() {
        var random = SplitMix64(state: 27)
        var sources: [String] = []
        let pieces = ByteParserDifferentialTests.pieces + Self.outputs + Self.refused
        for _ in 0..<4_000 {
            var source = ""
            for _ in 0..<random.next(24) { source += pieces[random.next(pieces.count)] }
            sources.append(source)
        }
        let value = Self.digest(sources)
        Self.report("random pieces", value)
        #expect(value == Self.recordedRandomPieces)
    }

    /// The flag the parser sets as it finds the tags against its definition, the tags' names.
    @Test func textReadingTagsAreFoundAsTheParserGoes() {
        var random = SplitMix64(state: 5)
        for _ in 0..<2_000 {
            let source = Self.wellFormed(&random, depth: 0)
            guard let template = LiquidTemplate.parse(source).template else { continue }
            #expect(
                template.readsTextBetweenConstructs
                    == template.tags.contains { LiquidTemplate.textReadingTags.contains($0.name) },
                "\(source.debugDescription)")
        }
    }

    /// The flag that spares ``LiquidTemplate/bindings`` its walk against its definition, the tags' names,
    /// and the walk itself: without the flag, no binding.
    @Test func bindingTagsAreFoundAsTheParserGoes() {
        var random = SplitMix64(state: 7)
        for _ in 0..<2_000 {
            let source = Self.wellFormed(&random, depth: 0)
            guard let template = LiquidTemplate.parse(source).template else { continue }
            #expect(
                template.bindsNames == template.tags.contains { $0.name == "assign" || $0.name == "capture" },
                "\(source.debugDescription)")
            if !template.bindsNames { #expect(template.bindings.isEmpty, "\(source.debugDescription)") }
        }
    }

    static let recordedWellFormed: UInt64 = 0xfe18_7c3c_7a82_d269
    static let recordedRandomPieces: UInt64 = 0x9701_72c1_1b97_0738
}
