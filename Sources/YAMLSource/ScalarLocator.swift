import Diagnostics

extension YAMLParser {
    /// Where the characters `characters` (offsets in Unicode scalars into `node`'s decoded text)
    /// are in the file, so that an error inside a template body points at its exact column.
    ///
    /// Exact for plain, single-quoted and double-quoted scalars on one line whose source text equals
    /// their decoded text (no escapes, no `''`, no line folding) and for literal block scalars
    /// (`|`, `|-`, `|+`, indentation stripped), in LF and CR LF files alike. Otherwise, and for folded
    /// scalars, the whole node's range. Offsets outside the text are clamped to it.
    public static func range(
        ofScalarCharacters characters: Range<Int>, in node: YAMLNode, lines: SourceLines
    ) -> SourceRange {
        ScalarLocator.range(ofScalarCharacters: characters, in: node, lines: lines)
    }
}

/// Maps offsets in a scalar's decoded text to positions in its file.
enum ScalarLocator {
    static func range(ofScalarCharacters characters: Range<Int>, in node: YAMLNode, lines: SourceLines)
        -> SourceRange
    {
        guard let scalar = node.scalar else { return node.range }
        let text = Array(scalar.text.unicodeScalars)
        let lower = min(max(characters.lowerBound, 0), text.count)
        let upper = min(max(characters.upperBound, lower), text.count)
        let map: ((Int) -> SourcePosition?)?
        switch scalar.style {
        case .plain: map = inline(text, node: node, lines: lines, skip: 0)
        case .singleQuoted, .doubleQuoted: map = inline(text, node: node, lines: lines, skip: 1)
        case .literal: map = literal(text, node: node, lines: lines)
        case .folded: map = nil
        }
        guard let map, let start = map(lower) else { return node.range }
        guard upper > lower else { return SourceRange(file: node.range.file, at: start) }
        guard var end = map(upper - 1) else { return node.range }
        end.column += 1
        return SourceRange(file: node.range.file, start: start, end: end)
    }

    /// A one-line scalar whose decoded text appears verbatim after `skip` opening characters.
    private static func inline(_ text: [Unicode.Scalar], node: YAMLNode, lines: SourceLines, skip: Int)
        -> ((Int) -> SourcePosition?)?
    {
        let line = node.range.start.line
        guard !text.contains("\n"), let source = lines.scalars(ofLine: line) else { return nil }
        let first = node.range.start.column - 1 + skip
        guard first >= 0, first + text.count <= source.count,
            source[first..<(first + text.count)].elementsEqual(text)
        else { return nil }
        return { offset in SourcePosition(line: line, column: first + offset + 1) }
    }

    /// A literal block scalar: decoded line `i` is source line `header + 1 + i` with the block's
    /// indentation removed.
    private static func literal(_ text: [Unicode.Scalar], node: YAMLNode, lines: SourceLines)
        -> ((Int) -> SourcePosition?)?
    {
        // Start offset of each decoded line.
        var starts = [0]
        for (i, c) in text.enumerated() where c == "\n" { starts.append(i + 1) }
        let header = node.range.start.line
        // The indentation, from the first decoded line with content.
        var indent: Int?
        for (i, s) in starts.enumerated() {
            let end = i + 1 < starts.count ? starts[i + 1] - 1 : text.count
            guard end > s, let source = lines.scalars(ofLine: header + 1 + i) else { continue }
            let count = end - s
            guard source.count >= count, source.suffix(count).elementsEqual(text[s..<end]) else { return nil }
            let n = source.count - count
            guard source.prefix(n).allSatisfy({ $0 == " " }) else { return nil }
            indent = n
            break
        }
        guard let indent else { return nil }
        return { offset in
            var lo = 0
            var hi = starts.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
            }
            let s = starts[lo]
            let end = lo + 1 < starts.count ? starts[lo + 1] - 1 : text.count
            if end > s {
                // Check the line really is the decoded line plus the indentation.
                guard let source = lines.scalars(ofLine: header + 1 + lo), source.count == indent + end - s,
                    source.suffix(end - s).elementsEqual(text[s..<end])
                else { return nil }
            }
            return SourcePosition(line: header + 1 + lo, column: indent + offset - s + 1)
        }
    }
}
