import Liquid
import Testing

/// Filter arguments and indexes at the ends of `Int` (issue 14 item 1): `truncate: -9223372036854775808`
/// used to trap on `length - ellipsis.count`. Ruby's Liquid keeps nothing of the text for a negative
/// length, only the ellipsis.
struct LiquidArithmeticTests {
    static let cases: [(source: String, expected: String)] = [
        (#"{{ "abcdef" | truncate: -9223372036854775808 }}"#, "..."),
        (#"{{ "abcdef" | truncate: -9223372036854775808, "" }}"#, ""),
        (#"{{ "abcdef" | truncate: -9223372036854775807, "......" }}"#, "......"),
        (#"{{ "abcdef" | truncate: "-9223372036854775808" }}"#, "..."),
        (#"{{ "abcdef" | truncate: 9223372036854775807 }}"#, "abcdef"),
        (#"{{ "abcdef" | truncate: 9223372036854775807, "" }}"#, "abcdef"),
        (#"{{ "abcdef" | truncate: 4 }}"#, "a..."),
        (#"{% assign n = -9223372036854775808 %}{{ "abcdef" | truncate: n }}"#, "..."),
        (#"{{ list[-9223372036854775808] }}|{{ list[9223372036854775807] }}|{{ list[-1] }}"#, "||c"),
        (#"{{ list.size | truncate: -9223372036854775808 }}"#, "..."),
    ]

    @Test(arguments: cases.indices)
    func extremeIntegersRenderWithoutTrapping(_ index: Int) throws {
        let (source, expected) = Self.cases[index]
        let template = try #require(LiquidTemplate.parse(source).template, "\(source) does not parse")
        let context = LiquidValue.object(["list": .array([.string("a"), .string("b"), .string("c")])])
        #expect(template.render(context) == .success(expected), "\(source)")
    }
}
