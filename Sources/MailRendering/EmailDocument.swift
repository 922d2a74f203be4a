/// Wraps a rendered body and footer in a complete email HTML document.
///
/// The head is always generated: `<!DOCTYPE html>`, `<html lang>`, charset, viewport,
/// `color-scheme` meta, `<title>` holding the subject, and a small `<style>` block with
/// `prefers-color-scheme: dark` overrides. The body markup comes from `layout` when it is given
/// and valid (see `validateLayout(_:)`), otherwise from a table-based layout with inline styles:
/// a 600px-wide content card with a 16px base font, and the footer below it, smaller and muted.
///
/// `subject` is Liquid source: its Liquid constructs are kept byte for byte, and only the
/// `<`, `>` and `&` outside them are escaped. `bodyHTML` and `footerHTML` are inserted as they
/// are (they come from `renderHTMLFragment(markdown:)`). A custom layout's `{{ content }}` slot
/// receives the body and its `{{ footer }}` slot the footer; without a footer slot the footer
/// goes right after the body, since it carries the legal mentions.
public func renderHTMLDocument(subject: String, locale: String, bodyHTML: String, footerHTML: String,
                               layout: String?) -> String {
    let layout = DocumentLayout(layout)
    return layout.parts(subject: subject, locale: locale).map { part in
        switch part {
        case .markup(let text): text
        case .markupPiece(let index): layout.pieces[index]
        case .body: bodyHTML
        case .footer: footerHTML
        }
    }.joined()
}

/// A document's layout read once, for all the documents that share it: the head around the subject,
/// and the body markup (the default one, or a custom layout validated and split at its slots once).
public struct DocumentLayout: Sendable {
    /// One part of a document.
    public enum Part: Sendable, Hashable {
        /// Markup made for this document (the head, around its locale and subject).
        case markup(String)
        /// ``DocumentLayout/pieces``[index]: markup every document of this layout shares.
        case markupPiece(Int)
        /// The body's HTML.
        case body
        /// The footer's HTML.
        case footer
    }

    /// The body markup between and around the slots, the same in every document.
    public let pieces: [String]
    /// The body markup in order: pieces, body and footer.
    private let bodyParts: [Part]

    /// `layout` when it is valid (``validateLayout(_:)``), otherwise automail's default layout.
    public init(_ layout: String?) {
        guard let layout, validateLayout(layout).isEmpty else {
            pieces = [EmailLayout.defaultBeforeBody, EmailLayout.defaultBetween, EmailLayout.defaultAfterFooter]
            bodyParts = [.markupPiece(0), .body, .markupPiece(1), .footer, .markupPiece(2)]
            return
        }
        let scalars = Array(layout.unicodeScalars)
        let slots = EmailLayout.slots(in: layout)
        let hasFooterSlot = slots.contains { $0.name == "footer" }
        var pieces: [String] = []
        var parts: [Part] = []
        func piece(_ text: String) {
            parts.append(.markupPiece(pieces.count))
            pieces.append(text)
        }
        var next = 0
        var footerUsed = false
        for slot in slots {
            piece(String(String.UnicodeScalarView(scalars[next..<slot.range.lowerBound])))
            if slot.name == "content" {
                parts.append(.body)
                if !hasFooterSlot {
                    piece("\n")
                    parts.append(.footer)
                }
            } else if !footerUsed {
                parts.append(.footer)
                footerUsed = true
            }
            next = slot.range.upperBound
        }
        piece(String(String.UnicodeScalarView(scalars[next...])))
        self.pieces = pieces
        bodyParts = parts
    }

    /// A document's parts in order (joined, with the body and footer in their places, they are
    /// ``renderHTMLDocument(subject:locale:bodyHTML:footerHTML:layout:)``'s document).
    public func parts(subject: String, locale: String) -> [Part] {
        [
            .markup("<!DOCTYPE html>\n<html lang=\"" + HTMLEscaping.attribute(locale) + EmailLayout.headAfterLocale),
            .markup(EmailLayout.escapeOutsideLiquid(subject)), .markup(EmailLayout.headAfterTitle),
        ] + bodyParts + [.markup("\n</html>\n")]
    }
}

