import BundleModel

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

/// An email as the contact receives it: one template of a bundle rendered for one contact.
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

    /// Creates a rendered email.
    public init(
        template: String, locale: String, from: Mailbox, replyTo: String?, to: Mailbox, subject: String, html: String,
        text: String, headers: [HeaderField]
    ) {
        self.template = template
        self.locale = locale
        self.from = from
        self.replyTo = replyTo
        self.to = to
        self.subject = subject
        self.html = html
        self.text = text
        self.headers = headers
    }
}
