import Liquid
import MailRendering

/// The bodies and footers that several template locales hold alike (a footer pasted into every
/// template of a campaign: 597 of the generated M's 6,597 texts are three footers), parsed and
/// converted once before the templates are checked rather than once for each template that holds them;
/// and the subjects and preheaders several hold alike (`Des nouvelles de {{ workspace.name }}`: the
/// generated M's 6,000 subjects are 15 texts), parsed and checked for header problems once (they are
/// not converted).
/// Parsing and converting are pure functions of the text (and of the locale's settings, for a full
/// conversion), so each template's diagnostics and conversions are the same either way; each is still
/// reported, and located, in its own template.
struct RepeatedTexts: Sendable {
    /// Each repeated text's Liquid, as `LiquidTemplate.parse` gives it.
    var liquid: [TextKey: LiquidParseResult] = [:]
    /// Each repeated text converted fully with its locale's settings (a build, ``TemplateRules/keepsRenderings``).
    var rendered: [MarkdownKey: RenderedMarkdown] = [:]
    /// Each repeated text with a Liquid tag, its HTML fragment and issues (`check`).
    var fragments: [TextKey: (html: String, issues: [MarkdownIssue])] = [:]
    /// Each other repeated text, its Markdown issues (`check`).
    var issues: [TextKey: [MarkdownIssue]] = [:]
    /// The UTF-8 lengths of the repeated texts: a text of another length is none of them, known
    /// without hashing its bytes.
    var lengths: Set<Int> = []
    /// The repeated subjects and preheaders in which ``TemplateRules/headerProblemsFree(_:)`` finds
    /// nothing: a subject among them skips those checks (it is checked the same way each time).
    var cleanHeaders: Set<TextKey> = []
    /// What rendering finds in each repeated subject, in each locale it is written for (with
    /// ``TemplateRules/rendering``).
    var subjects: [RenderingRules.SubjectKey: RenderingRules.SubjectFindings] = [:]

    /// Whether `text` may be one of the repeated texts (its length is one of theirs).
    func mayHold(_ text: String) -> Bool { !lengths.isEmpty && lengths.contains(text.utf8.count) }
}

