import Liquid

// What `check` asks of a body with a Liquid block tag (AM622), read off the document without writing its HTML.

extension MailMarkdown {
    /// Whether this document (read from `document.text`) is known, without writing it, to convert to an HTML
    /// fragment (`renderHTMLFragment(markdown:)`, plain typography) that
    ///
    /// 1. holds the Liquid constructs of its source, byte for byte and in order, with text between them
    ///    that holds no `{` (so the fragment's constructs, as `LiquidTemplate.hasConstructs(alikeIn:)` cuts
    ///    them, are those of ``constructSkeleton(of:)``), and
    /// 2. has every `{%` outside every element (`VisibleContent.blockTagsStandOutsideElements` is true).
    ///
    /// `false` means "write the HTML to know". The answer is `true` only when:
    /// - every `{` of the protected text is in a construct: it has none, no autolink's URL has one, and no
    ///   construct has one past its opening delimiter, nor a `<` (it would count as an element);
    /// - the protected text has no `X` but its tokens' (one a token): no text can join into a token, even
    ///   where the writer drops a byte (`\`) or glues lines (block quotes);
    /// - every construct's token lies in the plain text (`.source`) of a paragraph, a list item or a block
    ///   quote, is met there in placeholder order (so it is written once, in order, and nowhere else: a token
    ///   in a heading, code, a link, a declaration or split across two pieces is never met), with ASCII bytes
    ///   on both sides once written (the token scan finds it on bytes and by Characters alike), and every
    ///   autolink's token likewise lies in such text (never inside an attribute);
    /// - every construct holding `{%` is in a paragraph of tags alone (written without its `<p>`) at the top
    ///   level, where the elements opened before it, counted as `blockTagsStandOutsideElements` counts them
    ///   (emphasis, the only elements the writer may leave open), are not more than those closed;
    /// - no link's text holds an emphasis element (a link's text is written or not by its hook), no heading
    ///   loses markup to Ink's trailing-`#` rule, and no image block stands next to a paragraph of tags.
    ///
    /// `LiquidApartDifferentialTests` holds every `true` to the written HTML.
    func keepsLiquidApart(_ document: ProtectedMarkdown) -> Bool {
        let placeholders = document.placeholders
        // Each construct's kind, read once, by placeholder index: one table of ``LiquidApartWalk/Kind`` bits
        // (three tables of flags were three allocations a body).
        var kinds = [UInt8](repeating: 0, count: placeholders.count)
        var order: [Int] = []
        order.reserveCapacity(placeholders.count)
        var autolinks = 0
        for (index, placeholder) in placeholders.enumerated() {
            switch placeholder.construct.kind {
            case .lessThan: continue
            case .autolink(let url):
                guard !url.utf8.contains(UInt8(ascii: "{")) else { return false }
                kinds[index] |= LiquidApartWalk.isAutolink
                autolinks += 1
            case .output, .tag:
                guard placeholder.construct.rawBody == nil else { return false }
                // Read on its contiguous bytes (a native string's), not through the view's iterator.
                var source = placeholder.source
                let (fits, tag) = source.withUTF8 { bytes -> (Bool, Bool) in
                    var tag = false
                    for offset in 0..<bytes.count {
                        let byte = bytes[offset]
                        if byte == UInt8(ascii: "<") || (byte == UInt8(ascii: "{") && offset >= 2) {
                            return (false, tag)
                        }
                        if byte == UInt8(ascii: "%"), offset == 1 || offset == 2 { tag = true }
                    }
                    return (true, tag)
                }
                guard fits else { return false }
                kinds[index] |= LiquidApartWalk.isConstruct | (tag ? LiquidApartWalk.holdsTag : 0)
                order.append(index)
            }
        }
        // No `{` in the protected text, and no `X` but one a token.
        // Each found eight bytes at a time (``UTF8Text/nextOffset(of:in:from:)``): most texts have neither.
        let textHolds = bytes.withUnsafeBufferPointer { buffer -> Bool in
            let count = buffer.count
            guard UTF8Text.nextOffset(of: UInt8(ascii: "{"), in: buffer, from: 0) == count else { return false }
            var exes = 0
            var i = UTF8Text.nextOffset(of: UInt8(ascii: "X"), in: buffer, from: 0)
            while i < count {
                exes += 1
                guard exes <= placeholders.count else { return false }
                i = UTF8Text.nextOffset(of: UInt8(ascii: "X"), in: buffer, from: i + 1)
            }
            return exes == placeholders.count
        }
        guard textHolds else { return false }

        var walk = LiquidApartWalk(
            reader: self, prefix: document.prefixBytes, kinds: kinds, order: order,
            unwrapping: TagParagraphs(document))
        for (position, block) in blocks.enumerated() {
            switch block {
            case .paragraph(let text):
                if walk.isUnwrapped(text) {
                    // Next to an image block, a token's neighbour is the image's hook output.
                    if position > 0, case .image = blocks[position - 1] { return false }
                    if position + 1 < blocks.count, case .image = blocks[position + 1] { return false }
                    guard walk.visitTags(text) else { return false }
                } else {
                    guard walk.visit(text) else { return false }
                }
            case .heading(_, let text):
                guard walk.headingKeepsMarkup(text), walk.visit(text, tokens: false) else { return false }
            case .blockquote(let text):
                guard walk.visit(text) else { return false }
            case .list(let root):
                guard visitItemTexts(ofList: root, { walk.visit($0) }) else { return false }
            case .code, .rule, .image:
                continue
            }
        }
        return walk.nextConstruct == order.count && walk.autolinksMet == autolinks
    }

