import Liquid

/// A Markdown source whose Liquid constructs, autolinks and `<` characters are swapped for
/// opaque placeholder tokens (letters and digits only), so that the Markdown reader leaves them alone.
///
/// A token is `prefix` + decimal index + `X`. The prefix is `L` followed by `Q`s and a `Z`,
/// lengthened until it does not occur in the source; it has a single `L`, so no occurrence can
/// straddle source text and a token.
///
/// A class, not a struct: the conversion's hooks and the text writer share one document, and a copy of a
/// value holding eight arrays and strings retained each of them (four copies a body).
final class ProtectedMarkdown: Sendable {
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
    /// The UTF-8 bytes of ``text``, which the reader reads (``MailMarkdown/init(bytes:)``).
    let textBytes: [UInt8]
    /// The token prefix.
    let prefix: String
    /// The token prefix's UTF-8 bytes.
    let prefixBytes: [UInt8]
    /// Placeholders by index.
    let placeholders: [Placeholder]
    /// The outputs that print, bare, a name captured over several paragraphs (`{{ intro }}` after
    /// `{% capture intro %}…blank line…{% endcapture %}`): they print blocks, so on a line of their own
    /// they stand alone like a tag, never inside a paragraph.
    let blockOutputs: Set<Int>
    /// ``standsAlone(_:)`` by placeholder index, answered once: a lookup in `blockOutputs` hashed the index.
    let alone: [Bool]

    /// Whether placeholder `index` may stand between blocks: a silent tag, or a block output.
    func standsAlone(_ index: Int) -> Bool {
        alone[index]
    }

    /// Maps the protected text back to the source: contiguous pieces in protected order.
    struct Piece: Equatable {
        var protectedStart: Int
        var protectedLength: Int
        var sourceStart: Int
        var sourceLength: Int
        var verbatim: Bool
    }

    let pieces: [Piece]
    /// The UTF-8 offsets in `text` of its continuation bytes, increasing: the Unicode-scalar offset of a
    /// UTF-8 offset is that offset less the continuation bytes at or before it.
    private let continuationOffsets: [Int]

    init(source: String) {
        var prefix = Self.defaultPrefix
        var prefixBytes = Self.defaultPrefixBytes
        // The source's bytes read in place (a native String: no copy of them made).
        var contiguous = source
        let layout = contiguous.withUTF8 { sourceBytes in
            // The byte search is a quick "no": a Character match is always a byte match too.
            while Self.containsBytes(prefixBytes, in: sourceBytes), source.contains(prefix) {
                prefix = "L" + String(repeating: "Q", count: prefix.count - 1) + "Z"
                prefixBytes = Array(prefix.utf8)
            }
            let usesDefaultTokens = prefixBytes == Self.defaultPrefixBytes
            return Self.layout(
                source: sourceBytes, prefix: prefix, prefixBytes: prefixBytes, usesDefaultTokens: usesDefaultTokens)
        }
        self.prefix = prefix
        self.prefixBytes = prefixBytes
        self.continuationOffsets = layout.continuationOffsets
        // Without a placeholder the text is the source, byte for byte: the source itself, not made again (and
        // validated again) from its bytes.
        self.text = layout.placeholders.isEmpty ? source : UTF8Text.string(layout.output)
        self.textBytes = layout.output
        self.placeholders = layout.placeholders
        self.blockOutputs = layout.blockOutputs
        self.alone = layout.alone
        self.pieces = layout.pieces
    }

    /// What ``init(source:)`` makes of a source, before it is stored.
    private struct Layout {
        var output: [UInt8]
        var continuationOffsets: [Int]
        var placeholders: [Placeholder]
        var blockOutputs: Set<Int>
        var alone: [Bool]
        var pieces: [Piece]
    }

