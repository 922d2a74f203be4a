#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import Diagnostics
import Liquid
import MailRendering
import YAMLSource

/// AM601–AM611 and AM618–AM622, with AM503 and AM112 for subjects and preheaders: every locale present
/// and declared, subjects one non-empty line, Liquid that parses inside the subset and reads only known
/// variables (no list field printed, no reserved name assigned, no block across Markdown), Markdown
/// without raw HTML or unsafe links and not too complex.
struct TemplateRules {
    let symbols: SymbolTable
    let variables: VariableCatalog
    let lines: [String: SourceLines]
    /// Threads to check templates on (each template is checked on its own, merged in order).
    var parallelism = 1
    /// The rendering rules, run on each template right after these (they reuse its parsed Liquid), with
    /// their sample contacts; `nil` when there is nothing to render for.
    var rendering: (rules: RenderingRules, samples: RenderingRules.Samples)?
    /// Whether to convert Markdown fully and keep the conversions (for a build, whose lowering checks each
    /// template as it lowers it); a check only needs the issues.
    var keepsRenderings = false
    /// The manifest: its globals (`legal`, `workspace`) are rendered into subjects to check they stay
    /// one line on every path.
    let manifest: Manifest?
    /// The bodies and footers several template locales share, parsed and converted once
    /// (``sharingRepeatedTexts(of:)``); empty until then.
    var repeatedTexts = RepeatedTexts()
    /// What depends on the locale alone, worked out once for each declared locale and footer locale
    /// (``LocaleFacts``): not once for every subject, body and footer.
    private let localeFacts: [String: LocaleFacts]

    /// What the checks of a locale's texts need that depends on the locale alone.
    struct LocaleFacts: Sendable {
        /// How the texts are converted (``Manifest/conversionSettings(locale:)``).
        var settings: ConversionSettings
        /// The globals automail fills in, when one of them holds a control character (a line break…) that a
        /// subject could render with; `nil` when none does (``renderedControl(in:locale:)`` has nothing to find).
        var controlGlobals: [String: LiquidValue]?
    }

    /// Creates the rules; `manifest` (when there is one) gives each locale's conversion settings and globals.
    init(
        symbols: SymbolTable, variables: VariableCatalog, lines: [String: SourceLines], parallelism: Int = 1,
        rendering: (rules: RenderingRules, samples: RenderingRules.Samples)? = nil, keepsRenderings: Bool = false,
        manifest: Manifest? = nil
    ) {
        self.symbols = symbols
        self.variables = variables
        self.lines = lines
        self.parallelism = parallelism
        self.rendering = rendering
        self.keepsRenderings = keepsRenderings
        self.manifest = manifest
        var facts: [String: LocaleFacts] = [:]
        let locales = symbols.locales + (manifest?.footers.map(\.locale.value) ?? [])
        for locale in locales where facts[locale] == nil {
            facts[locale] = Self.facts(locale: locale, manifest: manifest)
        }
        localeFacts = facts
    }

    /// The facts of `locale`, as ``localeFacts`` holds them.
    private static func facts(locale: String, manifest: Manifest?) -> LocaleFacts {
        guard let manifest else {
            return LocaleFacts(
                settings: ConversionSettings(typography: Typography(locale: locale)), controlGlobals: nil)
        }
        let globals = RenderContext.globals(manifest: manifest, locale: locale)
        return LocaleFacts(
            settings: manifest.conversionSettings(locale: locale),
            controlGlobals: globals.values.contains(where: holdsControl) ? globals : nil)
    }

    /// The facts of `locale` (worked out now for a locale the workspace does not declare).
    private func facts(locale: String) -> LocaleFacts {
        localeFacts[locale] ?? Self.facts(locale: locale, manifest: manifest)
    }

    /// Whether a value automail fills in holds a control character (a line break…).
    private static func holdsControl(_ value: LiquidValue) -> Bool {
        switch value {
        case .string(let text): HeaderValueRules.firstControl(in: text) != nil
        case .object(let members): members.values.contains(where: holdsControl)
        case .array(let items): items.contains(where: holdsControl)
        default: false
        }
    }

