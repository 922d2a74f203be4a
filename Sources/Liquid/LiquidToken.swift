/// One piece of a template's markup, as the lexer cuts it.
public struct LiquidToken: Sendable, Hashable {
    /// What the piece is.
    public enum Kind: Sendable, Hashable {
        /// Literal text, including the body of a `raw` block.
        case text
        /// An output statement `{{ … }}`.
        case output
        /// A tag `{% name … %}`; carries the tag name (empty when there is none).
        case tag(String)
    }

    /// What the piece is.
    public var kind: Kind
    /// Where it is, in Unicode scalar offsets into the source.
    public var range: Range<Int>
    /// Its source text, byte for byte: concatenating every token's text gives the source back.
    public var text: String

    /// Creates a token.
    public init(kind: Kind, range: Range<Int>, text: String) {
        self.kind = kind
        self.range = range
        self.text = text
    }
}

/// A markup token with what the parser needs: delimiters, whitespace control and inner range.
struct RawToken {
    enum Kind { case text, output, tag, rawBody }
    var kind: Kind
    var range: Range<Int>
    /// The markup between the delimiters and whitespace-control dashes.
    var inner: Range<Int>
    var trimLeft = false
    var trimRight = false
    var name = ""
    var nameRange: Range<Int> = 0..<0
    /// Whether the closing delimiter was found.
    var closed = true
}

/// Cuts a template into text, outputs and tags, treating `raw` bodies as text.
struct Lexer {
    let scalars: [Unicode.Scalar]

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    private func matches(_ text: String, at index: Int) -> Bool {
        var i = index
        for scalar in text.unicodeScalars {
            guard i < scalars.count, scalars[i] == scalar else { return false }
            i += 1
        }
        return true
    }

    private func find(_ text: String, from start: Int) -> Int? {
        var i = start
        while i < scalars.count {
            if matches(text, at: i) { return i }
            i += 1
        }
        return nil
    }

    /// The next `{{` or `{%` at or after `start`.
    private func nextMarkup(from start: Int) -> Int? {
        var i = start
        while i + 1 < scalars.count {
            if scalars[i] == "{" && (scalars[i + 1] == "{" || scalars[i + 1] == "%") { return i }
            i += 1
        }
        return nil
    }

    func tokens() -> [RawToken] {
        var result: [RawToken] = []
        var i = 0
        while i < scalars.count {
            guard let start = nextMarkup(from: i) else {
                result.append(RawToken(kind: .text, range: i..<scalars.count, inner: i..<scalars.count))
                break
            }
            if start > i { result.append(RawToken(kind: .text, range: i..<start, inner: i..<start)) }
            let isOutput = scalars[start + 1] == "{"
            var token = markupToken(at: start, output: isOutput)
            i = token.range.upperBound
            if !isOutput && token.name == "raw" && token.closed {
                // The body runs to the first `{% endraw %}`, whatever it contains.
                var search = i
                var found = false
                while let open = find("{%", from: search) {
                    var j = open + 2
                    if j < scalars.count && scalars[j] == "-" { j += 1 }
                    while j < scalars.count && isWhitespace(scalars[j]) { j += 1 }
                    if matches("endraw", at: j), j + 6 >= scalars.count || !isWordScalar(scalars[j + 6]) {
                        result.append(token)
                        result.append(RawToken(kind: .rawBody, range: i..<open, inner: i..<open))
                        token = markupToken(at: open, output: false)
                        i = token.range.upperBound
                        found = true
                        break
                    }
                    search = open + 2
                }
                if !found {
                    token.closed = true
                    result.append(token)
                    result.append(RawToken(kind: .rawBody, range: i..<scalars.count, inner: i..<scalars.count))
                    i = scalars.count
                    continue
                }
            }
            result.append(token)
        }
        return result
    }

    private func markupToken(at start: Int, output: Bool) -> RawToken {
        let closer = output ? "}}" : "%}"
        var token = RawToken(kind: output ? .output : .tag, range: start..<scalars.count, inner: start..<start)
        var innerStart = start + 2
        if innerStart < scalars.count && scalars[innerStart] == "-" {
            token.trimLeft = true
            innerStart += 1
        }
        guard let end = find(closer, from: innerStart) else {
            token.closed = false
            token.inner = innerStart..<scalars.count
            return token
        }
        var innerEnd = end
        if innerEnd > innerStart && scalars[innerEnd - 1] == "-" {
            token.trimRight = true
            innerEnd -= 1
        }
        token.range = start..<(end + 2)
        token.inner = innerStart..<innerEnd
        if !output {
            var j = innerStart
            while j < innerEnd && isWhitespace(scalars[j]) { j += 1 }
            let nameStart = j
            if j < innerEnd && scalars[j] == "#" {
                j += 1
            } else {
                while j < innerEnd && isWordScalar(scalars[j]) { j += 1 }
            }
            token.name = string(scalars[nameStart..<j])
            token.nameRange = nameStart..<j
        }
        return token
    }
}

func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}": return true
    default: return false
    }
}

func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar {
    case "a"..."z", "A"..."Z", "0"..."9", "_": return true
    default: return false
    }
}

func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
    ScalarText.string(scalars)
}
