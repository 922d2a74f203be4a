import Liquid

/// Renders a Markdown body (with Liquid merge tags) to an HTML fragment, keeping every Liquid
/// construct byte for byte and refusing raw HTML and unsafe links.
///
/// The returned HTML is always safe to embed: raw HTML is escaped, unsafe links lose their
/// anchor, and every `<` in the output comes from the writer's own markup or from Liquid source.
///
/// A single newline in a paragraph is a line break (`<br>`), as email authors mean it; a paragraph
/// holding only a link followed by `{.button}` is marked as a button (`<p class="am-button">`), which
/// the default layout draws as a bulletproof button; `typography` applies a locale's spacing rules.
public func renderHTMLFragment(markdown: String, typography: Typography = .none) -> (
    html: String, issues: [MarkdownIssue]
) {
    htmlFragment(of: MarkdownConversion(markdown: markdown, typography: typography))
}

/// A Markdown body converted once: its HTML fragment, its plain text and its issues, the same as
/// `renderHTMLFragment(markdown:)`, `renderText(markdown:)` and `checkMarkdown(_:)` give, for a third
/// of their cost together (the Markdown is read once).
public struct RenderedMarkdown: Sendable, Hashable {
    /// The HTML fragment (`renderHTMLFragment(markdown:).html`).
    public var html: String
    /// The plain text (`renderText(markdown:)`).
    public var text: String
    /// The issues (`checkMarkdown(_:)`).
    public var issues: [MarkdownIssue]

    /// Converts `markdown` once, with the typography of its locale.
    public init(markdown: String, typography: Typography = .none) {
        self.init(markdown: markdown, settings: ConversionSettings(typography: typography))
    }

    /// Converts `markdown` once, with its locale's typography, the text part holding the known values.
    public init(markdown: String, settings: ConversionSettings) {
        let conversion = MarkdownConversion(markdown: markdown, typography: settings.typography)
        html = htmlFragment(of: conversion).html
        text = PlainTextWriter.streamedText(
            fromHTML: conversion.protectedHTML, document: conversion.protectedDocument, settings: settings)
        issues = conversion.issues
    }
}

private func htmlFragment(of conversion: MarkdownConversion) -> (html: String, issues: [MarkdownIssue]) {
    let document = conversion.protectedDocument
    // The placeholder read in place, not copied to be handed over.
    let html = document.replacingTokens(
        in: conversion.protectedHTML,
        byIndex: { index in
            switch document.placeholders[index].construct.kind {
            case .output: return document.placeholders[index].source
            case .tag:
                // `{% raw %}` prints its body literally: in HTML that literal text must be escaped.
                let placeholder = document.placeholders[index]
                guard let body = placeholder.construct.rawBody else { return placeholder.source }
                let scalars = ScalarText.scalars(of: placeholder.source)
                let start = placeholder.construct.range.lowerBound
                let bodyRange = (body.lowerBound - start)..<(body.upperBound - start)
                guard bodyRange.lowerBound >= 0, bodyRange.upperBound <= scalars.count else {
                    return placeholder.source
                }
                return ScalarText.string(scalars[..<bodyRange.lowerBound])
                    + HTMLEscaper.escape(.text, ScalarText.string(scalars[bodyRange]))
                    + ScalarText.string(scalars[bodyRange.upperBound...])
            case .lessThan: return "&lt;"
            case .autolink(let url):
                let escaped = HTMLEscaper.escape(.attribute, url)
                return "<a href=\"\(escaped)\">\(HTMLEscaper.escape(.text, url))</a>"
            }
        })
    return (html, conversion.issues)
}

/// What `check` needs of a Markdown body whose Liquid has a block tag: its issues, and its HTML fragment
/// unless that fragment is known without writing it to hold the Liquid as its source holds it.
public struct MarkdownLiquidCheck: Sendable {
    /// The issues (`checkMarkdown(_:)`).
    public var issues: [MarkdownIssue]
    /// The HTML fragment (`renderHTMLFragment(markdown:).html`), or `nil` when it was not written because it
    /// holds the constructs of the template it was checked against, alike (`hasConstructs(alikeIn:)` is
    /// true of it), with every Liquid tag outside every element (`VisibleContent.blockTagsStandOutsideElements`
    /// is true of it): then neither its Liquid nor any of its paths needs a look. Also `nil` past the Markdown
    /// bounds (a `.tooComplex` issue), where nothing is converted.
    public var html: String?
}

/// Checks a Markdown body whose Liquid parsed as `template`, writing its HTML fragment only when what the
/// converted-Liquid check (AM622) reads of it is not known without it (``MarkdownLiquidCheck/html``).
public func checkMarkdown(_ markdown: String, keepingLiquidOf template: LiquidTemplate) -> MarkdownLiquidCheck {
    let conversion = MarkdownConversion(markdown: markdown, writing: .htmlUnlessLiquidKeptApart(template))
    guard !conversion.keepsLiquidApart, !conversion.issues.contains(where: { $0.kind == .tooComplex }) else {
        return MarkdownLiquidCheck(issues: conversion.issues, html: nil)
    }
    return MarkdownLiquidCheck(issues: conversion.issues, html: htmlFragment(of: conversion).html)
}

/// Checks a Markdown body without rendering it: the issues of `renderHTMLFragment(markdown:)`.
public func checkMarkdown(_ markdown: String) -> [MarkdownIssue] {
    MarkdownConversion(markdown: markdown, writesHTML: false).issues
}

/// Renders the plain-text alternative of a Markdown body: paragraphs separated by a blank line,
/// links as `text <url>`, emphasis markers removed, lists kept, lines wrapped at 78 columns
/// without splitting a Liquid construct or a URL. Liquid constructs are kept byte for byte.
public func renderText(markdown: String, typography: Typography = .none) -> String {
    let conversion = MarkdownConversion(markdown: markdown, typography: typography)
    return PlainTextWriter.streamedText(fromHTML: conversion.protectedHTML, document: conversion.protectedDocument)
}

/// One Markdown-to-HTML conversion (``MailMarkdown``), with the checks that go with it.
struct MarkdownConversion {
    let protectedDocument: ProtectedMarkdown
    /// The HTML, sanitised and with tag-only paragraphs unwrapped, placeholders still in.
    let protectedHTML: String
    let issues: [MarkdownIssue]

    /// What the reader's hooks saw, and what they read: each hook captures this one object alone (a closure
    /// capturing one reference uses it as its context; capturing the document, the declarations and the
    /// recorder, each hook's context was an allocation of its own).
    private final class Recorder {
        let document: ProtectedMarkdown
        let declarations: Declarations
        var codeRanges: [Range<Int>] = []
        var issues: [MarkdownIssue] = []

        init(document: ProtectedMarkdown, declarations: Declarations) {
            self.document = document
            self.declarations = declarations
        }

