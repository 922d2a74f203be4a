import Diagnostics
import YAMLSource

/// A tiny reader for the block-YAML subset the decoding tests use, so that tests can be written as
/// YAML text while the real parser is built elsewhere. It only computes nodes and ranges (1-based,
/// columns in Unicode scalars) the way libyaml reports them; it does not validate anything.
///
/// Supported: `key: value`, `key:` followed by an indented block, `- item` and `- key: value`
/// items, `|` literal blocks, `'…'` and `"…"` scalars without escapes, `[a, b]` flow sequences of
/// scalars, `{}`, and whole-line `#` comments.
struct DecodingTestYAML {
    private var lines: [[Unicode.Scalar]]
    private var index = 0
    private let file: String

    /// The root node of `text`.
    static func parse(_ text: String, file: String = "test.yaml") -> YAMLNode {
        var reader = DecodingTestYAML(lines: text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { Array($0.unicodeScalars) }, file: file)
        reader.skipBlank()
        guard reader.index < reader.lines.count else { return reader.scalar("", .plain, 1, 1, 1) }
        return reader.block(indent: reader.indentation(reader.index))
    }

    private init(lines: [[Unicode.Scalar]], file: String) {
        self.lines = lines
        self.file = file
    }

    private func indentation(_ i: Int) -> Int { lines[i].prefix { $0 == " " }.count }

    private func isBlank(_ i: Int) -> Bool {
        let content = lines[i].drop { $0 == " " }
        return content.isEmpty || content.first == "#"
    }

    private mutating func skipBlank() { while index < lines.count, isBlank(index) { index += 1 } }

    private func isItem(_ i: Int) -> Bool {
        let content = Array(lines[i].dropFirst(indentation(i)))
        return content.first == "-" && (content.count == 1 || content[1] == " ")
    }

    private func range(_ line: Int, _ start: Int, _ endLine: Int, _ end: Int) -> SourceRange {
        SourceRange(file: file, start: SourcePosition(line: line, column: start),
                    end: SourcePosition(line: endLine, column: end))
    }

    private func scalar(_ text: String, _ style: ScalarStyle, _ line: Int, _ start: Int, _ end: Int) -> YAMLNode {
        YAMLNode(.scalar(YAMLScalar(text: text, style: style)), range: range(line, start, line, end))
    }

    private mutating func block(indent: Int) -> YAMLNode {
        isItem(index) ? sequence(indent: indent) : mapping(indent: indent)
    }

    private mutating func sequence(indent: Int) -> YAMLNode {
        var items: [YAMLNode] = []
        let start = SourcePosition(line: index + 1, column: indent + 1)
        while index < lines.count, indentation(index) == indent, isItem(index) {
            let rest = String(String.UnicodeScalarView(lines[index].dropFirst(indent + 2)))
            if rest.contains(": ") || rest.hasSuffix(":") {
                lines[index][indent] = " "
                items.append(mapping(indent: indent + 2))
            } else {
                items.append(inline(rest, line: index, column: indent + 2))
                index += 1
            }
            skipBlank()
        }
        let end = items.last?.range.end ?? start
        return YAMLNode(.sequence(items), range: SourceRange(file: file, start: start, end: end))
    }

    private mutating func mapping(indent: Int) -> YAMLNode {
        var pairs: [YAMLPair] = []
        while index < lines.count, indentation(index) == indent, !isItem(index) {
            let line = lines[index]
            let text = String(String.UnicodeScalarView(line.dropFirst(indent)))
            let keyText = String(text.prefix { $0 != ":" })
            let keyLength = keyText.unicodeScalars.count
            let key = scalar(keyText, .plain, index + 1, indent + 1, indent + 1 + keyLength)
            let valueColumn = indent + keyLength + 2
            let rest = String(String.UnicodeScalarView(line.dropFirst(valueColumn))).trimmingPrefix(" ")
            let restColumn = line.count - rest.unicodeScalars.count
            let keyLine = index
            index += 1
            let value: YAMLNode
            if rest == "|" {
                value = literal(parentIndent: indent)
            } else if !rest.isEmpty {
                value = inline(String(rest), line: keyLine, column: restColumn)
            } else {
                skipBlank()
                if index < lines.count, indentation(index) > indent || (indentation(index) == indent && isItem(index)) {
                    value = block(indent: indentation(index))
                } else {
                    value = scalar("", .plain, keyLine + 1, valueColumn + 1, valueColumn + 1)
                }
            }
            pairs.append(YAMLPair(key: key, value: value))
            skipBlank()
        }
        let start = pairs.first?.key.range.start ?? SourcePosition(line: index + 1, column: indent + 1)
        let end = pairs.last?.value.range.end ?? start
        return YAMLNode(.mapping(pairs), range: SourceRange(file: file, start: start, end: end))
    }

    private mutating func literal(parentIndent: Int) -> YAMLNode {
        var body: [String] = []
        let first = index
        var last = index
        let blockIndent = index < lines.count ? indentation(index) : parentIndent + 2
        while index < lines.count, indentation(index) > parentIndent || lines[index].isEmpty {
            body.append(String(String.UnicodeScalarView(lines[index].dropFirst(blockIndent))))
            last = index
            index += 1
        }
        return YAMLNode(
            .scalar(YAMLScalar(text: body.joined(separator: "\n") + "\n", style: .literal)),
            range: range(first + 1, blockIndent + 1, last + 2, 1))
    }

    /// A scalar, `[…]` or `{}` written on one line at 0-based `column`.
    private func inline(_ text: String, line: Int, column: Int) -> YAMLNode {
        let length = text.unicodeScalars.count
        if text == "{}" {
            return YAMLNode(.mapping([]), range: range(line + 1, column + 1, line + 1, column + 3))
        }
        if text.hasPrefix("[") {
            var items: [YAMLNode] = []
            var offset = 1
            for part in text.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false) {
                let leading = part.prefix { $0 == " " }.count
                let trimmed = part.trimmingCharacters(in: " ")
                if !trimmed.isEmpty {
                    items.append(inline(trimmed, line: line, column: column + offset + leading))
                }
                offset += part.unicodeScalars.count + 1
            }
            return YAMLNode(.sequence(items), range: range(line + 1, column + 1, line + 1, column + 1 + length))
        }
        if let quote = text.first, quote == "'" || quote == "\"" {
            return scalar(String(text.dropFirst().dropLast()), quote == "'" ? .singleQuoted : .doubleQuoted,
                          line + 1, column + 1, column + 1 + length)
        }
        return scalar(text, .plain, line + 1, column + 1, column + 1 + length)
    }
}

private extension StringProtocol {
    func trimmingCharacters(in character: Character) -> String {
        String(drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }
}