    /// The protected text of the source whose UTF-8 bytes are `source`, and its tables: all read on the bytes,
    /// no scalar array decoded. A static function over the source's buffer: the buffer is read without a
    /// closure, and the nested functions' variables are checked for exclusive access at compile time, not at
    /// every access.
    private static func layout(
        source sourceBytes: UnsafeBufferPointer<UInt8>, prefix: String, prefixBytes: [UInt8], usesDefaultTokens: Bool
    ) -> Layout {
        // The offsets of the source's continuation bytes (`10xxxxxx`), found once a word at a time: the scanner
        // converts its byte offsets to scalar offsets with them, and so do the units below. Valid UTF-8 has a
        // scalar a byte that is no continuation byte.
        let continuations = Self.continuationOffsets(in: sourceBytes)
        let scalarCount = sourceBytes.count - continuations.count
        let constructs = LiquidScanner.constructs(inBytes: sourceBytes, continuations: continuations)
        // Without a silent tag, no line stands alone and no tag is hoisted: the text is the source with each
        // construct replaced by its token, and the units of its lines are not made.
        let hasSilentTag = constructs.contains { $0.isSilentTag }
        // Each construct's UTF-8 range, by placeholder index: the text the checks of captures read.
        var constructBytes: [Range<Int>] = []
        constructBytes.reserveCapacity(constructs.count)
        var placeholders: [Placeholder] = []
        // Units of the source, in order: runs of verbatim scalars (never holding a `\n`), single
        // `\n`s, and placeholders. Runs rather than one unit a scalar: the same pieces and text.
        // Verbatim units carry their UTF-8 range in the source too, so that their bytes are copied as they
        // are, never encoded again from scalars.
        enum Unit {
            case run(Range<Int>, bytes: Range<Int>)
            case newline(Int, byte: Int)
            case token(Int, Range<Int>)
        }
        var units: [Unit] = []
        // A unit a construct, a run before each, and a newline and a run a line: room for them at once.
        // The lines are not counted first: a line a sixteen bytes is room for most bodies, and more grows the
        // array.
        if hasSilentTag { units.reserveCapacity(2 * constructs.count + sourceBytes.count / 8 + 8) }
        placeholders.reserveCapacity(constructs.count)
        // Unicode-scalar and UTF-8 offsets of the source are converted through its continuation bytes
        // (`continuations`): the scalar offset of a byte offset `b` (a scalar boundary)
        // is `b` less the continuation bytes before it. The source is walked once, in order, so each of the
        // two conversions keeps a count of the continuation bytes passed, which only grows.
        var passedByScalar = 0
        var passedByByte = 0
        /// The UTF-8 offset of scalar offset `scalar` (at or after the scalar of the previous call): `scalar`
        /// plus the continuation bytes before it, the first `k` for which the `k`-th continuation byte lies at
        /// or after `scalar + k` (a continuation byte at `scalar + k` belongs to the scalar before).
        func byteOffset(ofScalar scalar: Int) -> Int {
            while passedByScalar < continuations.count, continuations[passedByScalar] <= scalar + passedByScalar {
                passedByScalar += 1
            }
            return scalar + passedByScalar
        }
        /// The scalar offset of UTF-8 offset `byte`, a scalar boundary at or after that of the previous call.
        func scalarOffset(ofByte byte: Int) -> Int {
            while passedByByte < continuations.count, continuations[passedByByte] < byte { passedByByte += 1 }
            return byte - passedByByte
        }
        // `scalarCursor` and `byteCursor` are the same position (a scalar boundary), as Unicode-scalar and
        // UTF-8 offsets.
        var scalarCursor = 0
        var byteCursor = 0
        /// Runs and newlines up to scalar offset `end`, UTF-8 offset `endByte`: each `\n` found on the bytes
        /// (no continuation byte is `0x0A`), eight at a time.
        func appendVerbatim(upTo end: Int, byte endByte: Int) {
            // `endByte` is at most the source's byte count: the search stays within the buffer.
            let bytes = UnsafeBufferPointer(rebasing: sourceBytes[..<endByte])
            while true {
                let newline = UTF8Text.nextOffset(of: UInt8(ascii: "\n"), in: bytes, from: byteCursor)
                guard newline < endByte else {
                    if byteCursor < endByte { units.append(.run(scalarCursor..<end, bytes: byteCursor..<endByte)) }
                    scalarCursor = end
                    byteCursor = endByte
                    return
                }
                let scalar = scalarOffset(ofByte: newline)
                if byteCursor < newline { units.append(.run(scalarCursor..<scalar, bytes: byteCursor..<newline)) }
                units.append(.newline(scalar, byte: newline))
                scalarCursor = scalar + 1
                byteCursor = newline + 1
            }
        }
        for construct in constructs {
            let lowerByte = byteOffset(ofScalar: construct.range.lowerBound)
            if hasSilentTag, scalarCursor < construct.range.lowerBound {
                appendVerbatim(upTo: construct.range.lowerBound, byte: lowerByte)
            }
            let upperByte = byteOffset(ofScalar: construct.range.upperBound)
            scalarCursor = construct.range.upperBound
            byteCursor = upperByte
            // The construct's bytes are its scalars' UTF-8: the same string `ScalarText.string` makes of them.
            // Both bounds are scalar boundaries within the source's bytes.
            let text = UTF8Text.string(UnsafeBufferPointer(rebasing: sourceBytes[lowerByte..<upperByte]))
            constructBytes.append(lowerByte..<upperByte)
            let index = placeholders.count
            units.append(.token(index, construct.range))
            let token =
                usesDefaultTokens && index < Self.defaultTokens.count
                ? Self.defaultTokens[index] : prefix + String(index) + "X"
            placeholders.append(Placeholder(construct: construct, source: text, token: token))
        }
        if hasSilentTag, scalarCursor < scalarCount { appendVerbatim(upTo: scalarCount, byte: sourceBytes.count) }

        // Split into lines to give standalone tag lines a block of their own. The text is
        // written as UTF-8 bytes.
        var output: [UInt8] = []
        output.reserveCapacity(sourceBytes.count + 16 * placeholders.count)
        var pieces: [Piece] = []
        // At most a piece a unit, and inserted newlines: the room for most bodies at once.
        pieces.reserveCapacity(hasSilentTag ? units.count + 8 : 2 * constructs.count + 2)
        var protectedCount = 0
        // Verbatim bytes are copied a stretch at a time: consecutive runs and newlines are consecutive bytes
        // of the source, appended together before the next token or inserted newline (and at the end).
        var pendingBytes = 0..<0
        // The continuation bytes of the output: those of the source's stretches, moved to where each stretch
        // is copied (tokens and inserted newlines are ASCII). The stretches are copied in source order, so the
        // source's continuation bytes are read once, from `nextContinuation` on.
        var outputContinuations: [Int] = []
        outputContinuations.reserveCapacity(continuations.count)
        var nextContinuation = 0
        func flushVerbatim() {
            guard !pendingBytes.isEmpty else { return }
            let shift = output.count - pendingBytes.lowerBound
            while nextContinuation < continuations.count, continuations[nextContinuation] < pendingBytes.lowerBound {
                nextContinuation += 1
            }
            while nextContinuation < continuations.count, continuations[nextContinuation] < pendingBytes.upperBound {
                outputContinuations.append(continuations[nextContinuation] + shift)
                nextContinuation += 1
            }
            // `pendingBytes` is a union of ranges of units, all within the source's bytes, on scalar boundaries.
            output.append(contentsOf: UnsafeBufferPointer(rebasing: sourceBytes[pendingBytes]))
            pendingBytes = 0..<0
        }
        func emitVerbatim(_ range: Range<Int>, bytes: Range<Int>) {
            if let last = pieces.last, last.verbatim,
                last.protectedStart + last.protectedLength == protectedCount,
                last.sourceStart + last.sourceLength == range.lowerBound
            {
                pieces[pieces.count - 1].protectedLength += range.count
                pieces[pieces.count - 1].sourceLength += range.count
            } else {
                pieces.append(
                    Piece(
                        protectedStart: protectedCount, protectedLength: range.count,
                        sourceStart: range.lowerBound, sourceLength: range.count, verbatim: true))
            }
            if pendingBytes.upperBound == bytes.lowerBound, !pendingBytes.isEmpty {
                pendingBytes = pendingBytes.lowerBound..<bytes.upperBound
            } else {
                flushVerbatim()
                pendingBytes = bytes
            }
            protectedCount += range.count
        }
        func emitToken(_ index: Int, range: Range<Int>) {
            flushVerbatim()
            // The token written as bytes: the prefix, the index in decimal and `X`, the bytes of the placeholder's
            // `token` (`prefix + String(index) + "X"`), which is not read. Tokens are ASCII: one scalar a byte.
            let start = output.count
            output.append(contentsOf: prefixBytes)
            var divisor = 1
            while divisor <= index / 10 { divisor *= 10 }
            var rest = index
            while divisor > 0 {
                output.append(0x30 + UInt8(truncatingIfNeeded: rest / divisor))
                rest %= divisor
                divisor /= 10
            }
            output.append(UInt8(ascii: "X"))
            let length = output.count - start
            pieces.append(
                Piece(
                    protectedStart: protectedCount, protectedLength: length,
                    sourceStart: range.lowerBound, sourceLength: range.count, verbatim: false))
            protectedCount += length
        }
        func emitInsertedNewline(at offset: Int) {
            pieces.append(
                Piece(
                    protectedStart: protectedCount, protectedLength: 1,
                    sourceStart: offset, sourceLength: 0, verbatim: false))
            flushVerbatim()
            output.append(UInt8(ascii: "\n"))
            protectedCount += 1
        }

        if !hasSilentTag {
            // The stretches between constructs, each one verbatim piece (a run and the newlines after it are
            // consecutive in both texts: the units' pieces merged into one), and the tokens.
            var scalar = 0
            var byte = 0
            for index in constructs.indices {
                let range = constructs[index].range
                if scalar < range.lowerBound {
                    emitVerbatim(scalar..<range.lowerBound, bytes: byte..<constructBytes[index].lowerBound)
                }
                emitToken(index, range: range)
                scalar = range.upperBound
                byte = constructBytes[index].upperBound
            }
            if scalar < scalarCount { emitVerbatim(scalar..<scalarCount, bytes: byte..<sourceBytes.count) }
            flushVerbatim()
            return Layout(
                output: output, continuationOffsets: outputContinuations, placeholders: placeholders,
                blockOutputs: [], alone: [Bool](repeating: false, count: placeholders.count), pieces: pieces)
        }
        let silent = placeholders.map(\.construct.isSilentTag)
        // Without a silent tag no placeholder stands alone, none is hoisted and no capture holds blocks: the
        // three tables below are empty, and the units are not copied for them.
        let blockOutputs: Set<Int>
        let hoisted: Set<Int>
        if silent.contains(true) {
            // The runs by their UTF-8 ranges: a run is blank when its bytes are all spaces and tabs, as its
            // scalars are (both ASCII; a byte of a multi-byte scalar is neither).
            let edges = Self.tagEdges(
                units: units.map { unit in
                    switch unit {
                    case .run(_, let bytes): .run(bytes)
                    case .newline: .newline
                    case .token(let index, _): .token(index)
                    }
                }, placeholders: placeholders,
                isBlank: { range in
                    UnsafeBufferPointer(rebasing: sourceBytes[range]).allSatisfy { $0 == 0x20 || $0 == 0x09 }
                })
            // Each tag's role, read once for both tables.
            let roles = placeholders.map(tagRole)
            blockOutputs = Self.blockOutputs(
                placeholders, roles: roles, edges: edges,
                hasBlankLine: { capture, endcapture in
                    // The bytes between the two tags, within the source's: `\n`, space, tab and `\r` are
                    // ASCII, and a byte of a multi-byte scalar is none of them, as its scalar is none.
                    Self.hasBlankLine(
                        UnsafeBufferPointer(
                            rebasing: sourceBytes[
                                constructBytes[capture].upperBound..<constructBytes[endcapture].lowerBound]))
                })
            hoisted = Self.hoistedTags(placeholders: placeholders, roles: roles, edges: edges)
        } else {
            blockOutputs = []
            hoisted = []
        }
        // The two sets as tables by index, read at every token below.
        var alone = silent
        for index in blockOutputs { alone[index] = true }
        var isHoistedTag = [Bool](repeating: false, count: hoisted.isEmpty ? 0 : placeholders.count)
        for index in hoisted { isHoistedTag[index] = true }
        var lineStart = 0
        var inFence = false
        // A line's first four scalars (see below), in four locals and a count: an array emptied a line cost
        // more than the line's other work.
        var head: (Unicode.Scalar, Unicode.Scalar, Unicode.Scalar, Unicode.Scalar) = (" ", " ", " ", " ")
        var headCount = 0
        while lineStart < units.count {
            var lineEnd = lineStart
            while lineEnd < units.count {
                if case .newline = units[lineEnd] { break }
                lineEnd += 1
            }
            // The line's units are read by index: a slice of `units` (and its iterators) retained the array
            // several times a line.
            var tagCount = 0
            var onlyTags = true
            // The line's text without its placeholders, spaces and tabs dropped in front: its
            // first four scalars decide whether it opens or closes a fence.
            headCount = 0
            for position in lineStart..<lineEnd {
                switch units[position] {
                case .run(_, let bytes):
                    // The run's scalars, decoded from its bytes (most are ASCII, one byte each).
                    var offset = bytes.lowerBound
                    while offset < bytes.upperBound {
                        // Once the line holds text and its first four scalars are known, the rest of the
                        // run changes neither: `onlyTags` never turns true again, `head` is full.
                        if !onlyTags, headCount >= 4 { break }
                        let (scalar, width) = LiquidScanner.scalar(in: sourceBytes, at: offset)
                        offset += width
                        if !LiquidScanner.isWhitespace(scalar) { onlyTags = false }
                        if headCount < 4, !(headCount == 0 && (scalar == " " || scalar == "\t")) {
                            switch headCount {
                            case 0: head.0 = scalar
                            case 1: head.1 = scalar
                            case 2: head.2 = scalar
                            default: head.3 = scalar
                            }
                            headCount += 1
                        }
                    }
                case .newline:
                    break
                case .token(let index, _):
                    if alone[index] {
                        tagCount += 1
                    } else {
                        onlyTags = false
                    }
                }
            }
            // `opensFence` answers `false` at once unless the head is three backticks: its line is made
            // only then.
            if headCount >= 3, head.0 == "`", head.1 == "`", head.2 == "`",
                Self.opensFence(
                    head: headCount == 3 ? [head.0, head.1, head.2] : [head.0, head.1, head.2, head.3],
                    line: units[lineStart..<lineEnd].reduce(into: "") { line, unit in
                        // The runs' bytes, each within the source's and on scalar boundaries.
                        if case .run(_, let bytes) = unit {
                            line += String(decoding: UnsafeBufferPointer(rebasing: sourceBytes[bytes]), as: UTF8.self)
                        }
                    }.unicodeScalars)
            {
                inFence.toggle()
            }
            let standalone = !inFence && onlyTags && tagCount > 0
            let firstOffset: Int
            switch units[lineStart] {
            case .run(let range, _): firstOffset = range.lowerBound
            case .newline(let offset, _): firstOffset = offset
            case .token(_, let range): firstOffset = range.lowerBound
            }
            if standalone { emitInsertedNewline(at: firstOffset) }
            // Block tags at the start or the end of a line of text, whose whole block stands at line
            // edges, get a block of their own, as standalone tag lines do: `{% when "a" %}Text` renders
            // as the tag, then a paragraph.
            var previousHoisted = false
            for unitIndex in lineStart..<lineEnd {
                let position = unitIndex - lineStart
                let unit = units[unitIndex]
                var isHoisted = false
                if !standalone, !inFence, case .token(let index, _) = unit, !isHoistedTag.isEmpty, isHoistedTag[index] {
                    isHoisted = true
                }
                if isHoisted != previousHoisted, position > 0 || isHoisted {
                    let offset: Int
                    switch unit {
                    case .run(let range, _): offset = range.lowerBound
                    case .newline(let at, _): offset = at
                    case .token(_, let range): offset = range.lowerBound
                    }
                    emitInsertedNewline(at: offset)
                    emitInsertedNewline(at: offset)
                }
                previousHoisted = isHoisted
                switch unit {
                case .run(let range, let bytes): emitVerbatim(range, bytes: bytes)
                case .newline(let offset, let byte): emitVerbatim(offset..<offset + 1, bytes: byte..<byte + 1)
                case .token(let index, let range): emitToken(index, range: range)
                }
            }
            if previousHoisted, lineEnd > lineStart, case .token(_, let range) = units[lineEnd - 1] {
                emitInsertedNewline(at: range.upperBound)
                emitInsertedNewline(at: range.upperBound)
            }
            if standalone { emitInsertedNewline(at: firstOffset) }
            if lineEnd < units.count, case .newline(let offset, let byte) = units[lineEnd] {
                emitVerbatim(offset..<offset + 1, bytes: byte..<byte + 1)
            }
            lineStart = lineEnd + 1
        }

        flushVerbatim()
        return Layout(
            output: output, continuationOffsets: outputContinuations, placeholders: placeholders,
            blockOutputs: blockOutputs, alone: alone, pieces: pieces)
    }

