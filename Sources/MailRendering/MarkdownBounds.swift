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
            // `[` are counted eight bytes at a time, the rest one by one.
            if bytes.count <= maxScalars {
                var brackets = 0
                var i = 0
                if let base = bytes.baseAddress.map(UnsafeRawPointer.init) {
                    // Each load reads `i..<i + 8`, within the bytes. A byte of `x` is zero where the byte was
                    // `[`; a byte of `y` has its high bit set exactly where that of `x` is not zero (the sum
                    // of two values below 0x80 stays in its byte), so the clear high bits count the `[`.
                    while i + 8 <= bytes.count {
                        let x = base.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x5B5B_5B5B_5B5B_5B5B
                        let y = ((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x
                        // Counted only in a word that holds one: the count is a dozen instructions (no
                        // `popcnt` in the baseline x86-64 target), the test one.
                        let found = ~y & 0x8080_8080_8080_8080
                        if found != 0 { brackets &+= found.nonzeroBitCount }
                        i += 8
                    }
                }
                while i < bytes.count {
                    brackets &+= bytes[i] == 0x5B ? 1 : 0
                    i += 1
                }
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
