import Testing
@testable import MailRendering

/// `EmailTheme.styled(_:role:)` walks UTF-8 bytes and copies text in runs; `styledByScalars` below is
/// the scalar-by-scalar walk it replaced, kept as the definition. Both must write the same HTML for
/// generated fragments mixing the writer's tags, Liquid constructs (with `<` inside), non-ASCII text,
/// combining marks and malformed pieces.
struct StylingDifferentialTests {
    typealias Generator = TokenScanDifferentialTests.Generator

    static let pieces = [
        "<p>", "</p>", "<p class=\"am-button\">", "<a href=\"https://a.example/x?y=1&amp;z\">", "</a>",
        "<blockquote>", "</blockquote>", "<pre>", "</pre>", "<code>", "</code>", "<h1>", "<h2>", "<h3>", "<h5>",
        "</h2>", "<ul>", "<ol start=\"3\">", "<li>", "</li>", "</ul>", "<hr>", "<br>", "<img src=\"x.png\" alt=\"é\">",
        "<table>", "<td>", "{{ contact.firstname }}", "{% if a %}", "{% endif %}", "{{ '<p>' }}",
        "{% raw %}<p>{{ x }}{% endraw %}", "{% comment %}<h1>{% endcomment %}", "<https://a.example>",
        "<mailto:a@b.example>", "é", "👍🏽", "\u{301}", "text", " ", "\n", "</p{{ x }}", "</pé", "</p", "<", "{{",
        "}}", "{%", "%}", "<pre", "&lt;", "\u{202F}", "<p class=\"am-button\"", "</", "<A>", "<h7>",
    ]

    @Test func byteWalkAgreesWithScalarWalk() {
        var generator = Generator(state: 19)
        let themes = [EmailTheme(), EmailTheme(brand: EmailBrand(color: RGBColor(red: 0xc2, green: 0x41, blue: 0x0c)))]
        for round in 0..<4_000 {
            let fragment = generator.string(Self.pieces, upTo: 24)
            let theme = themes[round % 2]
            for role in [FragmentRole.body, .footer] {
                #expect(
                    theme.styled(fragment, role: role) == theme.styledByScalars(fragment, role: role),
                    "\(fragment.debugDescription)")
            }
        }
    }

    /// The Liquid ranges found on bytes (a fragment without `{%`) against `LiquidScanner`'s, the definition.
    @Test func liquidRangesOnBytesAgreeWithTheScanner() {
        var generator = Generator(state: 23)
        let pieces =
            Self.pieces + [
                "{{ a }", "}", "{ {", "{{}}", "{{{ b }}}", "{{ '}}' }}", "{%", "{{ x %}", "{%raw%}", "{%- comment -%}",
                "{% rawx %}", "{%%}", "{%}", "{% -%}", "{%- endraw %}", "{% endcomment %}", "{%\tif x %}", "%}}",
            ]
        for _ in 0..<4_000 {
            let fragment = generator.string(pieces, upTo: 20)
            let bytes = Array(fragment.utf8)
            #expect(
                EmailTheme.outputAndTagRanges(fragment, bytes: bytes)
                    == EmailTheme.scannedOutputAndTagRanges(fragment, bytes: bytes), "\(fragment.debugDescription)")
        }
    }

    /// A subject or preheader escaped around its Liquid found on bytes, against the scalar scan.
    @Test func escapeOutsideLiquidAgreesWithTheScalarScan() {
        var generator = Generator(state: 37)
        let pieces = Self.pieces + ["&", "<b>", "'", "\"", "{%raw%}", "{% endraw %}", "{{ a }", "{%}"]
        for _ in 0..<3_000 {
            let source = generator.string(pieces, upTo: 12)
            #expect(
                EmailLayout.escapeOutsideLiquid(source) == EmailLayout.escapeOutsideLiquidByScalars(source),
                "\(source.debugDescription)")
        }
    }

    /// The index in `EmailTheme.styledNames` of the name whose bytes are `name`, by searching the table:
    /// the definition of `EmailTheme.styledNameIndex(_:_:)`.
    static func styledNameIndexBySearch(_ bytes: UnsafeBufferPointer<UInt8>, _ name: Range<Int>) -> Int? {
        EmailTheme.styledNames.firstIndex { $0.utf8.count == name.count && $0.utf8.elementsEqual(bytes[name]) }
    }

    /// The element names told by length and bytes against the search of the names' table, the definition:
    /// every name of one or two bytes, and names made of the table's letters and digits up to 11 bytes.
    @Test func styledNameIndexAgreesWithTheTableSearch() {
        func agree(_ name: [UInt8]) {
            name.withUnsafeBufferPointer { bytes in
                // The name within other bytes, as the walk reads it.
                #expect(
                    EmailTheme.styledNameIndex(bytes, 0..<bytes.count)
                        == Self.styledNameIndexBySearch(bytes, 0..<bytes.count), "\(name)")
            }
        }
        agree([])
        for first in UInt8(0)...255 {
            agree([first])
            for second in UInt8(0)...255 { agree([first, second]) }
        }
        for name in EmailTheme.styledNames { agree(Array(name.utf8)) }
        var generator = Generator(state: 41)
        let letters = "abcdeghiklmopqrtu12679".map { String($0) }
        for _ in 0..<20_000 {
            agree(Array(generator.string(letters, upTo: 12).utf8))
        }
    }

    @Test func realFragmentsAgree() {
        let markdown = """
            # Hello {{ contact.firstname }}

            Intro with *emphasis*, `code`, <https://a.example> and [a link](https://b.example/?q={{ contact.id }}).

            > quoted, « French » text
            > more

            [Sign up](https://a.example/j?c={{ contact.id }}){.button}

            ```
            code <block>
            ```

            - one
            - two {% if x %}yes{% endif %}

            ---
            """
        let fragment = renderHTMLFragment(markdown: markdown).html
        for role in [FragmentRole.body, .footer] {
            #expect(EmailTheme().styled(fragment, role: role) == EmailTheme().styledByScalars(fragment, role: role))
        }
    }

    @Test func asciiLowercasingAgreesWithStringLowercasing() {
        let lowers: [Unicode.Scalar] = Array("https://mailto:".unicodeScalars)
        for value in UInt32(0)...0x2FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let lowered = String(scalar).lowercased()
            for lower in lowers {
                #expect(
                    LiquidScanner.lowercases(scalar, to: lower) == (lowered == String(lower)),
                    "U+\(String(value, radix: 16))")
            }
        }
    }

    @Test func hexWritesEveryComponent() {
        for value in 0...255 {
            let color = RGBColor(red: value, green: 255 - value, blue: value / 3)
            let digits = Array("0123456789abcdef")
            func pair(_ v: Int) -> String { String([digits[v / 16], digits[v % 16]]) }
            #expect(color.hex == "#" + pair(value) + pair(255 - value) + pair(value / 3))
        }
    }
}

