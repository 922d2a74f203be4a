/// Reads the markup of HTML one construct at a time, for the scanners that judge rendered HTML
/// (``VisibleContent``, ``ActiveContent``): one reading of comments, declarations, tag names and tag ends.
enum HTMLMarkupReader {
    /// A start or end tag.
    struct Tag {
        /// The lowercased name: everything up to white space, `>` or `/`, starting with a letter.
        var name: String
        var closing: Bool
        /// The scalars between the name and the tag's `>` (its attributes).
        var attributes: Range<Int>
        /// The offset just past the tag's `>` (or the end of the text).
        var next: Int
    }

    /// What a `<` at `index` starts.
    enum Markup {
        /// A comment or a declaration (`<!…>`, `<?…>`), which shows nothing: read on from `next`.
        case skipped(next: Int)
        case tag(Tag)
    }

    /// The markup a `<` at `index` starts, or `nil` when it starts none (a `<` that is text).
    static func read(_ scalars: [Unicode.Scalar], at index: Int) -> Markup? {
        if VisibleContent.matches(scalars, at: index, "<!--") {
            return .skipped(next: VisibleContent.find(scalars, "-->", from: index + 4).map { $0 + 3 } ?? scalars.count)
        }
        if index + 1 < scalars.count, scalars[index + 1] == "!" || scalars[index + 1] == "?" {
            return .skipped(next: (VisibleContent.find(scalars, ">", from: index) ?? scalars.count - 1) + 1)
        }
        let closing = index + 1 < scalars.count && scalars[index + 1] == "/"
        var cursor = index + (closing ? 2 : 1)
        var name = ""
        while cursor < scalars.count, !scalars[cursor].properties.isWhitespace, scalars[cursor] != ">",
            scalars[cursor] != "/"
        {
            name.unicodeScalars.append(scalars[cursor])
            cursor += 1
        }
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic else { return nil }
        let end = VisibleContent.tagEnd(scalars, from: cursor)
        return .tag(
            Tag(
                name: name.lowercased(), closing: closing, attributes: cursor..<min(end, scalars.count),
                next: min(end + 1, scalars.count)))
    }
}