/// Checks a custom layout: exactly one `{{ content }}` slot and at most one `{{ footer }}` slot.
/// Ranges are Unicode-scalar offsets into `layout`.
public func validateLayout(_ layout: String) -> [MarkdownIssue] {
    let slots = EmailLayout.slots(in: layout)
    var issues: [MarkdownIssue] = []
    let contentSlots = slots.filter { $0.name == "content" }
    let footerSlots = slots.filter { $0.name == "footer" }
    let scalarCount = layout.unicodeScalars.count
    if contentSlots.isEmpty {
        issues.append(MarkdownIssue(kind: .layoutSlot, message: "layout has no `{{ content }}` slot",
                                    help: "add `{{ content }}` where the email body goes",
                                    range: 0..<scalarCount))
    }
    for extra in contentSlots.dropFirst() {
        issues.append(MarkdownIssue(kind: .layoutSlot, message: "layout has more than one `{{ content }}` slot",
                                    help: "keep a single `{{ content }}` slot", range: extra.range))
    }
    for extra in footerSlots.dropFirst() {
        issues.append(MarkdownIssue(kind: .layoutSlot, message: "layout has more than one `{{ footer }}` slot",
                                    help: "keep a single `{{ footer }}` slot", range: extra.range))
    }
    return issues
}

/// The default layout and slot filling.
enum EmailLayout {
    static let fontStack = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"

    /// The head, from the `html` element's `lang` value to the `title` element's content.
    static let headAfterLocale = """
        ">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <meta name="supported-color-schemes" content="light dark">
        <title>
        """

    /// The head, from the end of the `title` element's content to the body markup.
    static let headAfterTitle = """
        </title>
        <style>
        :root { color-scheme: light dark; supported-color-schemes: light dark; }
        body { margin: 0; padding: 0; -webkit-text-size-adjust: 100%; }
        .am-content img { max-width: 100%; height: auto; }
        @media (prefers-color-scheme: dark) {
          .am-page { background-color: #111113 !important; }
          .am-card { background-color: #1f1f23 !important; }
          .am-content { color: #ececf1 !important; }
          .am-content a { color: #8ab4f8 !important; }
          .am-footer, .am-footer a { color: #a1a1aa !important; }
        }
        </style>
        </head>

        """

    static let defaultBeforeBody = """
        <body class="am-page" style="margin:0;padding:0;background-color:#f4f4f5;">
        <table role="presentation" class="am-page" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f4f5;">
        <tr>
        <td align="center" style="padding:24px 12px;">
        <table role="presentation" class="am-card" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;background-color:#ffffff;border-radius:8px;">
        <tr>
        <td class="am-content" style="padding:24px;font-family:\(fontStack);font-size:16px;line-height:1.5;color:#1f2937;">

        """

    static let defaultBetween = """

        </td>
        </tr>
        </table>
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;">
        <tr>
        <td class="am-footer" style="padding:16px 24px;font-family:\(fontStack);font-size:12px;line-height:1.5;color:#6b7280;">

        """

    static let defaultAfterFooter = """

        </td>
        </tr>
        </table>
        </td>
        </tr>
        </table>
        </body>
        """

    /// A `{{ name }}` output naming a slot, with its range in Unicode-scalar offsets.
    struct Slot {
        var name: String
        var range: Range<Int>
    }

    static func slots(in layout: String) -> [Slot] {
        let scanner = LiquidScanner(layout)
        return scanner.constructs().compactMap { construct in
            guard construct.kind == .output else { return nil }
            let text = String(String.UnicodeScalarView(scanner.scalars[construct.range]))
            let inner = text.dropFirst(2).dropLast(2)
            let name = inner.trimming([" ", "\t", "\n", "\r", "\r\n", "-"])
            guard name == "content" || name == "footer" else { return nil }
            return Slot(name: name, range: construct.range)
        }
    }

    /// Escapes `<`, `>` and `&` outside Liquid constructs; Liquid stays byte for byte.
    static func escapeOutsideLiquid(_ source: String) -> String {
        let scanner = LiquidScanner(source)
        var result = ""
        var next = 0
        for construct in scanner.constructs() where construct.kind == .output || construct.kind == .tag {
            result += HTMLEscaping.text(String(String.UnicodeScalarView(scanner.scalars[next..<construct.range.lowerBound])))
            result += String(String.UnicodeScalarView(scanner.scalars[construct.range]))
            next = construct.range.upperBound
        }
        result += HTMLEscaping.text(String(String.UnicodeScalarView(scanner.scalars[next...])))
        return result
    }
}
