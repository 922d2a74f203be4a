import BundleFormat
import BundleModel
import Liquid

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

    /// Renders template `id` in `locale` for a contact (a failure names the bundle member that does
    /// not render, its message starts with `cannot render:`): `subject`, `html`, `text` (its long lines
    /// re-wrapped at 78 columns, ``TextWrapping``) and every header of
    /// the template with Liquid (auto-escaping off: the `html` outputs escape themselves), From and
    /// Reply-To from the template's sender, To from `contact` (`mail`; `firstname` and `surname`
    /// joined by a space, each when it is a non-empty string).
    ///
    /// - Parameters:
    ///   - contact: the `contact` object: field values by id, and `mail`.
    ///   - unsubscribeURL: the value of `unsubscribe_url`.
    public func render(
        template id: String, locale: String, contact: [String: LiquidValue], unsubscribeURL: String
    ) throws(FormatProblem) -> RenderedEmail {
        let templatePointer = JSONPointer(["templates", id])
        guard let template = templates[id] else {
            throw FormatProblem(at: templatePointer, "the bundle has no such template")
        }
        let localePointer = templatePointer.appending("locales").appending(locale)
        guard let content = template.locales[locale] else {
            throw FormatProblem(at: localePointer, "the template has no content in this locale")
        }
        let scope = renderingContext(locale: locale, contact: contact, unsubscribeURL: unsubscribeURL)
        func render(_ source: String, _ pointer: JSONPointer) throws(FormatProblem) -> String {
            let parsed = LiquidTemplate.parse(source)
            guard let liquid = parsed.template else {
                throw FormatProblem(
                    at: pointer, "cannot render: " + (parsed.issues.first?.message ?? "the Liquid does not parse"))
            }
            switch liquid.render(scope) {
            case .success(let output): return output
            case .failure(let error): throw FormatProblem(at: pointer, "cannot render: " + error.message)
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
            text: TextWrapping.wrap(try render(content.text, localePointer.appending("text"))), headers: headers)
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
