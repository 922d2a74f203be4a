import Diagnostics
import MailRendering
import YAMLSource

extension MappingKind {
    static let legal = MappingKind("legal", keys: ["publisher", "postal_address", "privacy_url", "data_origin"])
    static let consent = MappingKind("consent", keys: ["mode", "purposes"])
    static let purpose = MappingKind("purpose", keys: ["id", "label", "campaigning"])
    static let brand = MappingKind("brand", keys: ["color", "logo", "header"])
    static let brandLogo = MappingKind("logo", keys: ["url", "alt", "width"])
}

extension WorkspaceDecoder {
    /// The scalar keys of `pair`'s value when it is a mapping, as written.
    static func writtenKeys(_ pair: YAMLPair) -> [String] {
        (pair.value.pairs ?? []).compactMap { $0.key.scalar?.text }
    }

    /// The required `legal` block; `nil` when absent or not a mapping.
    static func decodeLegal(_ reader: inout MappingReader, into bag: inout DiagnosticBag) -> Legal? {
        guard
            var legal = reader.mapping(
                "legal", kind: .legal, subject: "`legal`", required: true,
                example: "{publisher: …, postal_address: …, privacy_url: …, data_origin: …}", into: &bag)
        else { return nil }
        let publisher = legal.required("publisher", as: .string(example: "Association Example"), into: &bag)
        let postalAddress = legal.required(
            "postal_address", as: .string(example: "12 rue de la République, 69001 Lyon, France"), into: &bag)
        let privacyURL = legal.required("privacy_url", as: .string(example: "https://example.org/privacy"), into: &bag)
        let dataOrigin = legal.localized(
            "data_origin", required: true, example: "You receive this email because you talked with our volunteers.",
            into: &bag)
        legal.reportUnknownKeys(into: &bag)
        var decoded = Legal(
            publisher: publisher, postalAddress: postalAddress, privacyURL: privacyURL, dataOrigin: dataOrigin,
            range: legal.range, dataOriginKeyRange: legal.pair("data_origin")?.key.range)
        decoded.dataOriginKeys = legal.pair("data_origin").map(writtenKeys) ?? []
        return decoded
    }

    /// The optional `brand` block: `color` (`#rrggbb` or `#rgb`, AM205 otherwise), `logo` (`url` and
    /// `alt` required, `width` from 16 to 520) and `header`. Contrast and the logo's scheme are rules
    /// (AM625, AM626).
    static func decodeBrand(_ reader: inout MappingReader, into bag: inout DiagnosticBag) -> Brand? {
        guard
            var brand = reader.mapping(
                "brand", kind: .brand, subject: "`brand`", required: false, example: "{color: \"#c2410c\"}", into: &bag)
        else { return nil }
        let color = brand.optional("color", as: .string(example: "\"#c2410c\""), into: &bag)
        if let color, RGBColor(hex: color.value) == nil {
            bag.report(
                .invalidValue, "invalid value `\(color.value)` for `color`", at: color.range,
                help:
                    "write the colour as `#` and six hexadecimal digits, like `\"#c2410c\"` (quoted: `#` starts a YAML comment)"
            )
        }
        var logo: BrandLogo?
        if var logoReader = brand.mapping(
            "logo", kind: .brandLogo, subject: "`brand.logo`", required: false,
            example: "{url: https://example.org/logo.png, alt: Example}", into: &bag)
        {
            let url = logoReader.required("url", as: .string(example: "https://example.org/logo.png"), into: &bag)
            let alt = logoReader.required("alt", as: .string(example: "Lyon en commun"), into: &bag)
            let width = logoReader.optional(
                "width", as: .integer(in: 16...EmailBrand.maximumLogoWidth, example: "140"), into: &bag)
            logoReader.reportUnknownKeys(into: &bag)
            logo = BrandLogo(url: url, alt: alt, width: width, range: logoReader.range)
        }
        let header = brand.optional("header", as: .string(example: "Municipales 2026"), into: &bag)
        brand.reportUnknownKeys(into: &bag)
        return Brand(color: color, logo: logo, header: header, range: brand.range)
    }

    /// The optional `consent` block: `mode` (default channel) and `purposes`, required and non-empty in
    /// purpose mode and refused otherwise (AM212).
    static func decodeConsent(_ reader: inout MappingReader, into bag: inout DiagnosticBag) -> Consent {
        guard
            var consent = reader.mapping(
                "consent", kind: .consent, subject: "`consent`", required: false,
                example: "{mode: purpose, purposes: […]}", into: &bag)
        else { return Consent(mode: nil, purposes: []) }
        let mode = consent.optional("mode", as: .oneOf(ConsentMode.self), into: &bag)
        let purposesPair = consent.pair("purposes")
        let purposes = consent.items(
            "purposes", kind: .purpose, noun: "purpose", required: false, nonEmpty: false,
            example: "[{id: mobilisation, label: Volunteering}]", into: &bag
        ) { item, bag in
            let id = item.id(example: "mobilisation", into: &bag)
            var purpose = Purpose(
                id: id, label: item.required("label", as: .string(example: "Volunteering"), into: &bag))
            purpose.campaigning = item.optional("campaigning", as: .boolean(example: "false"), into: &bag)
            return purpose
        }
        // An invalid `mode` was reported already; do not guess which rule applies.
        let modeWasInvalid = mode == nil && consent.pair("mode").map { !$0.value.isNull } == true
        if !modeWasInvalid {
            switch mode?.value ?? .channel {
            case .purpose where (purposes ?? []).isEmpty:
                let at = purposesPair?.key.range ?? mode?.range ?? consent.anchor
                bag.report(
                    .purposesShape, "`purpose` consent mode needs at least one purpose", at: at,
                    help: "list the purposes under `purposes:`, like `- id: mobilisation` with a `label`")
            case .channel where purposesPair != nil:
                let at = purposesPair?.key.range ?? consent.anchor
                bag.report(
                    .purposesShape, "`purposes` are only allowed in `purpose` consent mode", at: at,
                    help: "write `mode: purpose` in `consent` or remove `purposes`")
            default:
                break
            }
        }
        consent.reportUnknownKeys(into: &bag)
        return Consent(mode: mode, purposes: purposes ?? [])
    }
}
