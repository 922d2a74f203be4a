#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which part of an email a fragment fills: the body on the card, or the footer under it.
public enum FragmentRole: Sendable, Hashable {
    /// The body, on the card.
    case body
    /// The footer with the legal mentions, on the page colour.
    case footer
}

extension EmailTheme {
    /// The inline style of each element the Markdown writer makes, for `role`.
    func style(of name: String, role: FragmentRole, inQuote: Bool, inPre: Bool) -> String? {
        let brand = brand.color.hex
        switch role {
        case .footer:
            switch name {
            case "p": return "margin:0 0 10px;font-size:12px;line-height:18px;color:\(Self.footer.hex);"
            case "a": return "color:\(Self.footer.hex);text-decoration:underline;"
            case "h1", "h2", "h3", "h4", "h5", "h6":
                return "margin:0 0 8px;font-size:13px;line-height:18px;font-weight:700;color:\(Self.footer.hex);"
            case "ul", "ol":
                return "margin:0 0 10px;padding:0 0 0 18px;font-size:12px;line-height:18px;color:\(Self.footer.hex);"
            case "li": return "margin:0 0 4px;"
            case "hr": return "border:0;border-top:1px solid #d4d4d8;margin:12px 0;"
            case "img": return "max-width:100%;height:auto;border:0;"
            case "code": return "font-family:\(Self.monoStack);font-size:12px;"
            case "blockquote": return "margin:0 0 10px;padding:0 0 0 10px;border-left:2px solid #d4d4d8;"
            case "pre": return "margin:0 0 10px;white-space:pre-wrap;word-break:break-word;font-size:12px;"
            default: return nil
            }
        case .body:
            switch name {
            case "p": return inQuote ? "margin:0;" : "margin:0 0 16px;font-size:16px;line-height:26px;"
            case "a": return "color:\(brand);text-decoration:underline;"
            case "h1":
                return "margin:0 0 16px;font-size:26px;line-height:34px;font-weight:700;color:\(Self.heading.hex);"
            case "h2":
                return "margin:24px 0 12px;font-size:21px;line-height:28px;font-weight:700;color:\(Self.heading.hex);"
            case "h3":
                return "margin:20px 0 8px;font-size:18px;line-height:26px;font-weight:700;color:\(Self.heading.hex);"
            case "h4", "h5", "h6":
                return "margin:16px 0 8px;font-size:16px;line-height:24px;font-weight:700;color:\(Self.heading.hex);"
            case "ul", "ol": return "margin:0 0 16px;padding:0 0 0 24px;font-size:16px;line-height:26px;"
            case "li": return "margin:0 0 6px;"
            case "blockquote":
                return
                    "margin:0 0 16px;padding:4px 0 4px 16px;border-left:4px solid \(brand);color:\(Self.muted.hex);font-style:italic;"
            case "hr": return "border:0;border-top:1px solid \(Self.rule.hex);margin:24px 0;"
            case "img": return "max-width:100%;height:auto;border:0;display:block;"
            case "pre":
                return
                    "margin:0 0 16px;padding:12px 16px;background-color:\(Self.codeBackground.hex);border-radius:6px;white-space:pre-wrap;word-break:break-word;font-family:\(Self.monoStack);font-size:14px;line-height:20px;"
            case "code":
                return inPre
                    ? "font-family:\(Self.monoStack);font-size:14px;"
                    : "font-family:\(Self.monoStack);font-size:14px;background-color:\(Self.codeBackground.hex);border-radius:4px;padding:1px 5px;"
            default: return nil
            }
        }
    }

    /// The bulletproof button's opening, up to the `<a` of its link (MJML's `mj-button`: a table cell
    /// with the background and padding, so Outlook draws the button too).
    var buttonOpening: String {
        let brand = brand.color.hex
        return
            "<table role=\"presentation\" class=\"am-button-table\" border=\"0\" cellpadding=\"0\" cellspacing=\"0\" style=\"border-collapse:separate;margin:8px 0 24px;\"><tr><td align=\"center\" bgcolor=\"\(brand)\" role=\"presentation\" style=\"border-radius:6px;background-color:\(brand);mso-padding-alt:14px 28px;\">"
    }

