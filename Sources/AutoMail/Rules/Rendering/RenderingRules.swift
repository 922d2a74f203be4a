import Diagnostics
import Liquid
import MailRendering
import YAMLSource

/// AM603, AM612–AM614: what only rendering shows. A subject or a body that renders empty on some path
/// through its conditions (AM603, AM613), a subject too long for any inbox, a locale whose body is the default locale's (probably
/// untranslated). Only templates whose Liquid parses and reads known variables are rendered, so these
/// warnings never pile on an error.
struct RenderingRules {
    let symbols: SymbolTable
    let variables: VariableCatalog
    /// The source lines of each file, to point inside a subject or body.
    var lines: [String: SourceLines] = [:]

    /// Subjects longer than this many characters (once rendered) are cut by every inbox.
    static let maximumSubjectLength = 150

    /// The sample contacts each locale's templates are rendered for: one with every field filled, one
    /// without a first name.
    struct Samples: Sendable {
        var byLocale: [String: (filled: LiquidValue, anonymous: LiquidValue)] = [:]
        var defaultLocale: String
    }

    /// The samples of `workspace`, or `nil` when there is nothing to render for (no manifest or no locale).
    func samples(for workspace: Workspace) -> Samples? {
        guard let manifest = workspace.manifest, let defaultLocale = symbols.locales.first else { return nil }
        // The sample contexts depend on the locale alone: built once per locale, not per template.
        var samples = Samples(defaultLocale: defaultLocale)
        for locale in symbols.locales where samples.byLocale[locale] == nil {
            samples.byLocale[locale] = (
                RenderContext.sample(
                    manifest: manifest, locale: locale, variables: variables, filled: true,
                    unsubscribeURL: FooterRules.unsubscribeSentinel),
                RenderContext.sample(
                    manifest: manifest, locale: locale, variables: variables, filled: false,
                    unsubscribeURL: FooterRules.unsubscribeSentinel)
            )
        }
        return samples
    }

    /// What rendering a subject finds, for the sample contacts of its locale: its length once rendered
    /// for the filled contact (`nil` when it does not render), and a path on which it renders empty.
    struct SubjectFindings: Sendable {
        var renderedLength: Int?
        var empty: EmptyPath?
    }

    /// A subject's text and the locale it is rendered in.
    struct SubjectKey: Hashable, Sendable {
        let text: TextKey
        let locale: String
    }

    /// What rendering `subject` finds with the samples `filled` and `anonymous` of its locale (`parsed`
    /// holds its Liquid when the template rules parsed it).
    func subjectFindings(
        _ subject: String, filled: LiquidValue, anonymous: LiquidValue, parsed: TextTable<TextKey, ParsedLiquid>
    ) -> SubjectFindings {
        SubjectFindings(
            renderedLength: render(subject, filled, parsed: parsed)?.count,
            empty: subject.allSatisfy(\.isWhitespace)
                ? nil : emptyPath(of: subject, markdown: false, anonymous, filled: filled, parsed: parsed))
    }

    /// Checks one template (the template rules call this as they check it, so the Liquid they parsed,
    /// in `parsed`, is not parsed again; nor are the subjects in `subjects`, rendered once for every
    /// template that shares them, rendered again).
    func check(
        _ template: Template, samples: Samples, parsed: TextTable<TextKey, ParsedLiquid>,
        subjects: [SubjectKey: SubjectFindings] = [:], into bag: inout DiagnosticBag
    ) {
        let defaultLocale = samples.defaultLocale
        do {
            let name = "template `\(template.id.value)`"
            for content in template.locales where symbols.locales.contains(content.locale.value) {
                let locale = content.locale.value
                let place = "\(name) (`\(locale)`)"
                guard let (filled, anonymous) = samples.byLocale[locale] else { continue }
                // Each text read once: a body written as a block scalar is decoded from its file at each read.
                let subjectText = content.subject?.text
                let bodyText = content.body?.text
                let subjectFindings = subjectText.map { text in
                    (subjects.isEmpty ? nil : subjects[SubjectKey(text: TextKey(text), locale: locale)])
                        ?? self.subjectFindings(text, filled: filled, anonymous: anonymous, parsed: parsed)
                }
                if let subject = content.subject, let length = subjectFindings?.renderedLength,
                    length > Self.maximumSubjectLength
                {
                    bag.report(
                        .subjectTooLong,
                        "the subject of \(place) is \(length) characters long once rendered, over \(Self.maximumSubjectLength)",
                        at: subject.range,
                        help:
                            "keep subjects short (under 60 characters shows whole on phones); move details to the body")
                }
                if let subject = content.subject, let empty = subjectFindings?.empty {
                    report(
                        .emptySubject, empty, in: subject, into: &bag, what: "the subject of \(place)",
                        help:
                            "give every optional value a `default` (`{{ contact.firstname | default: \"friend\" }}`), or add words outside the conditions"
                    )
                }
                if let body = content.body, let bodyText,
                    let empty = emptyPath(of: bodyText, markdown: true, anonymous, filled: filled, parsed: parsed)
                {
                    report(
                        .bodyRendersEmpty, empty, in: body, into: &bag, what: "the body of \(place)",
                        help:
                            "keep some text outside `{% if %}`, `{% unless %}` and `{% case %}` and outside optional values, or give each an `{% else %}` or a `default`"
                    )
                }
                if locale != defaultLocale,
                    let body = content.body, let bodyText,
                    let original = template.locales.first(where: { $0.locale.value == defaultLocale })?.body,
                    MailRendering.haveSameWords(bodyText, original.text)
                {
                    bag.report(
                        .untranslatedLocale,
                        "the `\(locale)` body of \(name) is identical to the `\(defaultLocale)` body: probably untranslated",
                        at: body.range,
                        help:
                            "translate the body into `\(locale)`; the sender already falls back to `\(defaultLocale)` for contacts without a locale"
                    )
                }
            }
        }
    }

