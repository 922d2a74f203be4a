import Diagnostics
import TestSupport
import Testing

@testable import YAMLSource

/// A literal block scalar's text is kept as a view of its file's bytes (``BlockScalarText``), decoded when
/// read. Its definition is the `String` libyaml decoded, which the parser keeps when asked
/// (``YAMLParser/parseDecodingEveryScalar(_:limits:)``): both parses are compared here, node by node, on
/// generated files mixing chomping and indentation indicators, blank lines (with and without blanks),
/// deeper-indented lines, tabs, CR LF and lone CR line breaks, multi-byte characters, a BOM and files
/// ending without a line break.
struct BlockScalarDifferentialTests {
    static let headers = ["|", "|-", "|+", "|2", "|1-", "|+3", "| # a comment"]
    static let lines = [
        "Hello {{ contact.firstname }},", "", " ", "    ", "  deeper", "\ttab first", "é à ü €", "👍🏽 done",
        "trailing blanks   ", "- a list item", "# not a comment", "{% if x %}yes{% endif %}",
    ]
    static let breaks = ["\n", "\n", "\n", "\r\n", "\r"]

    /// A generated file: a few keys, each a literal block scalar or a plain value, some nested.
    static func file(_ generator: inout SplitMix64, breakStyle: String) -> String {
        var text = generator.next(9) == 0 ? "\u{FEFF}" : ""
        for key in 0..<(1 + generator.next(4)) {
            let nested = generator.next(3) == 0
            let indent = String(repeating: " ", count: nested ? 4 : 2)
            if nested { text += "k\(key):\(breakStyle)  inner:" } else { text += "k\(key):" }
            guard generator.next(5) != 0 else {
                text += " plain value\(breakStyle)"
                continue
            }
            text += " " + headers[generator.next(headers.count)] + breakStyle
            let count = generator.next(7)
            for n in 0..<count {
                let line = lines[generator.next(lines.count)]
                // A blank line may carry fewer blanks than the indentation, or none.
                text += (line.isEmpty || n == 0 ? (line.isEmpty ? "" : indent) : indent) + line
                text += generator.next(8) == 0 ? breaks[generator.next(breaks.count)] : breakStyle
            }
            if generator.next(4) == 0 { text += breakStyle }
        }
        // Some files end without a line break.
        if generator.next(4) == 0, text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    @Test func viewsReadAsLibyamlDecodedThem() throws {
        var generator = SplitMix64(state: 19)
        var views = 0
        var strings = 0
        for n in 0..<3_000 {
            let text = Self.file(&generator, breakStyle: n % 5 == 0 ? "\r\n" : "\n")
            let file = SourceFile(path: "t.yaml", text: text)
            let viewed = YAMLParser.parse(file)
            let decoded = YAMLParser.parseDecodingEveryScalar(file)
            #expect(viewed.diagnostics == decoded.diagnostics, "\(text.debugDescription)")
            #expect(viewed.root == decoded.root, "\(text.debugDescription)")
            compare(viewed.root, decoded.root, in: text, views: &views, strings: &strings)
        }
        // Both kinds are exercised: most block scalars are views, the odd ones keep their `String`.
        #expect(views > 1_000)
        #expect(strings > 100)
    }

    /// Compares two trees node by node: same shape, ranges, styles and texts, each text read through
    /// `text` (a view decoded from the file's bytes on one side).
    private func compare(_ a: YAMLNode?, _ b: YAMLNode?, in source: String, views: inout Int, strings: inout Int) {
        guard let a, let b else {
            #expect((a == nil) == (b == nil), "\(source.debugDescription)")
            return
        }
        #expect(a.range == b.range, "\(source.debugDescription)")
        switch (a.content, b.content) {
        case (.scalar(let x), .scalar(let y)):
            #expect(x.text == y.text, "\(source.debugDescription)")
            #expect(Array(x.text.utf8) == Array(y.text.utf8), "\(source.debugDescription)")
            // The bytes read without a `String`, from the cache or decoded afresh, are the text's.
            #expect(x.withUTF8 { Array($0) } == Array(y.text.utf8), "\(source.debugDescription)")
            if let view = x.extra?.view {
                #expect(view.withFreshlyDecodedUTF8 { Array($0) } == Array(y.text.utf8), "\(source.debugDescription)")
            }
            #expect(x.style == y.style && x.tag == y.tag, "\(source.debugDescription)")
            #expect(!y.isView)
            if x.style == .literal { if x.isView { views += 1 } else { strings += 1 } }
        case (.mapping(let x), .mapping(let y)):
            #expect(x.count == y.count, "\(source.debugDescription)")
            for (p, q) in zip(x, y) {
                compare(p.key, q.key, in: source, views: &views, strings: &strings)
                compare(p.value, q.value, in: source, views: &views, strings: &strings)
            }
        case (.sequence(let x), .sequence(let y)):
            #expect(x.count == y.count, "\(source.debugDescription)")
            for (p, q) in zip(x, y) { compare(p, q, in: source, views: &views, strings: &strings) }
        default:
            Issue.record("different kinds of node in \(source.debugDescription)")
        }
    }

    @Test func aViewIsDecodedOnceForReadsInARow() {
        let file = SourceFile(path: "t.yaml", text: "body: |\n  Hello\n\n  world\n")
        let root = YAMLParser.parse(file).root
        guard let scalar = root?.pairs?.first?.value.scalar else {
            Issue.record("no body")
            return
        }
        #expect(scalar.isView)
        #expect(scalar.text == "Hello\n\nworld\n")
        #expect(scalar.text == scalar.text)
        var edited = scalar
        edited.text = "changed"
        #expect(!edited.isView && edited.text == "changed" && scalar.text == "Hello\n\nworld\n")
    }
}
