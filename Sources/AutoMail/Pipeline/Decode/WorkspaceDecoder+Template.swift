import Diagnostics
import YAMLSource

extension MappingKind {
    static let templateLocale = MappingKind("template_locale", keys: ["subject", "preheader", "body", "footer"])
}

extension WorkspaceDecoder {
    /// The entries of a template's `locales` mapping: locale → {subject, body, footer?}.
    static func decodeTemplateLocales(
        _ locales: MappingReader, owner: String,
        into bag: inout DiagnosticBag
    ) -> [TemplateLocale] {
        let pairs = locales.pairs
        if pairs.isEmpty {
            bag.report(
                .emptyValue, "empty value for `locales`", at: locales.anchor,
                help: "add one entry per workspace locale, like `fr:` with `subject` and `body`")
        }
        var result: [TemplateLocale] = []
        result.reserveCapacity(pairs.count)
        for pair in pairs {
            guard let locale = pair.key.scalar?.text else { continue }
            ValueKind<Located<String>>.checkLocale(locale, at: pair.key.range, key: "locales", into: &bag)
            guard
                var entry = MappingReader.open(
                    pair.value, kind: .templateLocale, key: locale, subject: "locale", named: locale, of: owner,
                    anchor: pair.key.range,
                    example: "write `\(locale):` followed by indented `subject:` and `body:`", into: &bag)
            else { continue }
            let subject = entry.required(
                "subject", as: .text(example: "Thank you {{ contact.firstname }}!"), into: &bag)
            let preheader = entry.optional(
                "preheader", as: .text(example: "Our next meeting, and how to join it"), into: &bag)
            let body = entry.required("body", as: .text(example: "|"), into: &bag)
            // Every pair read already (most locales write no footer): `footer`, not asked for yet, is absent.
            let footer: SourceText?
            if entry.foundEveryPair {
                entry.allow("footer")
                footer = nil
            } else {
                footer = entry.optional("footer", as: .text, into: &bag)
            }
            entry.reportUnknownKeys(into: &bag)
            // Made in the append, not in a local copied in and released after (four texts, each three
            // references).
            result.append(
                TemplateLocale(
                    locale: Located(locale, at: pair.key.range), subject: subject, body: body, footer: footer,
                    preheader: preheader))
        }
        return result
    }
}
