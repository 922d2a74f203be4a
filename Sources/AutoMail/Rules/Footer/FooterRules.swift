import Diagnostics
import Liquid
import MailRendering
import YAMLSource

/// AM401–AM408: in every locale, the effective footer shows the publisher, the postal address, a
/// privacy link, the data-origin notice and an unsubscribe link, to every contact.
///
/// The check does not trust the footer's source text. The footer is converted as the build converts
/// it and set in the workspace's layout; that HTML and the text part are then rendered along **every
/// path** through the Liquid blocks whose outcome depends on the contact
/// (``LiquidTemplate/renderEveryPath(_:knownRoots:limit:)``), once for a contact with every field
/// absent and once with every field set. On every rendering, each mention must be in the visible text
/// of the HTML (``VisibleContent``: not in a comment or hidden element), the links must be visible
/// links with visible text, and the text part must hold each mention and both URLs. A mention lost on
/// some path is reported at the branch that loses it, with a note at each condition on that path.
struct FooterRules {
    let symbols: SymbolTable
    let variables: VariableCatalog
    /// The source lines of each file, to point inside a footer.
    var lines: [String: SourceLines] = [:]

    /// A URL no real footer contains, standing for the contact's unsubscribe link.
    static let unsubscribeSentinel = "https://unsubscribe.invalid/automail-footer-check"
    /// The variables whose values are the same for every contact: blocks that read only these are
    /// evaluated, every other block is forked.
    static let knownRoots: Set<String> = ["legal", "workspace"]
    /// The most paths through one footer that are checked; a footer with more is refused.
    static let maximumPaths = 512

    func check(_ workspace: Workspace, into bag: inout DiagnosticBag) {
        guard let manifest = workspace.manifest else { return }
        var cache = FindingsCache()
        let layoutText = Self.layoutText(of: workspace, manifest: manifest)
        let layout = DocumentLayout(layoutText, theme: manifest.emailTheme)
        // A layout that hides the footer is reported once, at its slot (AM616), not once per mention.
        let footerHidden =
            layoutText.map { MailRendering.hiddenLayoutSlots($0).contains { $0.name == "footer" } } ?? false
        if let legal = manifest.legal {
            if let url = legal.privacyURL, !url.value.lowercased().hasPrefix("https://") {
                bag.report(
                    .insecurePrivacyURL, "the privacy URL `\(url.value)` is not an `https://` URL", at: url.range,
                    help: "link to the privacy page over HTTPS")
            }
            // Without a `data_origin` key, its missing-key error says it all: no error per locale.
            // A notice written under a near-miss key (`EN`) or left empty has its own error there.
            for locale in symbols.locales
            where legal.dataOriginKeyRange != nil
                && !legal.dataOrigin.contains(where: { $0.locale.value == locale })
                && !Self.isWritten(locale, among: legal.dataOriginKeys)
            {
                bag.report(
                    .missingDataOrigin, "`legal.data_origin` has no `\(locale)` notice",
                    at: legal.dataOriginKeyRange ?? legal.range,
                    help: "add `\(locale): <where the contact's data came from>` under `data_origin`")
            }
        }
        for locale in symbols.locales {
            if let footer = manifest.footers.first(where: { $0.locale.value == locale }) {
                if footerHidden { continue }
                check(
                    footer.text, locale: locale, manifest: manifest, layout: layout, what: "the `\(locale)` footer",
                    into: &bag, cache: &cache)
            } else {
                let overriddenEverywhere = workspace.templates.allSatisfy { template in
                    template.locales.contains { $0.locale.value == locale && $0.footer != nil }
                }
                // Without a `footer` key, its missing-key error says it all: no error per locale.
                // A footer written under a near-miss key (`EN`) or left empty has its own error there.
                if !overriddenEverywhere, manifest.footerKeyRange != nil,
                    !Self.isWritten(locale, among: manifest.footerKeys)
                {
                    bag.report(
                        .missingFooter, "the workspace has no `\(locale)` footer",
                        at: manifest.footerKeyRange ?? SourceRange.startOf(file: manifest.file),
                        help:
                            "add `\(locale): |` under `footer` in `automail.yaml` with the legal mentions and `[…]({{ unsubscribe_url }})`"
                    )
                }
            }
        }
        // By index, and the footer's name built only for a diagnostic: 20,000 templates on L.
        let templates = workspace.templates
        for position in templates.indices where !footerHidden {
            let locales = templates[position].locales
            for index in locales.indices {
                guard let footer = locales[index].footer, symbols.locales.contains(locales[index].locale.value) else {
                    continue
                }
                check(
                    footer, locale: locales[index].locale.value, manifest: manifest, layout: layout,
                    what: "the footer of template `\(templates[position].id.value)` (`\(locales[index].locale.value)`)",
                    into: &bag, cache: &cache)
            }
        }
    }