    /// Checks the manifest's footers and every template (on up to `parallelism` threads).
    func check(_ workspace: Workspace, into bag: inout DiagnosticBag) {
        var findings = TextFindings()
        if let manifest = workspace.manifest { checkFooters(of: manifest, into: &bag, keeping: &findings) }
        let templates = workspace.templates
        let rules = sharingRepeatedTexts(of: templates)
        let outcomes = Parallel.map(templates.count, parallelism: parallelism) { index in
            var local = DiagnosticBag()
            var converted = TextFindings()
            rules.check(templates[index], into: &local, keeping: &converted)
            return local.diagnostics
        }
        for diagnostics in outcomes { bag.report(contentsOf: diagnostics) }
    }

    /// How the texts of `locale` are converted (``Manifest/conversionSettings(locale:)``).
    func conversionSettings(locale: String) -> ConversionSettings {
        facts(locale: locale).settings
    }

    /// Checks the manifest's footers (their conversions go into `findings` when ``keepsRenderings``).
    func checkFooters(of manifest: Manifest, into bag: inout DiagnosticBag, keeping findings: inout TextFindings) {
        for footer in manifest.footers {
            let source = footer.text.text
            checkLiquid(
                footer.text, source: source, what: "the `\(footer.locale.value)` footer", into: &bag,
                keeping: &findings)
            let typography = conversionSettings(locale: footer.locale.value)
            checkMarkdown(
                footer.text, source: source, typography: typography, what: "the `\(footer.locale.value)` footer",
                into: &bag, keeping: &findings)
            checkConvertedLiquid(
                footer.text, source: source, typography: typography, what: "the `\(footer.locale.value)` footer",
                into: &bag, keeping: &findings)
        }
    }

    /// Checks one template; its Markdown conversions go into `findings` when ``keepsRenderings``.
    func check(_ template: Template, into bag: inout DiagnosticBag, keeping findings: inout TextFindings) {
        let locales = symbols.locales
        // A subject, preheader, body and footer a locale at most: room for them at once, not grown (and
        // every key hashed again) four times over.
        findings.liquid.reserveCapacity(findings.liquid.count + template.locales.count * 4)
        if keepsRenderings {
            // The same for what a build keeps: the reads of each text, the conversions of each body and footer.
            findings.reads.reserveCapacity(findings.reads.count + template.locales.count * 4)
            findings.markdown.reserveCapacity(findings.markdown.count + template.locales.count * 2)
        }
        do {
            let name = "template `\(template.id.value)`"
            var present = Set<String>()
            for content in template.locales {
                present.insert(content.locale.value)
                // A malformed locale (`EN`) already has its error from the decoder.
                if !locales.isEmpty, !locales.contains(content.locale.value),
                    Syntax.isValidLocale(content.locale.value),
                    !symbols.isRefusedLocale(spelling: content.locale.value)
                {
                    bag.report(
                        .undeclaredLocale,
                        "\(name) has locale `\(content.locale.value)`, which the workspace does not declare",
                        at: content.locale.range,
                        help: DidYouMean.help(for: content.locale.value, among: locales)
                            ?? "add `\(content.locale.value)` to `locales` in `automail.yaml`, or remove this locale")
                }
                let place = "\(name) (`\(content.locale.value)`)"
                if let subject = content.subject {
                    checkSubject(subject, place: place, locale: content.locale.value, into: &bag, keeping: &findings)
                }
                if let preheader = content.preheader {
                    let source = preheader.text
                    checkLiquid(
                        preheader, source: source, what: "the preheader of \(place)", into: &bag, keeping: &findings)
                    if let (offset, scalar) = HeaderValueRules.firstControl(in: source) {
                        let what = scalar == "\n" || scalar == "\r" ? "a line break" : "a control character"
                        bag.report(
                            .headerInjection, "the preheader of \(place) contains \(what)",
                            at: range(of: offset..<(offset + 1), in: preheader),
                            help:
                                "write the preheader on one line (use a plain scalar or `>-`): it is the one line a mail client shows after the subject"
                        )
                    }
                }
                let typography = conversionSettings(locale: content.locale.value)
                if let body = content.body {
                    // Read once: a body written as a block scalar is decoded from its file at each read.
                    let source = body.text
                    let what = "the body of \(place)"
                    checkLiquid(body, source: source, what: what, into: &bag, keeping: &findings)
                    checkMarkdown(
                        body, source: source, typography: typography, what: what, into: &bag, keeping: &findings)
                    checkConvertedLiquid(
                        body, source: source, typography: typography, what: what, into: &bag, keeping: &findings)
                }
                if let footer = content.footer {
                    // Read once: a body written as a block scalar is decoded from its file at each read.
                    let source = footer.text
                    let what = "the footer of \(place)"
                    checkLiquid(footer, source: source, what: what, into: &bag, keeping: &findings)
                    checkMarkdown(
                        footer, source: source, typography: typography, what: what, into: &bag, keeping: &findings)
                    checkConvertedLiquid(
                        footer, source: source, typography: typography, what: what, into: &bag, keeping: &findings)
                }
            }
            // A locale present under a near-miss key (`EN`, `fr-fr`) is reported there, not as missing.
            let undeclared = present.filter { !locales.contains($0) }
            for locale in locales where !present.contains(locale) {
                if undeclared.contains(where: {
                    $0.lowercased() == locale || Syntax.isMalformedSpelling($0, of: locale)
                        || DidYouMean.suggestion(for: $0, among: [locale]) != nil
                }) {
                    continue
                }
                bag.report(
                    .missingLocale, "\(name) has no `\(locale)` locale", at: template.localesRange ?? template.id.range,
                    help:
                        "add `\(locale):` with `subject` and `body` under `locales`: every template covers every workspace locale"
                )
            }
        }
        if let rendering {
            rendering.rules.check(
                template, samples: rendering.samples, parsed: findings.liquid, subjects: repeatedTexts.subjects,
                into: &bag)
        }
        findings.liquid = [:]
    }