extension TemplateRules {
    /// These rules with ``repeatedTexts`` filled for `templates`: every body and footer held by more
    /// than one template locale (the same text with the same settings, for a build) parsed and
    /// converted once, as ``checkLiquid(_:what:into:keeping:)`` and ``checkMarkdown(_:typography:what:into:keeping:)``
    /// would, on up to ``parallelism`` threads.
    func sharingRepeatedTexts(of templates: [Template]) -> TemplateRules {
        // Two passes, so that no text is held beyond its own reading unless it may repeat: bodies are read
        // from the file's bytes on demand (`SourceText.text`), and a table holding every body at once
        // would be the second copy of the workspace's texts that reading on demand removed (about 34 MB
        // on the generated L). The first pass counts fingerprints (the text's XXH64 and length, and the
        // locale when a build converts with the locale's settings); the second keys only the texts whose
        // fingerprint came up twice by the texts themselves, which decides.
        //
        // Read on the text's UTF-8 bytes: a body's are decoded from its file without making a `String`.
        // Nil for a text over the checked length, which no rule reads whole.
        func fingerprint(_ text: SourceText, locale: String) -> Fingerprint? {
            let locale = self.keepsRenderings ? locale : ""
            return text.withUTF8 { bytes in
                guard !Self.exceedsCheckedScalars(utf8: bytes) else { return nil }
                return Fingerprint(
                    digest: XXH64.hash(UnsafeRawBufferPointer(bytes)), length: bytes.count, locale: locale)
            }
        }
        // The first pass fingerprints each template's texts on up to `parallelism` threads (reading every
        // body's bytes is most of its work), then counts them in template order; the second keys, again
        // per template on the threads, only the texts whose fingerprint came up twice, and counts the keys
        // in template order. The counts are the ones a serial loop over the templates makes.
        // Subjects and preheaders, only parsed: fingerprinted without the locale, in a table of their own.
        // Each template's texts in a fixed order (subject and preheader, body and footer of each locale),
        // handed to `visit` one at a time, without an array of them a locale.
        func forEachText(
            of template: Template,
            _ visit: (_ text: SourceText, _ isLine: Bool, _ isSubject: Bool, TemplateLocale) -> Void
        ) {
            for content in template.locales {
                if let subject = content.subject { visit(subject, true, true, content) }
                if let preheader = content.preheader { visit(preheader, true, false, content) }
                if let body = content.body { visit(body, false, false, content) }
                if let footer = content.footer { visit(footer, false, false, content) }
            }
        }
        let prints = Parallel.map(templates.count, parallelism: parallelism) { index in
            var prints = TemplatePrints()
            prints.lines.reserveCapacity(templates[index].locales.count * 2)
            prints.texts.reserveCapacity(templates[index].locales.count * 2)
            forEachText(of: templates[index]) { text, isLine, _, content in
                if isLine {
                    prints.lines.append(fingerprint(text, locale: ""))
                } else {
                    prints.texts.append(fingerprint(text, locale: content.locale.value))
                }
            }
            return prints
        }
        var seen: [Fingerprint: Int] = [:]
        var linesSeen: [Fingerprint: Int] = [:]
        for template in prints {
            for print in template.texts { if let print { seen[print, default: 0] += 1 } }
            for print in template.lines { if let print { linesSeen[print, default: 0] += 1 } }
        }
        let keysByTemplate = Parallel.map(templates.count, parallelism: parallelism) { index in
            var keys = TemplateKeys()
            var (textIndex, lineIndex) = (0, 0)
            let template = prints[index]
            forEachText(of: templates[index]) { text, isLine, isSubject, content in
                if isLine {
                    defer { lineIndex += 1 }
                    guard lineIndex < template.lines.count, let print = template.lines[lineIndex],
                        let seenCount = linesSeen[print], seenCount > 1
                    else { return }
                    keys.lines.append((TextKey(text.text), isSubject ? content.locale.value : nil))
                } else {
                    defer { textIndex += 1 }
                    guard textIndex < template.texts.count, let print = template.texts[textIndex],
                        let seenCount = seen[print], seenCount > 1
                    else { return }
                    // `check` converts without the locale's settings: one conversion a text, whatever its locale.
                    let settings =
                        self.keepsRenderings ? conversionSettings(locale: content.locale.value) : ConversionSettings()
                    keys.texts.append(MarkdownKey(text.text, settings))
                }
            }
            return keys
        }
        var counts: [MarkdownKey: Int] = [:]
        var lineCounts: [TextKey: Int] = [:]
        // The locales each repeated subject is written for: it is rendered with each one's samples.
        var subjectLocales: [TextKey: Set<String>] = [:]
        for template in keysByTemplate {
            for (key, subjectLocale) in template.lines {
                lineCounts[key, default: 0] += 1
                if let subjectLocale { subjectLocales[key, default: []].insert(subjectLocale) }
            }
            for key in template.texts { counts[key, default: 0] += 1 }
        }
        let keys = counts.filter { $0.value > 1 }.map(\.key)
        // A subject that is also a repeated body or footer is parsed with it.
        let bodyTexts = Set(keys.map(\.text))
        let lineKeys = lineCounts.filter { $0.value > 1 && !bodyTexts.contains($0.key) }.map(\.key)
        guard !keys.isEmpty || !lineKeys.isEmpty else { return self }
        let keepsRenderings = keepsRenderings
        let results = Parallel.map(keys.count, parallelism: parallelism) { index in
            let key = keys[index]
            let text = key.text.text
            let liquid = LiquidTemplate.parse(text)
            if keepsRenderings {
                return (liquid, RepeatedConversion.rendered(RenderedMarkdown(markdown: text, settings: key.settings)))
            }
            if Self.needsConvertedCheck(text) {
                return (liquid, RepeatedConversion.fragment(MailRendering.renderHTMLFragment(markdown: text)))
            }
            return (liquid, RepeatedConversion.issues(MailRendering.checkMarkdown(text)))
        }
        let lineResults = Parallel.map(lineKeys.count, parallelism: parallelism) { index in
            let text = lineKeys[index].text
            return (liquid: LiquidTemplate.parse(text), clean: Self.headerProblemsFree(text))
        }
        var repeated = RepeatedTexts()
        if let rendering {
            // Each repeated subject rendered in each of its locales that has samples, as
            // `RenderingRules.check` renders it (its Liquid parsed anew, as `parsedKnown` does without `parsed`).
            let pairs = lineKeys.flatMap { key in
                (subjectLocales[key] ?? []).sorted().compactMap { locale in
                    rendering.samples.byLocale[locale] == nil
                        ? nil : RenderingRules.SubjectKey(text: key, locale: locale)
                }
            }
            let findings = Parallel.map(pairs.count, parallelism: parallelism) { index in
                let pair = pairs[index]
                guard let (filled, anonymous) = rendering.samples.byLocale[pair.locale] else {
                    return RenderingRules.SubjectFindings()
                }
                return rendering.rules.subjectFindings(
                    pair.text.text, filled: filled, anonymous: anonymous, parsed: [:])
            }
            for (pair, found) in zip(pairs, findings) { repeated.subjects[pair] = found }
        }
        for (key, result) in zip(lineKeys, lineResults) {
            repeated.liquid[key] = result.liquid
            if result.clean { repeated.cleanHeaders.insert(key) }
            repeated.lengths.insert(key.text.utf8.count)
        }
        for (key, (liquid, conversion)) in zip(keys, results) {
            repeated.liquid[key.text] = liquid
            repeated.lengths.insert(key.text.text.utf8.count)
            switch conversion {
            case .rendered(let rendered): repeated.rendered[key] = rendered
            case .fragment(let fragment): repeated.fragments[key.text] = fragment
            case .issues(let issues): repeated.issues[key.text] = issues
            }
        }
        var rules = self
        rules.repeatedTexts = repeated
        return rules
    }
}

