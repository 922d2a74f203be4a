import AutomailRuntime
import BundleFormat
import BundleModel
import Liquid

/// Why a preview could not be rendered.
public enum PreviewError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bundle has no template with this id.
    case unknownTemplate(String, known: [String])
    /// The bundle is not one the runtime reads (it is not one automail wrote).
    case malformedBundle(String)
    /// The Liquid engine refused to render a part.
    case render(part: String, message: String)
    /// A value of the contact would go into a header it must not (the sender refuses to send it).
    case unsafeMessage(UnsafeMessage)

    /// A one-line description.
    public var description: String {
        switch self {
        case .unknownTemplate(let id, let known):
            return "unknown template `\(id)`; the bundle has " + known.map { "`\($0)`" }.joined(separator: ", ")
        case .malformedBundle(let what): return "the bundle is malformed: \(what)"
        case .render(let part, let message): return "\(part): \(message)"
        case .unsafeMessage(let unsafe): return "\(unsafe.code): \(unsafe)"
        }
    }
}

/// Renders a bundle's templates for a contact, exactly as a sender does: through the runtime
/// (``RuntimeBundle/render(template:locale:contact:unsubscribeURL:)``, docs/bundle-format.md "Rendering"),
/// with `globals[locale]`, `contact` and `unsubscribe_url`. Pure: no file, no clock.
public enum Preview {
    /// The templates of `bundle`, sorted by id.
    public static func templateIDs(in bundle: JSONValue) -> [String] {
        guard case .object(let templates)? = bundle["templates"] else { return [] }
        return templates.keys.sorted()
    }

    /// The templates of `bundle`, sorted by id.
    public static func templateIDs(in bundle: RuntimeBundle) -> [String] {
        bundle.templates.keys.sorted()
    }

    /// The locales `template` has in `bundle`: the default locale first, then the others in bundle order.
    public static func locales(of template: String, in bundle: JSONValue) -> [String] {
        guard case .array(let all)? = bundle["locales"]?["all"],
            case .object(let present)? = bundle["templates"]?[template]?["locales"]
        else { return [] }
        return all.compactMap { if case .string(let l) = $0, present[l] != nil { return l } else { return nil } }
    }

    /// The locales `template` has in `bundle`: the default locale first, then the others in bundle order.
    public static func locales(of template: String, in bundle: RuntimeBundle) -> [String] {
        guard let content = bundle.templates[template] else { return [] }
        return bundle.locales.filter { content.locales[$0] != nil }
    }

    /// Reads the compiler's bundle content for rendering.
    public static func runtimeBundle(_ bundle: JSONValue) throws(PreviewError) -> RuntimeBundle {
        guard case .object(let content) = bundle else { throw .malformedBundle("it is not a JSON object") }
        do {
            return try RuntimeBundle(content: content)
        } catch {
            throw .malformedBundle(error.description)
        }
    }

    /// Renders `template` for `contact` in `locale` (else the contact's locale, else the default locale;
    /// a locale the template lacks falls back as a sender's does, ``RuntimeBundle/chooseLocale(for:requested:)``).
    public static func render(
        bundle: JSONValue, template id: String, locale requested: String? = nil, contact: PreviewContact
    ) throws(PreviewError) -> RenderedEmail {
        try render(bundle: runtimeBundle(bundle), template: id, locale: requested, contact: contact)
    }

    /// Renders `template` for `contact` in `locale` (else the contact's locale, else the default locale;
    /// a locale the template lacks falls back as a sender's does, ``RuntimeBundle/chooseLocale(for:requested:)``).
    /// Without a `mail` value the recipient is `contact@example.org`.
    public static func render(
        bundle: RuntimeBundle, template id: String, locale requested: String? = nil, contact: PreviewContact
    ) throws(PreviewError) -> RenderedEmail {
        guard let template = bundle.templates[id] else { throw .unknownTemplate(id, known: templateIDs(in: bundle)) }
        let locale = bundle.chooseLocale(for: template, requested: requested ?? contact.locale).locale
        var address = "contact@example.org"
        if case .string(let mail)? = contact.values["mail"], !mail.isEmpty { address = mail }
        do {
            try HeaderSafety.checkContact(address: address, unsubscribeURL: contact.unsubscribeURL)
        } catch {
            throw .unsafeMessage(error)
        }
        var email: RenderedEmail
        do {
            email = try bundle.render(
                template: id, locale: locale, contact: contact.values, unsubscribeURL: contact.unsubscribeURL)
        } catch {
            throw .render(part: "\(error.pointer)", message: error.message)
        }
        if email.to.address.isEmpty { email.to.address = address }
        do {
            try HeaderSafety.checkHeaders(of: email)
        } catch {
            throw .unsafeMessage(error)
        }
        return email
    }
}
