import Liquid

/// What a reader sees of an HTML document: its visible text and its links with their visible text.
///
/// Hidden is what a mail client does not show: comments; the contents of `head`, `title`, `style`,
/// `script` and `template`; and every element marked `hidden`, `aria-hidden="true"` with no other
/// text, or styled away (`display:none`, `visibility:hidden`, `opacity:0`, a zero `font-size`,
/// `max-height` or `line-height` with `overflow:hidden`, a `color` of `transparent`). An image counts by
/// its `alt` text as the text of a link it stands in, never as visible text: shown, the image hides its
/// alt text. Character references are decoded; text is not normalised (callers fold spaces).
public struct VisibleContent: Sendable, Equatable {
    /// A link as a reader meets it.
    public struct Link: Sendable, Equatable {
        /// The decoded `href`.
        public var href: String
        /// The link's visible text (images by their alt text).
        public var text: String
    }

    /// The visible text, in document order.
    public var text: String
    /// The links, in document order; links inside hidden content are left out.
    public var links: [Link]

    /// Scans `html`.
    public init(html: String) {
        var text = ""
        var links: [Link] = []
        // Open elements: name, and whether it hides what it holds.
        var stack: [(name: String, hides: Bool)] = []
        var openLink: (href: String, text: String, depth: Int)?
        var hiddenDepth = 0
        let scalars = Array(html.unicodeScalars)
        var index = 0
        func appendVisible(_ piece: String) {
            guard hiddenDepth == 0 else { return }
            text += piece
            if openLink != nil { openLink?.text += piece }
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "<" {
                guard let markup = HTMLMarkupReader.read(scalars, at: index) else {
                    appendVisible("<")
                    index += 1
                    continue
                }
                guard case .tag(let tag) = markup else {
                    if case .skipped(let next) = markup { index = next }
                    continue
                }
                let name = tag.name
                let attributes = Self.attributes(scalars[tag.attributes])
                index = tag.next
                if tag.closing {
                    guard let open = stack.lastIndex(where: { $0.name == name }) else { continue }
                    while stack.count > open {
                        let popped = stack.removeLast()
                        if popped.hides { hiddenDepth -= 1 }
                        if let link = openLink, stack.count < link.depth {
                            links.append(Link(href: link.href, text: link.text))
                            openLink = nil
                        }
                    }
                    continue
                }
                if name == "img" {
                    // An image's alt text is what a link made of it says, but a mention only in an alt
                    // text is not shown while the image is.
                    if !Self.hides(name, attributes), hiddenDepth == 0, openLink != nil {
                        openLink?.text += " " + (attributes["alt"] ?? "") + " "
                    }
                    continue
                }
                if name == "br" { appendVisible("\n") }
                if Self.voidElements.contains(name) || attributes["/"] != nil { continue }
                let hides = Self.hides(name, attributes)
                stack.append((name, hides))
                if hides { hiddenDepth += 1 }
                if name == "a", hiddenDepth == 0, let href = attributes["href"] {
                    if let link = openLink { links.append(Link(href: link.href, text: link.text)) }
                    openLink = (href, "", stack.count)
                }
                if Self.blockElements.contains(name) { appendVisible("\n") }
                continue
            }
            if scalar == "&" {
                let (decoded, next) = Self.reference(scalars, at: index)
                appendVisible(decoded)
                index = next
                continue
            }
            appendVisible(String(scalar))
            index += 1
        }
        if let link = openLink { links.append(Link(href: link.href, text: link.text)) }
        self.text = text
        self.links = links
    }

