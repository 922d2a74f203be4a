import Liquid
import MailRendering

/// Builds Liquid contexts from the manifest: the globals automail fills, and sample contacts.
enum RenderContext {
    /// The globals of `locale`: `legal.*` and `workspace.*`.
    static func globals(manifest: Manifest, locale: String) -> [String: LiquidValue] {
        let legal = manifest.legal
        let dataOrigin = legal?.dataOrigin.first { $0.locale.value == locale }?.text.text ?? ""
        return [
            "legal": .object([
                "publisher": .string(legal?.publisher?.value ?? ""),
                "postal_address": .string(legal?.postalAddress?.value ?? ""),
                "privacy_url": .string(legal?.privacyURL?.value ?? ""),
                "data_origin": .string(dataOrigin),
            ]),
            "workspace": .object([
                "id": .string(manifest.id?.value ?? ""),
                "name": .string(manifest.name?.value ?? ""),
            ]),
        ]
    }

    /// A context with the globals and a sample contact: every field empty (`filled` false) or set.
    static func sample(
        manifest: Manifest, locale: String, variables: VariableCatalog, filled: Bool, unsubscribeURL: String
    ) -> LiquidValue {
        var context = globals(manifest: manifest, locale: locale)
        var contact: [String: LiquidValue] = [:]
        for variable in variables.contactVariables where variable.name.hasPrefix("contact.") {
            let key = String(variable.name.dropFirst("contact.".count))
            guard filled else { continue }
            switch variable.type {
            case "number": contact[key] = .int(42)
            case "checkbox": contact[key] = .array([.string("Sample")])
            case "email": contact[key] = .string("sample@example.org")
            case "date": contact[key] = .string("2026-01-31")
            default: contact[key] = .string("Sample")
            }
        }
        context["contact"] = .object(contact)
        context["unsubscribe_url"] = .string(unsubscribeURL)
        return .object(context)
    }
}

extension Manifest {
    /// How Markdown texts of `locale` are converted: the locale's typography, and the `legal.*` and
    /// `workspace.*` values the text part holds as words.
    func conversionSettings(locale: String) -> ConversionSettings {
        var known: [String: String] = [:]
        for (root, value) in RenderContext.globals(manifest: self, locale: locale) {
            guard case .object(let members) = value else { continue }
            for (name, member) in members {
                if case .string(let text) = member, !text.isEmpty { known[root + "." + name] = text }
            }
        }
        return ConversionSettings(typography: Typography(locale: locale), knownValues: known)
    }
}
