import BundleModel

/// How the locale of an email was chosen.
public enum LocaleMatch: String, Sendable, Hashable, CaseIterable {
    /// The template has the contact's locale.
    case exact
    /// The template lacks the contact's locale (`fr-CA`) but has its language (`fr`).
    case language
    /// The contact has no locale, or the template has neither it nor its language: the default locale.
    case `default`
}

extension RuntimeBundle {
    /// The locale to render `template` in for a contact whose locale is `requested`
    /// (docs/bundle-format.md, "Locale"):
    /// 1. no locale (`nil` or empty): the default locale;
    /// 2. a locale of the template equal to `requested`, compared ASCII case-insensitively with `_`
    ///    read as `-` (`fr_ca` is `fr-CA`): that locale, `exact`;
    /// 3. a locale of the template equal to the language of `requested` (the part before the first
    ///    `-`), compared the same way: that locale, `language`;
    /// 4. otherwise the default locale, `default`.
    /// The bundle's spelling of the chosen locale is returned.
    public func chooseLocale(for template: Template, requested: String?) -> (locale: String, match: LocaleMatch) {
        guard let requested, !requested.isEmpty else { return (defaultLocale, .default) }
        let wanted = Self.normalizedLocale(requested)
        // In `locales.all` order, so the choice never depends on dictionary order.
        let available = locales.filter { template.locales[$0] != nil }
        if let exact = available.first(where: { Self.normalizedLocale($0) == wanted }) { return (exact, .exact) }
        if let dash = wanted.firstIndex(of: "-") {
            let language = String(wanted[..<dash])
            if let match = available.first(where: { Self.normalizedLocale($0) == language }) {
                return (match, .language)
            }
        }
        return (defaultLocale, .default)
    }

    /// `locale` with ASCII letters lowercased and `_` replaced by `-`.
    static func normalizedLocale(_ locale: String) -> String {
        String(
            String.UnicodeScalarView(
                locale.unicodeScalars.map { scalar -> Unicode.Scalar in
                    if scalar == "_" { return "-" }
                    if ("A"..."Z").contains(scalar), let lower = Unicode.Scalar(scalar.value + 32) { return lower }
                    return scalar
                }))
    }
}
