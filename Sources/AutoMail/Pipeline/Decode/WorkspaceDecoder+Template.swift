import Diagnostics
import YAMLSource

extension MappingKind {
    static let templateLocale = MappingKind("template_locale", keys: ["subject", "preheader", "body", "footer"])
}

extension WorkspaceDecoder {
    /// The entries of a template's `locales` mapping: locale → {subject, body, footer?}.
    static func decodeTemplateLocales(
        _ locales: borrowing MappingReader, owner: (noun: String, named: String?),
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
        // Each pair read in place (a pair copied out of the array retained its four references).
        for i in pairs.indices {
            guard let locale = pairs[i].key.scalar?.text else { continue }
            let keyRange = pairs[i].key.range
            ValueKind<Located<String>>.checkLocale(locale, at: keyRange, key: "locales", into: &bag)
            // The entry's pairs taken out of its value once, for the reader or the report.
            guard let entryPairs = pairs[i].value.pairs else {
                MappingReader.reportNotMapping(
                    pairs[i].value, key: locale, anchor: keyRange,
                    example: "write `\(locale):` followed by indented `subject:` and `body:`", into: &bag)
                continue
            }
            var entry = MappingReader(
                entryPairs, range: pairs[i].value.range, kind: .templateLocale, subject: "locale", named: locale,
                of: owner, anchor: keyRange)
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
            // references); each text moved in (passed as it was, each was copied in, then released).
            result.append(
                TemplateLocale(
                    locale: Located(locale, at: keyRange), subject: consume subject, body: consume body,
                    footer: consume footer, preheader: consume preheader))
        }
        return result
    }
}
