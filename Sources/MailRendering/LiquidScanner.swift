import Liquid

/// Finds the Liquid constructs, autolinks and `<` characters of a Markdown source.
///
/// Where a Liquid construct starts and ends is ``LiquidDelimiters``' answer, the Liquid lexer's own:
/// `{{` runs to the first `}}`, `{%` to the first `%}`, and a `raw` or `comment` tag runs to its
/// `endraw` / `endcomment` tag, taken whole. An unterminated delimiter is plain text here.
struct LiquidScanner {
    /// One construct found in the source, with its range in Unicode-scalar offsets.
    struct Construct: Equatable {
        enum Kind: Equatable {
            /// `{{ … }}`.
            case output
            /// `{% … %}`, or a whole `{% raw %}…{% endraw %}` / `{% comment %}…{% endcomment %}`.
            case tag
            /// `<https://…>`, `<http://…>` or `<mailto:…>`; the associated value is the URL.
            case autolink(String)
            /// Any other `<`.
            case lessThan
        }

        var kind: Kind
        var range: Range<Int>
        /// For `{% raw %}…{% endraw %}`: the range of the literal text between the two tags.
        var rawBody: Range<Int>? = nil

        /// A tag that prints nothing by itself (`{% if %}`, `{% endfor %}`, a comment): it may
        /// stand alone between blocks. A `raw` region prints text, so it is not one.
        var isSilentTag: Bool { kind == .tag && rawBody == nil }
    }

    let scalars: [Unicode.Scalar]
    private let delimiters: LiquidDelimiters

    init(_ source: String) {
        scalars = ScalarText.scalars(of: source)
        delimiters = LiquidDelimiters(scalars)
    }

    /// All constructs, in source order, not overlapping.
    func constructs() -> [Construct] {
        let count = scalars.count
        return constructs { index in
            // Only `{` and `<` start a construct: the scalars between are skipped on the buffer (`i` stays
            // below `count`, the buffer's length).
            scalars.withUnsafeBufferPointer { buffer in
                var i = index
                while i < count, buffer[i] != "{", buffer[i] != "<" { i += 1 }
                return i
            }
        }
    }

    /// ``constructs()`` with the scalars that cannot start a construct skipped on `bytes`, the source's UTF-8
    /// bytes, eight at a time; `continuations` are the offsets of their continuation bytes
    /// (``ProtectedMarkdown/continuationOffsets(in:)-([UInt8])``), which convert offsets between scalars and
    /// bytes. The same constructs: ``constructs()`` is its definition.
    func constructs(bytes: UnsafeBufferPointer<UInt8>, continuations: [Int]) -> [Construct] {
        // Both conversions go forward only (the scan does), each counting the continuation bytes it passed.
        var passedByScalar = 0
        var passedByByte = 0
        return constructs { index in
            // The UTF-8 offset of scalar offset `index`: `index` plus the continuation bytes before it.
            while passedByScalar < continuations.count, continuations[passedByScalar] <= index + passedByScalar {
                passedByScalar += 1
            }
            // `{` and `<` are ASCII: the byte found is a scalar boundary, its scalar offset that offset less
            // the continuation bytes before it (`bytes.count` gives the scalar count).
            let found = Self.nextOpener(in: bytes, from: index + passedByScalar)
            while passedByByte < continuations.count, continuations[passedByByte] < found { passedByByte += 1 }
            return found - passedByByte
        }
    }

