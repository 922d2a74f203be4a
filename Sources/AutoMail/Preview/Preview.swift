import BundleFormat
import Liquid

/// One header of a rendered email.
public struct HeaderField: Sendable, Hashable {
    /// The header name (`List-Unsubscribe`).
    public var name: String
    /// The unencoded value.
    public var value: String

    /// Creates a header field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A mailbox: an optional display name and an address.
public struct Mailbox: Sendable, Hashable {
    /// The display name; empty when none.
    public var name: String
    /// The addr-spec.
    public var address: String

    /// Creates a mailbox.
    public init(name: String, address: String) {
        self.name = name
        self.address = address
    }
}

/// An email as the contact receives it: the bundle's templates rendered for one contact.
public struct RenderedEmail: Sendable, Hashable {
    /// The template id.
    public var template: String
    /// The locale rendered.
    public var locale: String
    /// The sender.
    public var from: Mailbox
    /// The reply-to address, if the sender has one.
    public var replyTo: String?
    /// The recipient.
    public var to: Mailbox
    /// The rendered subject.
    public var subject: String
    /// The rendered HTML part (a complete document).
    public var html: String
    /// The rendered plain-text part.
    public var text: String
    /// The rendered template headers (`List-Unsubscribe`, `List-Unsubscribe-Post`), in name order.
    public var headers: [HeaderField]
}

/// Why a preview could not be rendered.
public enum PreviewError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bundle has no template with this id.
    case unknownTemplate(String, known: [String])
    /// The bundle lacks a member it always has (the bundle is not one automail wrote).
    case malformedBundle(String)
    /// The Liquid engine refused to render a part.
    case render(part: String, message: String)

    /// A one-line description.
    public var description: String {
        switch self {
        case .unknownTemplate(let id, let known):
            return "unknown template `\(id)`; the bundle has " + known.map { "`\($0)`" }.joined(separator: ", ")
        case .malformedBundle(let what): return "the bundle has no \(what)"
        case .render(let part, let message): return "cannot render the \(part): \(message)"
        }
    }
}

/// Renders a bundle's templates for a contact, exactly as a sender does (docs/bundle-format.md, "How a
/// sender evaluates an encounter"): the `subject`, `html`, `text` and header templates of the bundle,
/// through automail's Liquid renderer, with `globals[locale]`, `contact` and `unsubscribe_url`.
/// Pure: no file, no clock.
public enum Preview {
    /// The templates of `bundle`, sorted by id.
    public static func templateIDs(in bundle: JSONValue) -> [String] {
        guard case .object(let templates)? = bundle["templates"] else { return [] }
        return templates.keys.sorted()
    }

    /// The locales `template` has in `bundle`: the default locale first, then the others in bundle order.
    public static func locales(of template: String, in bundle: JSONValue) -> [String] {
        guard case .array(let all)? = bundle["locales"]?["all"],
              case .object(let present)? = bundle["templates"]?[template]?["locales"]
        else { return [] }
        return all.compactMap { if case .string(let l) = $0, present[l] != nil { return l } else { return nil } }
    }

    /// Renders `template` for `contact` in `locale` (else the contact's locale, else the default locale;
    /// a locale the template lacks falls back to the default, as a sender does).
    public static func render(
        bundle: JSONValue, template id: String, locale requested: String? = nil, contact: PreviewContact
    ) throws(PreviewError) -> RenderedEmail {
        guard let template = bundle["templates"]?[id] else {
            throw .unknownTemplate(id, known: templateIDs(in: bundle))
        }
        guard case .string(let defaultLocale)? = bundle["locales"]?["default"] else {
            throw .malformedBundle("`locales.default`")
        }
        let available = locales(of: id, in: bundle)
        let wanted = requested ?? contact.locale ?? defaultLocale
        let locale = available.contains(wanted) ? wanted : defaultLocale
        guard let content = template["locales"]?[locale] else { throw .malformedBundle("`\(id)` `\(locale)` content") }

        var context: [String: LiquidValue] = [:]
        if case .object(let globals)? = bundle["globals"]?[locale].map(LiquidValue.init(json:)) { context = globals }
        context["contact"] = .object(contact.values)
        context["unsubscribe_url"] = .string(contact.unsubscribeURL)
        let scope = LiquidValue.object(context)

        func render(_ part: String, _ source: JSONValue?) throws(PreviewError) -> String {
            guard case .string(let text)? = source else { throw .malformedBundle("`\(id)` `\(locale)` \(part)") }
            let parsed = LiquidTemplate.parse(text)
            guard let liquid = parsed.template else {
                throw .render(part: part, message: parsed.issues.first?.message ?? "it does not parse")
            }
            switch liquid.render(scope) {
            case .success(let output): return output
            case .failure(let error): throw .render(part: part, message: "\(error)")
            }
        }

        var headers: [HeaderField] = []
        if case .object(let declared)? = content["headers"] {
            for name in declared.keys.sorted() {
                headers.append(HeaderField(name: name, value: try render("`\(name)` header", declared[name])))
            }
        }
        let senderID: String
        if case .string(let s)? = template["sender"] { senderID = s } else { throw .malformedBundle("`\(id)` sender") }
        let sender = bundle["senders"]?[senderID]
        guard case .string(let fromAddress)? = sender?["from"]?["address"] else {
            throw .malformedBundle("sender `\(senderID)`")
        }
        var fromName = ""
        if case .string(let n)? = sender?["from"]?["name"] { fromName = n }
        var replyTo: String?
        if case .string(let r)? = sender?["reply_to"] { replyTo = r }
        let toName = [contact.values["firstname"], contact.values["surname"]].compactMap { value -> String? in
            if case .string(let s)? = value, !s.isEmpty { return s }
            return nil
        }.joined(separator: " ")
        var toAddress = "contact@example.org"
        if case .string(let mail)? = contact.values["mail"], !mail.isEmpty { toAddress = mail }
        return RenderedEmail(
            template: id, locale: locale, from: Mailbox(name: fromName, address: fromAddress), replyTo: replyTo,
            to: Mailbox(name: toName, address: toAddress), subject: try render("subject", content["subject"]),
            html: try render("HTML part", content["html"]), text: try render("text part", content["text"]),
            headers: headers)
    }
}

extension LiquidValue {
    /// The Liquid value of a bundle JSON value.
    init(json: JSONValue) {
        switch json {
        case .null: self = .nil
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map(LiquidValue.init(json:)))
        case .object(let members): self = .object(members.mapValues(LiquidValue.init(json:)))
        }
    }
}