    /// The prefix of tokens when the source does not hold it (most sources).
    static let defaultPrefix = "LQQZ"
    static let defaultPrefixBytes: [UInt8] = Array(defaultPrefix.utf8)
    /// The first tokens of ``defaultPrefix``, made once: `"\(prefix)\(index)X"` cost an interpolation a
    /// placeholder.
    static let defaultTokens: [String] = (0..<64).map { "\(defaultPrefix)\($0)X" }

    /// Whether `pattern` occurs in `bytes` (``UTF8Text/firstOffset(of:in:from:)``).
    static func containsBytes(_ pattern: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        UTF8Text.firstOffset(of: pattern, in: bytes, from: 0) != nil
    }

    /// The outputs `{{ name }}` (no filter) of a name whose `capture` holds blocks: its opening tag
    /// stands on a line of tags only (so its body is set apart as blocks), or its body holds a blank line.
    static func blockOutputs(_ placeholders: [Placeholder], scalars: [Unicode.Scalar], edges: TagEdges) -> Set<Int> {
        blockOutputs(placeholders, roles: placeholders.map(tagRole), edges: edges) { capture, endcapture in
            var blankLine = false
            var lineIsBlank = false
            let body = scalars[
                placeholders[capture].construct.range.upperBound..<placeholders[endcapture].construct.range.lowerBound]
            for scalar in body {
                if scalar == "\n" {
                    if lineIsBlank { blankLine = true }
                    lineIsBlank = true
                } else if scalar != " " && scalar != "\t" && scalar != "\r" {
                    lineIsBlank = false
                }
            }
            return blankLine
        }
    }