    /// The custom layout's text, when the manifest names one that exists and is UTF-8.
    static func layoutText(of workspace: Workspace, manifest: Manifest) -> String? {
        guard let path = manifest.layout?.value, let file = workspace.layoutFiles[path] else { return nil }
        return String(validating: file.bytes, as: UTF8.self)
    }

    /// A mandatory mention.
    enum Mention: CaseIterable {
        case unsubscribe, publisher, postalAddress, dataOrigin, privacyLink

        var code: DiagnosticCode {
            switch self {
            case .unsubscribe: .footerMissingUnsubscribe
            case .publisher: .footerMissingPublisher
            case .postalAddress: .footerMissingPostalAddress
            case .dataOrigin: .footerMissingDataOrigin
            case .privacyLink: .footerMissingPrivacyLink
            }
        }
    }

    /// What a footer's renderings lack, in one locale: depends only on the footer's text and locale.
    struct Findings {
        /// Each mention lost on some path, with the decisions of the first such path (empty when the
        /// mention is lost on every path), as source ranges of the footer text.
        var missing: [(mention: Mention, decisions: [LiquidDecision], everywhere: Bool)] = []
        /// The footer's Liquid blocks and its Markdown do not nest: the converted footer does not parse.
        var brokenBlocks: LiquidIssue?
        /// More paths than ``maximumPaths``.
        var tooManyPaths = false
    }

    /// The findings of every footer text already checked, by locale: template footers often repeat.
    private typealias FindingsCache = [String: [String: Findings?]]

    private func check(
        _ footer: SourceText, locale: String, manifest: Manifest, layout: DocumentLayout,
        what describe: @autoclosure () -> String, into bag: inout DiagnosticBag, cache: inout FindingsCache
    ) {
        let findings: Findings?
        if let cached = cache[locale]?[footer.text] {
            findings = cached
        } else {
            findings = self.findings(of: footer.text, locale: locale, manifest: manifest, layout: layout)
            cache[locale, default: [:]][footer.text] = .some(findings)
        }
        guard let findings, findings.brokenBlocks != nil || findings.tooManyPaths || !findings.missing.isEmpty else {
            return
        }
        let what = describe()
        if let issue = findings.brokenBlocks {
            bag.report(
                .liquidBlocksAcrossMarkdown,
                "the Liquid blocks of \(what) do not nest with its Markdown paragraphs: \(issue.message)",
                at: footer.range,
                help:
                    "put each block tag (`{% if %}`, `{% when %}`, `{% else %}`, `{% endif %}`…) on a line of its own, with the text it guards on the lines between"
            )
            return
        }
        if findings.tooManyPaths {
            bag.report(
                .footerMissingUnsubscribe,
                "\(what) has more than \(Self.maximumPaths) paths through its conditions: the legal mentions cannot be verified on each",
                at: footer.range,
                help:
                    "keep the legal mentions and the unsubscribe link outside `{% if %}`, `{% unless %}` and `{% case %}`"
            )
            return
        }
        for (mention, decisions, everywhere) in findings.missing {
            let (subject, help): (String, String) =
                switch mention {
                case .unsubscribe:
                    (
                        "has no unsubscribe link",
                        "add a link with visible text to `{{ unsubscribe_url }}`, e.g. `[Unsubscribe]({{ unsubscribe_url }})`, shown whatever the contact"
                    )
                case .publisher:
                    ("does not show the publisher", "add `{{ legal.publisher }}` to the footer, outside any condition")
                case .postalAddress:
                    (
                        "does not show the postal address",
                        "add `{{ legal.postal_address }}` to the footer, outside any condition"
                    )
                case .dataOrigin:
                    (
                        "does not show the data-origin notice",
                        "add `{{ legal.data_origin }}` to the footer, outside any condition"
                    )
                case .privacyLink:
                    (
                        "has no link to the privacy page",
                        "add a link such as `[Your data and rights]({{ legal.privacy_url }})`, shown whatever the contact"
                    )
                }
            if everywhere || decisions.isEmpty {
                bag.report(mention.code, "\(what) \(subject)", at: footer.range, help: help)
                continue
            }
            let (culprit, notes) = Self.located(decisions, in: footer, range: range(of:in:))
            bag.report(
                mention.code, "\(what) \(subject) for some contacts", at: culprit,
                notes: notes,
                help: help + "; conditions are checked as independent, so repeat it on every branch or move it out")
        }
    }