        /// The fragment's Markdown, a slice of `document.text`.
        func source(_ range: Range<Int>) -> Substring {
            let utf8 = document.text.utf8
            let lower = utf8.index(utf8.startIndex, offsetBy: range.lowerBound)
            let upper = utf8.index(lower, offsetBy: range.count)
            return Substring(utf8[lower..<upper])
        }

        /// The protected text's scalar range of `markdown`, a slice of `document.text`.
        func protectedRange(of markdown: Substring) -> Range<Int> {
            let lower = document.protectedOffset(of: markdown.startIndex)
            let upper = document.protectedOffset(of: markdown.endIndex)
            return lower..<max(lower, upper)
        }

        /// Records the source range of the code whose Markdown is `raw`.
        func recordCode(_ raw: Range<Int>) {
            codeRanges.append(document.sourceRange(ofProtected: protectedRange(of: source(raw))))
        }
    }

    /// Converts `markdown`; without `writesHTML`, only finds its issues (the same issues: the hooks
    /// that find them are called in the writer's order, ``MailMarkdown/callHooks(_:)``) and leaves
    /// ``protectedHTML`` empty. With `unwrapsAfterWriting`, the paragraphs of tags alone are unwrapped by
    /// ``unwrapTagParagraphs(in:document:)`` over the written HTML, the definition of what the writer does
    /// as it writes them (``TagParagraphs``).
    init(markdown: String, typography: Typography = .none, writesHTML: Bool = true, unwrapsAfterWriting: Bool = false) {
        self.init(
            markdown: markdown, typography: typography, writing: writesHTML ? .html : .none,
            unwrapsAfterWriting: unwrapsAfterWriting)
    }

    /// What a conversion writes.
    enum Writing {
        /// The HTML.
        case html
        /// Nothing: the issues alone.
        case none
        /// The HTML unless the reader shows that it keeps the Liquid of `template` apart from its markup
        /// (``MailMarkdown/keepsLiquidApart(_:)`` and `template.hasConstructs(alikeIn:)` of the constructs):
        /// then nothing, and ``keepsLiquidApart`` is true.
        case htmlUnlessLiquidKeptApart(LiquidTemplate)
    }

    /// With ``Writing/htmlUnlessLiquidKeptApart(_:)``, whether the HTML was left unwritten because it holds the
    /// template's constructs alike, every `{%` outside every element.
    private(set) var keepsLiquidApart = false

    /// Converts `markdown`, writing what `writing` asks for.
    init(markdown: String, typography: Typography = .none, writing: Writing, unwrapsAfterWriting: Bool = false) {
        if let reason = MarkdownBounds.problem(in: markdown) {
            protectedDocument = ProtectedMarkdown(source: "")
            protectedHTML = ""
            issues = [
                MarkdownIssue(
                    kind: .tooComplex, message: "the Markdown is too complex to render: \(reason)",
                    help: "shorten it, close its `[` brackets, or escape them as `\\[`",
                    range: 0..<min(1, markdown.unicodeScalars.count))
            ]
            return
        }
        let document = ProtectedMarkdown(source: markdown)
        protectedDocument = document
        let declarations = Self.urlDeclarations(in: document)
        let recorder = Recorder(document: document, declarations: declarations)
        var issues: [MarkdownIssue] = []
        for declaration in declarations.ordered {
            if let issue = Self.checkURL(
                declaration.url, range: declaration.range, wholeRange: declaration.range,
                document: document)
            {
                issues.append(issue)
            }
        }

        let reader = MailMarkdown(bytes: document.textBytes)
        let writesHTML: Bool
        switch writing {
        case .html: writesHTML = true
        case .none: writesHTML = false
        case .htmlUnlessLiquidKeptApart(let template):
            let kept =
                reader.keepsLiquidApart(document)
                && template.hasConstructs(alikeIn: MailMarkdown.constructSkeleton(of: document))
            keepsLiquidApart = kept
            writesHTML = !kept
        }
        guard writesHTML else {
            // What the hooks below record, without the HTML: code ranges, and the issue of each link.
            reader.callHooks(
                MailMarkdown.Hooks(
                    inlineCode: { raw, _ in
                        recorder.recordCode(raw)
                        return ""
                    },
                    codeBlock: { raw, _ in
                        recorder.recordCode(raw)
                        return ""
                    },
                    link: { raw, _, isImage in
                        let markdown = recorder.source(raw)
                        if let issue = Self.linkIssue(
                            markdown: markdown, isImage: isImage, range: recorder.protectedRange(of: markdown),
                            declarations: recorder.declarations, document: recorder.document)
                        {
                            recorder.issues.append(issue)
                        }
                        return ""
                    }))
            protectedHTML = ""
            self.issues = Self.finish(
                issues + recorder.issues, markdown: markdown, document: document, codeRanges: recorder.codeRanges)
            return
        }
        let hooks = MailMarkdown.Hooks(
            inlineCode: { raw, html in
                recorder.recordCode(raw)
                return Self.literalAutolinks(in: html, document: recorder.document)
            },
            codeBlock: { raw, html in
                recorder.recordCode(raw)
                var html = html
                if html.hasPrefix("<pre><code class=\""), let close = html.firstRange(of: "\">") {
                    let language = html[html.index(html.startIndex, offsetBy: 18)..<close.lowerBound]
                    if !language.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_+.".contains($0)) }) {
                        html = "<pre><code>" + html[close.upperBound...]
                    }
                }
                return Self.literalAutolinks(in: html, document: recorder.document)
            },
            link: { raw, html, isImage in
                let markdown = recorder.source(raw)
                let (rewritten, issue) = Self.rewriteLink(
                    markdown: markdown, html: html, isImage: isImage,
                    range: recorder.protectedRange(of: markdown),
                    declarations: recorder.declarations, document: recorder.document)
                if let issue { recorder.issues.append(issue) }
                return rewritten
            })
        // The paragraphs of tags alone are unwrapped as they are written; `unwrapsAfterWriting` does it as
        // a pass over the written HTML instead (the definition, for the differential test).
        let html: String
        if unwrapsAfterWriting {
            html = Self.unwrapTagParagraphs(
                in: reader.html(hooks: hooks, lineBreaks: true), document: document)
        } else {
            html = reader.html(hooks: hooks, lineBreaks: true, unwrapping: TagParagraphs(document))
        }
        protectedHTML = typography.apply(toProtectedHTML: Self.markButtons(in: html))

