import Diagnostics

/// Converts diagnostic positions (1-based lines, 1-based columns in Unicode scalars) into the units
/// machine formats use: UTF-16 columns (SARIF's default `columnKind`, LSP's default position encoding,
/// GitHub's), UTF-8 byte offsets, and the source text a range covers.
///
/// Lines split at LF, CR LF and a lone CR, and a leading UTF-8 BOM is not part of line 1, as the YAML
/// parser counts them. A column past the end of its line (an end position just past the last
/// character) counts one unit per column beyond it.
struct SourceLocator {
    private let sources: [String: SourceFile]
    /// For each file, the byte range of each line's content.
    private var tables: [String: [Range<Int>]] = [:]

    init(sources: [String: SourceFile]) {
        self.sources = sources
    }

    /// The 1-based UTF-16 column of `position` in `file` (the scalar column when the file is unknown).
    mutating func utf16Column(_ position: SourcePosition, in file: String) -> Int {
        guard let (bytes, _) = lineBytes(position.line, in: file) else { return position.column }
        var column = 1
        var scalars = 0
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            guard scalars < position.column - 1 else { break }
            column += scalar.utf16.count
            scalars += 1
        }
        return column + max(0, position.column - 1 - scalars)
    }

    /// The 0-based UTF-8 byte offset of `position` in `file`, or `nil` when the file or line is unknown.
    mutating func byteOffset(_ position: SourcePosition, in file: String) -> Int? {
        guard let (bytes, range) = lineBytes(position.line, in: file) else { return nil }
        var offset = range.lowerBound
        var scalars = 0
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            guard scalars < position.column - 1 else { break }
            offset += scalar.utf8.count
            scalars += 1
        }
        return offset + max(0, position.column - 1 - scalars)
    }

    /// The text `range` covers, at most `limit` scalars; a range that is empty or unknown gives the
    /// whole (trimmed) text of its first line.
    mutating func text(of range: SourceRange, limit: Int = 512) -> String {
        guard let (bytes, _) = lineBytes(range.start.line, in: range.file) else { return "" }
        let scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        let start = min(max(0, range.start.column - 1), scalars.count)
        var end =
            range.end.line > range.start.line ? scalars.count : min(max(start, range.end.column - 1), scalars.count)
        if end == start {
            return String(String.UnicodeScalarView(scalars.prefix(limit))).trimmingBlanks
        }
        end = min(end, start + limit)
        var text = String(String.UnicodeScalarView(scalars[start..<end]))
        if range.end.line > range.start.line { text += "\n…" }
        return text
    }

    /// The bytes of 1-based `line` of `file` and their range in the file.
    private mutating func lineBytes(_ line: Int, in file: String) -> (ArraySlice<UInt8>, Range<Int>)? {
        guard let source = sources[file], line >= 1 else { return nil }
        let table: [Range<Int>]
        if let known = tables[file] {
            table = known
        } else {
            table = Self.lines(of: source.bytes)
            tables[file] = table
        }
        guard line <= table.count else { return nil }
        let range = table[line - 1]
        return (source.bytes[range], range)
    }

    private static func lines(of raw: [UInt8]) -> [Range<Int>] {
        var start = 0
        if raw.count >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF { start = 3 }
        var ranges: [Range<Int>] = []
        var lineStart = start
        var index = start
        while index < raw.count {
            switch raw[index] {
            case 0x0A:
                ranges.append(lineStart..<index)
                index += 1
                lineStart = index
            case 0x0D:
                ranges.append(lineStart..<index)
                index += index + 1 < raw.count && raw[index + 1] == 0x0A ? 2 : 1
                lineStart = index
            default:
                index += 1
            }
        }
        ranges.append(lineStart..<raw.count)
        return ranges
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    var trimmingBlanks: String {
        let scalars = Array(unicodeScalars)
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
