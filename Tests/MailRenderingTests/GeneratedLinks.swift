import TestSupport
import Testing

@testable import MailRendering

/// The links of generated bodies, walked as the link-parts differentials walk them: each body is a random
/// sequence of `pieces`, protected and read by `MailMarkdown`; each link comes with the Markdown it was
/// written as and its protected range, ready for `MarkdownConversion.linkParts`.
enum GeneratedLinks {
    /// One link of a generated body, with what `MarkdownConversion.linkParts` reads.
    struct Link {
        let source: String
        let document: ProtectedMarkdown
        let declarations: MarkdownConversion.Declarations
        let markdown: Substring
        let isImage: Bool
        let range: Range<Int>

        /// The link's parts as `MarkdownConversion.linkParts` reads them, on the path `byScalars` chooses,
        /// or on the default path when it is `nil`.
        func parts(byScalars: Bool? = nil) -> MarkdownConversion.LinkParts? {
            guard let byScalars else {
                return MarkdownConversion.linkParts(
                    markdown: markdown, isImage: isImage, range: range, declarations: declarations, document: document)
            }
            return MarkdownConversion.linkParts(
                markdown: markdown, isImage: isImage, range: range, declarations: declarations, document: document,
                byScalars: byScalars)
        }
    }

    /// Calls `body` with every link of `bodies` generated bodies of up to 11 `pieces` each.
    static func forEach(
        bodies: Int, of pieces: [String], generator: inout SplitMix64, _ body: (Link) -> Void
    ) {
        for _ in 0..<bodies {
            var source = ""
            for _ in 0..<generator.next(12) { source += pieces[generator.next(pieces.count)] }
            let document = ProtectedMarkdown(source: source)
            let declarations = MarkdownConversion.urlDeclarations(in: document)
            var links: [(raw: Range<Int>, isImage: Bool)] = []
            MailMarkdown(document.text).callHooks(
                MailMarkdown.Hooks(
                    inlineCode: { _, _ in "" }, codeBlock: { _, _ in "" },
                    link: { raw, _, isImage in
                        links.append((raw, isImage))
                        return ""
                    }))
            let utf8 = document.text.utf8
            for link in links {
                let lower = utf8.index(utf8.startIndex, offsetBy: link.raw.lowerBound)
                let upper = utf8.index(utf8.startIndex, offsetBy: link.raw.upperBound)
                let markdown = Substring(utf8[lower..<upper])
                let range =
                    document.protectedOffset(of: markdown.startIndex)..<document.protectedOffset(of: markdown.endIndex)
                body(
                    Link(
                        source: source, document: document, declarations: declarations, markdown: markdown,
                        isImage: link.isImage, range: range))
            }
        }
    }

    /// Expects two readings of one link to give the same parts at the same places.
    static func expectSameParts(
        _ fast: MarkdownConversion.LinkParts?, _ definition: MarkdownConversion.LinkParts?, source: String
    ) {
        #expect((fast == nil) == (definition == nil), "\(source.debugDescription)")
        guard let fast, let definition else { return }
        #expect(fast.inkURL.startIndex == definition.inkURL.startIndex, "\(source.debugDescription)")
        #expect(fast.inkURL.endIndex == definition.inkURL.endIndex, "\(source.debugDescription)")
        #expect(fast.text.startIndex == definition.text.startIndex, "\(source.debugDescription)")
        #expect(fast.text.endIndex == definition.text.endIndex, "\(source.debugDescription)")
        #expect(fast.urlSourceRange == definition.urlSourceRange, "\(source.debugDescription)")
        #expect(fast.wholeRange == definition.wholeRange, "\(source.debugDescription)")
    }
}