    /// ``constructs()`` of the source whose UTF-8 bytes (valid UTF-8) are `bytes`, found on the bytes alone:
    /// no scalar array is decoded, and the ranges are converted to Unicode-scalar offsets through
    /// `continuations`, the offsets of the source's continuation bytes
    /// (``ProtectedMarkdown/continuationOffsets(in:)-([UInt8])``). Every delimiter, tag name and scheme the
    /// scan looks for is ASCII, and a byte of a multi-byte scalar (0x80 and above) is none of them, as the
    /// scalar it belongs to is none of them: the cuts are the same (``LiquidDelimiters``' rules, which the
    /// Liquid lexer also runs on bytes). Only an autolink's non-ASCII scalars are decoded, for their
    /// white-space and case properties. ``constructs()`` is the definition.
    static func constructs(inBytes bytes: UnsafeBufferPointer<UInt8>, continuations: [Int]) -> [Construct] {
        let count = bytes.count
        var result: [Construct] = []
        // Most texts hold a few constructs: room for them at once instead of four regrowths.
        result.reserveCapacity(16)
        // The scalar offset of byte offset `byte` (a scalar boundary): `byte` less the continuation bytes
        // before it. The offsets converted only grow, so the count of continuation bytes passed only grows.
        var passed = 0
        func scalarOffset(_ byte: Int) -> Int {
            while passed < continuations.count, continuations[passed] < byte { passed += 1 }
            return byte - passed
        }
        // Once a closing delimiter is missing after some point, it is missing after any later
        // point too: remembering that keeps the scan linear on hostile input like `{{{{{{…`.
        var outputCloseMissing = false
        var tagCloseMissing = false
        var endRawMissing = false
        var endCommentMissing = false
        var index = 0
        while index < count {
            index = nextOpener(in: bytes, from: index)
            guard index < count else { break }
            let byte = bytes[index]
            if byte == UInt8(ascii: "{"), index + 1 < count {
                let next = bytes[index + 1]
                if next == UInt8(ascii: "{"), !outputCloseMissing {
                    if let end = closing(UInt8(ascii: "}"), in: bytes, from: index + 2) {
                        let lower = scalarOffset(index)
                        result.append(Construct(kind: .output, range: lower..<scalarOffset(end + 2)))
                        index = end + 2
                        continue
                    }
                    outputCloseMissing = true
                }
                if next == UInt8(ascii: "%"), !tagCloseMissing {
                    if let end = closing(UInt8(ascii: "%"), in: bytes, from: index + 2) {
                        var upper = end + 2
                        let insideStart =
                            index + 2 < end && bytes[index + 2] == UInt8(ascii: "-") ? index + 3 : index + 2
                        let name = tagName(in: bytes, from: insideStart, upTo: end)
                        var close: (tagStart: Int, end: Int)?
                        if name == .raw || name == .comment {
                            let isRaw = name == .raw
                            if !(isRaw ? endRawMissing : endCommentMissing) {
                                let endName = isRaw ? Self.endRawBytes : Self.endCommentBytes
                                if let found = endTag(named: endName, in: bytes, from: upper), let end = found.end {
                                    close = (found.start, end)
                                } else if isRaw {
                                    endRawMissing = true
                                } else {
                                    endCommentMissing = true
                                }
                            }
                        }
                        let lower = scalarOffset(index)
                        var rawBody: Range<Int>?
                        if let close {
                            if name == .raw {
                                let bodyStart = scalarOffset(upper)
                                rawBody = bodyStart..<scalarOffset(close.tagStart)
                            }
                            upper = close.end
                        }
                        result.append(Construct(kind: .tag, range: lower..<scalarOffset(upper), rawBody: rawBody))
                        index = upper
                        continue
                    }
                    tagCloseMissing = true
                }
            }
            if byte == UInt8(ascii: "<") {
                let lower = scalarOffset(index)
                if let (url, end) = autolink(in: bytes, at: index) {
                    result.append(Construct(kind: .autolink(url), range: lower..<scalarOffset(end)))
                    index = end
                    continue
                }
                // `<` is one byte and one scalar.
                result.append(Construct(kind: .lessThan, range: lower..<lower + 1))
            }
            index += 1
        }
        return result
    }

    /// The names of the two tags with an end tag, and their end tags' names, as bytes.
    private static let endRawBytes: [UInt8] = Array("endraw".utf8)
    private static let endCommentBytes: [UInt8] = Array("endcomment".utf8)

    /// What ``constructs(inBytes:continuations:)`` needs of a tag's name: whether it is `raw` or `comment`.
    private enum SpecialName {
        case raw, comment, other
    }

    /// The offset of the first `first` followed by `}` at or after `start` (``LiquidDelimiters/closing(_:from:)``
    /// on bytes), found from each `}` (eight bytes at a time between them).
    private static func closing(_ first: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        let count = bytes.count
        // A `}` at `start + 1` or later: `brace - 1 >= start >= 0` is read, and `brace < count`.
        var from = max(start, 0) + 1
        while from < count {
            let brace = UTF8Text.nextOffset(of: UInt8(ascii: "}"), in: bytes, from: from)
            guard brace < count else { return nil }
            if bytes[brace - 1] == first { return brace - 1 }
            from = brace + 1
        }
        return nil
    }

    /// Liquid's white space (``LiquidDelimiters/isWhitespace(_:)``) as a byte.
    private static func isLiquidWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    /// A byte of a Liquid name (``LiquidDelimiters/isWordScalar(_:)``).
    private static func isWordByte(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x5F
    }