    private func checkSubject(
        _ subject: SourceText, place: String, locale: String, into bag: inout DiagnosticBag,
        keeping findings: inout TextFindings
    ) {
        let source = subject.text
        // A repeated subject known free of the problems below (`headerProblemsFree`) skips their checks.
        let clean = repeatedTexts.mayHold(source) && repeatedTexts.cleanHeaders.contains(TextKey(source))
        if !clean, source.allSatisfy({ $0.isWhitespace }) {
            bag.report(
                .emptySubject, "the subject of \(place) is empty", at: subject.range,
                help: "write a subject: an email without one looks like spam")
            return
        }
        if !clean, let (offset, scalar) = HeaderValueRules.firstControl(in: source) {
            let what = scalar == "\n" || scalar == "\r" ? "a line break" : "a control character"
            bag.report(
                .headerInjection, "the subject of \(place) contains \(what)",
                at: range(of: offset..<(offset + 1), in: subject),
                help:
                    "write the subject on one line (use a plain scalar or `>-`): a line break in a header can inject headers"
            )
        } else if let (variable, scalar) = renderedControl(in: source, locale: locale) {
            let what = scalar == "\n" || scalar == "\r" ? "a line break" : "a control character"
            bag.report(
                .headerInjection, "the subject of \(place) renders with \(what) from `\(variable)`",
                at: subject.range,
                help:
                    "a subject is one line: keep `\(variable)` out of it, or make that value one line (a plain scalar or `>-`)"
            )
        }
        if !clean, let word = HeaderValueRules.encodedWord(in: source) {
            bag.report(
                .headerInjection,
                "the subject of \(place) contains the RFC 2047 encoded word `\(word)`, which mail clients decode and show instead",
                at: subject.range,
                help:
                    "write the subject as it should read: automail encodes it when it sends, and an encoded word can hide what reviewers see"
            )
        }
        if !clean, let (offset, scalar) = HiddenCharacters.problem(inHeaderValue: source) {
            bag.report(
                .hiddenCharacter,
                "the subject of \(place) contains an invisible character, \(HiddenCharacters.describe(scalar))",
                at: range(of: offset..<(offset + 1), in: subject),
                help: "delete it: it hides text from reviewers and from mail filters")
        }
        if !clean, Self.exceedsCheckedScalars(source) {
            bag.report(
                .markdownTooComplex, "the subject of \(place) is longer than \(Self.maxCheckedScalars) characters",
                at: subject.range, help: "write a subject of a few words")
        }
        checkLiquid(subject, source: source, what: "the subject of \(place)", into: &bag, keeping: &findings)
    }

