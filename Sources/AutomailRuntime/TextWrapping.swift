/// The sender's wrapping rule for the rendered text part (bundle format 2, "Rendering"): the build
/// wraps the text part at 78 columns on what it knows, and contact values can lengthen a line after it,
/// so a sender re-wraps every rendered line longer than 78 Unicode scalars.
///
/// Such a line keeps its prefix (its leading run of spaces and `>`, which quotes use; then a list marker
/// `- ` or `N. `, whose width in spaces starts the continuation lines, as list items do);
/// the rest is cut into words at U+0020 spaces and refilled greedily, words joined by one space, each
/// continuation line starting with the same prefix. A word longer than a line (a URL) stands alone on
/// its line, whole. Lines of 78 scalars or fewer, and the line ends, are left exactly as they are.
public enum TextWrapping {
    /// The column limit.
    public static let width = 78

    /// `text` with every line longer than ``width`` Unicode scalars re-wrapped.
    public static func wrap(_ text: String) -> String {
        // Quick path: no line is long.
        var longest = 0
        var current = 0
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                current = 0
            } else {
                current += 1
                longest = max(longest, current)
            }
        }
        guard longest > width else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.unicodeScalars.count > width else { return String(line) }
            return wrapLine(line)
        }.joined(separator: "\n")
    }

    static func wrapLine(_ line: Substring) -> String {
        let scalars = Array(line.unicodeScalars)
        var prefixEnd = 0
        while prefixEnd < scalars.count, scalars[prefixEnd] == " " || scalars[prefixEnd] == ">" { prefixEnd += 1 }
        var prefix = Array(scalars[0..<prefixEnd])
        var first = prefix
        // A list item (`- `, `12. `): its continuation lines are indented by the marker's width.
        var markerEnd = prefixEnd
        if markerEnd + 1 < scalars.count, scalars[markerEnd] == "-", scalars[markerEnd + 1] == " " {
            markerEnd += 2
        } else {
            var digits = markerEnd
            while digits < scalars.count, ("0"..."9").contains(scalars[digits]) { digits += 1 }
            if digits > markerEnd, digits + 1 < scalars.count, scalars[digits] == ".", scalars[digits + 1] == " " {
                markerEnd = digits + 2
            }
        }
        if markerEnd > prefixEnd {
            first += scalars[prefixEnd..<markerEnd]
            prefix += Array(repeating: " ", count: markerEnd - prefixEnd)
        }
        var words: [ArraySlice<Unicode.Scalar>] = []
        var start = markerEnd
        var index = markerEnd
        while index <= scalars.count {
            if index == scalars.count || scalars[index] == " " {
                if index > start { words.append(scalars[start..<index]) }
                start = index + 1
            }
            index += 1
        }
        var lines: [[Unicode.Scalar]] = []
        var current = first
        var hasWord = false
        for word in words {
            if hasWord, current.count + 1 + word.count > width {
                lines.append(current)
                current = prefix
                hasWord = false
            }
            if hasWord { current.append(" ") }
            current.append(contentsOf: word)
            hasWord = true
        }
        lines.append(current)
        return lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
    }
}