    /// Whether `text` shows anything: a scalar that is not white space, a control or a format
    /// character (zero-width spaces and joiners, bidirectional marks, tag characters).
    public static func isVisible(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            if scalar.properties.isWhitespace { return false }
            switch scalar.properties.generalCategory {
            case .format, .control, .unassigned, .surrogate, .privateUse, .spaceSeparator, .lineSeparator,
                .paragraphSeparator, .nonspacingMark, .enclosingMark:
                return false
            default:
                return !(0xFE00...0xFE0F).contains(scalar.value) && scalar != "\u{2800}" && scalar != "\u{3164}"
                    && scalar != "\u{115F}" && scalar != "\u{1160}" && scalar != "\u{FFA0}"
            }
        }
    }

    /// Whether every element of an HTML fragment that is opened is closed, in order, and nothing is
    /// closed that was not opened (void elements and comments aside): what a fragment whose Liquid
    /// branches each leave the markup as they found it renders to on every path.
    public static func isWellNested(_ html: String) -> Bool {
        var stack: [[UInt8]] = []
        var wellNested = true
        scanTags(html) { name, closing in
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

    /// Whether every Liquid tag (`{% … %}`) of an HTML fragment stands outside every element: then each
    /// branch of each block is made of whole elements, and every path is as well nested as the fragment.
    public static func blockTagsStandOutsideElements(_ html: String) -> Bool {
        var html = html
        return html.withUTF8 { bytes in
            // Liquid tags are found first, each `{` eight bytes at a time; the tag scanner then reports the
            // depth at each.
            var tagOffsets: [Int] = []
            var index = 0
            while index + 1 < bytes.count {
                index = UTF8Text.nextOffset(of: UInt8(ascii: "{"), in: bytes, from: index)
                // `index + 1 < bytes.count`: both bytes read lie within the buffer.
                guard index + 1 < bytes.count else { break }
                if bytes[index + 1] == UInt8(ascii: "%") { tagOffsets.append(index) }
                index += 1
            }
            guard !tagOffsets.isEmpty else { return true }
            var depth = 0
            var outside = true
            var next = 0
            scanTags(bytes) { name, closing, offset in
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
            return outside
        }
    }

    /// Calls `visit` with each element tag of `html` that opens or closes a non-void element (its
    /// lowercased name, whether it closes), skipping comments and void elements; stops when `visit`
    /// returns false.
    static func scanTags(_ html: String, _ visit: (_ name: [UInt8], _ closing: Bool) -> Bool) {
        scanTags(html) { name, closing, _ in visit(name, closing) }
    }

    /// ``scanTags(_:_:)`` with the UTF-8 offset of each tag's `<`.
    static func scanTags(_ html: String, _ visit: (_ name: [UInt8], _ closing: Bool, _ offset: Int) -> Bool) {
        var html = html
        html.withUTF8 { scanTags($0, visit) }
    }

    /// ``scanTags(_:_:)-(String,_)`` on the UTF-8 bytes of the HTML: each `<` found eight bytes at a time, void
    /// elements told by their names' bytes (``isVoidElement(_:)``), not looked up in a set of arrays.
    /// `VisibleContentScanDifferentialTests` holds it to the byte-by-byte scan it replaced.
    static func scanTags(
        _ bytes: UnsafeBufferPointer<UInt8>, _ visit: (_ name: [UInt8], _ closing: Bool, _ offset: Int) -> Bool
    ) {
        var index = 0
        let count = bytes.count
        // One name buffer for every tag: emptied in place when no visitor kept the last name.
        var name: [UInt8] = []
        while index < count {
            index = UTF8Text.nextOffset(of: UInt8(ascii: "<"), in: bytes, from: index)
            guard index < count else { return }
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
            while index < count, isNameByte(bytes[index]) {
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
            if selfClosing || isVoidElement(name) { continue }
            if !visit(name, closing, start) { return }
        }
    }

    /// Whether `name` (lowercase bytes) is one of ``voidElements``, by its length and bytes: the same answer
    /// as `voidElementBytes.contains(name)`, its definition, without hashing the name.
    static func isVoidElement(_ name: [UInt8]) -> Bool {
        func equals(_ word: StaticString) -> Bool {
            word.withUTF8Buffer { word in word.elementsEqual(name) }
        }
        switch name.count {
        case 2: return name[0] == 0x62 && name[1] == 0x72 || name[0] == 0x68 && name[1] == 0x72  // br, hr
        case 3: return equals("col") || equals("img") || equals("wbr")
        case 4: return equals("area") || equals("base") || equals("link") || equals("meta")
        case 5: return equals("embed") || equals("input") || equals("track")
        case 6: return equals("source")
        default: return false
        }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
    }

    static let voidElementBytes: Set<[UInt8]> = Set(voidElements.map { Array($0.utf8) })

    /// The length of the longest name in ``voidElements``.
    static let maximumVoidNameLength = voidElements.map(\.utf8.count).max() ?? 0

    static let voidElements: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    ]
    static let blockElements: Set<String> = [
        "p", "div", "li", "tr", "td", "th", "table", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul",
        "ol",
        "hr", "section", "footer", "header",
    ]
    static let hiddenElements: Set<String> = ["head", "title", "style", "script", "template", "noscript", "svg"]

    /// Whether an element hides its content.
    static func hides(_ name: String, _ attributes: [String: String]) -> Bool {
        if hiddenElements.contains(name) || attributes["hidden"] != nil { return true }
        if attributes["aria-hidden"]?.lowercased() == "true", name != "a" { return true }
        guard let style = attributes["style"] else { return false }
        let declarations = styleDeclarations(style)
        func value(_ property: String) -> String? { declarations.last { $0.0 == property }?.1 }
        func isZero(_ text: String?) -> Bool {
            guard let text else { return false }
            let number = text.prefix { "0123456789.+-".contains($0) }
            guard !number.isEmpty, let parsed = Double(number) else { return false }
            return parsed <= 0
        }
        if value("display") == "none" || value("visibility") == "hidden" || value("visibility") == "collapse" {
            return true
        }
        if isZero(value("opacity")) || isZero(value("font-size")) { return true }
        if value("color") == "transparent" || value("mso-hide") == "all" { return true }
        if value("overflow") == "hidden",
            isZero(value("max-height")) || isZero(value("height"))
                || isZero(value("line-height")) || isZero(value("width")) || isZero(value("max-width"))
        {
            return true
        }
        if let clip = value("clip"), clip.hasPrefix("rect(0") { return true }
        if let indent = value("text-indent"), indent.hasPrefix("-") { return true }
        return false
    }

    /// The declarations of a `style` attribute: lowercased, split at `;` (empty ones dropped), each split at
    /// its first `:` into a property and a value without whitespace, the value without `!important`. An ASCII
    /// style is read on its bytes (each byte a Character but `\r\n`, which no split separates and which is
    /// whitespace as its two bytes are; ASCII whitespace is U+0009...U+000D and U+0020, and `lowercased()`
    /// maps `A`...`Z` alone); ``styleDeclarationsByCharacters(_:)`` is the definition and the path for others.
    static func styleDeclarations(_ style: String) -> [(String, String)] {
        guard style.utf8.allSatisfy({ $0 < 0x80 }) else { return styleDeclarationsByCharacters(style) }
        let bytes = style.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        func string(_ piece: ArraySlice<UInt8>) -> String {
            String(decoding: piece.filter { !isWhitespace($0) }, as: UTF8.self)
        }
        // `split` of the bytes: the same rules of empty pieces and `maxSplits` as that of the Characters.
        return bytes.split(separator: UInt8(ascii: ";")).map { declaration -> (String, String) in
            let parts = declaration.split(separator: UInt8(ascii: ":"), maxSplits: 1)
            let property = parts.first.map(string) ?? ""
            var value = parts.count > 1 ? string(parts[1]) : ""
            if value.hasSuffix("!important") { value.removeLast("!important".count) }
            return (property, value)
        }
    }

    /// ``styleDeclarations(_:)`` by Characters: the definition.
    static func styleDeclarationsByCharacters(_ style: String) -> [(String, String)] {
        style.lowercased().split(separator: ";").map { declaration -> (String, String) in
            let parts = declaration.split(separator: ":", maxSplits: 1)
            let property = parts.first.map { String($0).filter { !$0.isWhitespace } } ?? ""
            var value = parts.count > 1 ? String(parts[1]).filter { !$0.isWhitespace } : ""
            if value.hasSuffix("!important") { value.removeLast("!important".count) }
            return (property, value)
        }
    }

    static func matches(_ scalars: [Unicode.Scalar], at index: Int, _ literal: String) -> Bool {
        var offset = index
        for scalar in literal.unicodeScalars {
            guard offset < scalars.count, scalars[offset] == scalar else { return false }
            offset += 1
        }
        return true
    }

    static func find(_ scalars: [Unicode.Scalar], _ literal: String, from start: Int) -> Int? {
        guard let first = literal.unicodeScalars.first else { return nil }
        var index = start
        while index < scalars.count {
            if scalars[index] == first, matches(scalars, at: index, literal) { return index }
            index += 1
        }
        return nil
    }

    /// The offset of the `>` that ends a tag whose attributes start at `start` (quotes respected).
    static func tagEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var quote: Unicode.Scalar?
        var index = start
        while index < scalars.count {
            let scalar = scalars[index]
            if let open = quote {
                if scalar == open { quote = nil }
            } else if scalar == "\"" || scalar == "'" {
                quote = scalar
            } else if scalar == ">" {
                return index
            }
            index += 1
        }
        return scalars.count
    }

    /// The attributes of a tag (names lowercased, values decoded); a trailing `/` is recorded as `/`.
    static func attributes(_ scalars: ArraySlice<Unicode.Scalar>) -> [String: String] {
        var result: [String: String] = [:]
        let text = Array(scalars)
        /// `properties.isWhitespace`, answered for ASCII without the property table (U+0009...U+000D, U+0020).
        func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII
                ? scalar == " " || (scalar.value >= 0x09 && scalar.value <= 0x0D) : scalar.properties.isWhitespace
        }
        /// The scalars `text[range]` as a string, made at once (a scalar appended at a time grew it).
        func string(_ range: Range<Int>) -> String {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(range.count)
            for scalar in text[range] {
                if scalar.isASCII {
                    bytes.append(UInt8(scalar.value))
                } else if let encoded = UTF8.encode(scalar) {
                    bytes.append(contentsOf: encoded)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var index = 0
        while index < text.count {
            while index < text.count, isWhitespace(text[index]) { index += 1 }
            guard index < text.count else { break }
            if text[index] == "/" {
                result["/"] = ""
                index += 1
                continue
            }
            let nameStart = index
            while index < text.count, !isWhitespace(text[index]), text[index] != "=", text[index] != "/" {
                index += 1
            }
            let name = string(nameStart..<index)
            while index < text.count, isWhitespace(text[index]) { index += 1 }
            var value = ""
            if index < text.count, text[index] == "=" {
                index += 1
                while index < text.count, isWhitespace(text[index]) { index += 1 }
                if index < text.count, text[index] == "\"" || text[index] == "'" {
                    let quote = text[index]
                    index += 1
                    let valueStart = index
                    while index < text.count, text[index] != quote { index += 1 }
                    value = string(valueStart..<index)
                    index += 1
                } else {
                    let valueStart = index
                    while index < text.count, !isWhitespace(text[index]) { index += 1 }
                    value = string(valueStart..<index)
                }
            }
            if !name.isEmpty, result[name.lowercased()] == nil { result[name.lowercased()] = decodeReferences(value) }
        }
        return result
    }

    /// `text` with its character references decoded.
    public static func decodeReferences(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let scalars = Array(text.unicodeScalars)
        var result = ""
        var index = 0
        while index < scalars.count {
            if scalars[index] == "&" {
                let (decoded, next) = reference(scalars, at: index)
                result += decoded
                index = next
            } else {
                result.unicodeScalars.append(scalars[index])
                index += 1
            }
        }
        return result
    }

    static let namedReferences: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}", "shy": "\u{00AD}",
        "zwj": "\u{200D}", "zwnj": "\u{200C}", "lrm": "\u{200E}", "rlm": "\u{200F}", "middot": "·", "copy": "©",
    ]

    /// The reference at `index` (an `&`) decoded, and the offset after it; a lone `&` stays as it is.
    private static func reference(_ scalars: [Unicode.Scalar], at index: Int) -> (String, Int) {
        var cursor = index + 1
        var name = ""
        while cursor < scalars.count, cursor - index < 12, scalars[cursor] != ";",
            scalars[cursor].properties.isAlphabetic || ("0"..."9").contains(scalars[cursor]) || scalars[cursor] == "#"
        {
            name.unicodeScalars.append(scalars[cursor])
            cursor += 1
        }
        guard cursor < scalars.count, scalars[cursor] == ";", !name.isEmpty else { return ("&", index + 1) }
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value =
                digits.first == "x" || digits.first == "X"
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            if let value, let scalar = Unicode.Scalar(value) { return (String(scalar), cursor + 1) }
            return ("\u{FFFD}", cursor + 1)
        }
        if let decoded = namedReferences[name.lowercased()] { return (decoded, cursor + 1) }
        return ("&", index + 1)
    }
}