    /// Whether a subject written as `text` has none of the problems ``checkSubject`` finds in its text
    /// as written: not blank, no control character, no RFC 2047 encoded word, no invisible character,
    /// not past ``maxCheckedScalars`` (what it renders with, and its Liquid, are checked apart).
    static func headerProblemsFree(_ text: String) -> Bool {
        !text.allSatisfy({ $0.isWhitespace }) && HeaderValueRules.firstControl(in: text) == nil
            && HeaderValueRules.encodedWord(in: text) == nil && HiddenCharacters.problem(inHeaderValue: text) == nil
            && !exceedsCheckedScalars(text)
    }

    /// The first control character (a line break…) that a subject renders with, on some path through
    /// its conditions, from a value automail fills in (`legal.*`, `workspace.*`), with the variable that
    /// brings it (the first one read that holds a control). Contact values are markers here: the sender
    /// refuses a contact's line break when it sends (`unsafe_header`).
    func renderedControl(in subject: String, locale: String) -> (variable: String, scalar: Unicode.Scalar)? {
        // Only a value automail fills in can bring a control: literal text is checked as written, a
        // contact's values are markers, and no filter makes a line break from text without one. So a
        // locale none of whose globals holds one has nothing to find (known once per locale), nor has a
        // subject without a `{` byte (`contains("{")` by Characters finds none where no byte is one).
        guard let manifest, let globals = facts(locale: locale).controlGlobals,
            subject.utf8.contains(UInt8(ascii: "{")), subject.contains("{"),
            let template = LiquidTemplate.parse(subject).template
        else { return nil }
        for filled in [false, true] {
            let context = RenderContext.sample(
                manifest: manifest, locale: locale, variables: variables, filled: filled,
                unsubscribeURL: FooterRules.unsubscribeSentinel)
            guard
                let exploration = template.renderEveryPath(
                    context, knownRoots: FooterRules.knownRoots, limit: FooterRules.maximumPaths)
            else { return nil }
            for rendering in exploration.renderings {
                guard let (_, scalar) = HeaderValueRules.firstControl(in: rendering.output) else { continue }
                let culprit = template.variables.first { reference in
                    var value: LiquidValue? = .object(globals)
                    for key in reference.path {
                        guard case .object(let members)? = value else { value = nil; break }
                        value = members[key]
                    }
                    if case .string(let text)? = value { return HeaderValueRules.firstControl(in: text) != nil }
                    return false
                }
                return (culprit.map { $0.path.joined(separator: ".") } ?? "a value automail fills in", scalar)
            }
        }
        return nil
    }

    /// The names whose values the sender and the manifest provide: never assignable, so what the
    /// footer and the legal checks read is what they provide.
    static let reservedRoots: Set<String> = ["contact", "legal", "workspace", "unsubscribe_url"]

    /// The longest subject, body or footer checked (256 Ki scalars, as MailRendering's Markdown bound).
    static let maxCheckedScalars = 256 * 1024

    /// Whether `text` has more than `maxCheckedScalars` scalars (counted only when it has more bytes).
    static func exceedsCheckedScalars(_ text: String) -> Bool {
        text.utf8.count > maxCheckedScalars && text.unicodeScalars.count > maxCheckedScalars
    }

    /// The most Liquid issues, and the most unknown variables, reported for one subject, body or footer.
    static let maxReportsPerText = 20

    /// On the last diagnostic shown, a note counting those left out.
    static func omittedNote(shown: Int, of total: Int) -> [DiagnosticNote] {
        guard shown == maxReportsPerText, total > shown else { return [] }
        return [DiagnosticNote("\(total - shown) more like this are not shown")]
    }

