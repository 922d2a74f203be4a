/// automail's one Liquid delimiter scanner: where `{{ … }}` and `{% … %}` start and end, and where a
/// block whose body is not Liquid (`raw`, `comment`) ends. The Liquid lexer cuts templates with it, and
/// the Markdown renderer finds the constructs it must keep byte for byte with it, so that the two never
/// disagree on where a construct ends.
///
/// The rules are the reference tokenizer's (Shopify Liquid): `{{` runs to the first `}}`, `{%` to the
/// first `%}`, whatever is between; a `raw` body runs to the first tag whose name is `endraw`
/// (`{%`, an optional `-`, whitespace, the name, then anything up to `%}`). Offsets are Unicode-scalar
/// offsets into ``scalars``. The scans are `MarkupText`'s, which the Liquid parser runs on the
/// source's UTF-8 bytes: one scanner, on scalars or on bytes. Every search is a forward scan, so a caller that remembers a failed
/// search (no `}}` after offset n means none after any later offset) stays linear on hostile input.
public struct LiquidDelimiters: Sendable {
    /// The two kinds of construct.
    public enum Construct: Sendable {
        /// `{{ … }}`.
        case output
        /// `{% … %}`.
        case tag
    }

    /// The text being scanned.
    public let scalars: [Unicode.Scalar]

    /// A scanner over `scalars`.
    public init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    /// The offset of the next `{{` or `{%` at or after `start`.
    public func nextOpening(from start: Int) -> Int? { scalars.nextOpening(from: start) }

    /// Which construct opens at `index` (`{{` or `{%`), if any.
    public func opening(at index: Int) -> Construct? { scalars.opening(at: index) }

    /// The offset of the closing delimiter (`}}` or `%}`) of a `construct`, searched from `start` (the
    /// offset just after the opening delimiter); `nil` when it is never closed.
    public func closing(_ construct: Construct, from start: Int) -> Int? { scalars.closing(construct, from: start) }

    /// The name of the tag whose inside starts at `start` (after `{%` and its whitespace-control `-`, if
    /// any) and ends at `end`: after whitespace, `#` alone or a run of word characters; with its range.
    public func tagName(from start: Int, upTo end: Int) -> (name: String, range: Range<Int>) {
        scalars.tagName(from: start, upTo: end)
    }

    /// The first tag named `name` (`endraw`, `endcomment`) at or after `start`: the offset of its `{%`
    /// and, when its `%}` is found, the offset just after it.
    public func endTag(named name: String, from start: Int) -> (start: Int, end: Int?)? {
        scalars.endTag(named: name, from: start)
    }

    /// Liquid's whitespace: space, tab, line feed, vertical tab, form feed, carriage return.
    public static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}": return true
        default: return false
        }
    }

    /// A character of a Liquid name: an ASCII letter, digit or `_`.
    public static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_": return true
        default: return false
        }
    }
}
