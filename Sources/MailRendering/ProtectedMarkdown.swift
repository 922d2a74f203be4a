/// A Markdown source whose Liquid constructs, autolinks and `<` characters are swapped for
/// opaque placeholder tokens (letters and digits only), so that the Markdown reader leaves them alone.
///
/// A token is `prefix` + decimal index + `X`. The prefix is `L` followed by `Q`s and a `Z`,
/// lengthened until it does not occur in the source; it has a single `L`, so no occurrence can
/// straddle source text and a token.
struct ProtectedMarkdown {
    /// What a placeholder stands for.
    struct Placeholder {
        var construct: LiquidScanner.Construct
        /// The construct's exact source text.
        var source: String
        /// The placeholder's token.
        var token: String
    }

    /// The text given to the Markdown reader.
    let text: String
    /// The token prefix.
    let prefix: String
    /// The token prefix's UTF-8 bytes.
    let prefixBytes: [UInt8]
    /// Placeholders by index.
    let placeholders: [Placeholder]

    /// Maps the protected text back to the source: contiguous pieces in protected order.
    private struct Piece {
        var protectedStart: Int
        var protectedLength: Int
        var sourceStart: Int
        var sourceLength: Int
        var verbatim: Bool
    }

    private let pieces: [Piece]
    /// Unicode-scalar offset of every UTF-8 offset of `text` (plus its end).
    private let scalarOffsetByUTF8: [Int]

    init(source: String) {
        let scanner = LiquidScanner(source)
        let scalars = scanner.scalars
        var prefix = "LQQZ"
        while source.contains(prefix) {
            prefix = "L" + String(repeating: "Q", count: prefix.count - 1) + "Z"
        }
        self.prefix = prefix
        self.prefixBytes = Array(prefix.utf8)

        let constructs = scanner.constructs()
        var placeholders: [Placeholder] = []
        // Units of the source: verbatim scalars or one placeholder, in order.
        enum Unit { case scalar(Unicode.Scalar, Int), token(Int, Range<Int>) }
        var units: [Unit] = []
        var next = 0
        for construct in constructs {
            while next < construct.range.lowerBound {
                units.append(.scalar(scalars[next], next))
                next += 1
            }
            let text = String(String.UnicodeScalarView(scalars[construct.range]))
            units.append(.token(placeholders.count, construct.range))
            placeholders.append(Placeholder(construct: construct, source: text, token: "\(prefix)\(placeholders.count)X"))
            next = construct.range.upperBound
        }
        while next < scalars.count {
            units.append(.scalar(scalars[next], next))
            next += 1
        }

        // Split into lines to give standalone tag lines a block of their own.
        var output = String.UnicodeScalarView()
        var pieces: [Piece] = []
        var protectedCount = 0
        func emitVerbatim(_ scalar: Unicode.Scalar, at offset: Int) {
            if let last = pieces.last, last.verbatim,
               last.protectedStart + last.protectedLength == protectedCount,
               last.sourceStart + last.sourceLength == offset {
                pieces[pieces.count - 1].protectedLength += 1
                pieces[pieces.count - 1].sourceLength += 1
            } else {
                pieces.append(Piece(protectedStart: protectedCount, protectedLength: 1,
                                    sourceStart: offset, sourceLength: 1, verbatim: true))
            }
            output.append(scalar)
            protectedCount += 1
        }
        func emitToken(_ index: Int, range: Range<Int>) {
            let token = Array(placeholders[index].token.unicodeScalars)
            pieces.append(Piece(protectedStart: protectedCount, protectedLength: token.count,
                                sourceStart: range.lowerBound, sourceLength: range.count, verbatim: false))
            output.append(contentsOf: token)
            protectedCount += token.count
        }
        func emitInsertedNewline(at offset: Int) {
            pieces.append(Piece(protectedStart: protectedCount, protectedLength: 1,
                                sourceStart: offset, sourceLength: 0, verbatim: false))
            output.append("\n")
            protectedCount += 1
        }

        var lineStart = 0
        var inFence = false
        while lineStart < units.count {
            var lineEnd = lineStart
            while lineEnd < units.count {
                if case .scalar(let scalar, _) = units[lineEnd], scalar == "\n" { break }
                lineEnd += 1
            }
            let line = units[lineStart..<lineEnd]
            var lineText = ""
            var tagCount = 0
            var onlyTags = true
            for unit in line {
                switch unit {
                case .scalar(let scalar, _):
                    lineText.unicodeScalars.append(scalar)
                    if !LiquidScanner.isWhitespace(scalar) { onlyTags = false }
                case .token(let index, _):
                    if placeholders[index].construct.isSilentTag { tagCount += 1 } else { onlyTags = false }
                }
            }
            let trimmed = lineText.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.hasPrefix("```") { inFence.toggle() }
            let standalone = !inFence && onlyTags && tagCount > 0
            let firstOffset: Int
            switch units[lineStart] {
            case .scalar(_, let offset): firstOffset = offset
            case .token(_, let range): firstOffset = range.lowerBound
            }
            if standalone { emitInsertedNewline(at: firstOffset) }
            for unit in line {
                switch unit {
                case .scalar(let scalar, let offset): emitVerbatim(scalar, at: offset)
                case .token(let index, let range): emitToken(index, range: range)
                }
            }
            if standalone { emitInsertedNewline(at: firstOffset) }
            if lineEnd < units.count, case .scalar(let scalar, let offset) = units[lineEnd] {
                emitVerbatim(scalar, at: offset)
            }
            lineStart = lineEnd + 1
        }

        let text = String(output)
        self.text = text
        self.placeholders = placeholders
        self.pieces = pieces
        var table: [Int] = []
        table.reserveCapacity(text.utf8.count + 1)
        var scalarIndex = 0
        for scalar in text.unicodeScalars {
            for _ in 0..<UTF8.width(scalar) { table.append(scalarIndex) }
            scalarIndex += 1
        }
        table.append(scalarIndex)
        self.scalarOffsetByUTF8 = table
    }