    /// Parses the Liquid of `text` and reports syntax errors, unsupported constructs and unknown variables;
    /// with ``keepsRenderings``, keeps the variables it reads for the lowering.
    /// `source` is `text.text`, read once by the caller (a block scalar's text is decoded at each read).
    func checkLiquid(
        _ text: SourceText, source: String, what: String, into bag: inout DiagnosticBag,
        keeping findings: inout TextFindings
    ) {
        // Past the Markdown bound the text is reported once (AM620, by `checkMarkdown` or `checkSubject`)
        // and not parsed: a hostile text must not cost time in proportion to its thousands of tags.
        guard !Self.exceedsCheckedScalars(source) else { return }
        let key = TextKey(source)
        let result =
            (repeatedTexts.mayHold(source) ? repeatedTexts.liquid[key] : nil)
            ?? LiquidTemplate.parse(source)
        var locate = TextLocator(text, in: lines)
        // At most `maxReportsPerText` of each kind: a hostile body with thousands of broken tags must not
        // cost thousands of position computations over a huge text (and the output they make).
        for (number, issue) in result.issues.prefix(Self.maxReportsPerText).enumerated() {
            let code: DiagnosticCode
            switch issue.kind {
            case .unsupportedTag, .unsupportedFilter, .unsupportedSyntax: code = .unsupportedLiquid
            default: code = .liquidSyntax
            }
            bag.report(
                code, "\(issue.message) in \(what)", at: locate.range(of: issue.range),
                notes: Self.omittedNote(shown: number + 1, of: result.issues.count),
                help: issue.help ?? "see `automail explain \(code.rawValue)` for the supported Liquid")
        }
        guard let template = result.template else { return }
        for binding in template.bindings where Self.reservedRoots.contains(binding.name) {
            bag.report(
                .reservedNameAssigned,
                "`\(binding.name)` is provided by automail and the sender, and cannot be assigned in \(what)",
                at: locate.range(of: binding.range),
                help:
                    "choose another name for the variable (e.g. `my_\(binding.name)`): the footer and the legal checks read `\(binding.name)` as the sender provides it"
            )
        }
        if keepsRenderings { findings.reads[key] = Self.reads(of: template.variables, catalog: variables) }
        let unknown = template.variables.filter { !variables.allows($0.path) }
        findings.liquid[key] = ParsedLiquid(template: template, readsOnlyKnownVariables: unknown.isEmpty)
        for (number, reference) in unknown.prefix(Self.maxReportsPerText).enumerated() {
            // Without a readable manifest the custom contact fields are unknown: stay silent about them.
            if variables.manifestMissing, reference.path.first == "contact" { continue }
            let name = reference.path.joined(separator: ".")
            let namespace = (reference.path.first ?? "") + "."
            let siblings = variables.names.filter { $0.hasPrefix(namespace) }.sorted()
            let help =
                DidYouMean.help(for: name, among: variables.names)
                ?? siblings.first(where: { name.hasPrefix($0) || $0.hasPrefix(name) }).map(DidYouMean.help(suggesting:))
                ?? (reference.path.first == "contact"
                    ? "declare `\(reference.path.dropFirst().first ?? name)` in `contact_fields` of `automail.yaml`, or use `contact.firstname`, `contact.surname` or `contact.mail`"
                    : siblings.isEmpty
                        ? "use a variable the sender provides: `contact.*`, `legal.*`, `workspace.*` or `unsubscribe_url`"
                        : "use one of " + siblings.map { "`\($0)`" }.joined(separator: ", "))
            bag.report(
                .unknownVariable, "unknown variable `\(name)` in \(what)", at: locate.range(of: reference.range),
                notes: Self.omittedNote(shown: number + 1, of: unknown.count), help: help)
        }
        // A checkbox field holds a list: printed as it is, the HTML part's `| escape` fails at send time.
        let lists = template.printed.filter { variables.isListField($0.path) && $0.firstFilter != "size" }
        for (number, printed) in lists.prefix(Self.maxReportsPerText).enumerated() {
            let name = printed.path.joined(separator: ".")
            bag.report(
                .listFieldPrinted, "`\(name)` is a checkbox field, a list of answers, printed as text in \(what)",
                at: locate.range(of: printed.range),
                notes: Self.omittedNote(shown: number + 1, of: lists.count),
                help:
                    "test an answer with `{% if \(name) contains \"ANSWER\" %}`, or print `\(name).size` or `\(name).first`"
            )
        }
    }

