import TestSupport
import Testing

@testable import MailRendering

/// The HTML `MailMarkdownHTMLWriter.writeLink` hands to the link hook, written with the link's text in place,
/// against what it replaced (the definition): the text written alone into an array of its own, then put
/// between the link's markup.
struct LinkHTMLDifferentialTests {
    /// The link's HTML as the definition writes it.
    static func definition(
        _ link: MailMarkdown.LinkNode, reader: MailMarkdown, hooks: MailMarkdown.Hooks, lineBreaks: Bool
    ) -> String {
        var writer = MailMarkdownHTMLWriter(reader: reader, hooks: hooks)
        writer.lineBreaks = lineBreaks
        var url = reader.bytes[link.target]
        if link.isReference, let declared = reader.urls[MailMarkdown.lowercased(url)] {
            url = reader.bytes[declared]
        }
        let body = writer.written(link.text)
        var html: [UInt8] = []
        if link.isImage {
            html += Array("<img src=\"".utf8) + url + [0x22]
            if !body.isEmpty { html += Array(" alt=\"".utf8) + body + [0x22] }
            html += Array("/>".utf8)
        } else {
            html += Array("<a href=\"".utf8) + url + Array("\">".utf8) + body + Array("</a>".utf8)
        }
        return String(decoding: html, as: UTF8.self)
    }

    /// Links, images (with and without text), references, nested code and emphasis, and what breaks them.
    static let pieces = [
        "[", "]", "(", ")", "](u)", "](<a b>)", "![", "[r]", "\n\n[r]: /x\n", "`c`", "*e*", "**s**", "text", "é",
        " ", "\n", "<", "&", "\"", "[]", "![](i)", "![a](i)", "[x](y \"t\")", "[![i](j)](k)", "[`c`](d)",
    ]

    @Test func linkHTMLAgreesWithTheTextWrittenAlone() {
        var generator = SplitMix64(state: 0x11A7)
        let identity = MailMarkdown.Hooks(inlineCode: { $1 }, codeBlock: { $1 }, link: { _, html, _ in html })
        var links = 0
        for _ in 0..<4_000 {
            var source = ""
            for _ in 0..<generator.next(16) { source += Self.pieces[generator.next(Self.pieces.count)] }
            let reader = MailMarkdown(source)
            var received: [(raw: Range<Int>, html: String, isImage: Bool)] = []
            let hooks = MailMarkdown.Hooks(
                inlineCode: { $1 }, codeBlock: { $1 },
                link: { raw, html, isImage in
                    received.append((raw, html, isImage))
                    return html
                })
            let lineBreaks = generator.next(2) == 0
            _ = reader.html(hooks: hooks, lineBreaks: lineBreaks)
            for call in received {
                guard let link = reader.links.first(where: { $0.raw == call.raw && $0.isImage == call.isImage })
                else {
                    Issue.record("no link at \(call.raw) in \(source.debugDescription)")
                    continue
                }
                links += 1
                #expect(
                    call.html == Self.definition(link, reader: reader, hooks: identity, lineBreaks: lineBreaks),
                    "\(source.debugDescription)")
            }
        }
        #expect(links > 1_000)
    }
}