        self.issues = Self.finish(
            issues + recorder.issues, markdown: markdown, document: document, codeRanges: recorder.codeRanges)
    }

    /// `issues` with the raw HTML issues of `markdown` (every tag-shaped `<` outside `codeRanges`), sorted,
    /// without repeats.
    private static func finish(
        _ issues: [MarkdownIssue], markdown: String, document: ProtectedMarkdown, codeRanges recorded: [Range<Int>]
    ) -> [MarkdownIssue] {
        var issues = issues
        // Raw HTML: every tag-shaped `<` outside code. The source's scalars are decoded for the first `<` only
        // (most bodies hold none).
        var scanner: LiquidScanner?
        // Code ranges sorted and merged, searched by bisection: thousands of `<` beside thousands of
        // code spans must not cost their product.
        var codeRanges: [Range<Int>] = []
        for range in recorded.sorted(by: { $0.lowerBound < $1.lowerBound }) where !range.isEmpty {
            if let last = codeRanges.last, range.lowerBound <= last.upperBound {
                codeRanges[codeRanges.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                codeRanges.append(range)
            }
        }
        func inCode(_ offset: Int) -> Bool {
            var low = 0
            var high = codeRanges.count
            while low < high {
                let middle = (low + high) / 2
                if codeRanges[middle].upperBound <= offset { low = middle + 1 } else { high = middle }
            }
            return low < codeRanges.count && codeRanges[low].contains(offset)
        }
        var commentEnds: LiquidScanner.CommentEndMemo?
        for placeholder in document.placeholders where placeholder.construct.kind == .lessThan {
            let start = placeholder.construct.range.lowerBound
            let source: LiquidScanner
            if let made = scanner {
                source = made
            } else {
                source = LiquidScanner(markdown)
                scanner = source
            }
            guard let range = source.htmlTagRange(at: start, commentEnds: &commentEnds) else { continue }
            guard !inCode(start) else { continue }
            let text = ScalarText.string(source.scalars[range])
            let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
            let isComment = text.hasPrefix("<!--")
            issues.append(
                MarkdownIssue(
                    kind: .rawHTML,
                    message: isComment
                        ? "raw HTML comment `\(shown)` is not allowed" : "raw HTML `\(shown)` is not allowed",
                    help: isComment
                        ? "remove the comment, or use a Liquid comment `{% comment %}…{% endcomment %}`"
                        : "use Markdown instead of HTML, or write `&lt;` or a code span to show a literal `<`",
                    range: range))
        }
        issues.sort {
            ($0.range.lowerBound, $0.range.upperBound, $0.kind.rawValue) < (
                $1.range.lowerBound, $1.range.upperBound, $1.kind.rawValue
            )
        }
        // A reference link to a bad declaration repeats the declaration's issue: keep one.
        var unique: [MarkdownIssue] = []
        for issue in issues where unique.last != issue { unique.append(issue) }
        return unique
    }

    // MARK: - Links

    struct Declaration {
        var url: Substring
        var range: Range<Int>
    }

    struct Declarations {
        var byName: [String: Declaration] = [:]
        var ordered: [Declaration] = []
    }

    /// `[name]: url` lines (first declaration of a name wins in lookups; all are checked).
    static func urlDeclarations(in document: ProtectedMarkdown) -> Declarations {
        let text = document.text
        // A line can matter only if its first byte after spaces and tabs is `[` or a backtick. Those lines
        // are found on bytes first, `\n` eight bytes at a time: most bodies have none, and then there is no
        // declaration whatever the text (a line split by Characters starts where a byte line starts, and its
        // first Character after spaces and tabs is `[` or a backtick only if that byte line's first byte
        // after them is).
        var copy = text
        let candidates: [Range<Int>] = copy.withUTF8 { bytes in
            var found: [Range<Int>] = []
            var lineStart = 0
            while lineStart <= bytes.count {
                let lineEnd = UTF8Text.nextOffset(of: UInt8(ascii: "\n"), in: bytes, from: lineStart)
                var first = lineStart
                while first < lineEnd, bytes[first] == UInt8(ascii: " ") || bytes[first] == UInt8(ascii: "\t") {
                    first += 1
                }
                if first < lineEnd, bytes[first] == UInt8(ascii: "[") || bytes[first] == UInt8(ascii: "`") {
                    found.append(lineStart..<lineEnd)
                }
                lineStart = lineEnd + 1
            }
            return found
        }
        guard !candidates.isEmpty else { return Declarations() }
        // On simple text (every scalar its own Character) the lines split on bytes are the same: only the
        // candidates are read as Substrings.
        guard UTF8Text.isSimple(text) else {
            return urlDeclarations(in: document, lines: text.split(separator: "\n", omittingEmptySubsequences: false))
        }
        let utf8 = text.utf8
        let lines = candidates.map { range in
            text[
                utf8.index(
                    utf8.startIndex, offsetBy: range.lowerBound)..<utf8.index(
                        utf8.startIndex, offsetBy: range.upperBound)]
        }
        return urlDeclarations(in: document, lines: lines)
    }

    /// `[name]: url` lines among `lines` (lines of `document.text`, in order; the others can neither
    /// declare nor open a fence).
    static func urlDeclarations(in document: ProtectedMarkdown, lines: [Substring]) -> Declarations {
        var result = Declarations()
        var inFence = false
        for line in lines {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.hasPrefix("```") { inFence.toggle() }
            guard !inFence, trimmed.first == "[", let close = trimmed.firstIndex(of: "]") else { continue }
            let afterClose = trimmed.index(after: close)
            guard afterClose < trimmed.endIndex, trimmed[afterClose] == ":" else { continue }
            let rest = trimmed[trimmed.index(after: afterClose)...]
            guard let first = rest.first, first == " " || first == "\t" else { continue }
            let url = rest.drop(while: { $0 == " " || $0 == "\t" })
            let name = trimmed[trimmed.index(after: trimmed.startIndex)..<close].lowercased()
            let lower = document.protectedOffset(of: url.startIndex)
            let upper = document.protectedOffset(of: url.endIndex)
            let declaration = Declaration(url: url, range: document.sourceRange(ofProtected: lower..<upper))
            if result.byName[name] == nil { result.byName[name] = declaration }
            result.ordered.append(declaration)
        }
        return result
    }

    /// Whether `text` holds a white-space Character or a quote (`"`, `'`, a backtick). ASCII text is read
    /// on bytes: its Characters are its bytes, or `\r\n`, white space like the two bytes it is made of.
    static func holdsSpaceOrQuote(_ text: String) -> Bool {
        // One pass over the contiguous bytes: whether all are ASCII, and whether one is white space or a quote.
        var copy = text
        let (ascii, found) = copy.withUTF8 { bytes -> (Bool, Bool) in
            var found = false
            for byte in bytes {
                if byte >= 0x80 { return (false, false) }
                if byte == 0x20 || (0x09...0x0D).contains(byte) || byte == UInt8(ascii: "\"")
                    || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`")
                {
                    found = true
                }
            }
            return (true, found)
        }
        guard ascii else {
            return text.contains(where: { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "`" })
        }
        return found
    }

    /// `text.trimming([" ", "\t"])`: on simple text (``UTF8Text/isSimple(_:)``) the spaces and tabs at
    /// its ends are bytes and Characters alike, so they are dropped as bytes; the Character trim for other
    /// text.
    static func trimmingSpacesAndTabs(_ text: Substring) -> String {
        // Most targets neither start nor end with a space or a tab: then no Character at either end is one
        // (the Character `" "` is the scalar alone, and a Character's first and last scalars hold its first
        // and last bytes), and the text is whole, whatever it holds.
        if let first = text.utf8.first, let last = text.utf8.last, first != 0x20, first != 0x09, last != 0x20,
            last != 0x09
        {
            return String(text)
        }
        guard UTF8Text.isSimple(text) else { return text.trimming([" ", "\t"]) }
        let utf8 = text.utf8
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        guard let first = utf8.firstIndex(where: { !isBlank($0) }), let last = utf8.lastIndex(where: { !isBlank($0) })
        else { return "" }
        // Both bounds are next to ASCII bytes (or the ends): scalar boundaries.
        return String(Substring(utf8[first...last]))
    }

    /// The `(` matching the `)` that ends `raw`, searched back from it to `start` (the text's first
    /// index), `)` and `(` balancing; by bytes when every scalar of `raw` is its own Character.
    static func openingParenthesis(in raw: Substring, downTo start: Substring.Index) -> Substring.Index? {
        var balance = 0
        if UTF8Text.isSimple(raw) {
            let utf8 = raw.utf8
            let lowest = utf8.distance(from: utf8.startIndex, to: start)
            // The contiguous bytes of `raw`, searched from its last byte but one down to `lowest` (the
            // walk below, on offsets); every offset read lies in `lowest...count - 2`, within the buffer.
            let found: Int?? = utf8.withContiguousStorageIfAvailable { bytes -> Int? in
                var offset = bytes.count - 1
                while offset > lowest {
                    offset -= 1
                    if bytes[offset] == UInt8(ascii: ")") { balance += 1 }
                    if bytes[offset] == UInt8(ascii: "(") {
                        if balance == 0 { return offset }
                        balance -= 1
                    }
                }
                return nil
            }
            if let found {
                return found.map { utf8.index(utf8.startIndex, offsetBy: $0) }
            }
            balance = 0
            var index = utf8.index(before: utf8.endIndex)
            while index > start {
                index = utf8.index(before: index)
                if utf8[index] == UInt8(ascii: ")") { balance += 1 }
                if utf8[index] == UInt8(ascii: "(") {
                    if balance == 0 { return index }
                    balance -= 1
                }
            }
            return nil
        }
        var index = raw.index(before: raw.endIndex)
        while index > start {
            index = raw.index(before: index)
            if raw[index] == ")" { balance += 1 }
            if raw[index] == "(" {
                if balance == 0 { return index }
                balance -= 1
            }
        }
        return nil
    }

    /// The Liquid variables a link target may start with: URLs the workspace and the sender control.
    static let trustedURLVariables: Set<String> = ["unsubscribe_url", "legal.privacy_url"]

    /// The schemes a link target may start with (lowercase).
    static let safeSchemes = ["http://", "https://", "mailto:"]

    /// Whether `target` lowercased starts with one of ``safeSchemes``, by Characters:
    /// ``hasSafeSchemeByCharacters(_:)``, the definition. When its first nine bytes (or all, if fewer) are
    /// ASCII it is read on bytes: those bytes lowercase to ASCII bytes, and a Character boundary follows the
    /// eighth byte at most (the byte after it is ASCII, or the end), so a byte match is a Character match;
    /// and no non-ASCII scalar matches an ASCII letter, `:` or `/` (none is canonically equivalent to one).
    static func hasSafeScheme(_ target: String) -> Bool {
        var copy = target
        let read: (UInt64, Int)? = copy.withUTF8 { bytes in
            var head: (UInt64, Int) = (0, 0)
            for byte in bytes.prefix(9) {
                guard byte < 0x80 else { return nil }
                let lower = byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
                if head.1 < 8 { head.0 |= UInt64(lower) << (8 * UInt64(head.1)) }
                head.1 += 1
            }
            return head
        }
        guard let head = read else { return hasSafeSchemeByCharacters(target) }
        // The first eight bytes lowercased, little-endian, and how many bytes were read (up to nine).
        func starts(with pattern: StaticString) -> Bool {
            let count = pattern.utf8CodeUnitCount
            guard head.1 >= count else { return false }
            var word: UInt64 = 0
            pattern.withUTF8Buffer { bytes in
                for (offset, byte) in bytes.enumerated() { word |= UInt64(byte) << (8 * UInt64(offset)) }
            }
            let mask: UInt64 = count >= 8 ? ~0 : (1 << (8 * UInt64(count))) - 1
            return head.0 & mask == word
        }
        return starts(with: "http://") || starts(with: "https://") || starts(with: "mailto:")
    }

    /// `hasSafeScheme(_:)` by Characters: the definition.
    static func hasSafeSchemeByCharacters(_ target: String) -> Bool {
        let lowered = target.lowercased()
        return safeSchemes.contains { lowered.hasPrefix($0) }
    }

    /// Whether `url` is a target ``checkURL(_:range:wholeRange:document:)`` finds no issue with, seen on its
    /// bytes alone (most targets): ASCII throughout, no space, tab or other white space and no quote (so
    /// nothing to trim, and ``holdsSpaceOrQuote(_:)`` is false), starting with a safe scheme in any case
    /// (``hasSafeScheme(_:)`` reads ASCII on bytes too), and holding no token prefix (so no placeholder).
    /// `false` tells nothing: the target is then checked the general way.
    static func isPlainSafeURL(_ url: Substring, document: ProtectedMarkdown) -> Bool {
        let prefix = document.prefixBytes
        let answer: Bool? = url.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard bytes.count >= 7 else { return false }
            for byte in bytes {
                // Non-ASCII, white space (`\t`...`\r`, space) or a quote (`"`, `'`, a backtick).
                if byte >= 0x80 || byte <= 0x20 || byte == 0x22 || byte == 0x27 || byte == 0x60 { return false }
            }
            // The first seven bytes lowercased (ASCII letters only), against the schemes.
            func lowered(_ offset: Int) -> UInt8 {
                let byte = bytes[offset]
                return byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
            }
            func starts(with scheme: StaticString) -> Bool {
                let count = scheme.utf8CodeUnitCount
                // `count` is at most 8; the scheme is read only within `bytes`.
                guard bytes.count >= count else { return false }
                return scheme.withUTF8Buffer { scheme in (0..<count).allSatisfy { lowered($0) == scheme[$0] } }
            }
            guard starts(with: "https://") || starts(with: "http://") || starts(with: "mailto:") else {
                return false
            }
            return UTF8Text.firstOffset(of: prefix, in: bytes, from: 0) == nil
        }
        return answer ?? false
    }

    /// Checks a link target (protected text); `range` is its source range.
    static func checkURL(
        _ url: Substring, range: Range<Int>, wholeRange: Range<Int>,
        document: ProtectedMarkdown
    ) -> MarkdownIssue? {
        if isPlainSafeURL(url, document: document) { return nil }
        return checkURLInFull(url, range: range, wholeRange: wholeRange, document: document)
    }

    /// ``checkURL(_:range:wholeRange:document:)`` without its quick "no issue" (``isPlainSafeURL(_:document:)``):
    /// the definition, which the differential test compares it with.
    static func checkURLInFull(
        _ url: Substring, range: Range<Int>, wholeRange: Range<Int>,
        document: ProtectedMarkdown
    ) -> MarkdownIssue? {
        let trimmed = trimmingSpacesAndTabs(url)
        if trimmed.isEmpty {
            return MarkdownIssue(
                kind: .emptyLinkURL, message: "link has an empty target",
                help:
                    "give the link an `https:` or `mailto:` URL, or a Liquid variable such as `{{ unsubscribe_url }}`",
                range: wholeRange)
        }
        let tokens = document.tokens(in: Substring(trimmed))
        // The target as written, for the messages only: worked out when there is one to write.
        func shown() -> String { document.replacingTokens(in: trimmed) { $0.source } }
        if let first = tokens.first, first.range.lowerBound == trimmed.startIndex,
            document.placeholders[first.index].construct.kind == .output
        {
            // A target that starts with a Liquid value lets that value choose the scheme and host: only
            // the URLs the workspace itself controls may do that, never a contact's data.
            let source = document.placeholders[first.index].source
            let name = Substring(source).trimming(["{", "}", "-", " ", "\t"])
            if trustedURLVariables.contains(name) { return nil }
            return MarkdownIssue(
                kind: .unsafeLinkURL,
                message: "link target starts with `\(source)`: that value would choose where the link goes",
                help: "start the target with a fixed `https://` address and put the value after it "
                    + "(`https://example.org/{{ contact.city | url_encode }}`), or link to "
                    + "`{{ unsubscribe_url }}` or `{{ legal.privacy_url }}`",
                range: range)
        }
        if hasSafeScheme(trimmed) {
            if Self.holdsSpaceOrQuote(trimmed) {
                return MarkdownIssue(
                    kind: .unsafeLinkURL,
                    message: "link target `\(shown())` contains a space or a quote",
                    help: "percent-encode the character (`%20`, `%22`, `%27`)", range: range)
            }
            if tokens.contains(where: { document.placeholders[$0.index].construct.kind != .output }) {
                return MarkdownIssue(
                    kind: .unsafeLinkURL,
                    message: "link target `\(shown())` contains a Liquid tag or `<`",
                    help: "compute the URL into a variable and use `{{ variable }}`", range: range)
            }
            return nil
        }
        let lowered = trimmed.lowercased()
        let scheme: String
        if let colon = lowered.firstIndex(of: ":"),
            lowered[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) })
        {
            scheme = "`\(lowered[...colon])` links are not allowed"
        } else {
            scheme = "relative link target `\(shown())` is not allowed"
        }
        return MarkdownIssue(
            kind: .unsafeLinkURL,
            message: scheme.hasPrefix("`") ? "link target `\(shown())`: \(scheme)" : scheme,
            help: "use an absolute `https:` or `mailto:` URL, or a Liquid variable such as `{{ unsubscribe_url }}`",
            range: range)
    }

    /// A link's pieces: its target as written (``Declaration/url`` for a reference), the target's source
    /// range, its text, and the whole link's source range.
    struct LinkParts {
        var inkURL: Substring
        var urlSourceRange: Range<Int>
        var text: Substring
        var wholeRange: Range<Int>
    }

    /// The pieces of link (or image) `raw`, or `nil` when it is not one the writer rebuilds (written as
    /// escaped text, with no issue).
    static func linkParts(
        markdown raw: Substring, isImage: Bool, range: Range<Int>, declarations: Declarations,
        document: ProtectedMarkdown
    ) -> LinkParts? {
        switch inlineLinkScan(raw, isImage: isImage) {
        case .notRebuilt: return nil
        case .inline(let bodyStart, let open):
            // The offsets found are next to ASCII bytes: scalar and Character boundaries, where the steps of the
            // definition lead.
            let utf8 = raw.utf8
            let openIndex = utf8.index(utf8.startIndex, offsetBy: open)
            let inkURL = raw[utf8.index(after: openIndex)..<utf8.index(before: utf8.endIndex)]
            let text = raw[utf8.index(utf8.startIndex, offsetBy: bodyStart)..<utf8.index(before: openIndex)]
            let wholeRange = document.sourceRange(ofProtected: range)
            var urlSourceRange = wholeRange
            if !inkURL.isEmpty {
                let lower = document.protectedOffset(of: inkURL.startIndex)
                let upper = document.protectedOffset(of: inkURL.endIndex)
                urlSourceRange = document.sourceRange(ofProtected: lower..<upper)
            }
            return LinkParts(inkURL: inkURL, urlSourceRange: urlSourceRange, text: text, wholeRange: wholeRange)
        case .other:
            return linkParts(
                markdown: raw, isImage: isImage, range: range, declarations: declarations, document: document,
                byScalars: UTF8Text.isSimple(raw))
        }
    }

    /// What ``inlineLinkScan(_:isImage:)`` finds of a link's Markdown.
    enum InlineLinkScan: Equatable {
        /// Not a link the writer rebuilds (``linkParts(markdown:isImage:range:declarations:document:)`` is `nil`).
        case notRebuilt
        /// An inline link whose text starts at UTF-8 offset `bodyStart` and whose target follows the `(` at
        /// offset `open`.
        case inline(bodyStart: Int, open: Int)
        /// Text that is not simple, a non-ASCII scalar where a step is taken, or a reference link: read by
        /// ``linkParts(markdown:isImage:range:declarations:document:byScalars:)``.
        case other
    }

    /// The steps of ``linkParts(markdown:isImage:range:declarations:document:byScalars:)`` up to an inline
    /// link's `(`, on the bytes of `raw` when it is simple (``UTF8Text/isSimple(_:)``: every scalar its own
    /// Character): the steps over `!`, `[`, `(` and `)` and the one before `(` are single bytes when those are ASCII
    /// (checked where not known), so the byte steps are its steps (and ``openingParenthesis(in:downTo:)``'s).
    static func inlineLinkScan(_ raw: Substring, isImage: Bool) -> InlineLinkScan {
        let scan: InlineLinkScan? = raw.utf8.withContiguousStorageIfAvailable { bytes -> InlineLinkScan in
            let count = bytes.count
            guard UTF8Text.isSimple(bytes) else { return .other }
            var bodyStart = 0
            if isImage, bodyStart < count {
                // The first scalar stepped over as one byte: an ASCII one.
                guard bytes[0] < 0x80 else { return .other }
                bodyStart += 1
            }
            guard bodyStart < count, bytes[bodyStart] == UInt8(ascii: "[") else { return .notRebuilt }
            bodyStart += 1
            // `count >= 1` (the `[` above): the last byte is within the buffer.
            guard bytes[count - 1] == UInt8(ascii: ")") else { return .other }
            // The `(` matching the final `)`, searched back from the byte before it down to `bodyStart`, `)` and
            // `(` balancing; every offset read lies in `bodyStart...count - 2`.
            var balance = 0
            var offset = count - 1
            while offset > bodyStart {
                offset -= 1
                if bytes[offset] == UInt8(ascii: ")") { balance += 1 }
                if bytes[offset] == UInt8(ascii: "(") {
                    if balance == 0 {
                        guard offset > bodyStart else { return .notRebuilt }
                        // The text ends a scalar before the `(`, stepped over as one byte: an ASCII one.
                        return bytes[offset - 1] < 0x80 ? .inline(bodyStart: bodyStart, open: offset) : .other
                    }
                    balance -= 1
                }
            }
            return .notRebuilt
        }
        return scan ?? .other
    }

    /// ``linkParts(markdown:isImage:range:declarations:document:)``, stepping through `raw` by Unicode scalars
    /// when `byScalars` (on simple text, ``UTF8Text/isSimple(_:)``, every scalar is its own Character, so
    /// the steps and the comparisons with `[`, `]`, `(` and `)` are the Characters' ones without grapheme
    /// breaking), else by Characters: the definition, which the differential test compares it with.
    static func linkParts(
        markdown raw: Substring, isImage: Bool, range: Range<Int>, declarations: Declarations,
        document: ProtectedMarkdown, byScalars: Bool
    ) -> LinkParts? {
        let scalars = raw.unicodeScalars
        func after(_ i: Substring.Index) -> Substring.Index {
            byScalars ? scalars.index(after: i) : raw.index(after: i)
        }
        func before(_ i: Substring.Index) -> Substring.Index {
            byScalars ? scalars.index(before: i) : raw.index(before: i)
        }
        func holds(_ i: Substring.Index, _ character: Unicode.Scalar) -> Bool {
            byScalars ? scalars[i] == character : raw[i] == Character(character)
        }
        let wholeRange = document.sourceRange(ofProtected: range)
        var bodyStart = raw.startIndex
        if isImage, bodyStart < raw.endIndex { bodyStart = after(bodyStart) }
        guard bodyStart < raw.endIndex, holds(bodyStart, "[") else { return nil }
        bodyStart = after(bodyStart)
        let body = raw[bodyStart...]
        var inkURL: Substring
        var urlSourceRange = wholeRange
        var text: Substring
        // `raw` holds at least the `[`: its last step is within it.
        if holds(before(raw.endIndex), ")") {
            // Inline: find the `(` matching the final `)`.
            let open = Self.openingParenthesis(in: raw, downTo: body.startIndex)
            guard let open, open > body.startIndex else { return nil }
            inkURL = raw[after(open)..<before(raw.endIndex)]
            text = body[..<before(open)]
            let lower = document.protectedOffset(of: inkURL.startIndex)
            let upper = document.protectedOffset(of: inkURL.endIndex)
            urlSourceRange = document.sourceRange(ofProtected: lower..<upper)
            if inkURL.isEmpty { urlSourceRange = wholeRange }
        } else {
            let lastOpen = byScalars ? scalars.lastIndex(of: "[") : raw.lastIndex(of: "[")
            guard let open = lastOpen, open > body.startIndex else { return nil }
            let name = raw[after(open)..<before(raw.endIndex)]
            text = body[..<before(open)]
            if let declaration = declarations.byName[name.lowercased()] {
                inkURL = declaration.url
                urlSourceRange = declaration.range
            } else {
                inkURL = name
            }
        }
        return LinkParts(inkURL: inkURL, urlSourceRange: urlSourceRange, text: text, wholeRange: wholeRange)
    }

    /// The issue of an image without alternative text `alt`, or `nil`.
    static func altIssue(_ alt: String, wholeRange: Range<Int>) -> MarkdownIssue? {
        guard alt.trimming([" ", "\t"]).isEmpty else { return nil }
        return MarkdownIssue(
            kind: .imageWithoutAlt, message: "image has no alternative text",
            help: "describe the image between the brackets: `![Our team at the market](…)`",
            range: wholeRange)
    }

    /// The issue ``rewriteLink(markdown:html:isImage:range:declarations:document:)`` gives, without
    /// rebuilding the link: its target's, or for an image with a safe target its alternative text's.
    static func linkIssue(
        markdown raw: Substring, isImage: Bool, range: Range<Int>, declarations: Declarations,
        document: ProtectedMarkdown
    ) -> MarkdownIssue? {
        guard
            let parts = linkParts(
                markdown: raw, isImage: isImage, range: range, declarations: declarations, document: document)
        else { return nil }
        if let issue = checkURL(
            parts.inkURL, range: parts.urlSourceRange, wholeRange: parts.wholeRange, document: document)
        {
            return issue
        }
        return isImage ? altIssue(plainAlt(parts.text), wholeRange: parts.wholeRange) : nil
    }

    /// Rebuilds the writer's `<a>` or `<img>` with an escaped, checked URL.
    static func rewriteLink(
        markdown raw: Substring, html inkHTML: String, isImage: Bool, range: Range<Int>,
        declarations: Declarations, document: ProtectedMarkdown
    ) -> (String, MarkdownIssue?) {
        guard
            let parts = linkParts(
                markdown: raw, isImage: isImage, range: range, declarations: declarations, document: document)
        else { return (HTMLEscaper.escape(.text, raw), nil) }
        let (inkURL, text, wholeRange) = (parts.inkURL, parts.text, parts.wholeRange)
        let issue = checkURL(inkURL, range: parts.urlSourceRange, wholeRange: wholeRange, document: document)
        let safe = issue == nil
        // Most safe links keep the writer's own title: their HTML is spliced, or is the writer's itself.
        if safe, !isImage, let link = linkKeepingTitle(ofHTML: inkHTML, url: inkURL) { return (link, nil) }
        let href = HTMLEscaper.escape(.attribute, trimmingSpacesAndTabs(inkURL))
        if isImage {
            let alt = plainAlt(text)
            let altIssue = Self.altIssue(alt, wholeRange: wholeRange)
            guard safe else { return (HTMLEscaper.escape(.text, alt), issue) }
            return ("<img src=\"\(href)\" alt=\"\(HTMLEscaper.escape(.attribute, alt))\">", altIssue)
        }
        let title = linkTitle(ofHTML: inkHTML, url: inkURL) ?? HTMLEscaper.escape(.text, text)
        guard safe else { return (title, issue) }
        // Made at its size: the interpolation grew the string at each of its five pieces.
        var link = "<a href=\""
        link.reserveCapacity(15 + href.utf8.count + title.utf8.count)
        link.append(href)
        link.append("\">")
        link.append(title)
        link.append("</a>")
        return (link, nil)
    }

    /// What ``rewriteLink(markdown:html:isImage:range:declarations:document:)`` builds of a safe link whose
    /// writer's HTML `inkHTML` is `<a href="url">title</a>` (``linkTitle(ofHTML:url:)`` finds its title):
    /// `<a href="`, the escaped URL, and `inkHTML` from the URL's end on, without the title copied out and in
    /// again; `inkHTML` itself when escaping leaves the URL as it is (most links). `nil`, for the general
    /// way, when the URL is empty or has a space or a tab at an end (it is trimmed there), when either text
    /// is not simple (``UTF8Text/isSimple(_:)``: the title is then found by Characters), or when the HTML
    /// is not of that shape.
    static func linkKeepingTitle(ofHTML inkHTML: String, url inkURL: Substring) -> String? {
        // No space or tab at either end: `trimmingSpacesAndTabs(inkURL)` is `inkURL`.
        guard let first = inkURL.utf8.first, let last = inkURL.utf8.last, first != 0x20, first != 0x09,
            last != 0x20, last != 0x09
        else { return nil }
        guard UTF8Text.isSimple(inkHTML), UTF8Text.isSimple(inkURL) else { return nil }
        enum Outcome {
            case notOfThatShape
            case unchanged
            case spliced([UInt8])
        }
        var copy = inkHTML
        let outcome: Outcome? = copy.withUTF8 { html in
            inkURL.utf8.withContiguousStorageIfAvailable { url -> Outcome in
                let open: StaticString = "<a href=\""
                let close: StaticString = "\">"
                let end: StaticString = "</a>"
                let urlStart = open.utf8CodeUnitCount
                let urlEnd = urlStart + url.count
                let titleStart = urlEnd + close.utf8CodeUnitCount
                let titleEnd = html.count - end.utf8CodeUnitCount
                // The checks of `linkTitle(ofHTML:url:)`: the prefix and `</a>` must not overlap; every range
                // below lies within `html`.
                guard titleStart <= titleEnd else { return .notOfThatShape }
                func holds(_ piece: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
                    (0..<piece.count).allSatisfy { html[offset + $0] == piece[$0] }
                }
                guard open.withUTF8Buffer({ holds($0, at: 0) }), holds(url, at: urlStart),
                    close.withUTF8Buffer({ holds($0, at: urlEnd) }),
                    end.withUTF8Buffer({ holds($0, at: titleEnd) })
                else { return .notOfThatShape }
                // The bytes `HTMLEscaper.escape(.attribute, _)` replaces.
                guard url.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 }) else {
                    return .unchanged
                }
                var bytes: [UInt8] = []
                bytes.reserveCapacity(html.count + 32)
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: html[..<urlStart]))
                HTMLEscaper.append(.attribute, url, to: &bytes)
                // `urlEnd` is within `html` (checked above).
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: html[urlEnd...]))
                return .spliced(bytes)
            }
        }
        switch outcome {
        case .unchanged: return inkHTML
        case .spliced(let bytes): return UTF8Text.string(bytes)
        case .notOfThatShape, nil: return nil
        }
    }

    /// The writer's link text in `inkHTML` when it is `<a href="url">text</a>`, else `nil`. On simple
    /// text (``UTF8Text/isSimple(_:)``: byte search gives the answers Character search gives) it is read on
    /// bytes; ``linkTitleByCharacters(ofHTML:url:)`` is the definition and the path for other text.
    static func linkTitle(ofHTML inkHTML: String, url inkURL: Substring) -> String? {
        // Both simple: a byte match is a Character match (a URL with a combining mark or `\r` could
        // match other bytes by Characters, so it takes the definition).
        guard UTF8Text.isSimple(inkHTML), UTF8Text.isSimple(inkURL) else {
            return linkTitleByCharacters(ofHTML: inkHTML, url: inkURL)
        }
        // On contiguous bytes (always, for native strings): the four pieces compared as buffers.
        var copy = inkHTML
        let title: String?? = copy.withUTF8 { html in
            inkURL.utf8.withContiguousStorageIfAvailable { url -> String? in
                let open: StaticString = "<a href=\""
                let close: StaticString = "\">"
                let end: StaticString = "</a>"
                let urlStart = open.utf8CodeUnitCount
                let titleStart = urlStart + url.count + close.utf8CodeUnitCount
                let titleEnd = html.count - end.utf8CodeUnitCount
                // The prefix and `</a>` must not overlap; every range below lies within `html`.
                guard titleStart <= titleEnd else { return nil }
                func holds(_ piece: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
                    (0..<piece.count).allSatisfy { html[offset + $0] == piece[$0] }
                }
                guard open.withUTF8Buffer({ holds($0, at: 0) }), holds(url, at: urlStart),
                    close.withUTF8Buffer({ holds($0, at: urlStart + url.count) }),
                    end.withUTF8Buffer({ holds($0, at: titleEnd) })
                else { return nil }
                // Both bounds are next to ASCII bytes of the match: scalar boundaries.
                return UTF8Text.string(UnsafeBufferPointer(rebasing: html[titleStart..<titleEnd]))
            }
        }
        if let title { return title }
        let html = inkHTML.utf8
        let open = "<a href=\"".utf8
        let close = "\">".utf8
        let end = "</a>".utf8
        let url = inkURL.utf8
        // The prefix and `</a>` must not overlap; on simple text bytes and Characters agree on that.
        guard html.count >= open.count + url.count + close.count + end.count else { return nil }
        let urlStart = html.index(html.startIndex, offsetBy: open.count)
        let urlEnd = html.index(urlStart, offsetBy: url.count)
        let titleStart = html.index(urlEnd, offsetBy: close.count)
        let titleEnd = html.index(html.endIndex, offsetBy: -end.count)
        guard html[..<urlStart].elementsEqual(open), html[urlStart..<urlEnd].elementsEqual(url),
            html[urlEnd..<titleStart].elementsEqual(close), html[titleEnd...].elementsEqual(end)
        else { return nil }
        // Both bounds are next to ASCII bytes of the match: scalar boundaries.
        return String(Substring(html[titleStart..<titleEnd]))
    }

    /// `linkTitle(ofHTML:url:)` by Characters: the definition.
    static func linkTitleByCharacters(ofHTML inkHTML: String, url inkURL: Substring) -> String? {
        let prefix = "<a href=\"\(inkURL)\">"
        guard inkHTML.hasPrefix(prefix), inkHTML.hasSuffix("</a>"), inkHTML.count >= prefix.count + 4 else {
            return nil
        }
        return String(inkHTML.dropFirst(prefix.count).dropLast(4))
    }

    /// The alternative text of an image, from its Markdown: emphasis and code markers removed.
    static func plainAlt(_ text: Substring) -> String {
        String(text.filter { $0 != "*" && $0 != "_" && $0 != "`" && $0 != "\\" })
    }

    /// In code, an autolink is literal text: swap its token for the escaped source.
    static func literalAutolinks(in html: String, document: ProtectedMarkdown) -> String {
        document.replacingTokens(in: html) { placeholder in
            if case .autolink = placeholder.construct.kind { return HTMLEscaper.escape(.text, placeholder.source) }
            return placeholder.token
        }
    }

    // MARK: - Buttons

    /// The marker that makes a link alone in its paragraph a button: `[Sign up](https://…){.button}`.
    static let buttonMarker = "{.button}"

    /// `<p><a href="…">text</a>{.button}</p>` becomes `<p class="am-button"><a href="…">text</a></p>`:
    /// one link alone in its paragraph, the marker right after it. Anything else keeps the marker as text.
    static func markButtons(in html: String) -> String {
        guard UTF8Text.containsCharacters(html, buttonMarker) else { return html }
        var result = ""
        var rest = Substring(html)
        let close = buttonMarker + "</p>"
        while let open = rest.firstRange(of: "<p><a href=\"") {
            guard let end = rest[open.lowerBound...].firstRange(of: "</p>") else { break }
            let paragraph = rest[open.lowerBound..<end.upperBound]
            result += rest[..<open.lowerBound]
            let inner = paragraph.dropFirst(3).dropLast(4)
            if paragraph.hasSuffix("</a>" + close), inner.ranges(of: "<a ").count == 1,
                inner.ranges(of: "</a>").count == 1,
                !inner.contains("<p")
            {
                result += "<p class=\"am-button\">" + paragraph.dropFirst(3).dropLast(close.count) + "</p>"
            } else {
                result += paragraph
            }
            rest = rest[end.upperBound...]
        }
        result += rest
        return result
    }

    // MARK: - Block tags

    /// `<p>` elements holding only Liquid tags lose their `<p>`: `{% if %}` lines stay balanced.
    static func unwrapTagParagraphs(in html: String, document: ProtectedMarkdown) -> String {
        // Only a paragraph of placeholders that stand alone is unwrapped: without one, nothing is.
        guard document.placeholders.indices.contains(where: document.standsAlone) else { return html }
        // On simple text (every scalar its own Character) the byte search finds what the
        // Character search finds.
        guard UTF8Text.isSimple(html) else { return unwrapTagParagraphsByCharacters(in: html, document: document) }
        // The paragraphs kept are copied as bytes, not appended as Substrings; a paragraph is looked at
        // closer (``holdsOnlyTags(_:document:)``) only when its first byte after spaces starts a token and
        // its last before spaces ends one (that function's own quick "no", here on the buffer).
        let tokenStart = document.prefixBytes.first
        var copy = html
        let unwrapped: [UInt8]? = copy.withUTF8 { bytes in
            let open: [UInt8] = Array("<p>".utf8)
            let close: [UInt8] = Array("</p>".utf8)
            let utf8 = html.utf8
            var result: [UInt8] = []
            var last = 0
            var from = 0
            while let start = UTF8Text.firstOffset(of: open, in: bytes, from: from) {
                guard let end = UTF8Text.firstOffset(of: close, in: bytes, from: start + 3) else { break }
                from = end + 4
                // `start + 3...end` lies within the buffer: `end` was found at or after `start + 3`.
                var first = start + 3
                while first < end, bytes[first] == UInt8(ascii: " ") { first += 1 }
                var lastByte = end
                while lastByte > first, bytes[lastByte - 1] == UInt8(ascii: " ") { lastByte -= 1 }
                guard first < lastByte, bytes[first] == tokenStart, bytes[lastByte - 1] == UInt8(ascii: "X") else {
                    continue
                }
                // Both bounds are next to ASCII bytes of the match: scalar boundaries.
                let content = html[
                    utf8.index(utf8.startIndex, offsetBy: start + 3)..<utf8.index(utf8.startIndex, offsetBy: end)]
                guard holdsOnlyTags(content, document: document) else { continue }
                if result.isEmpty { result.reserveCapacity(bytes.count) }
                result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[last..<start]))
                result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(start + 3)..<end]))
                last = end + 4
            }
            guard last > 0 else { return nil }
            result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[last...]))
            return result
        }
        // Nothing unwrapped: the HTML as it is (every paragraph kept, in order).
        guard let unwrapped else { return html }
        return UTF8Text.string(unwrapped)
    }

    /// `unwrapTagParagraphs(in:document:)` by Characters: the definition, and the path for text
    /// with combining marks or `\r`.
    static func unwrapTagParagraphsByCharacters(in html: String, document: ProtectedMarkdown) -> String {
        var result = ""
        var rest = Substring(html)
        while let open = rest.firstRange(of: "<p>") {
            guard let close = rest[open.upperBound...].firstRange(of: "</p>") else { break }
            let content = rest[open.upperBound..<close.lowerBound]
            result += rest[..<open.lowerBound]
            result += holdsOnlyTags(content, document: document) ? content : rest[open.lowerBound..<close.upperBound]
            rest = rest[close.upperBound...]
        }
        result += rest
        return result
    }

    /// Whether a paragraph's content is silent Liquid tags and spaces only.
    ///
    /// The text between the tokens is read in place: no scalar is equivalent to a space but the space
    /// itself, so "the content without its tokens is spaces" is "every gap is spaces". (Removing the
    /// tokens from `content`, a slice of the whole HTML, copied the whole HTML once a paragraph.)
    static func holdsOnlyTags(_ content: Substring, document: ProtectedMarkdown) -> Bool {
        // Quick "no": such a paragraph starts with a token (`L…`) and ends with one (`…X`) after its spaces.
        let space = UInt8(ascii: " ")
        let utf8 = content.utf8
        guard utf8.first(where: { $0 != space }) == document.prefixBytes.first,
            utf8.last(where: { $0 != space }) == UInt8(ascii: "X")
        else { return false }
        let tokens = document.tokens(in: content)
        guard !tokens.isEmpty else { return false }
        var gapStart = content.startIndex
        for token in tokens {
            guard document.standsAlone(token.index),
                isSpaces(content[gapStart..<token.range.lowerBound])
            else { return false }
            gapStart = token.range.upperBound
        }
        return isSpaces(content[gapStart...])
    }

    /// Whether `text` is U+0020 spaces only (or empty).
    private static func isSpaces(_ text: Substring) -> Bool {
        text.utf8.allSatisfy { $0 == UInt8(ascii: " ") }
    }
}