    /// Reports raw HTML, unsafe or empty links and images without alt text in Markdown `text`.
    /// `source` is `text.text`, read once by the caller.
    func checkMarkdown(
        _ text: SourceText, source: String, typography: ConversionSettings = .init(), what: String,
        into bag: inout DiagnosticBag, keeping findings: inout TextFindings
    ) {
        let issues: [MarkdownIssue]
        // A text with a Liquid tag is converted whole anyway (`checkConvertedLiquid` parses the result):
        // convert it once, here.
        if keepsRenderings {
            let key = MarkdownKey(source, typography)
            let rendered =
                findings.markdown[key] ?? (repeatedTexts.mayHold(source) ? repeatedTexts.rendered[key] : nil)
                ?? RenderedMarkdown(markdown: source, settings: typography)
            findings.markdown[key] = rendered
            issues = rendered.issues
        } else if Self.needsConvertedCheck(source) {
            // `check` writes no text part: the HTML is enough to parse what a sender parses.
            let key = TextKey(source)
            if let fragment = repeatedTexts.mayHold(source) ? repeatedTexts.fragments[key] : nil {
                // Kept for `checkConvertedLiquid` when the Markdown was within its bounds (converted) and
                // its Liquid parsed (else nothing reads it, and a text alone does not write it).
                if !fragment.issues.contains(where: { $0.kind == .tooComplex }), findings.liquid[key] != nil {
                    findings.convertedHTML[key] = fragment.html
                }
                issues = fragment.issues
            } else if let template = findings.liquid[key]?.template {
                // The HTML only when the reader cannot tell what AM622 reads of it (`MarkdownLiquidCheck`):
                // without it, `checkConvertedLiquid` has nothing to look at.
                let checked = MailRendering.checkMarkdown(source, keepingLiquidOf: template)
                if let html = checked.html {
                    findings.convertedHTML[key] = html
                } else {
                    // Room for a template's locales at once: the set grown from empty hashed its keys again.
                    if findings.convertedLiquidSettled.isEmpty { findings.convertedLiquidSettled.reserveCapacity(4) }
                    findings.convertedLiquidSettled.insert(key)
                }
                issues = checked.issues
            } else {
                // Liquid that did not parse is not checked once converted: the issues are enough.
                issues = MailRendering.checkMarkdown(source)
            }
        } else {
            issues =
                (repeatedTexts.mayHold(source) ? repeatedTexts.issues[TextKey(source)] : nil)
                ?? MailRendering.checkMarkdown(source)
        }
        // At most `maxReportsPerText` of each code, the last counting the rest, all located with one
        // locator: 16,000 `<b>` in a body are 20 diagnostics, not 16,000 passes over the body.
        func classify(_ kind: MarkdownIssue.Kind) -> DiagnosticCode {
            switch kind {
            case .rawHTML: .rawHTML
            case .unsafeLinkURL: .unsafeLink
            case .emptyLinkURL: .emptyLink
            case .imageWithoutAlt: .imageWithoutAlt
            case .layoutSlot: .rawHTML
            case .tooComplex: .markdownTooComplex
            }
        }
        var totals: [DiagnosticCode: Int] = [:]
        for issue in issues { totals[classify(issue.kind), default: 0] += 1 }
        var shown: [DiagnosticCode: Int] = [:]
        var locate = TextLocator(text, in: lines)
        for issue in issues {
            let code = classify(issue.kind)
            let number = shown[code, default: 0] + 1
            guard number <= Self.maxReportsPerText else { continue }
            shown[code] = number
            bag.report(
                code, "\(issue.message) in \(what)", at: locate.range(of: issue.range),
                notes: Self.omittedNote(shown: number, of: totals[code, default: 0]), help: issue.help)
        }
    }