/// The slots (`content`, `footer`) of a custom layout that a reader would not see on some path through
/// the layout's Liquid, with their ranges in the layout (Unicode-scalar offsets): a slot inside a
/// comment, a hidden or styled-away element, or a branch that reads the contact. `layout` is taken as
/// `DocumentLayout` takes it; an invalid layout (which the build replaces by the default) has none.
public func hiddenLayoutSlots(_ layout: String) -> [(name: String, range: Range<Int>)] {
    guard validateLayout(layout).isEmpty else { return [] }
    let document = DocumentLayout(layout)
    let sentinels = ["content": "AMCONTENTSLOTSENTINEL", "footer": "AMFOOTERSLOTSENTINEL"]
    let html = document.parts(subject: "", locale: "en").map { part -> String in
        switch part {
        case .markup(let text): text
        case .markupPiece(let index): document.pieces[index]
        case .body: "<p>\(sentinels["content"] ?? "")</p>"
        case .footer: "<p>\(sentinels["footer"] ?? "")</p>"
        }
    }.joined()
    guard let template = LiquidTemplate.parse(html).template,
        let exploration = template.renderEveryPath(.object([:]), knownRoots: ["legal", "workspace"], limit: 256)
    else { return [] }
    let seen = exploration.renderings.map { VisibleContent(html: $0.output).text }
    return EmailLayout.slots(in: layout).filter { slot in
        guard let sentinel = sentinels[slot.name] else { return false }
        return !seen.allSatisfy { $0.contains(sentinel) }
    }.map { ($0.name, $0.range) }
}