/// A text's fingerprint in ``TemplateRules/sharingRepeatedTexts(of:)``'s first pass: equal texts (with
/// equal locales, when the locale matters) have equal fingerprints; unequal ones almost never do, and the
/// second pass compares the texts themselves.
private struct Fingerprint: Hashable {
    let digest: UInt64
    let length: Int
    let locale: String
}

/// One template's fingerprints in ``TemplateRules/sharingRepeatedTexts(of:)``'s first pass, in the order
/// of its locales: its subjects and preheaders (`lines`), its bodies and footers (`texts`); nil for a text
/// over the checked length.
private struct TemplatePrints {
    var lines: [Fingerprint?] = []
    var texts: [Fingerprint?] = []
}

/// One template's texts whose fingerprint came up twice, in the second pass: each subject or preheader
/// with its locale when it is a subject, each body or footer with its conversion settings.
private struct TemplateKeys {
    var lines: [(key: TextKey, subjectLocale: String?)] = []
    var texts: [MarkdownKey] = []
}

/// What ``TemplateRules/sharingRepeatedTexts(of:)`` converts a repeated text to, by the kind of run.
private enum RepeatedConversion: Sendable {
    case rendered(RenderedMarkdown)
    case fragment((html: String, issues: [MarkdownIssue]))
    case issues([MarkdownIssue])
}

extension TemplateRules {
    /// ``exceedsCheckedScalars(_:)`` on a text's UTF-8 bytes: a scalar is a byte that does not continue
    /// one (the bytes come from a `String`, so they are valid UTF-8). Counted only past the limit in bytes.
    static func exceedsCheckedScalars(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.count > maxCheckedScalars else { return false }
        var scalars = 0
        for byte in bytes where byte & 0xC0 != 0x80 { scalars += 1 }
        return scalars > maxCheckedScalars
    }
}