    /// AM622: the HTML and text parts the build makes of a Markdown text parse as the sender parses
    /// them. Markdown paragraphs and list items wrap what they hold, so a Liquid block whose tags fall
    /// in different paragraphs can come out with markup between `case` and its first `when`, which
    /// every sender refuses. Checked only on a text whose own Liquid parsed and that has a block tag.
    /// `source` is `text.text`, read once by the caller.
    func checkConvertedLiquid(
        _ text: SourceText, source sourceText: String, typography: ConversionSettings = .init(), what: String,
        into bag: inout DiagnosticBag, keeping findings: inout TextFindings
    ) {
        let key = TextKey(sourceText)
        // A settled text (most of `check`'s) is answered by the set alone, before the parsed Liquid is looked up;
        // a build settles none, and its empty set is not asked.
        guard Self.needsConvertedCheck(sourceText),
            findings.convertedLiquidSettled.isEmpty || !findings.convertedLiquidSettled.contains(key),
            let source = findings.liquid[key]?.template
        else { return }
        // A build checks both parts it writes; `check` the HTML part, whose block structure the text
        // part follows (the text writer adds only white space between blocks). Markdown past its bounds
        // (`markdownComplexityProblem`) is not converted, nor checked here: a conversion at hand says so
        // by its `.tooComplex` issue (the only place that issue comes from), without measuring again.
        let parts: [String]
        if let rendered = findings.markdown[MarkdownKey(sourceText, typography)] {
            guard !rendered.issues.contains(where: { $0.kind == .tooComplex }) else { return }
            parts = [rendered.html, rendered.text]
        } else if let html = findings.convertedHTML[key] {
            parts = [html]
        } else {
            guard MailRendering.markdownComplexityProblem(sourceText) == nil else { return }
            let rendered = RenderedMarkdown(markdown: sourceText, settings: typography)
            findings.markdown[MarkdownKey(sourceText, typography)] = rendered
            parts = [rendered.html, rendered.text]
        }
        let help =
            "put each block tag (`{% case %}`, `{% when %}`, `{% if %}`, `{% else %}`, `{% endif %}`…) on a line of its own or at the start or end of a line, outside list items, links and emphasis"
        var parsedHTML: LiquidTemplate?
        for (index, part) in parts.enumerated() {
            // A part holding exactly the source's constructs parses without issue, as the source did
            // (`hasConstructs(alikeIn:)`): only a part whose constructs differ is parsed here.
            if source.hasConstructs(alikeIn: part) { continue }
            let result = LiquidTemplate.parse(part)
            if index == 0 { parsedHTML = result.template }
            guard let issue = result.issues.first else { continue }
            bag.report(
                .liquidBlocksAcrossMarkdown,
                "the Liquid blocks of \(what) do not nest with its Markdown: once converted, \(issue.message)",
                at: text.range, help: help)
            return
        }
        // Every path must leave the HTML well nested: a branch tag inside `**…**` whose block ends
        // outside it would leave `<strong>` open for the rest of the email on the other path.
        // Blocks whose tags all stand outside any element have whole blocks as branches: nothing to explore.
        guard !VisibleContent.blockTagsStandOutsideElements(parts[0]),
            let html = parsedHTML ?? LiquidTemplate.parse(parts[0]).template,
            let exploration = html.renderEveryPath(
                .object([:]), knownRoots: FooterRules.knownRoots, limit: RenderingRules.maximumPaths)
        else { return }
        for rendering in exploration.renderings where !VisibleContent.isWellNested(rendering.output) {
            let decisions = FooterRules.sourceDecisions(rendering.decisions, lowered: html, source: source)
            let (culprit, notes) = FooterRules.located(decisions, in: text, range: range(of:in:))
            bag.report(
                .liquidBlocksAcrossMarkdown,
                "the Liquid blocks of \(what) do not nest with its Markdown: on some path the HTML is left unbalanced",
                at: culprit, notes: notes, help: help)
            return
        }
    }