    /// Whether `bytes` hold a blank line (a `\n` after a line of spaces, tabs and `\r` only, which is not the
    /// first line): the capture's body test of ``blockOutputs(_:scalars:edges:)``, on bytes.
    static func hasBlankLine(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var lineIsBlank = false
        for byte in bytes {
            if byte == 0x0A {
                if lineIsBlank { return true }
                lineIsBlank = true
            } else if byte != 0x20 && byte != 0x09 && byte != 0x0D {
                lineIsBlank = false
            }
        }
        return false
    }

    /// ``blockOutputs(_:scalars:edges:)`` with each placeholder's ``tagRole(_:)`` given, by index, and
    /// `hasBlankLine(capture, endcapture)` telling whether the text between two placeholders holds a blank line.
    static func blockOutputs(
        _ placeholders: [Placeholder], roles: [TagRole], edges: TagEdges, hasBlankLine: (Int, Int) -> Bool
    ) -> Set<Int> {
        // Without a `capture` no output prints blocks.
        guard roles.contains(.capture) else { return [] }
        var names = Set<String>()
        var open: (name: String, index: Int)?
        for (index, placeholder) in placeholders.enumerated() where placeholder.construct.isSilentTag {
            let role = roles[index]
            if role == .capture {
                let words = placeholder.source.split(whereSeparator: { " \t\n\r-%{}".contains($0) })
                open = words.count >= 2 ? (String(words[1]), index) : nil
                if let capture = open, !edges[index].onTextLine {
                    names.insert(capture.name)
                    open = nil
                }
            } else if role == .endcapture, let capture = open {
                if hasBlankLine(capture.index, index) { names.insert(capture.name) }
                open = nil
            }
        }
        guard !names.isEmpty else { return [] }
        var outputs = Set<Int>()
        for (index, placeholder) in placeholders.enumerated() where placeholder.construct.kind == .output {
            let inner = placeholder.source.dropFirst(2).dropLast(2).filter { !" \t\n\r-".contains($0) }
            if names.contains(String(inner)) { outputs.insert(index) }
        }
        return outputs
    }

