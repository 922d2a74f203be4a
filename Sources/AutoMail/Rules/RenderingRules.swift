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
                    unsubscribeURL: FooterRules.unsubscribeSentinel))
        }
        return samples
    }

    /// Checks one template (the template rules call this as they check it, so the Liquid they parsed,
    /// in `parsed`, is not parsed again).
    func check(
        _ template: Template, samples: Samples, parsed: [TextKey: LiquidTemplate], into bag: inout DiagnosticBag
    ) {
        let defaultLocale = samples.defaultLocale
        do {
            let name = "template `\(template.id.value)`"
            for content in template.locales where symbols.locales.contains(content.locale.value) {
                let locale = content.locale.value
                let place = "\(name) (`\(locale)`)"
                guard let (filled, anonymous) = samples.byLocale[locale] else { continue }
                if let subject = content.subject, let rendered = render(subject.text, filled, parsed: parsed),
                   rendered.count > Self.maximumSubjectLength {
                    bag.report(
                        .warning(
                            .subjectTooLong,
                            "the subject of \(place) is \(rendered.count) characters long once rendered, over \(Self.maximumSubjectLength)",
                            at: subject.range,
                            help: "keep subjects short (under 60 characters shows whole on phones); move details to the body"))
                }
                if let subject = content.subject, !subject.text.allSatisfy(\.isWhitespace),
                   let path = emptyPath(of: subject.text, markdown: false, anonymous, parsed: parsed) {
                    report(
                        .emptySubject, path, in: subject, into: &bag,
                        always: "the subject of \(place) renders empty",
                        some: "the subject of \(place) renders empty for some contacts",
                        help: "give every optional value a `default` (`{{ contact.firstname | default: \"friend\" }}`), or add words outside the conditions")
                }
                if let body = content.body, let path = emptyPath(of: body.text, markdown: true, anonymous, parsed: parsed) {
                    report(
                        .bodyRendersEmpty, path, in: body, into: &bag,
                        always: "the body of \(place) renders empty",
                        some: "the body of \(place) renders empty for some contacts",
                        help: "keep some text outside `{% if %}`, `{% unless %}` and `{% case %}`, or give each an `{% else %}` with text")
                }
                if locale != defaultLocale,
                   let body = content.body,
                   let original = template.locales.first(where: { $0.locale.value == defaultLocale })?.body,
                   MailRendering.haveSameWords(body.text, original.text) {
                    bag.report(
                        .warning(
                            .untranslatedLocale,
                            "the `\(locale)` body of \(name) is identical to the `\(defaultLocale)` body: probably untranslated",
                            at: body.range,
                            help: "translate the body into `\(locale)`; the sender already falls back to `\(defaultLocale)` for contacts without a locale"))
                }
            }
        }
    }

    /// The most paths rendered to look for an empty one; past it, the first ones in depth-first order.
    static let maximumPaths = 1_024

    /// A path on which `source` renders nothing visible for the contact `context` (every field absent:
    /// an absent value renders empty, and `default` gives its fallback), or `nil` when there is none
    /// (or the text does not parse, reads an unknown variable or fails to render: other rules report
    /// those). With `markdown`, a rendering that holds no letter or digit is converted to find out
    /// whether any text is left; one that holds a letter or a digit counts as not empty.
    func emptyPath(of source: String, markdown: Bool, _ context: LiquidValue, parsed: [TextKey: LiquidTemplate])
        -> [LiquidDecision]?
    {
        guard let template = parsed[TextKey(source)] ?? LiquidTemplate.parse(source).template,
              !template.variables.contains(where: { !variables.allows($0.path) }),
              let exploration = template.renderEveryPath(
                  context, knownRoots: FooterRules.knownRoots, limit: Self.maximumPaths)
        else { return nil }
        for rendering in exploration.renderings {
            let output = rendering.output
            if markdown {
                guard !output.contains(where: { $0.isLetter || $0.isNumber }),
                      MailRendering.markdownComplexityProblem(output) == nil,
                      !VisibleContent.isVisible(MailRendering.renderText(markdown: output))
                else { continue }
            } else if VisibleContent.isVisible(output) {
                continue
            }
            return rendering.decisions
        }
        return nil
    }

    /// Reports an empty rendering: at the branch that empties it, with the conditions before it as
    /// notes, or at the whole text when it is empty on every path.
    private func report(
        _ code: DiagnosticCode, _ path: [LiquidDecision], in text: SourceText, into bag: inout DiagnosticBag,
        always: String, some: String, help: String
    ) {
        guard !path.isEmpty else {
            bag.report(.error(code, always, at: text.range, help: help))
            return
        }
        let (culprit, notes) = FooterRules.located(path, in: text, range: range(of:in:))
        bag.report(.error(code, some, at: culprit, notes: notes, help: help))
    }

    /// The file range of scalars `characters` of `text`.
    private func range(of characters: Range<Int>, in text: SourceText) -> SourceRange {
        guard let fileLines = lines[text.range.file] else { return text.range }
        return fileLines.range(ofScalarCharacters: characters, in: text.node)
    }

    /// `source` rendered with `context`, or `nil` when it does not parse, reads an unknown variable or
    /// fails to render (other rules report those).
    private func render(_ source: String, _ context: LiquidValue, parsed: [TextKey: LiquidTemplate]) -> String? {
        guard let template = parsed[TextKey(source)] ?? LiquidTemplate.parse(source).template,
              !template.variables.contains(where: { !variables.allows($0.path) }),
              case .success(let output) = template.render(context)
        else { return nil }
        return output
    }
}