    /// The button link's style.
    var buttonLinkStyle: String {
        "display:inline-block;padding:14px 28px;font-family:\(Self.fontStack);font-size:16px;font-weight:700;line-height:20px;color:\(Self.buttonText.hex);text-decoration:none;border-radius:6px;background-color:\(brand.color.hex);mso-padding-alt:0;"
    }

    static let buttonClosing = "</td></tr></table>"

    /// `fragment` (HTML from `renderHTMLFragment`, Liquid in it) with inline styles on every element
    /// the Markdown writer makes, and button paragraphs (`<p class="am-button">`) as bulletproof buttons.
    ///
    /// Liquid constructs are left byte for byte; outside them every `<` is the writer's markup, so a
    /// tag is recognised by its name alone. The walk is over UTF-8 bytes (markup is ASCII): text between
    /// two tags or Liquid constructs is copied as one run.
    public func styled(_ fragment: String, role: FragmentRole) -> String {
        styled(fragment, role: role, styles: StyleTable(theme: self))
    }

    /// The style of each of ``EmailTheme/styledNames`` for each role, in and out of quotes and `pre`:
    /// `style(of:role:inQuote:inPre:)` made once for every fragment a layout styles.
    struct StyleTable: Sendable {
        private let styles: [String?]

        init(theme: EmailTheme) {
            var styles: [String?] = []
            for role in [FragmentRole.body, .footer] {
                for name in EmailTheme.styledNames {
                    for (inQuote, inPre) in [(false, false), (false, true), (true, false), (true, true)] {
                        styles.append(theme.style(of: name, role: role, inQuote: inQuote, inPre: inPre))
                    }
                }
            }
            self.styles = styles
            attributes = styles.map { style in style.map { Array(" style=\"\($0)\"".utf8) } }
        }

        /// Each of `styles` as the attribute written after an element's name (` style="…"`), in bytes.
        private let attributes: [[UInt8]?]

        /// ``style(_:role:inQuote:inPre:)`` as the attribute ` style="…"`, in bytes: one copy for a tag.
        func attribute(_ name: Int, role: FragmentRole, inQuote: Bool, inPre: Bool) -> [UInt8]? {
            let roleOffset = role == .body ? 0 : EmailTheme.styledNames.count * 4
            // The same slot as `style(_:role:inQuote:inPre:)`'s, within the table's 2 × 4 × count entries.
            return attributes[roleOffset + name * 4 + (inQuote ? 2 : 0) + (inPre ? 1 : 0)]
        }

        /// The style of ``EmailTheme/styledNames``[`name`].
        func style(_ name: Int, role: FragmentRole, inQuote: Bool, inPre: Bool) -> String? {
            let roleOffset = role == .body ? 0 : EmailTheme.styledNames.count * 4
            // `name` is an index of `styledNames`, so the slot is within the table's 2 × 4 × count entries.
            return styles[roleOffset + name * 4 + (inQuote ? 2 : 0) + (inPre ? 1 : 0)]
        }
    }

    /// ``styled(_:role:)`` with the styles of `styles` (made from this theme).
    func styled(_ fragment: String, role: FragmentRole, styles: StyleTable) -> String {
        String(decoding: styledBytes(fragment, role: role, styles: styles), as: UTF8.self)
    }

