import Liquid

extension MailMarkdown {
    // MARK: - HTML

    /// The HTML of the document, calling `hooks` for code and links in document order.
    /// `lineBreaks`: a single newline inside a paragraph is a line break (`<br>`), as email authors
    /// mean it, rather than a space as in Ink and CommonMark. `unwrapping`: a paragraph holding only
    /// Liquid tags that stand alone is written without its `<p>` (``TagParagraphs``).
    func html(hooks: Hooks, lineBreaks: Bool = false, unwrapping: TagParagraphs? = nil) -> String {
        var writer = MailMarkdownHTMLWriter(reader: self, hooks: hooks)
        writer.lineBreaks = lineBreaks
        writer.unwrapping = unwrapping
        // The HTML is the text and its markup: room for both at once, rather than a regrowth at each doubling.
        writer.out.reserveCapacity(end + end / 4 + 64)
        for block in blocks { writer.write(block) }
        return UTF8Text.string(writer.out)
    }
}

extension MailMarkdown {
    /// Calls `hooks` for code and links in the order ``html(hooks:lineBreaks:)`` calls them, writing
    /// nothing: the HTML each hook is given is empty. For a check that needs what the hooks find, not
    /// the HTML (``MarkdownConversion/init(markdown:typography:writesHTML:)``).
    func callHooks(_ hooks: Hooks) {
        for block in blocks {
            switch block {
            case .paragraph(let text), .heading(_, let text), .blockquote(let text):
                callHooks(hooks, in: text)
            case .list(let root):
                _ = visitItemTexts(ofList: root) { text in
                    callHooks(hooks, in: text)
                    return true
                }
            case .code(let raw, _, _):
                _ = hooks.codeBlock(raw, "")
            case .rule:
                break
            case .image(let index):
                callHooks(hooks, link: index)
            }
        }
    }

    private func callHooks(_ hooks: Hooks, in text: Text) {
        for part in parts(text) {
            switch part {
            case .code(let raw, _): _ = hooks.inlineCode(raw, "")
            case .link(let index): callHooks(hooks, link: index)
            case .linebreak, .softbreak, .source, .literal, .marker: continue
            }
        }
    }

    /// A link's text first (its own code and links), then the link: the writer's order.
    private func callHooks(_ hooks: Hooks, link index: Int) {
        let link = links[index]
        callHooks(hooks, in: link.text)
        _ = hooks.link(link.raw, "", link.isImage)
    }
}

/// The HTML writer of a read ``MailMarkdown`` document; lists are written with an explicit stack.
struct MailMarkdownHTMLWriter {
    typealias Hooks = MailMarkdown.Hooks
    typealias Block = MailMarkdown.Block
    typealias Text = MailMarkdown.Text

    let reader: MailMarkdown
    let hooks: Hooks
    var out: [UInt8] = []
    /// A single newline is written `<br>` rather than a space.
    var lineBreaks = false
    /// The paragraphs written without their `<p>`, if any.
    var unwrapping: TagParagraphs?

    mutating func append(_ s: StaticString) {
        // Most of the writer's markup is a few bytes (`<p>`, `</p>`, `<br>`, `<em>`): appended one by one, which
        // costs less than the append of a buffer.
        s.withUTF8Buffer { bytes in
            if bytes.count <= 4 {
                for byte in bytes { out.append(byte) }
            } else {
                out.append(contentsOf: bytes)
            }
        }
    }

