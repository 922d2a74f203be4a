/// Bounds on the Markdown a body may hold. They were set for Ink, whose link parser took time
/// exponential in the number of open `[` of a paragraph; ``MailMarkdown`` is linear, but the bounds
/// stay as the format's limits (AM620). Markdown past a bound is not rendered: ``MarkdownConversion``
/// reports `.tooComplex` instead.
enum MarkdownBounds {
    /// The most `[` open at once in one paragraph (nested, or not closed).
    static let maxOpenBrackets = 10
    /// The most `[` in one paragraph.
    static let maxBracketsPerParagraph = 500
    /// The most scalars in one body or footer (256 Ki).
    static let maxScalars = 256 * 1024

    /// Why `markdown` is refused, or `nil`.
    static func problem(in markdown: String) -> String? {
        var count = 0
        var open = 0
        var inParagraph = 0
        var lineIsBlank = true
        // On UTF-8 bytes: a scalar is its lead byte (continuation bytes are skipped), and every scalar
        // the bounds look at is ASCII.
        // (On the contiguous bytes, with literal byte values: a loop over `String.UTF8View` matching
        // `UInt8(ascii:)` patterns cost more instructions than the scalar loop it replaced.)
        var markdown = markdown
        return markdown.withUTF8 { bytes in
            // Quick "no problem": no more bytes than the scalar bound (so no more scalars either) and at
            // most `maxOpenBrackets` `[` in all (so never more open at once, nor in one paragraph). The
            // count is a branch-free loop over the bytes, which the compiler vectorises.
            if bytes.count <= maxScalars {
                var brackets = 0
                for byte in bytes { brackets &+= byte == 0x5B ? 1 : 0 }
                if brackets <= maxOpenBrackets { return nil }
            }
            for byte in bytes where byte & 0xC0 != 0x80 {
                count += 1
                if count > maxScalars {
                    return "it is longer than \(maxScalars) characters"
                }
                switch byte {
                case 0x0A:  // \n
                    if lineIsBlank {
                        open = 0
                        inParagraph = 0
                    }
                    lineIsBlank = true
                case 0x5B:  // [
                    lineIsBlank = false
                    open += 1
                    inParagraph += 1
                    if open > maxOpenBrackets {
                        return "more than \(maxOpenBrackets) `[` are open at once in one paragraph"
                    }
                    if inParagraph > maxBracketsPerParagraph {
                        return "one paragraph has more than \(maxBracketsPerParagraph) `[`"
                    }
                case 0x5D:  // ]
                    lineIsBlank = false
                    if open > 0 { open -= 1 }
                case 0x20, 0x09, 0x0D:  // space, tab, \r
                    break
                default:
                    lineIsBlank = false
                }
            }
            return nil
        }
    }
}

/// Why `markdown` is too large or too deeply bracketed to render (see ``MarkdownBounds``), or `nil`:
/// such Markdown is reported (`.tooComplex`) and never rendered.
public func markdownComplexityProblem(_ markdown: String) -> String? {
    MarkdownBounds.problem(in: markdown)
}
