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
/// Its offsets are in units of the text lexed (``MarkupText``: scalars or bytes); ``scalarRange`` and
/// ``scalarNameRange`` are in Unicode scalars, what a template reports.
///
/// It holds no reference (a tag's name is a ``TagName`` and a range, its text made only when a
/// message or an unknown tag needs it): the lexer's array of tokens grows and is read without a
/// retain or a release a token.
struct RawToken {
    enum Kind { case text, output, tag, rawBody }
    var kind: Kind
    var range: Range<Int>
    /// The markup between the delimiters and whitespace-control dashes.
    var inner: Range<Int>
    var trimLeft = false
    var trimRight = false
    /// The tag's name when it is one the parser acts on; `.other` for any other (its text is at
    /// ``nameRange``: ``MarkupText/name(of:)``).
    var tag: TagName = .other
    var nameRange: Range<Int> = 0..<0
    /// Whether the closing delimiter was found.
    var closed = true
    /// ``range`` in Unicode-scalar offsets, for an output or a tag (`0..<0` for a text or a `raw` body,
    /// which the parser cuts by ``range``).
    var scalarRange: Range<Int> = 0..<0
    /// ``nameRange`` in Unicode-scalar offsets.
    var scalarNameRange: Range<Int> = 0..<0
}

/// Cuts a template into text, outputs and tags, treating `raw` bodies as text. Where a construct ends
/// is ``LiquidDelimiters``' answer (its scans, on scalars or bytes), the one the Markdown renderer uses too.
///
/// It cuts a token at a time (``next()``): the parser reads them as they come, with no array of them.
struct Lexer<Text: MarkupText> {
    let scalars: Text
    /// Where the next token to cut starts.
    private var i = 0
    /// The offset of the next `{{` or `{%` when already found (after the text before it).
    private var knownOpening: Int?
    /// Tokens cut ahead, in order (a `raw` tag is followed by its body and its `endraw` tag).
    private var ahead: (RawToken?, RawToken?) = (nil, nil)

    init(_ scalars: Text) {
        self.scalars = scalars
    }

    /// Every token, in order: concatenating their ranges gives the whole text.
    func tokens() -> [RawToken] {
        var lexer = self
        var result: [RawToken] = []
        // Most texts are a few tokens: one allocation instead of growing from empty four times.
        result.reserveCapacity(16)
        while let token = lexer.next() { result.append(token) }
        return result
    }

    /// The next token, its ranges a template reports converted to scalars; `nil` at the end.
    mutating func next() -> RawToken? {
        if let token = ahead.0 {
            ahead = (ahead.1, nil)
            return converted(token)
        }
        guard i < scalars.count else { return nil }
        let found = knownOpening ?? scalars.nextOpening(from: i)
        knownOpening = nil
        guard let start = found else {
            let token = RawToken(kind: .text, range: i..<scalars.count, inner: i..<scalars.count)
            i = scalars.count
            return converted(token)
        }
        if start > i {
            let token = RawToken(kind: .text, range: i..<start, inner: i..<start)
            i = start
            knownOpening = start
            return converted(token)
        }
        let isOutput = scalars.opening(at: start) == .output
        let token = markupToken(at: start, output: isOutput)
        i = token.range.upperBound
        if !isOutput && token.tag == .raw && token.closed {
            // The body runs to the first `{% endraw %}`, whatever it contains.
            guard let end = scalars.endTag(named: "endraw", from: i) else {
                ahead.0 = RawToken(kind: .rawBody, range: i..<scalars.count, inner: i..<scalars.count)
                i = scalars.count
                return converted(token)
            }
            ahead.0 = RawToken(kind: .rawBody, range: i..<end.start, inner: i..<end.start)
            let endToken = markupToken(at: end.start, output: false)
            ahead.1 = endToken
            i = endToken.range.upperBound
        }
        return converted(token)
    }

    /// `token` with the ranges a template reports, in scalars: an output's or a tag's (a text's are never
    /// reported, nor converted).
    private func converted(_ token: RawToken) -> RawToken {
        guard token.kind == .output || token.kind == .tag else { return token }
        var token = token
        let range = token.range
        token.scalarRange = scalars.scalarOffset(range.lowerBound)..<scalars.scalarOffset(range.upperBound)
        if token.kind == .tag {
            let name = token.nameRange
            token.scalarNameRange = scalars.scalarOffset(name.lowerBound)..<scalars.scalarOffset(name.upperBound)
        }
        return token
    }

    private func markupToken(at start: Int, output: Bool) -> RawToken {
        var token = RawToken(kind: output ? .output : .tag, range: start..<scalars.count, inner: start..<start)
        var innerStart = start + 2
        if innerStart < scalars.count && scalars[innerStart] == "-" {
            token.trimLeft = true
            innerStart += 1
        }
        guard let end = scalars.closing(output ? .output : .tag, from: innerStart) else {
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
            token.nameRange = scalars.tagNameRange(from: innerStart, upTo: innerEnd)
            token.tag = TagName.named(scalars, token.nameRange)
        }
        return token
    }
}

/// The names of the tags the parser acts on, recognised on the markup's units without making a
/// `String` (the name of a known tag is its raw value, a literal).
enum TagName: String {
    case `if`, elsif, `else`, endif, unless, endunless, `case`, when, endcase
    case comment, endcomment, raw, endraw, assign, capture, endcapture
    /// Any other name, or none.
    case other

    /// The name of units `range` of `text`: a known tag's, or `.other`.
    static func named<Text: MarkupText>(_ text: Text, _ range: Range<Int>) -> TagName {
        func check(_ name: TagName) -> Bool { text.holds(name.rawValue, at: range) }
        switch range.count {
        case 2: return check(.if) ? .if : .other
        case 3: return check(.raw) ? .raw : .other
        case 4: return check(.else) ? .else : check(.case) ? .case : check(.when) ? .when : .other
        case 5: return check(.elsif) ? .elsif : check(.endif) ? .endif : .other
        case 6: return check(.unless) ? .unless : check(.assign) ? .assign : check(.endraw) ? .endraw : .other
        case 7: return check(.comment) ? .comment : check(.capture) ? .capture : check(.endcase) ? .endcase : .other
        case 9: return check(.endunless) ? .endunless : .other
        case 10: return check(.endcomment) ? .endcomment : check(.endcapture) ? .endcapture : .other
        default: return .other
        }
    }
}

func isWhitespace(_ scalar: Unicode.Scalar) -> Bool { LiquidDelimiters.isWhitespace(scalar) }

func isWordScalar(_ scalar: Unicode.Scalar) -> Bool { LiquidDelimiters.isWordScalar(scalar) }

func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
    ScalarText.string(scalars)
}