    /// ``styled(_:role:styles:)`` as its UTF-8 bytes, without making a String of them (nor validating
    /// them: they are valid UTF-8, the fragment's own bytes cut only before or after ASCII bytes, a dropped
    /// scalar taken whole, with ASCII markup between them).
    func styledBytes(_ fragment: String, role: FragmentRole, styles: StyleTable) -> [UInt8] {
        // The fragment's own bytes, read in place (a native String: no copy made).
        var copy = fragment
        return copy.withUTF8 { bytes in
            let liquid = Self.outputAndTagRanges(fragment, bytes: bytes)
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count + bytes.count / 2)
            // Every index below is checked against `count` before it is read, as the array's subscript did.
            styledWalk(bytes, liquid: liquid, role: role, styles: styles, into: &result)
            return result
        }
    }

    /// The byte ranges of the Liquid outputs and tags of `fragment` (whose bytes are `bytes`), as
    /// `LiquidScanner.constructs()` finds them.
    ///
    /// Found on bytes, with the scanner's rules: `{{` runs to the first `}}` after it, `{%` to the first
    /// `%}`, and once an opening is never closed no later one of its kind is. Every delimiter, Liquid
    /// whitespace and name character is ASCII and no byte of a multi-byte scalar is, so the byte cuts are
    /// the scalar ones; an autolink, which the scanner also skips over, never holds a `{` (it stops at one).
    /// A tag whose name starts with `raw` or `comment` sends the fragment to the scanner (such a block
    /// is taken whole there, up to its end tag).
    static func outputAndTagRanges(_ fragment: String, bytes: [UInt8]) -> [Range<Int>] {
        bytes.withUnsafeBufferPointer { outputAndTagRanges(fragment, bytes: $0) }
    }

    /// ``outputAndTagRanges(_:bytes:)`` on the fragment's bytes in place.
    static func outputAndTagRanges(_ fragment: String, bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        let fast = { () -> [Range<Int>]? in
            let count = bytes.count
            guard let base = bytes.baseAddress else { return [] }
            /// The first `second` `}` pair at or after `from`: the offset just after it.
            func close(_ second: UInt8, from: Int) -> Int? {
                var p = from + 1
                // `memchr` reads the `count - p` bytes from `p`, all within the buffer; `p - 1 >= from >= 0`.
                while p < count, let found = memchr(base + p, Int32(UInt8(ascii: "}")), count - p) {
                    p = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    if bytes[p - 1] == second { return p + 1 }
                    p += 1
                }
                return nil
            }
            var ranges: [Range<Int>] = []
            var i = 0
            var (outputsClosed, tagsClosed) = (true, true)
            while i + 1 < count {
                // `memchr` reads the `count - i` bytes from `i`, all within the buffer.
                guard let found = memchr(base + i, Int32(UInt8(ascii: "{")), count - i) else { break }
                i = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                guard i + 1 < count else { break }
                let next = bytes[i + 1]
                if next == UInt8(ascii: "{"), outputsClosed {
                    if let end = close(UInt8(ascii: "}"), from: i + 2) {
                        // Room for a few ranges at the first (most fragments with Liquid hold several).
                        if ranges.isEmpty { ranges.reserveCapacity(8) }
                        ranges.append(i..<end)
                        i = end
                        continue
                    }
                    outputsClosed = false
                }
                if next == UInt8(ascii: "%"), tagsClosed {
                    guard let end = close(UInt8(ascii: "%"), from: i + 2) else {
                        tagsClosed = false
                        i += 1
                        continue
                    }
                    // The name, after the whitespace-control `-` and Liquid's whitespace, before `%}`.
                    let inside = end - 2
                    var j = i + 2 < inside && bytes[i + 2] == UInt8(ascii: "-") ? i + 3 : i + 2
                    // Liquid's whitespace: ` `, `\t`, `\n`, `\v`, `\f`, `\r`.
                    while j < inside, bytes[j] == 0x20 || (0x09...0x0D).contains(bytes[j]) { j += 1 }
                    /// Whether `literal` starts at `j` and ends by `inside` (every byte read is below `inside`).
                    func startsName(_ literal: StaticString) -> Bool {
                        literal.withUTF8Buffer { literal in
                            guard inside - j >= literal.count else { return false }
                            for k in 0..<literal.count where bytes[j + k] != literal[k] { return false }
                            return true
                        }
                    }
                    if startsName("raw") || startsName("comment") { return nil }
                    if ranges.isEmpty { ranges.reserveCapacity(8) }
                    ranges.append(i..<end)
                    i = end
                    continue
                }
                i += 1
            }
            return ranges
        }()
        if let fast { return fast }
        return scannedOutputAndTagRanges(fragment, bytes: Array(bytes))
    }

    /// ``outputAndTagRanges(_:bytes:)`` by `LiquidScanner`, over Unicode scalars: the definition.
    static func scannedOutputAndTagRanges(_ fragment: String, bytes: [UInt8]) -> [Range<Int>] {
        let scanner = LiquidScanner(fragment)
        var liquidScalarBounds: [Int] = []
        for construct in scanner.constructs() where construct.kind == .output || construct.kind == .tag {
            liquidScalarBounds.append(construct.range.lowerBound)
            liquidScalarBounds.append(construct.range.upperBound)
        }
        let liquidBounds = UTF8Text.utf8Offsets(ofScalarOffsets: liquidScalarBounds, in: bytes)
        return stride(from: 0, to: liquidBounds.count, by: 2).map { liquidBounds[$0]..<liquidBounds[$0 + 1] }
    }

    /// The walk of ``styled(_:role:styles:)`` over the fragment's bytes, its Liquid ranges in `liquid`.
    ///
    /// The fragment's bytes kept as they are (text, Liquid, tags) are not copied one piece at a time: they
    /// are copied as one run up to where the walk puts something in (a style, a button) or drops bytes.
    private func styledWalk(
        _ bytes: UnsafeBufferPointer<UInt8>, liquid: [Range<Int>], role: FragmentRole, styles: StyleTable,
        into result: inout [UInt8]
    ) {
        var index = 0
        var nextLiquid = 0
        var quoteDepth = 0
        var preDepth = 0
        var inButton = false
        /// The start of the fragment's bytes kept but not yet copied: `bytes[copied..<index]`.
        var copied = 0
        // `copied <= index <= bytes.count` at every call: the walk only moves `index` forward, and sets
        // `copied` to it or (dropping a button's `</p` and one scalar) to an `index` clamped to the count.
        func flush() {
            if copied < index { result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<index])) }
            copied = index
        }
        func append(_ text: String) {
            flush()
            result.append(contentsOf: text.utf8)
        }
        func isNameByte(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        let less = UInt8(ascii: "<")
        while index < bytes.count {
            // A construct is taken only where the walk stands on its first byte (as the scalar walk
            // this replaces did: one skipped over stays text).
            let liquidStart = nextLiquid < liquid.count ? liquid[nextLiquid].lowerBound : nil
            if liquidStart == index {
                // Kept whole (its upper bound is at most the count: a range of the fragment's bytes).
                index = liquid[nextLiquid].upperBound
                nextLiquid += 1
                continue
            }
            guard bytes[index] == less else {
                let stop = liquidStart.map { $0 > index ? $0 : bytes.count } ?? bytes.count
                // The next `<` before `stop`: `memchr` reads the `stop - index - 1` bytes after `index`,
                // within the buffer (`index < stop <= bytes.count`).
                var end = stop
                if index + 1 < stop, let base = bytes.baseAddress,
                    let found = memchr(base + index + 1, Int32(less), stop - index - 1)
                {
                    end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                }
                index = end
                continue
            }
            let closing = index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/")
            var end = index + (closing ? 2 : 1)
            let nameStart = end
            while end < bytes.count, isNameByte(bytes[end]) { end += 1 }
            // The element, by its index in `styledNames` (no string made a tag).
            let name = Self.styledNameIndex(bytes, nameStart..<min(end, bytes.count))
            if closing {
                switch name {
                case Self.blockquoteIndex: quoteDepth = max(0, quoteDepth - 1)
                case Self.preIndex: preDepth = max(0, preDepth - 1)
                case Self.paragraphIndex where inButton:
                    // `</p>` of a button paragraph: the button's table closes instead (the `>`, or
                    // whatever one scalar stands there, is dropped).
                    append(Self.buttonClosing)
                    inButton = false
                    index = end < bytes.count ? end + UTF8Text.width(ofScalarStartingWith: bytes[end]) : end + 1
                    // Nothing of `</p` and the dropped scalar is copied (the walk ends if they end the bytes).
                    copied = min(index, bytes.count)
                    continue
                default: break
                }
                index = min(end, bytes.count)
                continue
            }
            // A button paragraph, as `MarkdownConversion` marks it.
            let buttonMark = Self.buttonMark
            if name == Self.paragraphIndex, role == .body, index + buttonMark.count <= bytes.count,
                bytes[index..<(index + buttonMark.count)].elementsEqual(buttonMark)
            {
                append(buttonOpening)
                inButton = true
                index += buttonMark.count
                copied = index
                continue
            }
            switch name {
            case Self.blockquoteIndex: quoteDepth += 1
            case Self.preIndex: preDepth += 1
            default: break
            }
            index = min(end, bytes.count)
            if name == Self.linkIndex, inButton {
                append(" class=\"am-button\" style=\"\(buttonLinkStyle)\"")
            } else if let name,
                let attribute = styles.attribute(name, role: role, inQuote: quoteDepth > 0, inPre: preDepth > 0)
            {
                flush()
                result.append(contentsOf: attribute)
            }
        }
        index = min(index, bytes.count)
        flush()
    }

    /// Every element name `style(of:role:inQuote:inPre:)` may style (any other name has no style).
    static let styledNames = [
        "p", "a", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "hr", "img", "code", "blockquote", "pre",
    ]
    private static let paragraphIndex = 0
    private static let linkIndex = 1
    private static let blockquoteIndex = 14
    private static let preIndex = 15

    /// The index in ``styledNames`` of the name whose bytes are `name`, if it is one: told by its length
    /// and bytes (``styledNameIndexBySearch(_:_:)``, the search of the names' table, is the definition).
    static func styledNameIndex(_ bytes: UnsafeBufferPointer<UInt8>, _ name: Range<Int>) -> Int? {
        // Every index read is within `name`, itself within the buffer (the callers' ranges).
        let start = name.lowerBound
        func byte(_ k: Int) -> UInt8 { bytes[start + k] }
        func isName(_ literal: StaticString) -> Bool {
            literal.withUTF8Buffer { literal in
                for k in 0..<literal.count where byte(k) != literal[k] { return false }
                return true
            }
        }
        switch name.count {
        case 1:
            switch byte(0) {
            case UInt8(ascii: "p"): return paragraphIndex
            case UInt8(ascii: "a"): return linkIndex
            default: return nil
            }
        case 2:
            switch (byte(0), byte(1)) {
            case (UInt8(ascii: "h"), UInt8(ascii: "1")...UInt8(ascii: "6")): return 2 + Int(byte(1) - UInt8(ascii: "1"))
            case (UInt8(ascii: "u"), UInt8(ascii: "l")): return 8
            case (UInt8(ascii: "o"), UInt8(ascii: "l")): return 9
            case (UInt8(ascii: "l"), UInt8(ascii: "i")): return 10
            case (UInt8(ascii: "h"), UInt8(ascii: "r")): return 11
            default: return nil
            }
        case 3: return isName("img") ? 12 : isName("pre") ? preIndex : nil
        case 4: return isName("code") ? 13 : nil
        case 10: return isName("blockquote") ? blockquoteIndex : nil
        default: return nil
        }
    }

    /// The opening of a button paragraph, as `MarkdownConversion` marks it.
    private static let buttonMark = Array("<p class=\"am-button\">".utf8)
}
