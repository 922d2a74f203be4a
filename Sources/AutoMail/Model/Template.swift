import Diagnostics

/// An email template: one file of `templates/`, every locale inside.
public struct Template: Sendable, Hashable {
    /// The file it was read from.
    public var file: String
    /// The template id.
    public var id: Located<String>
    /// The sender id; absent means the default sender.
    public var sender: Located<String>?
    /// The consent purpose (purpose mode only).
    public var purpose: Located<String>?
    /// The per-locale content, in source order.
    public var locales: [TemplateLocale]
    /// The range of the `locales` key, for "missing locale" diagnostics.
    public var localesRange: SourceRange?

    /// Creates a template.
    public init(
        file: String, id: Located<String>, sender: Located<String>?, purpose: Located<String>?,
        locales: [TemplateLocale], localesRange: SourceRange?
    ) {
        self.file = file
        self.id = id
        self.sender = sender
        self.purpose = purpose
        self.locales = locales
        self.localesRange = localesRange
    }
}

/// The content of a template in one locale.
public struct TemplateLocale: Sendable, Hashable {
    /// The locale key.
    public var locale: Located<String>
    /// The subject (Liquid, one line).
    public var subject: SourceText?
    /// The body (Markdown with Liquid).
    public var body: SourceText?
    /// A footer replacing the manifest's for this locale.
    public var footer: SourceText?
    /// The preheader: the preview line a mail client shows after the subject (Liquid, one line),
    /// hidden in the HTML part and absent from the text part.
    public var preheader: SourceText?

    /// Creates a template locale.
    public init(
        locale: Located<String>, subject: SourceText?, body: SourceText?, footer: SourceText?,
        preheader: SourceText? = nil
    ) {
        self.locale = locale
        self.subject = subject
        self.body = body
        self.footer = footer
        self.preheader = preheader
    }
}