    /// The constructs of `document`'s source, each once, in order, a line feed between them: a text with
    /// the Liquid constructs of the HTML fragment when ``keepsLiquidApart(_:)`` is true.
    static func constructSkeleton(of document: ProtectedMarkdown) -> String {
        // Gathered as bytes, room for every construct at once (a `String` append cost more than its bytes).
        var skeleton: [UInt8] = []
        var room = 0
        for placeholder in document.placeholders { room += placeholder.source.utf8.count + 1 }
        skeleton.reserveCapacity(room)
        for placeholder in document.placeholders {
            switch placeholder.construct.kind {
            case .output, .tag:
                var source = placeholder.source
                source.withUTF8 { skeleton.append(contentsOf: $0) }
                skeleton.append(UInt8(ascii: "\n"))
            case .autolink, .lessThan: continue
            }
        }
        return UTF8Text.string(skeleton)
    }
}

/// The walk of ``MailMarkdown/keepsLiquidApart(_:)`` over the blocks, in the writer's order.
private struct LiquidApartWalk {
    let reader: MailMarkdown
    let prefix: [UInt8]
    /// Each placeholder's kind: ``isConstruct``, ``holdsTag`` and ``isAutolink`` bits.
    let kinds: [UInt8]
    /// A Liquid construct of the source (an output or a tag).
    static let isConstruct: UInt8 = 1
    /// A construct holding `{%`.
    static let holdsTag: UInt8 = 2
    /// An autolink.
    static let isAutolink: UInt8 = 4
    /// The constructs' placeholder indices, in order.
    let order: [Int]
    let unwrapping: TagParagraphs?
    /// The constructs met so far: `order[nextConstruct]` is the next one expected.
    var nextConstruct = 0
    var autolinksMet = 0
    /// Elements opened less elements closed, over the blocks walked.
    var depth = 0

    /// Whether the writer writes `text`'s paragraph without its `<p>`: plain text only, which is tokens of
    /// placeholders that stand alone and spaces (``TagParagraphs/holdsOnlyTags(_:from:)``, as the writer asks).
    func isUnwrapped(_ text: MailMarkdown.Text) -> Bool {
        let parts = reader.parts(text)
        guard let unwrapping, let first = parts.first else { return false }
        // Most such paragraphs are one piece, read in place; several are copied together first.
        if parts.count == 1, case .source(let range) = first {
            // `range` lies within the reader's bytes (a piece of its text).
            return reader.bytes.withUnsafeBufferPointer {
                unwrapping.holdsOnlyTags(UnsafeBufferPointer(rebasing: $0[range]))
            }
        }
        var written: [UInt8] = []
        for part in parts {
            guard case .source(let range) = part else { return false }
            written += reader.bytes[range]
        }
        return unwrapping.holdsOnlyTags(written, from: 0)
    }

    /// Meets the tokens of a paragraph of tags alone, at the top level: each may hold `{%` where no element
    /// is open.
    mutating func visitTags(_ text: MailMarkdown.Text) -> Bool {
        for part in reader.parts(text) {
            guard case .source(let range) = part else { return false }
            guard meetTokens(in: range, tagsAllowed: depth <= 0, startIsASCII: true, endIsASCII: true) else {
                return false
            }
        }
        return true
    }

