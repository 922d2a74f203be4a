import TestSupport
import Testing

@testable import MailRendering

/// `VisibleContent.scanTags` and `blockTagsStandOutsideElements`, which skip to each `<` and `{` eight bytes
/// at a time and tell void elements by their bytes, against the byte-by-byte scans they replaced (kept below
/// as the definitions, with the void elements looked up in `voidElementBytes`): the same tags, in the same
/// order, at the same offsets, and the same answer.
struct VisibleContentScanDifferentialTests {
    static let pieces = [
        "<p>", "</p>", "<br>", "<BR/>", "<br />", "<a href=\"x>y\">", "</a>", "<!-- c -->", "<!--", "-->", "{% if a %}",
        "{% endif %}", "{%", "{", "%}", "<", ">", "/>", "<img src='a'>", "<hr>", "<strong>", "</strong>", "é", "text ",
        "<source>", "<wbr>", "<col>", "<input>", "<track>", "<embed>", "<area>", "<base>", "<link>", "<meta>",
        "<sourc>", "<br2>", "< p>", "</>", "<ul><li>", "</li></ul>", "'", "\"", "\n", "<P>", "<Em>", "</em>",
        "abcdefgh", "{{ x }}", "<h1>", "</h1>", "<colgroup>", "<hra>", "<meta2>", "中文", "<pre><code>", "</code></pre>",
    ]

