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
    /// ``range`` in Unicode-scalar offsets.
    var scalarRange: Range<Int> = 0..<0
    /// ``nameRange`` in Unicode-scalar offsets.
    var scalarNameRange: Range<Int> = 0..<0
}

/// Cuts a template into text, outputs and tags, treating `raw` bodies as text. Where a construct ends
/// is ``LiquidDelimiters``' answer (its scans, on scalars or bytes), the one the Markdown renderer uses too.
struct Lexer<Text: MarkupText> {
    let scalars: Text

    init(_ scalars: Text) {
        self.scalars = scalars
    }

    func tokens() -> [RawToken] {
        var result: [RawToken] = []
        // Most texts are a few tokens: one allocation instead of growing from empty four times.
        result.reserveCapacity(16)
        func append(_ token: RawToken) { result.append(token) }
        var i = 0
        while i < scalars.count {
            guard let start = scalars.nextOpening(from: i) else {
                append(RawToken(kind: .text, range: i..<scalars.count, inner: i..<scalars.count))
                break
            }
            if start > i { append(RawToken(kind: .text, range: i..<start, inner: i..<start)) }
            let isOutput = scalars.opening(at: start) == .output
            var token = markupToken(at: start, output: isOutput)
            i = token.range.upperBound
            if !isOutput && token.tag == .raw && token.closed {
                // The body runs to the first `{% endraw %}`, whatever it contains.
                guard let end = scalars.endTag(named: "endraw", from: i) else {
                    append(token)
                    append(RawToken(kind: .rawBody, range: i..<scalars.count, inner: i..<scalars.count))
                    i = scalars.count
                    continue
                }
                append(token)
                append(RawToken(kind: .rawBody, range: i..<end.start, inner: i..<end.start))
                token = markupToken(at: end.start, output: false)
                i = token.range.upperBound
            }
            append(token)
        }
        // The ranges a template reports, in scalars: converted in place, once the tokens are cut.
        for k in result.indices {
            let range = result[k].range
            result[k].scalarRange = scalars.scalarOffset(range.lowerBound)..<scalars.scalarOffset(range.upperBound)
            if result[k].kind == .tag {
                let name = result[k].nameRange
                result[k].scalarNameRange =
                    scalars.scalarOffset(name.lowerBound)..<scalars.scalarOffset(name.upperBound)
            }
        }
        return result
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