    /// Where to report a path's finding: the tag of the decision that makes the path differ from the
    /// paths explored before it (its last decision away from the first outcome; paths are explored
    /// depth first, so the ones before it kept the finding away), or the last decision when the path
    /// takes every first outcome. Notes name the decisions before that one, with their ranges, then
    /// what that one does.
    static func located(
        _ decisions: [LiquidDecision], in text: SourceText, range: (Range<Int>, SourceText) -> SourceRange
    ) -> (SourceRange, [DiagnosticNote]) {
        guard let last = decisions.indices.last else { return (text.range, []) }
        let index = decisions.lastIndex { $0.choice != 0 } ?? last
        let notes =
            decisions[..<index].map { DiagnosticNote(describe($0, in: text.text), at: range($0.tag, text)) }
            + [DiagnosticNote(describe(decisions[index], in: text.text))]
        return (range(decisions[index].tag, text), notes)
    }

    /// What a decision does, for a note: `` `{% unless contact.ward == "x" %}` skips its branch ``.
    static func describe(_ decision: LiquidDecision, in source: String) -> String {
        let scalars = Array(source.unicodeScalars)
        let tag =
            decision.tag.isEmpty || decision.tag.upperBound > scalars.count
            ? "the `case`" : "`" + String(String.UnicodeScalarView(scalars[decision.tag])) + "`"
        if decision.tag.isEmpty { return "on this path, \(tag) matches none of its `when`s" }
        let text = String(String.UnicodeScalarView(scalars[decision.tag]))
        if text.contains("when") { return "on this path, \(tag) matches" }
        if text.contains("else") && !text.contains("elsif") { return "on this path, \(tag) renders" }
        return decision.choice == 0
            ? "on this path, \(tag) renders its branch" : "on this path, \(tag) skips its branch"
    }

    /// The file range of scalars `characters` of `text`.
    private func range(of characters: Range<Int>, in text: SourceText) -> SourceRange {
        guard let fileLines = lines[text.range.file] else { return text.range }
        return fileLines.range(ofScalarCharacters: characters, in: text.node)
    }