    /// Whether the bytes `range` of `bytes` are `name`, byte for byte.
    private static func holds(_ name: StaticString, in bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Bool {
        name.withUTF8Buffer { name in
            // `range` lies within `bytes` (the caller's name range).
            name.count == range.count && (0..<name.count).allSatisfy { bytes[range.lowerBound + $0] == name[$0] }
        }
    }

    /// ``LiquidDelimiters/tagName(from:upTo:)`` on bytes, as much as the scan needs of it.
    private static func tagName(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, upTo end: Int) -> SpecialName {
        let end = min(end, bytes.count)
        var j = max(start, 0)
        while j < end, isLiquidWhitespace(bytes[j]) { j += 1 }
        let nameStart = j
        // `#` alone is a name, neither of the two.
        guard j < end, bytes[j] != UInt8(ascii: "#") else { return .other }
        while j < end, isWordByte(bytes[j]) { j += 1 }
        if holds("raw", in: bytes, range: nameStart..<j) { return .raw }
        if holds("comment", in: bytes, range: nameStart..<j) { return .comment }
        return .other
    }

    /// ``LiquidDelimiters/endTag(named:from:)`` on bytes: the first tag named `name` at or after `start`, the
    /// offset of its `{%` and, when its `%}` is found, the offset just after it.
    private static func endTag(named name: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (
        start: Int, end: Int?
    )? {
        let count = bytes.count
        var search = max(start, 0)
        while search < count {
            let open = UTF8Text.nextOffset(of: UInt8(ascii: "{"), in: bytes, from: search)
            guard open + 1 < count else { return nil }
            guard bytes[open + 1] == UInt8(ascii: "%") else {
                search = open + 1
                continue
            }
            var j = open + 2
            if j < count, bytes[j] == UInt8(ascii: "-") { j += 1 }
            while j < count, isLiquidWhitespace(bytes[j]) { j += 1 }
            var matches = j + name.count <= count
            if matches {
                for offset in name.indices where bytes[j + offset] != name[offset] {
                    matches = false
                    break
                }
            }
            if matches, j + name.count >= count || !isWordByte(bytes[j + name.count]) {
                return (open, closing(UInt8(ascii: "%"), in: bytes, from: j + name.count).map { $0 + 2 })
            }
            search = open + 2
        }
        return nil
    }

    /// The scalar of valid UTF-8 `bytes` that starts at `i` (a scalar boundary below `bytes.count`), and its
    /// width in bytes.
    static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (scalar: Unicode.Scalar, width: Int) {
        let lead = bytes[i]
        if lead < 0x80 { return (Unicode.Scalar(lead), 1) }
        let width = UTF8Text.width(ofScalarStartingWith: lead)
        var value = UInt32(lead) & (width == 2 ? 0x1F : width == 3 ? 0x0F : 0x07)
        var k = 1
        // Only bytes below `bytes.count` are read.
        while k < width, i + k < bytes.count {
            value = value << 6 | UInt32(bytes[i + k] & 0x3F)
            k += 1
        }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", width)
    }

    /// ``autolink(at:)`` on bytes: an autolink at byte offset `index`, its URL and the byte offset after it.
    private static func autolink(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (url: String, end: Int)? {
        let count = bytes.count
        guard index + 1 < count else { return nil }
        let second = scalar(in: bytes, at: index + 1).scalar
        guard lowercases(second, to: "h") || lowercases(second, to: "m") else { return nil }
        for pattern in autolinkSchemes {
            // The pattern's scalars against the source's, a scalar at a time.
            var cursor = index + 1
            var matches = true
            for letter in pattern {
                guard cursor < count else {
                    matches = false
                    break
                }
                let (current, width) = scalar(in: bytes, at: cursor)
                guard lowercases(current, to: letter) else {
                    matches = false
                    break
                }
                cursor += width
            }
            guard matches else { continue }
            let urlStart = cursor
            while cursor < count {
                let (current, width) = scalar(in: bytes, at: cursor)
                if current == ">" {
                    guard cursor > urlStart else { return nil }
                    // `index + 1..<cursor` lies within the buffer, on scalar boundaries.
                    let url = String(decoding: UnsafeBufferPointer(rebasing: bytes[index + 1..<cursor]), as: UTF8.self)
                    return (url, cursor + 1)
                }
                if isWhitespace(current) || current == "<" || current == "{" || current == "\"" {
                    return nil
                }
                cursor += width
            }
            return nil
        }
        return nil
    }

    /// The offset of the first `{` or `<` in `bytes[from...]`, or `bytes.count`. Eight bytes are read at once:
    /// the has-zero test on the word XOR each byte repeated flags every match, and above a match may flag
    /// a byte that is none, so the lowest flag of either test is a match.
    static func nextOpener(in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        let count = bytes.count
        var i = max(from, 0)
        if let base = bytes.baseAddress.map(UnsafeRawPointer.init) {
            // The load reads `i..<i + 8`, within the buffer.
            while i + 8 <= count {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let brace = word ^ 0x7B7B_7B7B_7B7B_7B7B
                let less = word ^ 0x3C3C_3C3C_3C3C_3C3C
                let zeros =
                    ((brace &- 0x0101_0101_0101_0101) & ~brace | (less &- 0x0101_0101_0101_0101) & ~less)
                    & 0x8080_8080_8080_8080
                if zeros != 0 { return i + zeros.trailingZeroBitCount >> 3 }
                i += 8
            }
        }
        while i < count, bytes[i] != UInt8(ascii: "{"), bytes[i] != UInt8(ascii: "<") { i += 1 }
        return i
    }

    /// The constructs, `skip(index)` giving the offset of the first `{` or `<` at or after `index` (or the
    /// scalar count).
    private func constructs(skip: (Int) -> Int) -> [Construct] {
        var result: [Construct] = []
        var index = 0
        // Once a closing delimiter is missing after some point, it is missing after any later
        // point too: remembering that keeps the scan linear on hostile input like `{{{{{{…`.
        var outputCloseMissing = false
        var tagCloseMissing = false
        var endTagMissing: Set<String> = []
        // Most texts hold a few constructs: room for them at once instead of four regrowths.
        result.reserveCapacity(16)
        let count = scalars.count
        while index < count {
            index = skip(index)
            guard index < count else { break }
            let scalar = scalars[index]
            if scalar == "{", index + 1 < scalars.count {
                let next = scalars[index + 1]
                if next == "{", !outputCloseMissing {
                    if let end = delimiters.closing(.output, from: index + 2) {
                        result.append(Construct(kind: .output, range: index..<end + 2))
                        index = end + 2
                        continue
                    }
                    outputCloseMissing = true
                }
                // The closing `%}` searched once (it was searched twice: once to learn that it is missing).
                if next == "%", !tagCloseMissing {
                    if let end = delimiters.closing(.tag, from: index + 2) {
                        var upper = end + 2
                        var rawBody: Range<Int>?
                        let insideStart = index + 2 < end && scalars[index + 2] == "-" ? index + 3 : index + 2
                        let name = delimiters.tagName(from: insideStart, upTo: end).name
                        var close: (tagStart: Int, end: Int)?
                        // The end tag's name is made only for the two tags that have one.
                        if name == "raw" || name == "comment" {
                            let endName = "end" + name
                            if !endTagMissing.contains(endName) {
                                if let found = delimiters.endTag(named: endName, from: upper), let end = found.end {
                                    close = (found.start, end)
                                } else {
                                    endTagMissing.insert(endName)
                                }
                            }
                        }
                        if let close {
                            if name == "raw" { rawBody = upper..<close.tagStart }
                            upper = close.end
                        }
                        result.append(Construct(kind: .tag, range: index..<upper, rawBody: rawBody))
                        index = upper
                        continue
                    }
                    tagCloseMissing = true
                }
            }
            if scalar == "<" {
                if let (url, end) = autolink(at: index) {
                    result.append(Construct(kind: .autolink(url), range: index..<end))
                    index = end
                    continue
                }
                result.append(Construct(kind: .lessThan, range: index..<index + 1))
            }
            index += 1
        }
        return result
    }

    /// The range of the HTML tag, comment or declaration starting at `index` if the `<` there
    /// starts one (CommonMark's shapes: `<letter`, `</letter`, `<!`, `<?`).
    func htmlTagRange(at index: Int) -> Range<Int>? {
        var memo: CommentEndMemo?
        return htmlTagRange(at: index, commentEnds: &memo)
    }

    /// The first `-->` at or after `from` (`end`, `nil` for none), remembered between calls so that
    /// thousands of unterminated `<!--` do not each search to the end of the text.
    struct CommentEndMemo {
        var from: Int
        var end: Int?
    }

    /// ``htmlTagRange(at:)`` for many tags of one text: `commentEnds` carries what earlier searches
    /// for the end of a comment found, so that the calls over a whole text stay linear.
    func htmlTagRange(at index: Int, commentEnds memo: inout CommentEndMemo?) -> Range<Int>? {
        guard index + 1 < scalars.count, scalars[index] == "<" else { return nil }
        let next = scalars[index + 1]
        let isTag: Bool
        if next == "/" {
            isTag = index + 2 < scalars.count && isASCIILetter(scalars[index + 2])
        } else {
            isTag = isASCIILetter(next) || next == "!" || next == "?"
        }
        guard isTag else { return nil }
        if starts(with: ["<", "!", "-", "-"], at: index) {
            let from = index + 4
            let end: Int?
            if let known = memo, known.from <= from, known.end.map({ from <= $0 }) ?? true {
                end = known.end
            } else {
                end = find(["-", "-", ">"], from: from)
                memo = CommentEndMemo(from: from, end: end)
            }
            if let end { return index..<end + 3 }
            return index..<index + 4
        }
        var quote: Unicode.Scalar?
        var cursor = index + 1
        while cursor < scalars.count, cursor - index < 4096 {
            let current = scalars[cursor]
            if let open = quote {
                if current == open { quote = nil }
            } else if current == "\"" || current == "'" {
                quote = current
            } else if current == ">" {
                return index..<cursor + 1
            } else if current == "<" {
                break
            }
            cursor += 1
        }
        // Unterminated: point at `<` and the name.
        var end = index + 1
        if end < scalars.count, scalars[end] == "/" || scalars[end] == "!" || scalars[end] == "?" { end += 1 }
        while end < scalars.count, isASCIILetter(scalars[end]) || ("0"..."9").contains(scalars[end]) { end += 1 }
        return index..<end
    }

    // MARK: - Helpers

    /// `scalar.properties.isWhitespace`, answered without a property lookup for ASCII scalars
    /// (whose White_Space members are tab, line feed, vertical tab, form feed, carriage return and space).
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x80 { return value == 0x20 || (0x09...0x0D).contains(value) }
        return scalar.properties.isWhitespace
    }

    private func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private func starts(with pattern: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + pattern.count <= scalars.count else { return false }
        for offset in pattern.indices where scalars[index + offset] != pattern[offset] { return false }
        return true
    }

    private func find(_ pattern: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start
        while index + pattern.count <= scalars.count {
            if starts(with: pattern, at: index) { return index }
            index += 1
        }
        return nil
    }

    /// The schemes of an autolink, lowercase.
    private static let autolinkSchemes: [[Unicode.Scalar]] = ["https://", "http://", "mailto:"].map {
        Array($0.unicodeScalars)
    }

    /// Whether `String(scalar).lowercased() == String(lower)`, for `lower` ASCII: an ASCII scalar by its
    /// value, any other the Unicode way (U+212A KELVIN SIGN lowercases to `k`).
    static func lowercases(_ scalar: Unicode.Scalar, to lower: Unicode.Scalar) -> Bool {
        let value = scalar.value
        guard value < 0x80 else { return String(scalar).lowercased() == String(lower) }
        return ((0x41...0x5A).contains(value) ? value + 0x20 : value) == lower.value
    }

    /// An autolink at `index`: `<` scheme `:` non-space, non-`<` characters, `>`.
    private func autolink(at index: Int) -> (url: String, end: Int)? {
        // Every scheme starts with `h` or `m`: any other scalar after the `<` (most HTML tags) is no
        // autolink, answered without walking the table.
        guard index + 1 < scalars.count,
            Self.lowercases(scalars[index + 1], to: "h") || Self.lowercases(scalars[index + 1], to: "m")
        else { return nil }
        for pattern in Self.autolinkSchemes {
            guard index + 1 + pattern.count <= scalars.count else { continue }
            var matches = true
            for offset in pattern.indices where !Self.lowercases(scalars[index + 1 + offset], to: pattern[offset]) {
                matches = false
                break
            }
            guard matches else { continue }
            var cursor = index + 1 + pattern.count
            while cursor < scalars.count {
                let current = scalars[cursor]
                if current == ">" {
                    guard cursor > index + 1 + pattern.count else { return nil }
                    let url = ScalarText.string(scalars[index + 1..<cursor])
                    return (url, cursor + 1)
                }
                if Self.isWhitespace(current) || current == "<" || current == "{" || current == "\"" {
                    return nil
                }
                cursor += 1
            }
            return nil
        }
        return nil
    }
}

extension StringProtocol {
    /// Trims the given characters from both ends.
    func trimming(_ set: Set<Character>) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
