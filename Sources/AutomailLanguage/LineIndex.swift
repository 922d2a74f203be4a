import Diagnostics

/// The lines of one document, to convert between the compiler's positions (1-based line, 1-based
/// column in Unicode scalars) and LSP's (0-based line, UTF-16 offset), and to read and edit its text.
///
/// Lines end at `\n`, `\r\n` or `\r`, as the compiler's line table (`SourceLines`) splits them; a
/// byte-order mark at the start is not part of the first line's columns. Every conversion clamps.
public struct LineIndex: Sendable, Hashable {
    /// Each line's Unicode scalars, without its terminator.
    public let lines: [[Unicode.Scalar]]
    /// Whether the text starts with a byte-order mark (U+FEFF), which the first line's columns skip.
    let hasByteOrderMark: Bool

    /// Splits `text` into lines.
    public init(_ text: String) {
        var lines: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        var previousWasCR = false
        var scalars = text.unicodeScalars[...]
        hasByteOrderMark = scalars.first == "\u{FEFF}"
        if hasByteOrderMark { scalars = scalars.dropFirst() }
        for scalar in scalars {
            if scalar == "\n" {
                if previousWasCR {
                    previousWasCR = false
                    continue
                }
                lines.append(current)
                current = []
            } else if scalar == "\r" {
                lines.append(current)
                current = []
                previousWasCR = true
                continue
            } else {
                current.append(scalar)
            }
            previousWasCR = false
        }
        lines.append(current)
        self.lines = lines
    }

    /// The number of lines (a text ending in a line break has an empty last line).
    public var count: Int { lines.count }

    /// The text of 0-based line `line`, clamped to the document.
    public func text(ofLine line: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: lines[clampedLine(line)])
        return String(view)
    }

    func clampedLine(_ line: Int) -> Int { min(max(line, 0), lines.count - 1) }

    /// The scalar offset (0-based) in its line of `position`, clamped to the line.
    func scalarOffset(of position: DocumentPosition) -> (line: Int, offset: Int) {
        if position.line < 0 { return (0, 0) }
        if position.line >= lines.count { return (lines.count - 1, lines[lines.count - 1].count) }
        let line = position.line
        var units = hasByteOrderMark && line == 0 ? 1 : 0
        var offset = 0
        for scalar in lines[line] {
            let width = scalar.utf16.count
            if units + width > position.character { break }
            units += width
            offset += 1
        }
        return (line, offset)
    }

    /// The UTF-16 position of the scalar `offset` (0-based) of 0-based `line`, clamped.
    func position(line: Int, scalarOffset offset: Int) -> DocumentPosition {
        let line = clampedLine(line)
        let scalars = lines[line]
        let clamped = min(max(offset, 0), scalars.count)
        var units = hasByteOrderMark && line == 0 ? 1 : 0
        for scalar in scalars[..<clamped] { units += scalar.utf16.count }
        return DocumentPosition(line: line, character: units)
    }

    /// `position` moved inside the document (a line that exists, a character inside it, never inside a
    /// surrogate pair).
    public func clamp(_ position: DocumentPosition) -> DocumentPosition {
        let (line, offset) = scalarOffset(of: position)
        return self.position(line: line, scalarOffset: offset)
    }

    /// The LSP position of a compiler position.
    public func position(of source: SourcePosition) -> DocumentPosition {
        position(line: source.line - 1, scalarOffset: source.column - 1)
    }

    /// The compiler position of an LSP position (clamped).
    public func sourcePosition(of position: DocumentPosition) -> SourcePosition {
        let (line, offset) = scalarOffset(of: position)
        return SourcePosition(line: line + 1, column: offset + 1)
    }

    /// The LSP range of a compiler range.
    public func range(of source: SourceRange) -> DocumentRange {
        DocumentRange(start: position(of: source.start), end: position(of: source.end))
    }

    /// The text of `range` (clamped), lines joined by `\n`.
    public func text(in range: DocumentRange) -> String {
        let (startLine, startOffset) = scalarOffset(of: range.start)
        let (endLine, endOffset) = scalarOffset(of: range.end)
        guard (startLine, startOffset) <= (endLine, endOffset) else { return "" }
        var view = String.UnicodeScalarView()
        for line in startLine...endLine {
            let scalars = lines[line]
            let from = line == startLine ? min(startOffset, scalars.count) : 0
            let to = line == endLine ? min(endOffset, scalars.count) : scalars.count
            if from < to { view.append(contentsOf: scalars[from..<to]) }
            if line != endLine { view.append("\n") }
        }
        return String(view)
    }

    /// The position just past the last character of the document.
    public var end: DocumentPosition { position(line: lines.count - 1, scalarOffset: Int.max) }

    /// The text with `edits` applied (each range clamped; edits sorted by position, later ones first so
    /// that earlier ranges stay valid). Lines are joined by `\n` where an edit spans them; the rest of the
    /// text keeps its own line breaks.
    public static func applying(_ edits: [TextEdit], to text: String) -> String {
        var result = text
        for edit in edits.sorted(by: { $0.range > $1.range }) {
            result = applying(edit, to: result)
        }
        return result
    }

    /// The text with one edit applied (its range clamped).
    public static func applying(_ edit: TextEdit, to text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        let index = LineIndex(text)
        let start = index.scalarIndex(of: edit.range.start, in: scalars)
        let end = max(start, index.scalarIndex(of: edit.range.end, in: scalars))
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[..<start])
        view.append(contentsOf: edit.newText.unicodeScalars)
        view.append(contentsOf: scalars[end...])
        return String(view)
    }

    /// The index into the whole text's scalars of `position` (clamped), line terminators counted.
    func scalarIndex(of position: DocumentPosition, in scalars: [Unicode.Scalar]) -> Int {
        let (line, offset) = scalarOffset(of: position)
        var index = hasByteOrderMark ? 1 : 0
        var currentLine = 0
        while currentLine < line, index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if scalar == "\n" {
                currentLine += 1
            } else if scalar == "\r" {
                if index < scalars.count, scalars[index] == "\n" { index += 1 }
                currentLine += 1
            }
        }
        return min(index + min(offset, lines[line].count), scalars.count)
    }
}
