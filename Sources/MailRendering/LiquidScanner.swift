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