    mutating func write(_ block: Block) {
        switch block {
        case .paragraph(let text):
            writeParagraph(text)
        case .heading(let level, let text):
            var html = written(text)
            // Ink strips trailing `#`s with the Character before them (sic), by Characters.
            if html.last == 0x23 {
                let string = String(decoding: html, as: UTF8.self)
                let last = string.index(before: string.endIndex)
                var trim = last
                while string[trim] == "#", trim != string.startIndex { trim = string.index(before: trim) }
                if trim != last { html = Array(string[..<trim].utf8) }
            }
            out += Array("<h\(level)>".utf8) + html + Array("</h\(level)>".utf8)
        case .list(let index):
            writeList(index)
        case .blockquote(let text):
            append("<blockquote>")
            writeParagraph(text)
            append("</blockquote>")
        case .code(let raw, let language, let content):
            var html: [UInt8] = Array("<pre><code".utf8)
            if !language.isEmpty {
                html += Array(" class=\"language-".utf8) + reader.bytes[language] + [0x22]
            }
            html.append(0x3E)
            for range in content { HTMLEscaper.append(.text, reader.bytes[range], to: &html) }
            html += Array("</code></pre>".utf8)
            var rewritten = hooks.codeBlock(raw, UTF8Text.string(html))
            rewritten.withUTF8 { out.append(contentsOf: $0) }
        case .rule:
            append("<hr>")
        case .image(let index):
            writeLink(index)
        }
    }

    /// `<p>`, the text, `</p>`; or the text alone when it holds only tags that stand alone
    /// (``TagParagraphs/holdsOnlyTags(_:from:)``): such a paragraph is written as
    /// ``MarkdownConversion/unwrapTagParagraphs(in:document:)``, the definition, unwraps it in the whole HTML.
    mutating func writeParagraph(_ text: Text) {
        let start = out.count
        append("<p>")
        write(text)
        if let unwrapping, unwrapping.holdsOnlyTags(out, from: start + 3) {
            // The three bytes of `<p>` written above, at `start..<start + 3`.
            out.removeSubrange(start..<start + 3)
        } else {
            append("</p>")
        }
    }

    mutating func write(_ text: Text) {
        for part in reader.parts(text) {
            switch part {
            case .linebreak: append("<br>")
            case .softbreak: if lineBreaks { append("<br>") } else { append(" ") }
            case .source(let range): out += reader.bytes[range]
            case .literal(let s): append(s)
            case .marker(let index):
                let marker = reader.markers[index]
                guard marker.valid else {
                    marker.raw.write(to: &out)
                    continue
                }
                if let prefix = marker.prefix { out.append(prefix) }
                append(marker.closing ? "</" : "<")
                switch marker.style {
                case .italic: append("em")
                case .bold: append("strong")
                case .strikethrough: append("s")
                }
                append(">")
                if let suffix = marker.suffix { out.append(suffix) }
            case .code(let raw, let content):
                var html: [UInt8] = Array("<code>".utf8)
                HTMLEscaper.append(.text, reader.bytes[content], to: &html)
                html += Array("</code>".utf8)
                var rewritten = hooks.inlineCode(raw, UTF8Text.string(html))
                rewritten.withUTF8 { out.append(contentsOf: $0) }
            case .link(let index):
                writeLink(index)
            }
        }
    }

    mutating func writeLink(_ index: Int) {
        let link = reader.links[index]
        var url = reader.bytes[link.target]
        if link.isReference, let declared = reader.urls[MailMarkdown.lowercased(url)] {
            url = reader.bytes[declared]
        }
        // The link's HTML is written into an output of its own, its text in place (no array for the text
        // alone, copied after): the text's own code and links are still written, and their hooks called,
        // before this link's hook.
        var html: [UInt8] = []
        html.reserveCapacity(url.count + 64)
        swap(&out, &html)
        if link.isImage {
            append("<img src=\"")
            out += url
            out.append(0x22)
            let alt = out.count
            append(" alt=\"")
            let body = out.count
            write(link.text)
            if out.count == body {
                out.removeSubrange(alt...)
            } else {
                out.append(0x22)
            }
            append("/>")
        } else {
            append("<a href=\"")
            out += url
            append("\">")
            write(link.text)
            append("</a>")
        }
        swap(&out, &html)
        var rewritten = hooks.link(link.raw, UTF8Text.string(html), link.isImage)
        rewritten.withUTF8 { out.append(contentsOf: $0) }
    }