extension EmailTheme {
    /// The scalar-by-scalar `styled(_:role:)` the byte walk replaced: the definition.
    func styledByScalars(_ fragment: String, role: FragmentRole) -> String {
        let scanner = LiquidScanner(fragment)
        let scalars = scanner.scalars
        var liquid: [Range<Int>] = []
        for construct in scanner.constructs() where construct.kind == .output || construct.kind == .tag {
            liquid.append(construct.range)
        }
        var result = String.UnicodeScalarView()
        var index = 0
        var nextLiquid = 0
        var quoteDepth = 0
        var preDepth = 0
        var inButton = false
        func append(_ text: String) { result.append(contentsOf: text.unicodeScalars) }
        func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
        }
        while index < scalars.count {
            if nextLiquid < liquid.count, liquid[nextLiquid].lowerBound == index {
                result.append(contentsOf: scalars[liquid[nextLiquid]])
                index = liquid[nextLiquid].upperBound
                nextLiquid += 1
                continue
            }
            let scalar = scalars[index]
            guard scalar == "<" else {
                result.append(scalar)
                index += 1
                continue
            }
            let closing = index + 1 < scalars.count && scalars[index + 1] == "/"
            var end = index + (closing ? 2 : 1)
            let nameStart = end
            while end < scalars.count, isNameScalar(scalars[end]) { end += 1 }
            let name = String(String.UnicodeScalarView(scalars[nameStart..<end]))
            if closing {
                switch name {
                case "blockquote": quoteDepth = max(0, quoteDepth - 1)
                case "pre": preDepth = max(0, preDepth - 1)
                case "p" where inButton:
                    append(Self.buttonClosing)
                    inButton = false
                    index = end + 1
                    continue
                default: break
                }
                result.append(contentsOf: scalars[index..<end])
                index = end
                continue
            }
            let buttonMark = Array("<p class=\"am-button\">".unicodeScalars)
            if name == "p", role == .body, index + buttonMark.count <= scalars.count,
                scalars[index..<(index + buttonMark.count)].elementsEqual(buttonMark)
            {
                append(buttonOpening)
                inButton = true
                index += buttonMark.count
                continue
            }
            switch name {
            case "blockquote": quoteDepth += 1
            case "pre": preDepth += 1
            default: break
            }
            result.append(contentsOf: scalars[index..<end])
            index = end
            if name == "a", inButton {
                append(" class=\"am-button\" style=\"\(buttonLinkStyle)\"")
            } else if let style = style(of: name, role: role, inQuote: quoteDepth > 0, inPre: preDepth > 0) {
                append(" style=\"\(style)\"")
            }
        }
        return String(result)
    }
}
