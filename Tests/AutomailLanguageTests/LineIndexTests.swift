import AutomailLanguage
import Diagnostics
import Testing

/// Positions between the compiler's counting (1-based, Unicode scalars) and LSP's (0-based, UTF-16).
@Suite struct LineIndexTests {
    @Test func utf16AgainstScalars() {
        let lines = LineIndex("id: x\nsubject: 😀é {{ a }}\n")
        // `{` is the 13th scalar of line 2 (column 13), the 14th UTF-16 unit (😀 takes two).
        #expect(lines.position(of: SourcePosition(line: 2, column: 13)) == DocumentPosition(line: 1, character: 13))
        #expect(
            lines.sourcePosition(of: DocumentPosition(line: 1, character: 13)) == SourcePosition(line: 2, column: 13))
        // Inside the surrogate pair: its start.
        #expect(lines.clamp(DocumentPosition(line: 1, character: 10)) == DocumentPosition(line: 1, character: 9))
    }

    @Test func lineBreaksAndByteOrderMark() {
        let lines = LineIndex("\u{FEFF}a\r\nb\rc\n")
        #expect(lines.count == 4)
        #expect(lines.text(ofLine: 1) == "b")
        // The mark is before column 1 of the first line.
        #expect(lines.position(of: SourcePosition(line: 1, column: 1)) == DocumentPosition(line: 0, character: 1))
        #expect(
            LineIndex.applying(
                TextEdit(range: DocumentRange(at: DocumentPosition(line: 2, character: 0)), newText: "x"),
                to: "\u{FEFF}a\r\nb\rc\n")
                == "\u{FEFF}a\r\nb\rxc\n")
    }

    @Test func clamping() {
        let lines = LineIndex("ab\ncd")
        #expect(lines.clamp(DocumentPosition(line: -4, character: -1)) == DocumentPosition(line: 0, character: 0))
        #expect(lines.clamp(DocumentPosition(line: 9, character: 9)) == DocumentPosition(line: 1, character: 2))
        #expect(lines.clamp(DocumentPosition(line: 0, character: Int.max)) == DocumentPosition(line: 0, character: 2))
        #expect(
            lines.text(
                in: DocumentRange(
                    start: DocumentPosition(line: 0, character: 1), end: DocumentPosition(line: 7, character: 0)))
                == "b\ncd")
        #expect(LineIndex("").count == 1)
        #expect(LineIndex("").text(in: DocumentRange(at: DocumentPosition(line: 3, character: 3))) == "")
    }

    @Test func editsApplyFromTheEnd() {
        let text = "template: a\ntemplate: a\n"
        let edits = [
            TextEdit(
                range: DocumentRange(
                    start: DocumentPosition(line: 0, character: 10), end: DocumentPosition(line: 0, character: 11)),
                newText: "bb"),
            TextEdit(
                range: DocumentRange(
                    start: DocumentPosition(line: 1, character: 10), end: DocumentPosition(line: 1, character: 11)),
                newText: "bb"),
        ]
        #expect(LineIndex.applying(edits, to: text) == "template: bb\ntemplate: bb\n")
        #expect(
            LineIndex.applying(
                TextEdit(range: DocumentRange(at: DocumentPosition(line: 99, character: 99)), newText: "!"), to: text)
                == "template: a\ntemplate: a\n!")
    }
}