    /// Meets the tokens and counts the emphasis of a text written inside an element; `tokens: false` where
    /// no construct or autolink may stand (a heading).
    mutating func visit(_ text: MailMarkdown.Text, tokens: Bool = true) -> Bool {
        // Indices are those of the reader's parts (a slice's): `index - 1` and `index + 1` are the neighbours.
        let parts = reader.parts(text)
        for index in parts.indices {
            let part = parts[index]
            switch part {
            case .source(let range):
                // A token at an end of this piece has the neighbouring piece's bytes beside it once written.
                func neighbourIsASCII(_ neighbour: Int, last: Bool) -> Bool {
                    guard neighbour >= parts.startIndex, neighbour < parts.endIndex else { return true }
                    switch parts[neighbour] {
                    case .link: return false
                    case .source(let other):
                        guard !other.isEmpty else { return false }
                        return reader.bytes[last ? other.upperBound - 1 : other.lowerBound] < 0x80
                    case .linebreak, .softbreak, .literal, .marker, .code: return true
                    }
                }
                let constructsBefore = nextConstruct
                let autolinksBefore = autolinksMet
                guard
                    meetTokens(
                        in: range, tagsAllowed: false, startIsASCII: neighbourIsASCII(index - 1, last: true),
                        endIsASCII: neighbourIsASCII(index + 1, last: false))
                else { return false }
                if !tokens, nextConstruct != constructsBefore || autolinksMet != autolinksBefore { return false }
            case .marker(let marker):
                let marker = reader.markers[marker]
                if marker.valid { depth += marker.closing ? -1 : 1 }
            case .link(let link):
                guard !holdsEmphasis(reader.links[link].text, depth: 0) else { return false }
            case .linebreak, .softbreak, .literal, .code:
                continue
            }
        }
        return true
    }

    /// Whether a link's text holds a valid emphasis marker, in it or in a link nested in it.
    func holdsEmphasis(_ text: MailMarkdown.Text, depth: Int) -> Bool {
        // Links nest at most `maxLinkDepth` deep: deeper is answered "yes" (unknown), never recursed into.
        guard depth <= MailMarkdown.maxLinkDepth + 1 else { return true }
        for part in reader.parts(text) {
            switch part {
            case .marker(let marker): if reader.markers[marker].valid { return true }
            case .link(let link): if holdsEmphasis(reader.links[link].text, depth: depth + 1) { return true }
            default: continue
            }
        }
        return false
    }

    /// Whether Ink's trailing-`#` rule (``MailMarkdownHTMLWriter/write(_:)``) leaves a heading's markup whole:
    /// its HTML does not end with `#` (its last piece is text not ending with one, or markup), or it is text
    /// alone (the rule then takes text only).
    func headingKeepsMarkup(_ text: MailMarkdown.Text) -> Bool {
        let parts = reader.parts(text)
        guard let last = parts.last else { return true }
        switch last {
        case .source(let range):
            if let byte = reader.bytes[range].last, byte != UInt8(ascii: "#") { return true }
        case .linebreak, .softbreak, .literal, .marker, .code: return true
        case .link: break
        }
        return parts.allSatisfy { part in
            if case .source = part { return true }
            return false
        }
    }

    /// Meets the tokens of `bytes[range]` (text the writer copies as it is): constructs in placeholder
    /// order, each with ASCII neighbours (`startIsASCII` and `endIsASCII` answer for a token at an end),
    /// holding `{%` only where `tagsAllowed`; autolinks counted. `false` when the token scan gives up (a
    /// token next to a non-ASCII byte) or a construct is met out of order or where it may not stand.
    mutating func meetTokens(
        in range: Range<Int>, tagsAllowed: Bool, startIsASCII: Bool, endIsASCII: Bool
    ) -> Bool {
        guard !range.isEmpty else { return true }
        // The tables and counts as locals: the scan's closure then captures no `self`.
        let (kinds, order) = (kinds, order)
        var nextConstruct = self.nextConstruct
        var autolinksMet = self.autolinksMet
        var fits = true
        let complete = reader.bytes.withUnsafeBufferPointer { buffer in
            // `range` lies within the reader's bytes (a piece of its text).
            ProtectedMarkdown.scanTokens(
                UnsafeBufferPointer(rebasing: buffer[range]), prefix: prefix, placeholderCount: kinds.count
            ) { token, index in
                guard fits else { return }
                let kind = kinds[index]
                guard kind & Self.isConstruct != 0 else {
                    if kind & Self.isAutolink != 0 { autolinksMet += 1 }
                    return
                }
                guard nextConstruct < order.count, index == order[nextConstruct],
                    kind & Self.holdsTag == 0 || tagsAllowed,
                    token.lowerBound > 0 || startIsASCII, token.upperBound < range.count || endIsASCII
                else {
                    fits = false
                    return
                }
                nextConstruct += 1
            }
        }
        guard complete, fits else { return false }
        self.nextConstruct = nextConstruct
        self.autolinksMet = autolinksMet
        return true
    }
}