    // MARK: - Positions

    /// The Unicode-scalar offset in `text` of an index of `text` (or of a substring of it).
    func protectedOffset(of index: String.Index) -> Int {
        let utf8 = text.utf8.distance(from: text.utf8.startIndex, to: index)
        guard utf8 >= 0, utf8 < scalarOffsetByUTF8.count else { return 0 }
        return scalarOffsetByUTF8[utf8]
    }

    /// The source range of a range of `text` (Unicode-scalar offsets).
    func sourceRange(ofProtected range: Range<Int>) -> Range<Int> {
        let lower = sourceOffset(range.lowerBound, isEnd: false)
        let upper = range.isEmpty ? lower : sourceOffset(range.upperBound, isEnd: true)
        return lower..<max(lower, upper)
    }

    private func sourceOffset(_ offset: Int, isEnd: Bool) -> Int {
        // The piece holding `offset` (or, for an end, holding `offset - 1`).
        let probe = isEnd ? offset - 1 : offset
        var low = 0
        var high = pieces.count - 1
        var found: Int?
        while low <= high {
            let middle = (low + high) / 2
            if pieces[middle].protectedStart <= probe {
                found = middle
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        guard let index = found else { return 0 }
        let piece = pieces[index]
        if piece.verbatim {
            let delta = min(probe - piece.protectedStart, piece.sourceLength - 1)
            return piece.sourceStart + delta + (isEnd ? 1 : 0)
        }
        return isEnd ? piece.sourceStart + piece.sourceLength : piece.sourceStart
    }

    // MARK: - Tokens

    /// The placeholders found in `string`, as (range in `string`, placeholder index), in order.
    ///
    /// Scans UTF-8 bytes (tokens are ASCII). A token next to a non-ASCII byte could join a grapheme
    /// cluster with its neighbour, where the Character-based definition (`tokensByCharacters(in:)`)
    /// would not see it: such a string is scanned the Character way, so the answer is always the same.
    func tokens(in string: Substring) -> [(range: Range<String.Index>, index: Int)] {
        var result: [(Range<String.Index>, Int)] = []
        // Byte offsets (in `string.base`) of each token found, then turned into indices.
        let base = string.base.utf8
        let startOffset = base.distance(from: base.startIndex, to: string.startIndex)
        var needsCharacters = false
        let fast: Bool? = string.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            let prefix = prefixBytes
            let count = bytes.count
            guard count >= prefix.count + 2 else { return true }
            let first = prefix[0]
            var i = 0
            while i + prefix.count < count {
                guard bytes[i] == first else {
                    i += 1
                    continue
                }
                var matches = true
                for k in 1..<prefix.count where bytes[i + k] != prefix[k] {
                    matches = false
                    break
                }
                guard matches else {
                    i += 1
                    continue
                }
                var cursor = i + prefix.count
                var value = 0
                var overflow = false
                while cursor < count, bytes[cursor] >= 0x30, bytes[cursor] <= 0x39 {
                    let product = value.multipliedReportingOverflow(by: 10)
                    let sum = product.partialValue.addingReportingOverflow(Int(bytes[cursor] - 0x30))
                    if product.overflow || sum.overflow { overflow = true }
                    value = sum.partialValue
                    cursor += 1
                }
                if cursor > i + prefix.count, cursor < count, bytes[cursor] == UInt8(ascii: "X"),
                   !overflow, value < placeholders.count {
                    if (i > 0 && bytes[i - 1] >= 0x80) || (cursor + 1 < count && bytes[cursor + 1] >= 0x80) {
                        needsCharacters = true
                        return false
                    }
                    let lower = base.index(base.startIndex, offsetBy: startOffset + i)
                    let upper = base.index(base.startIndex, offsetBy: startOffset + cursor + 1)
                    result.append((lower..<upper, value))
                    i = cursor + 1
                } else {
                    if cursor < count, bytes[cursor] >= 0x80 || (i > 0 && bytes[i - 1] >= 0x80) {
                        needsCharacters = true
                        return false
                    }
                    i += prefix.count
                }
            }
            return true
        }
        if fast == true, !needsCharacters { return result }
        return tokensByCharacters(in: string)
    }

    /// `tokens(in:)` by Characters: the definition, and the path for tokens next to non-ASCII text.
    func tokensByCharacters(in string: Substring) -> [(range: Range<String.Index>, index: Int)] {
        var result: [(Range<String.Index>, Int)] = []
        var searchStart = string.startIndex
        while let found = string[searchStart...].firstRange(of: prefix) {
            var cursor = found.upperBound
            var digits = ""
            while cursor < string.endIndex, let digit = string[cursor].wholeNumberValue, string[cursor].isASCII {
                digits.append(String(digit))
                cursor = string.index(after: cursor)
            }
            if !digits.isEmpty, cursor < string.endIndex, string[cursor] == "X",
               let index = Int(digits), index < placeholders.count {
                let end = string.index(after: cursor)
                result.append((found.lowerBound..<end, index))
                searchStart = end
            } else {
                searchStart = found.upperBound
            }
        }
        return result
    }

    /// `string` with every placeholder replaced by `replacement(placeholder)`.
    func replacingTokens(in string: some StringProtocol, _ replacement: (Placeholder) -> String) -> String {
        let substring = Substring(string)
        var result = ""
        var last = substring.startIndex
        for token in tokens(in: substring) {
            result += substring[last..<token.range.lowerBound]
            result += replacement(placeholders[token.index])
            last = token.range.upperBound
        }
        result += substring[last...]
        return result
    }
}