    /// The HTML of `text` alone, written by this writer into an output of its own (a second writer would
    /// copy the reader, a retain of each of its arrays, and release them all after).
    mutating func written(_ text: Text) -> [UInt8] {
        var body: [UInt8] = []
        swap(&out, &body)
        write(text)
        swap(&out, &body)
        return body
    }

    /// A list and its nested lists, without recursion.
    mutating func writeList(_ root: Int) {
        // (list, next item) frames.
        var stack: [(list: Int, item: Int)] = [(root, 0)]
        openList(root)
        while let frame = stack.last {
            let list = reader.lists[frame.list]
            if frame.item > 0 {
                // Close the previous item (its nested list, if any, is done).
                append("</li>")
            }
            guard frame.item < list.items.count else {
                stack.removeLast()
                append(list.ordered ? "</ol>" : "</ul>")
                continue
            }
            stack[stack.count - 1].item += 1
            let item = list.items[frame.item]
            append("<li>")
            write(item.text)
            for text in item.continued { write(text) }
            if let nested = item.nested {
                openList(nested)
                stack.append((nested, 0))
            }
        }
    }

    mutating func openList(_ index: Int) {
        let list = reader.lists[index]
        if list.ordered {
            append("<ol")
            if list.first != 1 { out += Array(" start=\"\(list.first)\"".utf8) }
            append(">")
        } else {
            append("<ul>")
        }
    }
}

/// Which paragraphs the writer unwraps: those holding only placeholder tokens (``ProtectedMarkdown``) of
/// placeholders that stand alone (``ProtectedMarkdown/standsAlone(_:)``), and spaces.
struct TagParagraphs {
    /// The token prefix's bytes.
    let prefix: [UInt8]
    /// Whether each placeholder stands alone, by index.
    let standsAlone: [Bool]

    /// The tables of `document`, or `nil` when no placeholder stands alone (nothing is unwrapped).
    init?(_ document: ProtectedMarkdown) {
        let standsAlone = document.alone
        guard standsAlone.contains(true) else { return nil }
        self.prefix = document.prefixBytes
        self.standsAlone = standsAlone
    }

    /// Whether `bytes[start...]` is spaces and tokens of placeholders that stand alone, with one token at
    /// least: ``MarkdownConversion/holdsOnlyTags(_:document:)`` on bytes. Such content is ASCII, so any other
    /// byte (a multi-byte scalar's too) answers `false`, as a gap of something other than spaces does there.
    func holdsOnlyTags(_ bytes: [UInt8], from start: Int) -> Bool {
        bytes.withUnsafeBufferPointer { holdsOnlyTags(UnsafeBufferPointer(rebasing: $0[min(start, $0.count)...])) }
    }

    /// ``holdsOnlyTags(_:from:)`` on a buffer, whole.
    func holdsOnlyTags(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let prefix = prefix
        let standsAlone = standsAlone
        let count = bytes.count
        var i = 0
        var found = false
        while true {
            while i < count, bytes[i] == 0x20 { i += 1 }
            guard i < count else { return found }
            // A token: the prefix, digits, `X`. Every read is checked against `count` first.
            guard i + prefix.count < count else { return false }
            for k in 0..<prefix.count where bytes[i + k] != prefix[k] { return false }
            var cursor = i + prefix.count
            var value = 0
            while cursor < count, bytes[cursor] >= 0x30, bytes[cursor] <= 0x39 {
                // Past the last placeholder no further digit brings it back (nor overflows).
                value = value * 10 + Int(bytes[cursor] - 0x30)
                guard value < standsAlone.count else { return false }
                cursor += 1
            }
            guard cursor > i + prefix.count, cursor < count, bytes[cursor] == UInt8(ascii: "X"),
                standsAlone[value]
            else { return false }
            found = true
            i = cursor + 1
        }
    }
}
