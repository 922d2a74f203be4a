#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import Liquid
import MailRendering

/// What the template rules work out on one template that later steps need again, keyed by source
/// text: each Markdown text converted once (`RenderedMarkdown`, with ``TemplateRules/keepsRenderings``),
/// the variables each Liquid text reads (for the lowering) and each parsed Liquid text (for the
/// rendering rules). Kept for one template at a time.
struct TextFindings {
    var markdown: [MarkdownKey: RenderedMarkdown] = [:]
    /// The HTML part alone of a text with a Liquid tag, converted by `check` (which writes no text part)
    /// for the converted-Liquid checks (only of a text within the Markdown bounds: one past them is not
    /// converted).
    var convertedHTML: [TextKey: String] = [:]
    /// The texts with a Liquid tag whose conversion `check` left unwritten, as nothing in it is for the
    /// converted-Liquid checks to find (`MarkdownLiquidCheck.html` is `nil`: the conversion holds the
    /// source's constructs alike with every tag outside every element, or the Markdown is past its bounds).
    var convertedLiquidSettled: Set<TextKey> = []
    var reads: [TextKey: Set<String>] = [:]
    var liquid: [TextKey: ParsedLiquid] = [:]
}

/// A text's Liquid as the template rules parsed it, and whether every variable it reads is known
/// (``VariableCatalog/allows(_:)``), worked out once for the rules that render it.
struct ParsedLiquid {
    var template: LiquidTemplate
    var readsOnlyKnownVariables: Bool
}

/// A Markdown text and the settings it is converted with (its locale's).
struct MarkdownKey: Hashable, Sendable {
    let text: TextKey
    let settings: ConversionSettings

    init(_ text: String, _ settings: ConversionSettings) {
        self.text = TextKey(text)
        self.settings = settings
    }
}

/// A text as a dictionary key compared and hashed by its UTF-8 bytes.
///
/// `String`'s own `==` and hash go through Unicode normalization, which for bodies of several
/// kilobytes cost more than the lookups they serve; and two bodies that differ only in normalization
/// are different sources, so must not share a conversion. The hash reads every byte (``fold(_:)``), folded
/// into one word that the `Hasher` takes at once (fed to it byte by byte, they cost about 600
/// instructions a lookup, most of a lookup); equality compares every byte.
///
/// Every byte, not only the ends: the tables of repeated texts hold texts of the whole workspace, and
/// thousands of bodies of one length that open with the same greeting and close with the same
/// signature would all share a hash read from their ends, making each lookup compare against all of
/// them (a generated L so written took 40 s to check, not 5; `TextKeyTests` holds the hash to telling
/// such texts apart).
struct TextKey: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: TextKey, rhs: TextKey) -> Bool {
        let (left, right) = (lhs.text.utf8, rhs.text.utf8)
        guard left.count == right.count else { return false }
        // Read in place (no copy of either String, no retain): a native String's bytes are contiguous.
        let equal = left.withContiguousStorageIfAvailable { l in
            right.withContiguousStorageIfAvailable { r in
                guard let a = l.baseAddress, let b = r.baseAddress else { return true }
                // Both buffers hold `l.count` bytes (their counts are equal).
                return memcmp(a, b, l.count) == 0
            }
        }
        if let equal = equal ?? nil { return equal }
        return left.elementsEqual(right)
    }

    func hash(into hasher: inout Hasher) {
        // Read in place when the bytes are contiguous (a native String's are), else through a copy.
        let word =
            text.utf8.withContiguousStorageIfAvailable { Self.fold(UnsafeRawBufferPointer($0)) }
            ?? {
                var text = self.text
                return text.withUTF8 { Self.fold(UnsafeRawBufferPointer($0)) }
            }()
        hasher.combine(word)
    }

    /// The length of `bytes` and all its bytes folded into one word: up to 64 bytes, each eight multiplied
    /// into it and mixed (as in FxHash and wyhash), so that a byte changed anywhere changes the word; a
    /// longer text through XXH64, which reads 32 bytes a round, mixed with its length the same way.
    static func fold(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let count = bytes.count
        var word = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        func mixWord(_ value: UInt64) {
            word = (word ^ value) &* 0xBF58_476D_1CE4_E5B9
            word ^= word >> 31
        }
        /// The bytes `start..<end` (within `bytes`), eight at a time, then the rest one at a time.
        func mixBytes(from start: Int, to end: Int) {
            var i = start
            // `i + 8 <= end <= count` keeps each eight-byte load within the buffer.
            while i + 8 <= end {
                mixWord(bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            var last: UInt64 = 0
            while i < end {
                last = last << 8 | UInt64(bytes[i])
                i += 1
            }
            if start < end { mixWord(last) }
        }
        if count > 64 {
            mixWord(XXH64.hash(bytes))
        } else {
            mixBytes(from: 0, to: count)
        }
        return word
    }
}