    /// A unit of a line for ``tagEdges(units:scalars:placeholders:)``.
    enum EdgeUnit {
        case run(Range<Int>)
        case newline
        case token(Int)
    }

    /// Block tags that may be set apart; `capture` is not among them: what it holds is a value, printed
    /// where its output stands.
    static let blockOpeners: Set<String> = ["if", "unless", "case"]
    static let blockMiddles: Set<String> = ["elsif", "else", "when"]
    static let blockClosers: Set<String> = ["endif", "endunless", "endcase"]

    /// What a tag does for ``blockOutputs(_:scalars:edges:)`` and ``hoistedTags(placeholders:edges:)``:
    /// the role of its name (``tagName(_:)``) among ``blockOpeners``, ``blockMiddles``, ``blockClosers``,
    /// `capture` and `endcapture`.
    enum TagRole {
        case opener, middle, closer, capture, endcapture, other
    }

    /// The role of a placeholder's tag: ``tagName(_:)`` looked up in the three sets, read on the source's
    /// bytes. The scalars the name skips (`-`, space, tab, `\n`, `\r`) and takes (`a`...`z`) are ASCII, and
    /// any other scalar ends it, as any byte of a multi-byte scalar (0x80 and above) does here.
    static func tagRole(_ placeholder: Placeholder) -> TagRole {
        guard placeholder.construct.isSilentTag else { return .other }
        var source = placeholder.source
        return source.withUTF8 { bytes -> TagRole in
            var i = 2
            let count = bytes.count
            while i < count,
                bytes[i] == 0x2D || bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D
            {
                i += 1
            }
            let start = i
            while i < count, bytes[i] >= 0x61, bytes[i] <= 0x7A { i += 1 }
            // `start...i` lies within the buffer; the longest name with a role has 10 letters.
            guard i - start <= 10 else { return .other }
            // The name's bytes folded into two words and compared with the names' (no `String` made of it):
            // `start..<i` lies within the buffer.
            let key = Self.roleKey(UnsafeBufferPointer(rebasing: bytes[start..<i]))
            return Self.roleKeys.first(where: { $0.key == key })?.role ?? .other
        }
    }

    /// A name of at most 16 bytes as two words, its bytes in order, and its length: equal exactly for
    /// equal names.
    struct RoleKey: Equatable {
        var low: UInt64 = 0
        var high: UInt64 = 0
        var count = 0
    }

    /// ``RoleKey`` of `name` (at most 16 bytes).
    static func roleKey(_ name: UnsafeBufferPointer<UInt8>) -> RoleKey {
        var key = RoleKey(count: name.count)
        for (offset, byte) in name.prefix(16).enumerated() {
            if offset < 8 {
                key.low |= UInt64(byte) << UInt64(8 * offset)
            } else {
                key.high |= UInt64(byte) << UInt64(8 * (offset - 8))
            }
        }
        return key
    }

    /// The names with a role, as ``RoleKey``s.
    static let roleKeys: [(key: RoleKey, role: TagRole)] = [
        ("if", TagRole.opener), ("unless", .opener), ("case", .opener), ("elsif", .middle), ("else", .middle),
        ("when", .middle), ("endif", .closer), ("endunless", .closer), ("endcase", .closer), ("capture", .capture),
        ("endcapture", .endcapture),
    ].map { name, role in
        (Array(name.utf8).withUnsafeBufferPointer { roleKey($0) }, role)
    }

