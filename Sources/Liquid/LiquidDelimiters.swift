/// automail's one Liquid delimiter scanner: where `{{ … }}` and `{% … %}` start and end, and where a
/// block whose body is not Liquid (`raw`, `comment`) ends. The Liquid lexer cuts templates with it, and
/// the Markdown renderer finds the constructs it must keep byte for byte with it, so that the two never
/// disagree on where a construct ends.
///
/// The rules are the reference tokenizer's (Shopify Liquid): `{{` runs to the first `}}`, `{%` to the
/// first `%}`, whatever is between; a `raw` body runs to the first tag whose name is `endraw`
/// (`{%`, an optional `-`, whitespace, the name, then anything up to `%}`). Offsets are Unicode-scalar
/// offsets into ``scalars``. Every search is a forward scan, so a caller that remembers a failed
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
    public func nextOpening(from start: Int) -> Int? {
        scalars.withUnsafeBufferPointer { buffer in
            // `i + 1 < buffer.count` keeps both reads within the buffer (no bounds check a scalar).
            var i = max(start, 0)
            while i + 1 < buffer.count {
                if buffer[i] == "{" {
                    let next = buffer[i + 1]
                    if next == "{" || next == "%" { return i }
                }
                i += 1
            }
            return nil
        }
    }

    /// Which construct opens at `index` (`{{` or `{%`), if any.
    public func opening(at index: Int) -> Construct? {
        guard index >= 0, index + 1 < scalars.count, scalars[index] == "{" else { return nil }
        switch scalars[index + 1] {
        case "{": return .output
        case "%": return .tag
        default: return nil
        }
    }

    /// The offset of the closing delimiter (`}}` or `%}`) of a `construct`, searched from `start` (the
    /// offset just after the opening delimiter); `nil` when it is never closed.
    public func closing(_ construct: Construct, from start: Int) -> Int? {
        let first: Unicode.Scalar = construct == .output ? "}" : "%"
        return scalars.withUnsafeBufferPointer { buffer in
            // `i + 1 < buffer.count` keeps both reads within the buffer (no bounds check a scalar).
            var i = max(start, 0)
            while i + 1 < buffer.count {
                if buffer[i] == first && buffer[i + 1] == "}" { return i }
                i += 1
            }
            return nil
        }
    }

    /// The name of the tag whose inside starts at `start` (after `{%` and its whitespace-control `-`, if
    /// any) and ends at `end`: after whitespace, `#` alone or a run of word characters; with its range.
    public func tagName(from start: Int, upTo end: Int) -> (name: String, range: Range<Int>) {
        let end = min(end, scalars.count)
        var j = max(start, 0)
        while j < end && Self.isWhitespace(scalars[j]) { j += 1 }
        let nameStart = j
        if j < end && scalars[j] == "#" {
            j += 1
        } else {
            while j < end && Self.isWordScalar(scalars[j]) { j += 1 }
        }
        return (ScalarText.string(scalars[nameStart..<j]), nameStart..<j)
    }

    /// The first tag named `name` (`endraw`, `endcomment`) at or after `start`: the offset of its `{%`
    /// and, when its `%}` is found, the offset just after it.
    public func endTag(named name: String, from start: Int) -> (start: Int, end: Int?)? {
        let wanted = Array(name.unicodeScalars)
        var search = max(start, 0)
        while let open = nextOpening(from: search) {
            guard opening(at: open) == .tag else {
                search = open + 1
                continue
            }
            var j = open + 2
            if j < scalars.count && scalars[j] == "-" { j += 1 }
            while j < scalars.count && Self.isWhitespace(scalars[j]) { j += 1 }
            if matches(wanted, at: j),
                j + wanted.count >= scalars.count || !Self.isWordScalar(scalars[j + wanted.count])
            {
                return (open, closing(.tag, from: j + wanted.count).map { $0 + 2 })
            }
            search = open + 2
        }
        return nil
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

    private func matches(_ pattern: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + pattern.count <= scalars.count else { return false }
        for offset in pattern.indices where scalars[index + offset] != pattern[offset] { return false }
        return true
    }
}
