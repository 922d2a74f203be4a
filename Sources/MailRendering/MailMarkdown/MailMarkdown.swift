import Liquid

/// automail's own Markdown reader and HTML writer, on UTF-8 bytes.
///
/// It reads the Markdown subset Ink 0.6.0 (MIT, John Sundell) reads and writes the same HTML, quirks
/// included (paragraph lines joined with a space, a blockquote's lines glued, `## a##` losing its last
/// letter), so that templates render as they always have. What it does not take from Ink:
///
/// - time: every scan is linear. A link that fails to parse is remembered by position (Ink retried it,
///   exponentially in nested `[`), and a link nested in a failed link fails with it (Ink reached the
///   same failure again). `&…;`, `](…)` and `][…]` scans use tables built once.
/// - depth: links nest at most ``maxLinkDepth`` deep and lists ``maxListDepth`` deep; deeper ones are
///   text. Ink needs exponential time or overflows its stack well before these depths.
/// - memory safety: every read is bounds-checked (Ink 0.6.0 reads past the end of `- a\n  `).
///
/// Unsupported on purpose: raw HTML (the caller turns every `<` into a placeholder) and tables (a
/// `|` line is a paragraph).
///
/// A "character" here is a Unicode scalar, except `\r\n`, one character as in Swift. The one known
/// difference from Ink follows: a combining mark right after a marker (`*\u{301}`) made one Swift
/// Character that Ink did not take for the marker; here the marker counts.
struct MailMarkdown {
    /// Links deeper than this inside link text are text.
    static let maxLinkDepth = 32
    /// Lists deeper than this are continuation text of their parent's last item.
    static let maxListDepth = 32

    /// Callbacks for the fragments the caller checks or rewrites, in document order. Ranges are UTF-8
    /// offsets of the fragment's Markdown source; `html` is what Ink would write for it.
    struct Hooks {
        /// An inline code span `` `…` ``.
        var inlineCode: (_ raw: Range<Int>, _ html: String) -> String
        /// A fenced code block.
        var codeBlock: (_ raw: Range<Int>, _ html: String) -> String
        /// A link (`isImage` false) or an image.
        var link: (_ raw: Range<Int>, _ html: String, _ isImage: Bool) -> String
    }

    // MARK: - Tree

    /// An emphasis style; raw values are bits of a set of open styles.
    enum Style: UInt8 {
        case italic = 1
        case bold = 2
        case strikethrough = 4
    }

    /// A marker's own bytes, at most two (`*`, `**`, `~~`…), held inline: an array a marker cost an
    /// allocation, a retain at each copy and a release at the reader's end.
    struct MarkerBytes: Equatable {
        private var first: UInt8 = 0
        private var second: UInt8 = 0
        private(set) var count = 0

        init(_ first: UInt8) {
            self.first = first
            count = 1
        }

        init(_ first: UInt8, _ second: UInt8) {
            (self.first, self.second) = (first, second)
            count = 2
        }

        var isEmpty: Bool { count == 0 }

        /// Removes and returns the last byte, if any.
        mutating func popLast() -> UInt8? {
            guard count > 0 else { return nil }
            count -= 1
            return count == 1 ? second : first
        }

        /// Removes the last byte (there is one: the reader removes it from a marker of two).
        mutating func removeLast() { _ = popLast() }

        /// Removes and returns the first byte, if any.
        mutating func popFirst() -> UInt8? {
            guard count > 0 else { return nil }
            let byte = first
            first = second
            count -= 1
            return byte
        }

        /// Adds `byte` in front. The reader gives back only a byte it took (`popFirst`), so there is room: at
        /// two bytes already nothing changes (never reached).
        mutating func prepend(_ byte: UInt8) {
            guard count < 2 else { return }
            second = first
            first = byte
            count += 1
        }

        /// Adds `byte` at the end; as ``prepend(_:)``, only a byte taken before (`popLast`).
        mutating func append(_ byte: UInt8) {
            guard count < 2 else { return }
            if count == 0 { first = byte } else { second = byte }
            count += 1
        }

        /// Appends the bytes to `out`.
        func write(to out: inout [UInt8]) {
            if count > 0 { out.append(first) }
            if count > 1 { out.append(second) }
        }
    }

    /// An emphasis marker, resolved once its text is read.
    struct Marker {
        var style: Style
        var raw: MarkerBytes
        let lower: Int
        let upper: Int
        var closing = false
        var valid = true
        var prefix: UInt8?
        var suffix: UInt8?
    }

    /// A piece of formatted text.
    enum Part {
        case linebreak
        /// A single newline inside a paragraph: a space for Ink, a line break for email authors.
        case softbreak
        case source(Range<Int>)
        case literal(StaticString)
        case marker(Int)
        case code(raw: Range<Int>, content: Range<Int>)
        case link(Int)
    }

