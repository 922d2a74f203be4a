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
        ScalarLocator(node: node, lines: lines).range(ofScalarCharacters: characters)
    }
}

/// Maps offsets in one scalar's decoded text to positions in its file.
///
/// Building it reads the scalar and its source lines once (linear in the text); each
/// ``range(ofScalarCharacters:)`` is then a binary search over the scalar's line starts. A rule that
/// reports many findings in one text builds one locator for all of them: mapping each finding from
/// scratch cost a pass over the text per finding, 219 s for one 261 KB body of `<b>` tags.
public struct ScalarLocator: Sendable {
    private let node: YAMLNode
    private let count: Int
    private let mapping: Mapping?

    private enum Mapping: Sendable {
        /// One line: offset `o` is column `first + o + 1` of `line`.
        case inline(line: Int, first: Int)
        /// A literal block: decoded line `i` starts at offset `starts[i]` and is source line
        /// `header + 1 + i`, indented by `indent`; `valid[i]` says whether that source line really is
        /// the decoded line plus the indentation.
        case literal(header: Int, indent: Int, starts: [Int], valid: [Bool])
    }

    /// A locator for `node`'s scalar text in the file `lines` holds.
    public init(node: YAMLNode, lines: SourceLines) {
        self.node = node
        guard let scalar = node.scalar else {
            count = 0
            mapping = nil
            return
        }
        let text = Array(scalar.text.unicodeScalars)
        count = text.count
        switch scalar.style {
        case .plain: mapping = Self.inline(text, node: node, lines: lines, skip: 0)
        case .singleQuoted, .doubleQuoted: mapping = Self.inline(text, node: node, lines: lines, skip: 1)
        case .literal: mapping = Self.literal(text, node: node, lines: lines)
        case .folded: mapping = nil
        }
    }

    /// The file range of the characters `characters` (clamped to the text); the whole node's range
    /// where the text cannot be mapped exactly.
    public func range(ofScalarCharacters characters: Range<Int>) -> SourceRange {
        guard mapping != nil else { return node.range }
        let lower = min(max(characters.lowerBound, 0), count)
        let upper = min(max(characters.upperBound, lower), count)
        guard let start = position(lower) else { return node.range }
        guard upper > lower else { return SourceRange(file: node.range.file, at: start) }
        guard var end = position(upper - 1) else { return node.range }
        end.column += 1
        return SourceRange(file: node.range.file, start: start, end: end)
    }

    private func position(_ offset: Int) -> SourcePosition? {
        switch mapping {
        case nil:
            return nil
        case .inline(let line, let first)?:
            return SourcePosition(line: line, column: first + offset + 1)
        case .literal(let header, let indent, let starts, let valid)?:
            var lo = 0
            var hi = starts.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
            }
            guard valid[lo] else { return nil }
            return SourcePosition(line: header + 1 + lo, column: indent + offset - starts[lo] + 1)
        }
    }

    /// A one-line scalar whose decoded text appears verbatim after `skip` opening characters.
    private static func inline(_ text: [Unicode.Scalar], node: YAMLNode, lines: SourceLines, skip: Int) -> Mapping? {
        let line = node.range.start.line
        guard !text.contains("\n"), let source = lines.scalars(ofLine: line) else { return nil }
        let first = node.range.start.column - 1 + skip
        guard first >= 0, first + text.count <= source.count,
            source[first..<(first + text.count)].elementsEqual(text)
        else { return nil }
        return .inline(line: line, first: first)
    }

    /// A literal block scalar: decoded line `i` is source line `header + 1 + i` with the block's
    /// indentation removed. Every line is compared with its source once, here.
    private static func literal(_ text: [Unicode.Scalar], node: YAMLNode, lines: SourceLines) -> Mapping? {
        // Start offset of each decoded line.
        var starts = [0]
        for (i, c) in text.enumerated() where c == "\n" { starts.append(i + 1) }
        let header = node.range.start.line
        func end(ofLine i: Int) -> Int { i + 1 < starts.count ? starts[i + 1] - 1 : text.count }
        // The indentation, from the first decoded line with content.
        var indent: Int?
        for (i, s) in starts.enumerated() {
            let e = end(ofLine: i)
            guard e > s, let source = lines.scalars(ofLine: header + 1 + i) else { continue }
            let count = e - s
            guard source.count >= count, source.suffix(count).elementsEqual(text[s..<e]) else { return nil }
            let n = source.count - count
            guard source.prefix(n).allSatisfy({ $0 == " " }) else { return nil }
            indent = n
            break
        }
        guard let indent else { return nil }
        var valid: [Bool] = []
        valid.reserveCapacity(starts.count)
        for (i, s) in starts.enumerated() {
            let e = end(ofLine: i)
            guard e > s else {
                valid.append(true)
                continue
            }
            // The line must really be the decoded line plus the indentation.
            guard let source = lines.scalars(ofLine: header + 1 + i), source.count == indent + e - s else {
                valid.append(false)
                continue
            }
            valid.append(source.suffix(e - s).elementsEqual(text[s..<e]))
        }
        return .literal(header: header, indent: indent, starts: starts, valid: valid)
    }
}
