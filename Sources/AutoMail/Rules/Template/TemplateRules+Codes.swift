import Diagnostics

/// AM601–AM611 and AM618–AM622: templates, their Liquid and Markdown.
public extension DiagnosticCode {
    /// `AM601`: a template does not cover every workspace locale.
    static let missingLocale: DiagnosticCode = "AM601"
    /// `AM602`: a template has a locale the workspace does not declare.
    static let undeclaredLocale: DiagnosticCode = "AM602"
    /// `AM603`: a template subject is empty, or renders empty for some contact.
    static let emptySubject: DiagnosticCode = "AM603"
    /// `AM605`: the Liquid markup does not parse.
    static let liquidSyntax: DiagnosticCode = "AM605"
    /// `AM606`: the Liquid uses a tag or filter outside automail's subset.
    static let unsupportedLiquid: DiagnosticCode = "AM606"
    /// `AM607`: the Liquid reads a variable the sender does not provide.
    static let unknownVariable: DiagnosticCode = "AM607"
    /// `AM608`: the Markdown contains raw HTML.
    static let rawHTML: DiagnosticCode = "AM608"
    /// `AM609`: a link target is not an `https:`, `http:` or `mailto:` URL.
    static let unsafeLink: DiagnosticCode = "AM609"
    /// `AM610`: a link has an empty target.
    static let emptyLink: DiagnosticCode = "AM610"
    /// `AM611`: an image has no alternative text.
    static let imageWithoutAlt: DiagnosticCode = "AM611"
    /// `AM618`: the Liquid prints a checkbox field, which holds a list of answers.
    static let listFieldPrinted: DiagnosticCode = "AM618"
    /// `AM620`: a subject, body or footer is too long or too bracket-nested to render in bounded time.
    static let markdownTooComplex: DiagnosticCode = "AM620"
    /// `AM621`: a template assigns a name the sender or the manifest provides.
    static let reservedNameAssigned: DiagnosticCode = "AM621"
    /// `AM622`: a Liquid block and the Markdown around it do not nest.
    static let liquidBlocksAcrossMarkdown: DiagnosticCode = "AM622"
}