    /// `VisibleContent.styleDeclarations`, read on the bytes of an ASCII style, against its Character
    /// definition: the same declarations, in order, on styles with `\r\n`, empty declarations, doubled `:`,
    /// capitals, `!important` and non-ASCII pieces (which take the definition).
    @Test func styleDeclarationsAgreeWithTheCharacterDefinition() {
        let pieces = [
            "display", "DISPLAY", ":", ";", " ", "\t", "\r\n", "\n", "\r", "none", "!important", "!IMPORTANT", "0",
            "px", "Opacity", "-", "\u{B}", "\u{C}", "\u{1F}", "é", "\u{A0}", "a",
        ]
        var generator = SplitMix64(state: 0xB7)
        for _ in 0..<4_000 {
            let style = generator.string(pieces, upTo: 14)
            let fast = VisibleContent.styleDeclarations(style)
            let definition = VisibleContent.styleDeclarationsByCharacters(style)
            #expect(
                fast.map { [$0.0, $0.1] } == definition.map { [$0.0, $0.1] }, "\(style.debugDescription)")
        }
    }

    /// The attributes' ASCII whitespace (U+0009...U+000D and U+0020) is `properties.isWhitespace` of ASCII.
    @Test func asciiWhitespaceIsTheUnicodeProperty() {
        for value in 0..<0x80 {
            let scalar = Unicode.Scalar(UInt8(value))
            #expect(scalar.properties.isWhitespace == (value == 0x20 || (0x09...0x0D).contains(value)), "\(value)")
        }
        let attributes = VisibleContent.attributes(
            ArraySlice(" Style = \"Color:Red\"\u{A0}hidden\r\nalt='a b' x=é/".unicodeScalars))
        #expect(attributes == ["style": "Color:Red", "hidden": "", "alt": "a b", "x": "é/"])
    }

    @Test func tagScanAgreesWithByteByByteScan() {
        var generator = SplitMix64(state: 0xB1)
        for _ in 0..<4_000 {
            let html = generator.string(Self.pieces, upTo: 30)
            var found: [([UInt8], Bool, Int)] = []
            VisibleContent.scanTags(html) { name, closing, offset in
                found.append((name, closing, offset))
                return true
            }
            var expected: [([UInt8], Bool, Int)] = []
            Self.scanTags(html) { name, closing, offset in
                expected.append((name, closing, offset))
                return true
            }
            #expect(found.map(\.0) == expected.map(\.0), "\(html.debugDescription)")
            #expect(found.map(\.1) == expected.map(\.1), "\(html.debugDescription)")
            #expect(found.map(\.2) == expected.map(\.2), "\(html.debugDescription)")
            #expect(
                VisibleContent.blockTagsStandOutsideElements(html) == Self.blockTagsStandOutsideElements(html),
                "\(html.debugDescription)")
            #expect(VisibleContent.isWellNested(html) == Self.isWellNested(html), "\(html.debugDescription)")
        }
    }

    @Test func voidElementsByBytesAgreeWithTheSet() {
        let names =
            VisibleContent.voidElements.map { Array($0.utf8) } + [
                [], Array("b".utf8), Array("bx".utf8), Array("hrr".utf8), Array("sourcex".utf8), Array("p".utf8),
                Array("img2".utf8), Array("inpu".utf8), Array("track1".utf8), Array("wb".utf8), Array("colx".utf8),
            ]
        for name in names {
            #expect(VisibleContent.isVoidElement(name) == VisibleContent.voidElementBytes.contains(name), "\(name)")
        }
    }

    /// The definition of `VisibleContent.isWellNested` over the definition of the scan.
    static func isWellNested(_ html: String) -> Bool {
        var stack: [[UInt8]] = []
        var wellNested = true
        scanTags(html) { name, closing, _ in
            if closing {
                guard stack.last == name else {
                    wellNested = false
                    return false
                }
                stack.removeLast()
            } else {
                stack.append(name)
            }
            return true
        }
        return wellNested && stack.isEmpty
    }

    // MARK: - The definitions (VisibleContent.swift before the byte skips)

    static func blockTagsStandOutsideElements(_ html: String) -> Bool {
        var depth = 0
        var outside = true
        var bytes = Array(html.utf8)
        // Liquid tags are found first; the tag scanner then reports the depth at each.
        var tagOffsets: [Int] = []
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "{"), bytes[index + 1] == UInt8(ascii: "%") { tagOffsets.append(index) }
            index += 1
        }
        guard !tagOffsets.isEmpty else { return true }
        var next = 0
        scanTags(html) { name, closing, offset in
            while next < tagOffsets.count, tagOffsets[next] < offset {
                if depth > 0 { outside = false }
                next += 1
            }
            if !outside { return false }
            depth += closing ? -1 : 1
            return true
        }
        while next < tagOffsets.count {
            if depth > 0 { outside = false }
            next += 1
        }
        bytes.removeAll()
        return outside
    }

    static func scanTags(_ html: String, _ visit: (_ name: [UInt8], _ closing: Bool, _ offset: Int) -> Bool) {
        let bytes = Array(html.utf8)
        var index = 0
        let count = bytes.count
        // One name buffer for every tag: emptied in place when no visitor kept the last name.
        var name: [UInt8] = []
        while index < count {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            let start = index
            index += 1
            if index + 2 < count, bytes[index] == UInt8(ascii: "!"), bytes[index + 1] == UInt8(ascii: "-"),
                bytes[index + 2] == UInt8(ascii: "-")
            {
                // A comment runs to `-->`.
                index += 3
                while index + 2 < count,
                    !(bytes[index] == UInt8(ascii: "-") && bytes[index + 1] == UInt8(ascii: "-")
                        && bytes[index + 2] == UInt8(ascii: ">"))
                {
                    index += 1
                }
                index += 3
                continue
            }
            let closing = index < count && bytes[index] == UInt8(ascii: "/")
            if closing { index += 1 }
            name.removeAll(keepingCapacity: true)
            while index < count, Self.isNameByte(bytes[index]) {
                let byte = bytes[index]
                name.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
                index += 1
            }
            guard !name.isEmpty else { continue }
            // The tag's end, quotes respected.
            var quote: UInt8?
            var selfClosing = false
            while index < count {
                let byte = bytes[index]
                if let open = quote {
                    if byte == open { quote = nil }
                } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: ">") {
                    selfClosing = index > 0 && bytes[index - 1] == UInt8(ascii: "/")
                    break
                }
                index += 1
            }
            index += 1
            // No void element's name is longer than `maximumVoidNameLength`: a longer one is not looked up.
            if selfClosing
                || (name.count <= VisibleContent.maximumVoidNameLength
                    && VisibleContent.voidElementBytes.contains(name))
            {
                continue
            }
            if !visit(name, closing, start) { return }
        }
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
    }
}
