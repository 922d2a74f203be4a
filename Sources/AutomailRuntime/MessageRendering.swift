import BundleFormat
import Liquid

/// Why a template could not be rendered.
public struct RenderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bundle member that failed: `/templates/ID/locales/LOCALE/subject`, `.../headers/NAME`...
    public var pointer: JSONPointer
    /// What went wrong, as the Liquid engine words it.
    public var message: String

    /// Creates an error.
    public init(at pointer: JSONPointer, _ message: String) {
        self.pointer = pointer
        self.message = message
    }

    /// `cannot render /pointer: message`.
    public var description: String { "cannot render \(pointer): \(message)" }
}

extension RuntimeBundle {
    /// The Liquid context of a template in `locale`: the members of `globals[locale]`, then `contact`
    /// (replacing any global of that name), then `unsubscribe_url`.
    public func renderingContext(
        locale: String, contact: [String: LiquidValue], unsubscribeURL: String
    ) -> LiquidValue {
        var context: [String: LiquidValue] = [:]
        if case .object(let members)? = globals[locale].map(LiquidValue.init(json:)) { context = members }
        context["contact"] = .object(contact)
        context["unsubscribe_url"] = .string(unsubscribeURL)
        return .object(context)
    }

    /// Renders template `id` in `locale` for a contact: `subject`, `html`, `text` and every header of
    /// the template with Liquid (auto-escaping off: the `html` outputs escape themselves), From and
    /// Reply-To from the template's sender, To from `contact` (`mail`; `firstname` and `surname`
    /// joined by a space, each when it is a non-empty string).
    ///
    /// - Parameters:
    ///   - contact: the `contact` object: field values by id, and `mail`.
    ///   - unsubscribeURL: the value of `unsubscribe_url`.
    public func render(
        template id: String, locale: String, contact: [String: LiquidValue], unsubscribeURL: String
    ) throws(RenderError) -> RenderedEmail {
        let templatePointer = JSONPointer(["templates", id])
        guard let template = templates[id] else { throw RenderError(at: templatePointer, "the bundle has no such template") }
        let localePointer = templatePointer.appending("locales").appending(locale)
        guard let content = template.locales[locale] else {
            throw RenderError(at: localePointer, "the template has no content in this locale")
        }
        let scope = renderingContext(locale: locale, contact: contact, unsubscribeURL: unsubscribeURL)
        func render(_ source: String, _ pointer: JSONPointer) throws(RenderError) -> String {
            let parsed = LiquidTemplate.parse(source)
            guard let liquid = parsed.template else {
                throw RenderError(at: pointer, parsed.issues.first?.message ?? "the Liquid does not parse")
            }
            switch liquid.render(scope) {
            case .success(let output): return output
            case .failure(let error): throw RenderError(at: pointer, error.message)
            }
        }
        var headers: [HeaderField] = []
        for name in content.headers.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let value = try render(content.headers[name] ?? "", localePointer.appending("headers").appending(name))
            headers.append(HeaderField(name: name, value: value))
        }
        let sender = senders[template.sender] ?? Sender(from: Mailbox(name: "", address: ""), replyTo: nil)
        let toName = [contact["firstname"], contact["surname"]].compactMap { value -> String? in
            if case .string(let text)? = value, !text.isEmpty { return text }
            return nil
        }.joined(separator: " ")
        var toAddress = ""
        if case .string(let mail)? = contact["mail"] { toAddress = mail }
        return RenderedEmail(
            template: id, locale: locale, from: sender.from, replyTo: sender.replyTo,
            to: Mailbox(name: toName, address: toAddress),
            subject: try render(content.subject, localePointer.appending("subject")),
            html: try render(content.html, localePointer.appending("html")),
            text: try render(content.text, localePointer.appending("text")), headers: headers)
    }
}

extension LiquidValue {
    /// The Liquid value of a JSON value (bundle globals, event fields).
    public init(json: JSONValue) {
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