    /// The name of a `{% … %}` placeholder's tag (`if`, `endif`…), or `""`: the definition
    /// ``tagRole(_:)`` is held to.
    static func tagName(_ placeholder: Placeholder) -> String {
        guard placeholder.construct.isSilentTag else { return "" }
        var name = ""
        var started = false
        for scalar in placeholder.source.unicodeScalars.dropFirst(2) {
            if !started, scalar == "-" || scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                continue
            }
            guard ("a"..."z").contains(scalar) else { break }
            started = true
            name.unicodeScalars.append(scalar)
        }
        return name
    }

    /// Where each silent tag stands on its line, by placeholder index.
    struct TagEdges {
        /// Where one silent tag stands.
        struct Entry {
            /// At the start or the end of its line, with only white space and other silent tags between.
            var atEdge = false
            /// On a line that holds text besides silent tags and white space.
            var onTextLine = false
            /// The line it is on (0-based).
            var line = 0
        }

        /// The entries by placeholder index, in one array (three arrays were three allocations a body).
        var entries: [Entry]

        /// The entry of placeholder `index`.
        subscript(index: Int) -> Entry { entries[index] }
    }

    static func tagEdges(units: [EdgeUnit], scalars: [Unicode.Scalar], placeholders: [Placeholder]) -> TagEdges {
        tagEdges(units: units, placeholders: placeholders) { range in
            scalars[range].allSatisfy { $0 == " " || $0 == "\t" }
        }
    }

    /// ``tagEdges(units:scalars:placeholders:)`` with `isBlank(range)` telling whether a run holds only spaces
    /// and tabs, the runs' ranges read by it alone (scalar or UTF-8 ranges).
    static func tagEdges(units: [EdgeUnit], placeholders: [Placeholder], isBlank isBlankRun: (Range<Int>) -> Bool)
        -> TagEdges
    {
        // Read once a placeholder: reading `placeholders[index].construct` in the closures below copied the
        // placeholder, with a retain of each of its strings, at every unit.
        let silent = placeholders.map(\.construct.isSilentTag)
        // Only silent tags have entries, and only they are ever looked up: without one, the tables stay empty.
        guard silent.contains(true) else { return TagEdges(entries: []) }
        var edges = TagEdges(entries: [TagEdges.Entry](repeating: TagEdges.Entry(), count: placeholders.count))
        var lineNumber = 0
        var start = 0
        while start < units.count {
            var end = start
            var holdsSilentTag = false
            while end < units.count {
                if case .newline = units[end] { break }
                if case .token(let index) = units[end], silent[index] { holdsSilentTag = true }
                end += 1
            }
            // A line without a silent tag has no entry to fill: only its number counts.
            guard holdsSilentTag else {
                start = end + 1
                lineNumber += 1
                continue
            }
            func isBlank(_ unit: EdgeUnit) -> Bool {
                if case .run(let range) = unit { return isBlankRun(range) }
                return false
            }
            func isSilent(_ unit: EdgeUnit) -> Bool {
                if case .token(let index) = unit { return silent[index] }
                return false
            }
            let line = units[start..<end]
            // The first and last units of text on the line: a tag is at an edge when no text comes
            // before it, or none after it (found once a line, not once a tag: thousands of tags on
            // one line must not cost their square).
            let firstText = line.firstIndex { !isBlank($0) && !isSilent($0) }
            let lastText = line.lastIndex { !isBlank($0) && !isSilent($0) }
            let hasText = firstText != nil
            for position in line.indices {
                guard case .token(let index) = units[position], silent[index] else {
                    continue
                }
                edges.entries[index].onTextLine = hasText
                edges.entries[index].line = lineNumber
                let before = firstText.map { $0 > position } ?? true
                let after = lastText.map { $0 < position } ?? true
                edges.entries[index].atEdge = before || after
            }
            start = end + 1
            lineNumber += 1
        }
        return edges
    }

    /// The placeholders of block tags to set apart: tags that stand at the start or the end of a line
    /// holding text (before or after the text, with only white space and other such tags between),
    /// when every tag of their block (`if` … `elsif` … `else` … `endif`) stands at a line edge or on
    /// a line of tags only, and the block spans lines. Such a block's branches are whole paragraphs, so
    /// each tag can have a block of its own and the Markdown never wraps one branch's tag in another's
    /// paragraph. A block with a tag inside a line of text, or all on one line, is left inline, as written.
    static func hoistedTags(placeholders: [Placeholder], edges: TagEdges) -> Set<Int> {
        hoistedTags(placeholders: placeholders, roles: placeholders.map(tagRole), edges: edges)
    }

    /// ``hoistedTags(placeholders:edges:)`` with each placeholder's ``tagRole(_:)`` given, by index.
    static func hoistedTags(placeholders: [Placeholder], roles: [TagRole], edges: TagEdges) -> Set<Int> {
        // Without a block opener no block is set apart.
        guard roles.contains(.opener) else { return [] }
        var hoisted = Set<Int>()
        var stack: [[Int]] = []
        for index in placeholders.indices where placeholders[index].construct.isSilentTag {
            let role = roles[index]
            if role == .opener {
                stack.append([index])
            } else if role == .middle {
                if !stack.isEmpty { stack[stack.count - 1].append(index) }
            } else if role == .closer, var block = stack.popLast() {
                block.append(index)
                if block.allSatisfy({ edges[$0].atEdge }), block.contains(where: { edges[$0].onTextLine }),
                    block.contains(where: { edges[$0].line != edges[index].line })
                {
                    for tag in block where edges[tag].onTextLine { hoisted.insert(tag) }
                }
            }
        }
        return hoisted
    }

    /// Whether a line (its text without placeholders) starts with ```` ``` ```` once spaces and tabs
    /// are dropped, by Characters. `head` is its first four scalars after the dropped blanks: the
    /// scalars answer unless a non-ASCII scalar follows the three backticks (it could join the
    /// third into one Character), where the line's Characters are compared.
    static func opensFence(head: [Unicode.Scalar], line: some Sequence<Unicode.Scalar>) -> Bool {
        guard head.count >= 3, head[0] == "`", head[1] == "`", head[2] == "`" else { return false }
        if head.count == 3 || head[3].isASCII { return true }
        var lineText = ""
        lineText.unicodeScalars.append(contentsOf: line)
        return lineText.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("```")
    }

    // MARK: - Positions

    /// ``UTF8Text/continuationOffsets(in:)``, the definition, with each word of eight bytes that holds a
    /// non-ASCII byte read whole: its continuation bytes (`10xxxxxx`) found by a mask, not byte by byte.
    static func continuationOffsets(in bytes: [UInt8]) -> [Int] {
        bytes.withUnsafeBufferPointer { continuationOffsets(in: $0) }
    }

    /// ``continuationOffsets(in:)-([UInt8])`` on a buffer, in one pass eight bytes at a time (the mask of
    /// ``continuationOffsets(in:count:)``), appended as found: bodies hold few non-ASCII scalars, so the array
    /// is seldom grown, and counting them first cost a second pass over every byte.
    static func continuationOffsets(in bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
        let count = bytes.count
        var offsets: [Int] = []
        var i = 0
        if let base = bytes.baseAddress.map(UnsafeRawPointer.init) {
            // The ASCII bytes in front (most bodies are ASCII throughout) skipped 32 at a time: no byte of those
            // words has its top bit set, so none is a continuation byte. Each load reads below `i + 32 <= count`.
            while i + 32 <= count {
                let words =
                    base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    | base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                    | base.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)
                    | base.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)
                guard words & 0x8080_8080_8080_8080 == 0 else { break }
                i += 32
            }
            // Each load reads `i..<i + 8`, within the buffer.
            while i + 8 <= count {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                var continuations = word & ~(word << 1) & 0x8080_8080_8080_8080
                // Room at the first: a sixteenth of the bytes left is room for the continuation bytes of most
                // texts (an array grown from empty was regrown several times a body).
                if continuations != 0, offsets.isEmpty { offsets.reserveCapacity((count - i) / 16 + 8) }
                while continuations != 0 {
                    offsets.append(i + continuations.trailingZeroBitCount / 8)
                    continuations &= continuations - 1
                }
                i += 8
            }
        }
        while i < count {
            if bytes[i] & 0xC0 == 0x80 { offsets.append(i) }
            i += 1
        }
        return offsets
    }

    /// ``continuationOffsets(in:)-(UnsafeBufferPointer<UInt8>)`` when their number is known: `count`, the
    /// bytes less the scalars of valid UTF-8 (at most `count` offsets are written, and only those found).
    static func continuationOffsets(in bytes: UnsafeBufferPointer<UInt8>, count total: Int) -> [Int] {
        let count = bytes.count
        guard total > 0, let base = bytes.baseAddress.map(UnsafeRawPointer.init) else { return [] }
        // Each load reads `i..<i + 8`, within the buffer; read little-endian, byte `k` of the word is bits
        // `8k..<8k + 8`. A continuation byte has its top bit set and the next one clear; the shift moves each
        // byte's bit 6 to its bit 7, within the byte.
        @inline(__always) func mask(at i: Int) -> UInt64 {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            return word & ~(word << 1) & 0x8080_8080_8080_8080
        }
        return [Int](unsafeUninitializedCapacity: total) { buffer, initialized in
            // At most `total` offsets, each written below `total`.
            var n = 0
            var i = 0
            while i + 8 <= count {
                var continuations = mask(at: i)
                while continuations != 0, n < total {
                    buffer[n] = i + continuations.trailingZeroBitCount / 8
                    n += 1
                    continuations &= continuations - 1
                }
                i += 8
            }
            while i < count, n < total {
                if bytes[i] & 0xC0 == 0x80 {
                    buffer[n] = i
                    n += 1
                }
                i += 1
            }
            initialized = n
        }
    }

    /// The Unicode-scalar offset in `text` of an index of `text` (or of a substring of it).
    func protectedOffset(of index: String.Index) -> Int {
        let utf8 = text.utf8.distance(from: text.utf8.startIndex, to: index)
        guard utf8 >= 0, utf8 <= text.utf8.count else { return 0 }
        // The number of continuation bytes at or before `utf8`: the first offset above it, by bisection.
        var low = 0
        var high = continuationOffsets.count
        while low < high {
            let middle = (low + high) / 2
            if continuationOffsets[middle] <= utf8 { low = middle + 1 } else { high = middle }
        }
        return utf8 - low
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
        // The result has the labelled element type (an unlabelled array was cast, element by element), and
        // the scan below reads the prefix and the placeholder count from locals: capturing `self` copied
        // this whole value, with a retain of each of its arrays, at every call.
        var result: [(range: Range<String.Index>, index: Int)] = []
        // Byte offsets (in `string.base`) of each token found, then turned into indices.
        let base = string.base.utf8
        let startOffset = base.distance(from: base.startIndex, to: string.startIndex)
        let prefix = prefixBytes
        let placeholderCount = placeholders.count
        let fast: Bool? = string.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            Self.scanTokens(bytes, prefix: prefix, placeholderCount: placeholderCount) { range, index in
                let lower = base.index(base.startIndex, offsetBy: startOffset + range.lowerBound)
                let upper = base.index(base.startIndex, offsetBy: startOffset + range.upperBound)
                // Each placeholder's token occurs once in the text: room for them all at the first, not
                // grown token by token.
                if result.isEmpty { result.reserveCapacity(placeholderCount) }
                result.append((range: lower..<upper, index: index))
            }
        }
        if fast == true { return result }
        return tokensByCharacters(in: string)
    }

    /// The byte path of ``tokens(in:)``: calls `body` with the byte range and placeholder index of each
    /// token of `bytes`, in order; returns `false` where it gives up for the Character search (a candidate
    /// next to a non-ASCII byte, which could join a grapheme cluster with it), after which the caller
    /// drops what `body` did and asks ``tokensByCharacters(in:)``. The text writer scans its byte runs with it.
    static func scanTokens(
        _ bytes: UnsafeBufferPointer<UInt8>, prefix: [UInt8], placeholderCount: Int,
        _ body: (Range<Int>, Int) -> Void
    ) -> Bool {
        let count = bytes.count
        guard count >= prefix.count + 2 else { return true }
        var i = 0
        // Every index read is below `count`: `found + prefix.count < count`, `cursor < count`, and
        // `i - 1`, `cursor + 1` are tested against `0` and `count`.
        while i + prefix.count < count {
            // The next occurrence of the prefix, eight bytes at a time where none is its first byte: the
            // offsets skipped are those where the prefix does not start. One that leaves no byte after
            // it is no token (the loop's own condition).
            guard let found = UTF8Text.firstOffset(of: prefix, in: bytes, from: i), found + prefix.count < count
            else { break }
            i = found
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
            if cursor > i + prefix.count, cursor < count, bytes[cursor] == UInt8(ascii: "X"), !overflow,
                value < placeholderCount
            {
                if (i > 0 && bytes[i - 1] >= 0x80) || (cursor + 1 < count && bytes[cursor + 1] >= 0x80) {
                    return false
                }
                body(i..<(cursor + 1), value)
                i = cursor + 1
            } else {
                if cursor < count, bytes[cursor] >= 0x80 || (i > 0 && bytes[i - 1] >= 0x80) { return false }
                i += prefix.count
            }
        }
        return true
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
                let index = Int(digits), index < placeholders.count
            {
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
    ///
    /// The pieces are appended as the byte scan (``scanTokens(_:prefix:placeholderCount:_:)``) finds the tokens,
    /// with no list of tokens made first; where that scan gives up for the Character search, what it appended is
    /// dropped and ``replacingTokensByTokenList(in:_:)``, the definition, answers.
    func replacingTokens(in string: some StringProtocol, _ replacement: (Placeholder) -> String) -> String {
        replacingTokens(in: string, byIndex: { replacement(placeholders[$0]) })
    }

    /// ``replacingTokens(in:_:)`` with the replacement of placeholder `index` given by `replacement(index)`: no
    /// placeholder copied to be handed over, where the replacement reads only a part of it.
    ///
    /// The result is written as bytes (the text's between the tokens, each replacement's) and made a `String`
    /// once (``UTF8Text/string(_:)-(UnsafeBufferPointer<UInt8>)``): appending `Substring`s and `String`s to a
    /// `String` cost far more a token.
    func replacingTokens(in string: some StringProtocol, byIndex replacement: (Int) -> String) -> String {
        let substring = Substring(string)
        let prefix = prefixBytes
        let placeholderCount = placeholders.count
        var result: [UInt8] = []
        var found = false
        let fast: Bool? = substring.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            var last = 0
            let scanned = Self.scanTokens(bytes, prefix: prefix, placeholderCount: placeholderCount) { range, index in
                if !found {
                    found = true
                    // Room for the text and some growth from the replacements (most are the placeholders' own
                    // sources, longer than their tokens).
                    result.reserveCapacity(bytes.count + bytes.count / 4 + 16)
                }
                // `last <= range.lowerBound <= bytes.count`: the scan reports tokens in order, within `bytes`.
                result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[last..<range.lowerBound]))
                var replaced = replacement(index)
                replaced.withUTF8 { result.append(contentsOf: $0) }
                last = range.upperBound
            }
            if scanned, found { result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[last...])) }
            return scanned
        }
        guard fast == true else { return replacingTokensByTokenList(in: substring, byToken: { replacement($0.index) }) }
        guard found else { return String(substring) }
        // Valid UTF-8: the text's bytes cut next to the ASCII bytes of its tokens, and whole strings.
        return UTF8Text.string(result)
    }

    /// ``replacingTokens(in:_:)`` over the list of ``tokens(in:)``: the definition.
    func replacingTokensByTokenList(in string: some StringProtocol, _ replacement: (Placeholder) -> String) -> String {
        replacingTokensByTokenList(in: string, byToken: { replacement(placeholders[$0.index]) })
    }

    /// The definition's loop, the replacement given each token's placeholder index.
    private func replacingTokensByTokenList(
        in string: some StringProtocol, byToken replacement: ((range: Range<String.Index>, index: Int)) -> String
    ) -> String {
        let substring = Substring(string)
        let tokens = tokens(in: substring)
        guard !tokens.isEmpty else { return String(substring) }
        // Room for the text and the placeholders' sources at once (most replacements are those sources), and
        // the pieces appended as `Substring` and `String`: `+=` took the generic path of a sequence of
        // Characters, and the result grew several times a body.
        var room = substring.utf8.count
        for token in tokens { room += placeholders[token.index].source.utf8.count }
        var result = ""
        result.reserveCapacity(room)
        var last = substring.startIndex
        for token in tokens {
            result.append(contentsOf: substring[last..<token.range.lowerBound])
            result.append(replacement(token))
            last = token.range.upperBound
        }
        result.append(contentsOf: substring[last...])
        return result
    }
}