    /// The variables `references` read, as the lowering records them (``BundleLowering/reads(of:)-swift.type.method``,
    /// the definition, `TemplateRulesScanTests`): each full path joined with `.`, and its first two
    /// segments; built by appending, without a `joined(separator:)` (2,500 instructions each) per name.
    /// A path of two segments is inserted once (its full path is its first two segments).
    ///
    /// With `catalog`, the names of two segments it holds are given as its own strings
    /// (``VariableCatalog/joinedName(_:_:)``): the same names, byte for byte, none made again for each
    /// text (`ReadsByCatalogTests`).
    static func reads(of references: [LiquidVariableReference], catalog: VariableCatalog? = nil) -> Set<String> {
        // At most two names a reference: room for them at once, not grown (and every name hashed again).
        var used = Set<String>(minimumCapacity: references.count * 2)
        for reference in references {
            let path = reference.path
            switch path.count {
            case 0: used.insert("")
            case 1: used.insert(path[0])
            default:
                var name = catalog?.joinedName(path[0], path[1]) ?? joined(path[0], path[1])
                if path.count > 2 {
                    used.insert(name)
                    for segment in path.dropFirst(2) {
                        name += "."
                        name += segment
                    }
                }
                used.insert(name)
            }
        }
        return used
    }

    /// `first.second`, made at its size at once (two appends to `first` grew it, and copied it, twice).
    static func joined(_ first: String, _ second: String) -> String {
        var first = first
        var second = second
        return first.withUTF8 { a in
            second.withUTF8 { b in
                String(unsafeUninitializedCapacity: a.count + 1 + b.count) { buffer in
                    // The buffer holds `a.count + 1 + b.count` bytes: those of `a`, the dot, those of `b`.
                    var offset = 0
                    for byte in a {
                        buffer[offset] = byte
                        offset += 1
                    }
                    buffer[offset] = UInt8(ascii: ".")
                    offset += 1
                    for byte in b {
                        buffer[offset] = byte
                        offset += 1
                    }
                    return offset
                }
            }
        }
    }

    /// Whether a text has a Liquid tag, so that its conversion is parsed as a sender parses it.
    static func needsConvertedCheck(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            // Each `{` found by `memchr` and the byte after it compared: the same answer as
            // ``needsConvertedCheckByBytes(_:)``, the byte-by-byte definition, on every text. `memchr`
            // reads the `count - offset` bytes from `offset`, within the buffer, and finds a byte in them.
            guard let base = bytes.baseAddress else { return false }
            let start = UnsafeRawPointer(base)
            let count = bytes.count
            var offset = 0
            while offset < count, let found = memchr(start + offset, Int32(UInt8(ascii: "{")), count - offset) {
                let next = start.distance(to: UnsafeRawPointer(found)) + 1
                guard next < count else { return false }
                if bytes[next] == UInt8(ascii: "%") { return true }
                offset = next
            }
            return false
        }
    }

    /// ``needsConvertedCheck(_:)`` byte by byte: the definition its differential test holds it to.
    static func needsConvertedCheckByBytes(_ text: String) -> Bool {
        var previousIsBrace = false
        for byte in text.utf8 {
            if previousIsBrace, byte == UInt8(ascii: "%") { return true }
            previousIsBrace = byte == UInt8(ascii: "{")
        }
        return false
    }

    /// The file range of characters `characters` of `text` (one pass over the text: a rule with many
    /// findings in one text uses a ``TextLocator``).
    func range(of characters: Range<Int>, in text: SourceText) -> SourceRange {
        guard let fileLines = lines[text.range.file] else { return text.range }
        return fileLines.range(ofScalarCharacters: characters, in: text.node)
    }
}

/// Locates characters of one text in its file, for every finding of that text: the file's line table
/// and the text are read once, when the first finding is located (``ScalarLocator``), so that a text
/// with many findings costs one pass over it, not one a finding.
///
/// The file's line table is looked up (by the file's path) only then too: most texts have no finding.
struct TextLocator {
    private let text: SourceText
    private let files: [String: SourceLines]
    private var locator: ScalarLocator?
    /// Whether the text's file has no line table (known once it is looked up).
    private var unlocatable = false

    /// A locator of `text`, in the line table `files` holds for its file.
    init(_ text: SourceText, in files: [String: SourceLines]) {
        self.text = text
        self.files = files
    }

    /// The file range of characters `characters` of the text.
    mutating func range(of characters: Range<Int>) -> SourceRange {
        if locator == nil, !unlocatable {
            if let lines = files[text.range.file] {
                locator = lines.locator(for: text.node)
            } else {
                unlocatable = true
            }
        }
        return locator?.range(ofScalarCharacters: characters) ?? text.range
    }
}