    /// What the footer `source` lacks once converted and rendered in `locale`, on every path, or `nil`
    /// when it is not checked here (its Liquid does not parse, reads an unknown variable or fails to
    /// render: other rules report those).
    func findings(of source: String, locale: String, manifest: Manifest, layout: DocumentLayout) -> Findings? {
        guard let legal = manifest.legal, let parsedSource = LiquidTemplate.parse(source).template else { return nil }
        if parsedSource.variables.contains(where: { !variables.allows($0.path) }) { return nil }
        var findings = Findings()
        let converted = RenderedMarkdown(markdown: source, settings: manifest.conversionSettings(locale: locale))
        let html = LiquidTemplate.appendingEscapeToOutputs(
            joining: layout.parts(subject: "", locale: locale).map { part in
                switch part {
                case .markup(let text): text
                case .markupPiece(let index): layout.pieces[index]
                case .body: ""
                case .footer: layout.fragment(converted.html, role: .footer)
                }
            })
        let text = BundleLowering.textPart(body: "", footer: converted.text)
        let htmlResult = LiquidTemplate.parse(html)
        let textResult = LiquidTemplate.parse(text)
        guard let htmlTemplate = htmlResult.template, let textTemplate = textResult.template else {
            findings.brokenBlocks = htmlResult.issues.first ?? textResult.issues.first
            return findings
        }
        let dataOrigin = legal.dataOrigin.first { $0.locale.value == locale }?.text.text
        let privacyURL = legal.privacyURL?.value ?? ""
        let texts: [(Mention, String?)] = [
            (.publisher, legal.publisher?.value), (.postalAddress, legal.postalAddress?.value),
            (.dataOrigin, dataOrigin),
        ]
        var lost: [Mention: (decisions: [LiquidDecision], paths: Int)] = [:]
        var paths = 0
        for filled in [false, true] {
            let context = RenderContext.sample(
                manifest: manifest, locale: locale, variables: variables, filled: filled,
                unsubscribeURL: Self.unsubscribeSentinel)
            for (template, isHTML) in [(htmlTemplate, true), (textTemplate, false)] {
                guard
                    let exploration = template.renderEveryPath(
                        context, knownRoots: Self.knownRoots, limit: Self.maximumPaths)
                else { return nil }
                if exploration.truncated {
                    findings.tooManyPaths = true
                    return findings
                }
                for rendering in exploration.renderings {
                    paths += 1
                    var missing: [Mention] = []
                    if isHTML {
                        let visible = VisibleContent(html: rendering.output)
                        let shown = Self.normalized(visible.text)
                        func hasLink(to url: String) -> Bool {
                            visible.links.contains { $0.href == url && VisibleContent.isVisible($0.text) }
                        }
                        if !hasLink(to: Self.unsubscribeSentinel) { missing.append(.unsubscribe) }
                        if !privacyURL.isEmpty, !hasLink(to: privacyURL), !shown.contains(privacyURL) {
                            missing.append(.privacyLink)
                        }
                        for (mention, value) in texts {
                            guard let value, !value.isEmpty else { continue }
                            if !shown.contains(Self.normalized(value)) { missing.append(mention) }
                        }
                    } else {
                        let shown = Self.normalized(rendering.output)
                        if !rendering.output.contains(Self.unsubscribeSentinel) { missing.append(.unsubscribe) }
                        if !privacyURL.isEmpty, !rendering.output.contains(privacyURL) { missing.append(.privacyLink) }
                        for (mention, value) in texts {
                            guard let value, !value.isEmpty else { continue }
                            if !shown.contains(Self.normalized(value)) { missing.append(mention) }
                        }
                    }
                    for mention in missing {
                        let decisions =
                            isHTML
                            ? Self.sourceDecisions(rendering.decisions, lowered: htmlTemplate, source: parsedSource)
                            : Self.sourceDecisions(rendering.decisions, lowered: textTemplate, source: parsedSource)
                        var entry = lost[mention] ?? (decisions, 0)
                        entry.paths += 1
                        lost[mention] = entry
                    }
                }
            }
        }
        for mention in Mention.allCases {
            guard let entry = lost[mention] else { continue }
            findings.missing.append((mention, entry.decisions, entry.paths == paths))
        }
        return findings
    }

    /// The decisions of a rendering of a converted footer (`lowered`), with their tags moved to the
    /// footer's source (`source`): the n-th tag of a given text in one is the n-th of that text in the
    /// other, since the conversion keeps every tag as written. A tag not found is dropped.
    static func sourceDecisions(_ decisions: [LiquidDecision], lowered: LiquidTemplate, source: LiquidTemplate)
        -> [LiquidDecision]
    {
        let loweredScalars = Array(lowered.source.unicodeScalars)
        let sourceScalars = Array(source.source.unicodeScalars)
        func text(_ scalars: [Unicode.Scalar], _ range: Range<Int>) -> String {
            range.upperBound <= scalars.count ? String(String.UnicodeScalarView(scalars[range])) : ""
        }
        return decisions.compactMap { decision in
            guard let index = lowered.tags.firstIndex(where: { $0.range.lowerBound == decision.tag.lowerBound }) else {
                return nil
            }
            let tagText = text(loweredScalars, lowered.tags[index].range)
            let occurrence = lowered.tags[..<index].filter { text(loweredScalars, $0.range) == tagText }.count
            let matching = source.tags.filter { text(sourceScalars, $0.range) == tagText }
            guard occurrence < matching.count else { return nil }
            var moved = decision
            let range = matching[occurrence].range
            moved.tag = decision.tag.isEmpty ? range.lowerBound..<range.lowerBound : range
            return moved
        }
    }

    /// Whether `locale` is among `keys` as written, or as a malformed key means it (`EN`, `en_us` for
    /// `en-US`, `en_GB` for `en`): such a key has its own error, so the locale is not also reported as
    /// missing.
    static func isWritten(_ locale: String, among keys: [String]) -> Bool {
        keys.contains { $0 == locale || Syntax.isMalformedSpelling($0, of: locale) }
    }

    /// `text` with every run of whitespace replaced by one space, for comparing mentions.
    static func normalized(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