    /// The most paths rendered to look for an empty one; past it, the first ones in depth-first order.
    static let maximumPaths = 1_024

    /// A path on which a text renders nothing visible.
    struct EmptyPath {
        /// The decisions of the path (empty when the text has no block that reads the contact).
        var decisions: [LiquidDecision]
        /// Whether the path is empty for a contact with every field set too, not only with every
        /// field absent.
        var emptyWhenFilled: Bool
        /// The contact values the text reads, for the note on an empty contact.
        var contactValues: [String]
    }

    /// A path on which `source` renders nothing visible for the contact `anonymous` (every field
    /// absent: an absent value renders empty, and `default` gives its fallback), or `nil` when there is
    /// none (or the text does not parse, reads an unknown variable or fails to render: other rules
    /// report those). With `markdown`, a rendering that holds no letter or digit is converted to find
    /// out whether any text is left; one that holds a letter or a digit counts as not empty.
    func emptyPath(
        of source: String, markdown: Bool, _ anonymous: LiquidValue, filled: LiquidValue,
        parsed: TextTable<TextKey, ParsedLiquid>
    ) -> EmptyPath? {
        guard let template = parsedKnown(source, parsed: parsed),
            // A Markdown rendering holding a letter or a digit is not empty (below): one that every
            // rendering holds (`alwaysRendersASCIIAlphanumeric`) leaves no path to render.
            !(markdown && template.alwaysRendersASCIIAlphanumeric),
            let exploration = template.renderEveryPath(
                anonymous, knownRoots: FooterRules.knownRoots, limit: Self.maximumPaths)
        else { return nil }
        func isEmpty(_ output: String) -> Bool {
            guard markdown else { return !VisibleContent.isVisible(output) }
            return !output.contains(where: { $0.isLetter || $0.isNumber })
                && MailRendering.markdownComplexityProblem(output) == nil
                && !VisibleContent.isVisible(MailRendering.renderText(markdown: output))
        }
        guard let empty = exploration.renderings.first(where: { isEmpty($0.output) }) else { return nil }
        // The same path for a contact with every field set: empty there too means empty whatever the values.
        let filledOutputs = template.renderEveryPath(
            filled, knownRoots: FooterRules.knownRoots, limit: Self.maximumPaths)?
            .renderings.first { $0.decisions == empty.decisions }?.output
        var seen = Set<String>()
        let values = template.variables.map { $0.path.prefix(2).joined(separator: ".") }
            .filter { $0.hasPrefix("contact.") && seen.insert($0).inserted }
        return EmptyPath(
            decisions: empty.decisions, emptyWhenFilled: filledOutputs.map(isEmpty) ?? true, contactValues: values)
    }

    /// Reports an empty rendering: at the branch that empties it, with the conditions before it as
    /// notes, or at the whole text when it has no such branch; a note names the contact values that
    /// are empty on that path unless it is empty whatever they hold.
    private func report(
        _ code: DiagnosticCode, _ empty: EmptyPath, in text: SourceText, into bag: inout DiagnosticBag, what: String,
        help: String
    ) {
        var contactNote: [DiagnosticNote] = []
        if !empty.emptyWhenFilled, !empty.contactValues.isEmpty {
            let names = empty.contactValues.map { "`\($0)`" }.joined(separator: ", ")
            contactNote = [DiagnosticNote("empty for a contact without \(names)")]
        }
        guard !empty.decisions.isEmpty else {
            let message = empty.emptyWhenFilled ? "\(what) renders empty" : "\(what) renders empty for some contacts"
            bag.report(code, message, at: text.range, notes: contactNote, help: help)
            return
        }
        let (culprit, notes) = FooterRules.located(empty.decisions, in: text, range: range(of:in:))
        bag.report(
            code, "\(what) renders empty for some contacts", at: culprit, notes: notes + contactNote, help: help)
    }

    /// The file range of scalars `characters` of `text`.
    private func range(of characters: Range<Int>, in text: SourceText) -> SourceRange {
        guard let fileLines = lines[text.range.file] else { return text.range }
        return fileLines.range(ofScalarCharacters: characters, in: text.node)
    }

    /// `source` rendered with `context`, or `nil` when it does not parse, reads an unknown variable or
    /// fails to render (other rules report those).
    private func render(_ source: String, _ context: LiquidValue, parsed: TextTable<TextKey, ParsedLiquid>) -> String? {
        guard let template = parsedKnown(source, parsed: parsed),
            case .success(let output) = template.render(context)
        else { return nil }
        return output
    }

    /// The template of `source` (as the template rules parsed it, in `parsed`, or parsed now) when it
    /// parses and reads only known variables, or `nil`.
    private func parsedKnown(_ source: String, parsed: TextTable<TextKey, ParsedLiquid>) -> LiquidTemplate? {
        if let checked = parsed[TextKey(source)] {
            return checked.readsOnlyKnownVariables ? checked.template : nil
        }
        guard let template = LiquidTemplate.parse(source).template,
            !template.variables.contains(where: { !variables.allows($0.path) })
        else { return nil }
        return template
    }
}
