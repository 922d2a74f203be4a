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
/// are different sources, so must not share a conversion. The hash reads the length and at most
/// 32 bytes at each end: the dictionaries hold a template's few texts, where that tells them apart (a
/// text is looked up a dozen times as its template is checked and lowered: more bytes hashed cost more
/// than they saved), and equality compares every byte.
struct TextKey: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: TextKey, rhs: TextKey) -> Bool {
        var (left, right) = (lhs.text, rhs.text)
        return left.withUTF8 { l in
            right.withUTF8 { r in
                guard l.count == r.count else { return false }
                guard let a = l.baseAddress, let b = r.baseAddress else { return true }
                return memcmp(a, b, l.count) == 0
            }
        }
    }

    func hash(into hasher: inout Hasher) {
        var text = self.text
        text.withUTF8 { bytes in
            hasher.combine(bytes.count)
            let raw = UnsafeRawBufferPointer(bytes)
            guard raw.count > 64 else { return hasher.combine(bytes: raw) }
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: raw.prefix(32)))
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: raw.suffix(32)))
        }
    }
}
