import Diagnostics
import Liquid
import MailRendering

/// AM401–AM408: in every locale, the effective footer shows the publisher, the postal address, a
/// privacy link, the data-origin notice and an unsubscribe link.
///
/// The check is mechanical and does not trust the footer's source text: the footer is rendered, as a
/// sender would, for a contact with every field empty and for one with every field filled, and each
/// mention must appear in both renderings (so a mention hidden behind `{% if %}` does not count).
struct FooterRules {
    let symbols: SymbolTable
    let variables: VariableCatalog

    /// A URL no real footer contains, standing for the contact's unsubscribe link.
    static let unsubscribeSentinel = "https://unsubscribe.invalid/automail-footer-check"

    func check(_ workspace: Workspace, into bag: inout DiagnosticBag) {
        guard let manifest = workspace.manifest else { return }
        var cache = FindingsCache()
        if let legal = manifest.legal {
            if let url = legal.privacyURL, !url.value.lowercased().hasPrefix("https://") {
                bag.report(
                    .error(
                        .insecurePrivacyURL, "the privacy URL `\(url.value)` is not an `https://` URL", at: url.range,
                        help: "link to the privacy page over HTTPS"))
            }
            // Without a `data_origin` key, its missing-key error says it all: no error per locale.
            // A notice written under a near-miss key (`EN`) or left empty has its own error there.
            for locale in symbols.locales where legal.dataOriginKeyRange != nil
                && !legal.dataOrigin.contains(where: { $0.locale.value == locale })
                && !Self.isWritten(locale, among: legal.dataOriginKeys)
            {
                bag.report(
                    .error(
                        .missingDataOrigin, "`legal.data_origin` has no `\(locale)` notice",
                        at: legal.dataOriginKeyRange ?? legal.range,
                        help: "add `\(locale): <where the contact's data came from>` under `data_origin`"))
            }
        }
        for locale in symbols.locales {
            if let footer = manifest.footers.first(where: { $0.locale.value == locale }) {
                check(footer.text, locale: locale, manifest: manifest, what: "the `\(locale)` footer", into: &bag,
                      cache: &cache)
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
                        .error(
                            .missingFooter, "the workspace has no `\(locale)` footer",
                            at: manifest.footerKeyRange ?? SourceRange.startOf(file: manifest.file),
                            help: "add `\(locale): |` under `footer` in `automail.yaml` with the legal mentions and `[…]({{ unsubscribe_url }})`"
                        ))
                }
            }
        }
        for template in workspace.templates {
            for content in template.locales {
                guard let footer = content.footer, symbols.locales.contains(content.locale.value) else { continue }
                check(
                    footer, locale: content.locale.value, manifest: manifest,
                    what: "the footer of template `\(template.id.value)` (`\(content.locale.value)`)", into: &bag,
                    cache: &cache)
            }
        }
    }

    /// What a footer's renderings lack, in one locale: depends only on the footer's text and locale.
    private struct Findings {
        var missingUnsubscribe = false
        var missingMentions: [DiagnosticCode] = []
        var missingPrivacyLink = false
    }

    /// The findings of every footer text already checked, by locale: template footers often repeat.
    private typealias FindingsCache = [String: [String: Findings?]]

    private func check(
        _ footer: SourceText, locale: String, manifest: Manifest, what: String, into bag: inout DiagnosticBag,
        cache: inout FindingsCache
    ) {
        let findings: Findings?
        if let cached = cache[locale]?[footer.text] {
            findings = cached
        } else {
            findings = self.findings(of: footer.text, locale: locale, manifest: manifest)
            cache[locale, default: [:]][footer.text] = .some(findings)
        }
        guard let findings else { return }
        if findings.missingUnsubscribe {
            bag.report(
                .error(
                    .footerMissingUnsubscribe, "\(what) has no unsubscribe link", at: footer.range,
                    help: "add a link to `{{ unsubscribe_url }}`, e.g. `[Unsubscribe]({{ unsubscribe_url }})`, shown whatever the contact"
                ))
        }
        let mentions: [(DiagnosticCode, String, String)] = [
            (.footerMissingPublisher, "the publisher", "{{ legal.publisher }}"),
            (.footerMissingPostalAddress, "the postal address", "{{ legal.postal_address }}"),
            (.footerMissingDataOrigin, "the data-origin notice", "{{ legal.data_origin }}"),
        ]
        for (code, name, tag) in mentions where findings.missingMentions.contains(code) {
            bag.report(
                .error(
                    code, "\(what) does not show \(name)", at: footer.range,
                    help: "add `\(tag)` to the footer"))
        }
        if findings.missingPrivacyLink {
            bag.report(
                .error(
                    .footerMissingPrivacyLink, "\(what) has no link to the privacy page", at: footer.range,
                    help: "add a link such as `[Your data and rights]({{ legal.privacy_url }})`"))
        }
    }

    /// What the footer `source` lacks once rendered in `locale`, or `nil` when it is not checked here
    /// (its Liquid does not parse, reads an unknown variable or fails to render: other rules report those).
    private func findings(of source: String, locale: String, manifest: Manifest) -> Findings? {
        guard let legal = manifest.legal, let template = LiquidTemplate.parse(source).template else { return nil }
        if template.variables.contains(where: { !variables.allows($0.path) }) { return nil }
        let dataOrigin = legal.dataOrigin.first { $0.locale.value == locale }?.text.text
        var renderings: [(html: String, text: String)] = []
        for filled in [false, true] {
            let context = RenderContext.sample(
                manifest: manifest, locale: locale, variables: variables, filled: filled,
                unsubscribeURL: Self.unsubscribeSentinel)
            guard case .success(let markdown) = template.render(context) else { return nil }
            let rendered = RenderedMarkdown(markdown: markdown)
            renderings.append((rendered.html, Self.normalized(rendered.text)))
        }
        func everywhere(_ predicate: ((html: String, text: String)) -> Bool) -> Bool {
            renderings.allSatisfy(predicate)
        }
        var findings = Findings()
        findings.missingUnsubscribe = !everywhere({ $0.html.contains("href=\"\(Self.unsubscribeSentinel)\"") })
        let mentions: [(DiagnosticCode, String?)] = [
            (.footerMissingPublisher, legal.publisher?.value),
            (.footerMissingPostalAddress, legal.postalAddress?.value),
            (.footerMissingDataOrigin, dataOrigin),
        ]
        for (code, value) in mentions {
            guard let value, !value.isEmpty else { continue }
            let needle = Self.normalized(value)
            if !everywhere({ $0.text.contains(needle) }) { findings.missingMentions.append(code) }
        }
        if let url = legal.privacyURL?.value, !url.isEmpty {
            let escaped = MailRendering.escapeHTMLAttribute(url)
            if !everywhere({ $0.html.contains("href=\"\(escaped)\"") || $0.text.contains(url) }) {
                findings.missingPrivacyLink = true
            }
        }
        return findings
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
