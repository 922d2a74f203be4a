import AutoMail
import Diagnostics
import YAMLSource

/// One file of the workspace as it now reads (an open buffer's unsaved text, else the disk's): its text,
/// its lines in both counts, and the compiler's line table for locating characters of YAML scalars.
struct Document: Sendable {
    /// The path relative to the workspace root.
    let path: String
    /// The text.
    let text: String
    /// The lines, for position conversions.
    let lines: LineIndex
    /// The compiler's line table of the same bytes.
    let sourceLines: SourceLines

    init(path: String, text: String) {
        self.path = path
        self.text = text
        lines = LineIndex(text)
        sourceLines = SourceLines(SourceFile(path: path, text: text))
    }

    /// What the file holds, from its path.
    var kind: FileKind? { FileKind(path: path) }

    /// The range of an id's characters: the value's range without the quotes of a quoted scalar;
    /// `nil` when the range is not on one line.
    func idRange(of located: Located<String>) -> DocumentRange? {
        let range = lines.range(of: located.range)
        guard range.start.line == range.end.line else { return nil }
        let written = lines.text(in: range)
        let scalars = Array(written.unicodeScalars)
        if scalars.count >= 2, let first = scalars.first, first == "\"" || first == "'", scalars.last == first {
            let start = lines.sourcePosition(of: range.start)
            let end = lines.sourcePosition(of: range.end)
            return DocumentRange(
                start: lines.position(line: start.line - 1, scalarOffset: start.column),
                end: lines.position(line: end.line - 1, scalarOffset: end.column - 2))
        }
        return range
    }

    /// The range of characters `characters` of a scalar, when the locator finds exactly them (on one
    /// line, as many columns as characters); `nil` otherwise.
    func exactRange(_ locator: ScalarLocator, _ characters: Range<Int>) -> DocumentRange? {
        let source = locator.range(ofScalarCharacters: characters)
        guard source.start.line == source.end.line,
            source.end.column - source.start.column == characters.count
        else { return nil }
        return lines.range(of: source)
    }
}