    /// Formatted text: Ink's `FormattedText`, as a range of the reader's parts (``parts(_:)``): those of a
    /// link's text in ``linkParts``, the others in ``blockParts``. An array of parts a text cost an allocation
    /// a paragraph, list item and link, a retain at each copy and a release at the reader's end.
    struct Text {
        /// The text's parts, `blockParts[range]` or `linkParts[range]`.
        var range: Range<Int> = 0..<0
        /// Whether the parts are in ``linkParts``.
        var inLink = false
    }

    /// The parts of `text`, in order.
    func parts(_ text: Text) -> ArraySlice<Part> {
        text.inLink ? linkParts[text.range] : blockParts[text.range]
    }

    /// A link or an image.
    struct LinkNode {
        var isImage: Bool
        var text: Text
        /// The URL, or the reference name.
        var target: Range<Int>
        var isReference: Bool
        var raw: Range<Int>
    }

    struct ListItem {
        var text: Text
        /// The item's later lines that could not extend `text` in place (a nested list's items were read
        /// between them), each starting with the space that joins it: written after `text`, in order.
        var continued: [Text] = []
        var nested: Int?
    }

    struct ListNode {
        var ordered: Bool
        var first: Int
        var marker: UInt8
        var items: [ListItem] = []
    }

    /// Visits the texts of list `root`'s items in the writer's order (an item's text, then its nested
    /// list, then the next item), without recursion; stops, and returns `false`, when `visit` does.
    func visitItemTexts(ofList root: Int, _ visit: (Text) -> Bool) -> Bool {
        var stack: [(list: Int, item: Int)] = [(root, 0)]
        while let frame = stack.last {
            let list = lists[frame.list]
            guard frame.item < list.items.count else {
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].item += 1
            let item = list.items[frame.item]
            guard visit(item.text) else { return false }
            for text in item.continued {
                guard visit(text) else { return false }
            }
            if let nested = item.nested { stack.append((nested, 0)) }
        }
        return true
    }

    enum Block {
        case paragraph(Text)
        case heading(Int, Text)
        case list(Int)
        case blockquote(Text)
        case code(raw: Range<Int>, language: Range<Int>, content: [Range<Int>])
        case rule
        case image(Int)
    }

    /// ASCII bytes that never start markup, whitespace or an escape in text.
    static let isPlain: [Bool] = (0..<256).map { byte in
        guard byte >= 0x21, byte < 0x7F else { return false }
        return "*_~`[]!\\&<>".utf8.contains(UInt8(byte)) == false
    }

    // MARK: - State

    let bytes: [UInt8]
    let end: Int
    var markers: [Marker] = []
    var links: [LinkNode] = []
    var lists: [ListNode] = []
    var blocks: [Block] = []
    /// The parts of the texts of blocks and list items (``Text``), each text's contiguous.
    var blockParts: [Part] = []
    /// The parts of the texts of links (``Text``), each text's contiguous.
    var linkParts: [Part] = []
    /// The parts of the texts being read (a link's text is read within its paragraph's): each text's from
    /// where its reading began, moved to ``blockParts`` or ``linkParts`` once read.
    var scratch: [Part] = []
    /// `[name]: url` declarations, last one wins (as in Ink).
    var urls: [[UInt8]: Range<Int>] = [:]
    /// Link parse results by the position of their `[`: 0 not read yet, -1 no link, else link index + 1.
    var linkMemo: [Int32] = []
    /// The position of the `[` that `linkMemo[0]` is about.
    var linkMemoBase = 0
    /// The index of the last `]`: a `[` after it starts no link.
    let lastClosingBracket: Int
    /// Scan tables, built on first use: see ``entityEnd(from:)``, ``closingBracket(from:)`` and
    /// ``matchingParenthesis(of:)``.
    var entityStops: [Int32] = []
    var bracketStops: [Int32] = []
    var parenMatches: [Int32] = []
    /// Whether ``matchingParenthesis(of:)`` was asked about a `(` already (it makes ``parenMatches`` from the
    /// second one on).
    var askedParenthesis = false

    /// Reads `text` (trailing spaces and tabs ignored, as the caller always did for Ink).
    init(_ text: String) {
        self.init(bytes: Array(text.utf8))
    }

    /// Reads the UTF-8 bytes of a text (``ProtectedMarkdown/textBytes``: its own, not copied again).
    init(bytes: [UInt8]) {
        self.bytes = bytes
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        self.end = end
        lastClosingBracket = bytes[..<end].lastIndex(of: 0x5D) ?? -1
        // Most bodies have a few paragraphs and a list: room for them at once, not grown four times.
        blocks.reserveCapacity(16)
        // A part every sixteen bytes: room for most bodies' texts at once.
        blockParts.reserveCapacity(end / 16 + 16)
        readDocument()
    }
}
