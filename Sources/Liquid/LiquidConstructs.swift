#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
/// Whether two texts hold the same Liquid constructs, compared on their UTF-8 bytes without parsing
/// either: what lets the template rules skip parsing a Markdown conversion whose Liquid is the source's.
extension LiquidTemplate {
    /// Whether `other` holds exactly this template's Liquid constructs (`{{ … }}` and `{% … %}`), byte
    /// for byte and in the same order, with only text between them, this template having no `case`,
    /// `comment` or `raw` block. Then `LiquidTemplate.parse(other)` finds no issue, as the parse of this
    /// template found none: the parser's issues depend on the constructs alone, save three places where
    /// it reads the text between them (the text between `case` and its first `when`, a `comment` body
    /// and a `raw` body), which such a template does not have. `false` means "parse `other` to know".
    ///
    /// The constructs are cut as ``LiquidDelimiters`` cuts them (`{{` to the first `}}`, `{%` to the
    /// first `%}`), on bytes: every delimiter is ASCII, and no byte of a multi-byte UTF-8 scalar is, so
    /// the bytes give the same cuts as the scalars. `LiquidConstructsDifferentialTests` holds the claim
    /// to the parser on generated texts and on the Markdown conversions of the rule examples.
    public func hasConstructs(alikeIn other: String) -> Bool {
        // `tags.contains { Self.textReadingTags.contains($0.name) }`, as the parser found it.
        guard !readsTextBetweenConstructs else { return false }
        var (source, other) = (source, other)
        return source.withUTF8 { mine in
            other.withUTF8 { theirs in Self.sameConstructs(mine, theirs) }
        }
    }

    /// The tags after which the parser reads the text that follows, not only the constructs (the
    /// definition of ``readsTextBetweenConstructs``, `ParserSnapshotTests`).
    static let textReadingTags: Set<String> = ["case", "when", "endcase", "comment", "raw", "endraw"]

    /// Whether `a` and `b` hold the same closed constructs, byte for byte, in the same order.
    static func sameConstructs(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var (i, j) = (0, 0)
        while true {
            let left = nextConstruct(a, from: i)
            let right = nextConstruct(b, from: j)
            switch (left, right) {
            case (.none, .none): return true
            case (.closed(let l), .closed(let r)):
                // Both ranges lie within their buffers (`nextConstruct` returns ranges inside them, each
                // with a base address): `memcmp` reads `l.count` bytes from each range's start, within it.
                guard l.count == r.count, let baseA = a.baseAddress, let baseB = b.baseAddress,
                    memcmp(baseA + l.lowerBound, baseB + r.lowerBound, l.count) == 0
                else { return false }
                (i, j) = (l.upperBound, r.upperBound)
            default: return false
            }
        }
    }

    /// A construct found by ``nextConstruct(_:from:)``.
    enum FoundConstruct: Equatable {
        /// No `{{` or `{%` from there on.
        case none
        /// A construct and its byte range, delimiters included.
        case closed(Range<Int>)
        /// A construct whose closing delimiter never comes.
        case unclosed
    }

    /// The first construct at or after byte `start` of `bytes`, as ``LiquidDelimiters/nextOpening(from:)``
    /// and ``LiquidDelimiters/closing(_:from:)`` find it (the closing searched from just after the
    /// opening: the whitespace-control `-` the lexer skips first is neither `}` nor `%`).
    static func nextConstruct(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> FoundConstruct {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return .none }
        var i = start
        while i + 1 < count {
            // The next `{` found by `memchr`, which reads the `count - i` bytes from `i`, within the buffer.
            guard let found = memchr(UnsafeRawPointer(base) + i, Int32(UInt8(ascii: "{")), count - i) else {
                return .none
            }
            i = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
            guard i + 1 < count else { return .none }
            let second = bytes[i + 1]
            guard second == UInt8(ascii: "{") || second == UInt8(ascii: "%") else {
                i += 1
                continue
            }
            let first = second == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "%")
            // The first `}` at `p >= i + 3` after `first` at `p - 1 >= i + 2`: the first `first` `}` pair
            // from `i + 2`, each `}` found by `memchr` over the `count - p` bytes from `p`.
            var p = i + 3
            while p < count,
                let close = memchr(UnsafeRawPointer(base) + p, Int32(UInt8(ascii: "}")), count - p)
            {
                p = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(close))
                if bytes[p - 1] == first { return .closed(i..<(p + 1)) }
                p += 1
            }
            return .unclosed
        }
        return .none
    }
}
