import Diagnostics
import Liquid
import MailRendering

/// AM612–AM614: what only rendering shows. A subject too long for any inbox, a body that renders
/// empty for a contact without a first name, a locale whose body is the default locale's (probably
/// untranslated). Only templates whose Liquid parses and reads known variables are rendered, so these
/// warnings never pile on an error.
struct RenderingRules {
    let symbols: SymbolTable
    let variables: VariableCatalog

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
                // Converting Markdown is the costly part: only a rendering without a letter or digit
                // can come out empty, so only such a rendering is converted to find out.
                if let body = content.body, let rendered = render(body.text, anonymous, parsed: parsed),
                   !rendered.contains(where: { $0.isLetter || $0.isNumber }),
                   MailRendering.markdownComplexityProblem(rendered) == nil,
                   MailRendering.renderText(markdown: rendered).allSatisfy(\.isWhitespace) {
                    bag.report(
                        .warning(
                            .bodyEmptyWithoutFirstName, "the body of \(place) renders empty for a contact without a first name",
                            at: body.range,
                            help: "keep some text outside `{% if contact.firstname %}`, or give an `{% else %}`"))
                }
                if locale != defaultLocale,
                   let body = content.body,
                   let original = template.locales.first(where: { $0.locale.value == defaultLocale })?.body,
                   MailRendering.haveSameWords(body.text, original.text) {
                    bag.report(
                        .warning(
                            .untranslatedLocale,
                            "the `\(locale)` body of \(name) is identical to the `\(defaultLocale)` body: probably untranslated",
                            at: content.locale.range,
                            help: "translate the body into `\(locale)`; the sender already falls back to `\(defaultLocale)` for contacts without a locale"))
                }
            }
        }
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
