import Liquid

/// Wraps a rendered body and footer in a complete email HTML document.
///
/// The head is always generated: `<!DOCTYPE html>`, `<html lang>`, charset, viewport, the Apple and
/// Outlook meta (`x-apple-disable-message-reformatting`, `format-detection`, `color-scheme`),
/// `<title>` holding the subject, and a `<style>` block with the mobile media query and the
/// `prefers-color-scheme: dark` overrides. The body markup comes from `layout` when it is given and
/// valid (see `validateLayout(_:)`), otherwise from automail's default layout (see ``DocumentLayout``).
///
/// `subject` and `preheader` are Liquid source: their Liquid constructs are kept byte for byte, and
/// only the `<`, `>` and `&` outside them are escaped. `bodyHTML` and `footerHTML` come from
/// `renderHTMLFragment(markdown:)`; the default layout styles them (``EmailTheme/styled(_:role:)``).
/// A custom layout's `{{ content }}` slot receives the body and its `{{ footer }}` slot the footer;
/// without a footer slot the footer goes right after the body, since it carries the legal mentions.
public func renderHTMLDocument(
    subject: String, locale: String, bodyHTML: String, footerHTML: String,
    layout: String?, theme: EmailTheme = EmailTheme(), preheader: String? = nil
) -> String {
    let layout = DocumentLayout(layout, theme: theme)
    return layout.parts(subject: subject, locale: locale, preheader: preheader).map { part in
        switch part {
        case .markup(let text): text
        case .markupPiece(let index): layout.pieces[index]
        case .body: layout.fragment(bodyHTML, role: .body)
        case .footer: layout.fragment(footerHTML, role: .footer)
        }
    }.joined()
}

/// A document's layout read once, for all the documents that share it: the head around the subject,
/// and the body markup (the default one, or a custom layout validated and split at its slots once).
///
/// The default layout is written the way MJML and Maizzle write theirs: a full-width table in the page
/// colour, a 600 px card (a fixed 600 px table for Word-based Outlook, which ignores `max-width`, inside
/// `<!--[if mso]>` comments), an optional header (logo, header line), the content, and the footer
/// under the card, 12 px at 7:1. The preheader, when there is one, is the first thing in `<body>`,
/// hidden the standard way (`display:none`, zero size, `mso-hide:all`) and followed by spacer
/// characters so that clients do not pull the body text into the inbox preview.
public struct DocumentLayout: Sendable {
    /// One part of a document.
    public enum Part: Sendable, Hashable {
        /// Markup made for this document (the head, around its locale and subject; the preheader).
        case markup(String)
        /// ``DocumentLayout/pieces``[index]: markup every document of this layout shares.
        case markupPiece(Int)
        /// The body's HTML.
        case body
        /// The footer's HTML.
        case footer
    }

    /// The markup between and around the slots, the same in every document (the end of the head
    /// first).
    public let pieces: [String]
    /// The body markup in order: pieces, body and footer.
    private let bodyParts: [Part]
    /// Where in `bodyParts` the preheader goes: right after the `<body>` tag.
    private let preheaderPosition: Int
    /// The theme of the default layout (custom layouts style their own content).
    public let theme: EmailTheme
    /// Whether this is automail's default layout, whose body and footer get inline styles.
    public let isDefault: Bool
    /// The theme's inline styles, made once for every fragment of the default layout (`nil` in a custom one).
    private let styles: EmailTheme.StyleTable?

    /// `layout` when it is valid (``validateLayout(_:)``), otherwise automail's default layout in `theme`.
    public init(_ layout: String?, theme: EmailTheme = EmailTheme()) {
        self.theme = theme
        let head = EmailLayout.headAfterTitle(theme: theme)
        guard let layout, validateLayout(layout).isEmpty else {
            let markup = EmailLayout.defaultBody(theme: theme)
            pieces = [head, markup.bodyOpen, markup.beforeContent, markup.between, markup.afterFooter]
            bodyParts = [.markupPiece(1), .markupPiece(2), .body, .markupPiece(3), .footer, .markupPiece(4)]
            preheaderPosition = 1
            isDefault = true
            styles = EmailTheme.StyleTable(theme: theme)
            return
        }
        isDefault = false
        styles = nil
        let scalars = ScalarText.scalars(of: layout)
        let slots = EmailLayout.slots(in: layout)
        let hasFooterSlot = slots.contains { $0.name == "footer" }
        var pieces: [String] = [head]
        var parts: [Part] = []
        func piece(_ text: String) {
            parts.append(.markupPiece(pieces.count))
            pieces.append(text)
        }
        var next = 0
        var footerUsed = false
        // The preheader goes right after the layout's `<body …>` tag, when it has one before its first slot.
        var preheaderPosition = 0
        let firstSlot = slots.first?.range.lowerBound ?? scalars.count
        if let bodyEnd = EmailLayout.bodyTagEnd(in: scalars[0..<firstSlot]) {
            piece(ScalarText.string(scalars[0..<bodyEnd]))
            next = bodyEnd
            preheaderPosition = 1
        }
        for slot in slots {
            piece(ScalarText.string(scalars[next..<slot.range.lowerBound]))
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
        piece(ScalarText.string(scalars[next...]))
        self.pieces = pieces
        self.preheaderPosition = preheaderPosition
        bodyParts = parts
    }

    /// A document's parts in order (joined, with the body and footer in their places, they are
    /// ``renderHTMLDocument(subject:locale:bodyHTML:footerHTML:layout:theme:preheader:)``'s document).
    /// `preheader` is Liquid source; an empty or absent one writes no preheader.
    public func parts(subject: String, locale: String, preheader: String? = nil) -> [Part] {
        [.markup(head(locale: locale))] + partsAfterHead(subject: subject, preheader: preheader)
    }

    /// The markup a document starts with, up to its title (the first of its ``parts(subject:locale:preheader:)``):
    /// the same in every document of a locale, so a caller writing many can make it once a locale.
    public func head(locale: String) -> String {
        "<!DOCTYPE html>\n<html lang=\"" + HTMLEscaper.escape(.attribute, locale) + EmailLayout.headAfterLocale
    }

    /// A document's ``parts(subject:locale:preheader:)`` after the first (``head(locale:)``).
    public func partsAfterHead(subject: String, preheader: String? = nil) -> [Part] {
        var parts: [Part] = []
        parts.reserveCapacity(bodyParts.count + 4)
        parts.append(.markup(EmailLayout.escapeOutsideLiquid(subject)))
        parts.append(.markupPiece(0))
        parts.append(contentsOf: bodyParts)
        if let preheader, !preheader.isEmpty {
            parts.insert(.markup(EmailLayout.preheader(preheader)), at: 2 + preheaderPosition)
        }
        parts.append(.markup("\n</html>\n"))
        return parts
    }

    /// A body or footer fragment as this layout holds it: styled inline in the default layout, as it is
    /// in a custom one.
    public func fragment(_ html: String, role: FragmentRole) -> String {
        guard isDefault else { return html }
        return styles.map { theme.styled(html, role: role, styles: $0) } ?? theme.styled(html, role: role)
    }

    /// ``fragment(_:role:)`` as its UTF-8 bytes (valid UTF-8), for a caller that goes on with bytes: the
    /// styled fragment is never made a String, nor its bytes validated again.
    public func fragmentBytes(_ html: String, role: FragmentRole) -> [UInt8] {
        guard isDefault else { return Array(html.utf8) }
        return theme.styledBytes(html, role: role, styles: styles ?? EmailTheme.StyleTable(theme: theme))
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
        issues.append(
            MarkdownIssue(
                kind: .layoutSlot, message: "layout has no `{{ content }}` slot",
                help: "add `{{ content }}` where the email body goes",
                range: 0..<scalarCount))
    }
    for extra in contentSlots.dropFirst() {
        issues.append(
            MarkdownIssue(
                kind: .layoutSlot, message: "layout has more than one `{{ content }}` slot",
                help: "keep a single `{{ content }}` slot", range: extra.range))
    }
    for extra in footerSlots.dropFirst() {
        issues.append(
            MarkdownIssue(
                kind: .layoutSlot, message: "layout has more than one `{{ footer }}` slot",
                help: "keep a single `{{ footer }}` slot", range: extra.range))
    }
    return issues
}

/// The default layout and slot filling.
enum EmailLayout {
    static let fontStack = EmailTheme.fontStack

    /// The head, from the `html` element's `lang` value to the `title` element's content.
    static let headAfterLocale = """
        " xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="X-UA-Compatible" content="IE=edge">
        <meta name="x-apple-disable-message-reformatting">
        <meta name="format-detection" content="telephone=no, date=no, address=no, email=no, url=no">
        <meta name="color-scheme" content="light dark">
        <meta name="supported-color-schemes" content="light dark">
        <title>
        """

    /// The head, from the end of the `title` element's content to the body markup: Outlook's DPI
    /// setting, resets, the mobile media query and the dark-mode overrides.
    static func headAfterTitle(theme: EmailTheme) -> String {
        let dark = theme.darkLink.hex
        // A brand colour under 3:1 on the dark card: buttons get a light outline there.
        let outline =
            RGBColor.contrast(theme.brand.color, EmailTheme.darkCard) < EmailTheme.shapeContrast
            ? "\n  .am-button-table td { box-shadow: 0 0 0 2px \(dark) !important; }" : ""
        return """
            </title>
            <!--[if mso]><noscript><xml><o:OfficeDocumentSettings><o:AllowPNG/><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml></noscript><![endif]-->
            <style>
            :root { color-scheme: light dark; supported-color-schemes: light dark; }
            body { margin: 0; padding: 0; width: 100% !important; -webkit-text-size-adjust: 100%; -ms-text-size-adjust: 100%; }
            table, td { border-collapse: collapse; mso-table-lspace: 0pt; mso-table-rspace: 0pt; }
            img { border: 0; outline: none; text-decoration: none; -ms-interpolation-mode: bicubic; }
            .am-content img { max-width: 100%; height: auto; }
            .am-content, .am-footer { word-break: break-word; overflow-wrap: anywhere; }
            @media only screen and (max-width: 620px) {
              .am-outer { padding: 12px 8px !important; }
              .am-header { padding: 24px 20px 0 !important; }
              .am-content { padding: 24px 20px 28px !important; }
              .am-footer { padding: 20px 20px 24px !important; }
              .am-content h1 { font-size: 23px !important; line-height: 30px !important; }
              .am-button-table { width: 100% !important; }
              .am-button-table a { display: block !important; }
            }
            @media (prefers-color-scheme: dark) {
              .am-page { background-color: \(EmailTheme.darkPage.hex) !important; }
              .am-card { background-color: \(EmailTheme.darkCard.hex) !important; }
              .am-content, .am-content p, .am-content li { color: \(EmailTheme.darkText.hex) !important; }
              .am-content h1, .am-content h2, .am-content h3, .am-content h4, .am-content h5, .am-content h6 { color: #ffffff !important; }
              .am-content a, .am-header-line { color: \(dark) !important; }
              .am-content a.am-button { color: #ffffff !important; }\(outline)
              .am-content blockquote { color: \(EmailTheme.darkMuted.hex) !important; }
              .am-content code, .am-content pre { background-color: \(EmailTheme.darkCodeBackground.hex) !important; }
              .am-content hr { border-top-color: \(EmailTheme.darkRule.hex) !important; }
              .am-footer, .am-footer p, .am-footer a, .am-footer li { color: \(EmailTheme.darkFooter.hex) !important; }
            }
            </style>
            </head>

            """
    }

    /// The default body markup in four pieces: `<body>` (the preheader follows it), up to the content,
    /// between content and footer, after the footer.
    static func defaultBody(theme: EmailTheme) -> (
        bodyOpen: String, beforeContent: String, between: String, afterFooter: String
    ) {
        let page = EmailTheme.page.hex
        let brand = theme.brand.color.hex
        let msoOpen =
            "<!--[if mso]><table role=\"presentation\" align=\"center\" width=\"600\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" style=\"width:600px;\"><tr><td><![endif]-->"
        let msoClose = "<!--[if mso]></td></tr></table><![endif]-->"
        var header = ""
        if theme.brand.logo != nil || theme.brand.header != nil {
            header += "<tr>\n<td class=\"am-header\" style=\"padding:32px 40px 0;font-family:\(fontStack);\">\n"
            if let logo = theme.brand.logo {
                let width = min(max(1, logo.width), EmailBrand.maximumLogoWidth)
                header +=
                    "<img src=\"\(literal(logo.url))\" alt=\"\(literal(logo.alt))\" width=\"\(width)\" style=\"display:block;width:\(width)px;max-width:100%;height:auto;border:0;font-size:16px;font-weight:700;color:\(brand);\">\n"
            }
            if let line = theme.brand.header, !line.isEmpty {
                let top = theme.brand.logo == nil ? 0 : 12
                header +=
                    "<div class=\"am-header-line\" style=\"margin:\(top)px 0 0;font-size:14px;line-height:20px;font-weight:700;letter-spacing:0.02em;color:\(brand);\">\(literal(line))</div>\n"
            }
            header += "</td>\n</tr>\n"
        }
        let contentTop = header.isEmpty ? 36 : 24
        let bodyOpen = "<body class=\"am-page\" style=\"margin:0;padding:0;width:100%;background-color:\(page);\">\n"
        let beforeContent = """
            <table role="presentation" class="am-page" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;background-color:\(page);">
            <tr>
            <td align="center" class="am-outer" style="padding:32px 12px;">
            \(msoOpen)
            <table role="presentation" class="am-card" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;margin:0 auto;background-color:#ffffff;border-radius:8px;border-top:4px solid \(brand);">
            \(header)<tr>
            <td class="am-content" style="padding:\(contentTop)px 40px 32px;font-family:\(fontStack);font-size:16px;line-height:26px;color:\(EmailTheme.text.hex);text-align:left;">

            """
        let between = """

            </td>
            </tr>
            </table>
            \(msoClose)
            \(msoOpen)
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;margin:0 auto;">
            <tr>
            <td class="am-footer" style="padding:24px 40px 32px;font-family:\(fontStack);font-size:12px;line-height:18px;color:\(EmailTheme.footer.hex);text-align:left;">

            """
        let afterFooter = """

            </td>
            </tr>
            </table>
            \(msoClose)
            </td>
            </tr>
            </table>
            </body>
            """
        return (bodyOpen, beforeContent, between, afterFooter)
    }

    /// Spacers after the preheader text (zero-width non-joiner and combining grapheme joiner, as
    /// Litmus and MJML users pad it), so that clients show no body text after it.
    static let preheaderSpacer = String(repeating: "&#847;&zwnj;&nbsp;", count: 60)

    /// The hidden preheader: Liquid kept, text escaped.
    static func preheader(_ source: String) -> String {
        "<div class=\"am-preheader\" style=\"display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;color:transparent;\">"
            + escapeOutsideLiquid(source) + " " + preheaderSpacer + "</div>\n"
    }

    /// Plain text as layout markup: HTML-escaped, and `{`/`}` as character references so that no
    /// Liquid can start in it.
    static func literal(_ text: String) -> String {
        var result = ""
        for character in HTMLEscaper.escape(.attribute, text) {
            switch character {
            case "{": result += "&#123;"
            case "}": result += "&#125;"
            default: result.append(character)
            }
        }
        return result
    }

    /// The end (just past `>`) of the first `<body` start tag in `scalars`, if any.
    static func bodyTagEnd(in scalars: ArraySlice<Unicode.Scalar>) -> Int? {
        let lowered = scalars.map {
            $0.isASCII ? Unicode.Scalar(UInt8($0.value) | ($0.value >= 0x41 && $0.value <= 0x5A ? 0x20 : 0)) : $0
        }
        let pattern = Array("<body".unicodeScalars)
        var index = 0
        while index + pattern.count <= lowered.count {
            if lowered[index..<(index + pattern.count)].elementsEqual(pattern) {
                let after = index + pattern.count
                guard after < lowered.count,
                    lowered[after] == ">" || lowered[after] == " " || lowered[after] == "\n" || lowered[after] == "\t"
                else { index += 1; continue }
                var end = after
                var quote: Unicode.Scalar?
                while end < lowered.count {
                    let c = lowered[end]
                    if let open = quote {
                        if c == open { quote = nil }
                    } else if c == "\"" || c == "'" {
                        quote = c
                    } else if c == ">" {
                        return scalars.startIndex + end + 1
                    }
                    end += 1
                }
                return nil
            }
            index += 1
        }
        return nil
    }

    /// A `{{ name }}` output naming a slot, with its range in Unicode-scalar offsets.
    struct Slot {
        var name: String
        var range: Range<Int>
    }

    static func slots(in layout: String) -> [Slot] {
        let scanner = LiquidScanner(layout)
        return scanner.constructs().compactMap { construct in
            guard construct.kind == .output else { return nil }
            let text = ScalarText.string(scanner.scalars[construct.range])
            let inner = text.dropFirst(2).dropLast(2)
            let name = inner.trimming([" ", "\t", "\n", "\r", "\r\n", "-"])
            guard name == "content" || name == "footer" else { return nil }
            return Slot(name: name, range: construct.range)
        }
    }

    /// Escapes `<`, `>` and `&` outside Liquid constructs; Liquid stays byte for byte.
    static func escapeOutsideLiquid(_ source: String) -> String {
        // Only `&`, `<` and `>` are ever replaced: a text with none of them (most subjects) is itself.
        let hasEscapes = source.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.contains { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }
        }
        if hasEscapes == false { return source }
        let bytes = Array(source.utf8)
        let liquid = EmailTheme.outputAndTagRanges(source, bytes: bytes)
        if liquid.isEmpty { return HTMLEscaper.escape(.text, source) }
        // Every range starts and ends at an ASCII delimiter, a scalar boundary: the slices decode exactly to
        // the scalars between the same bounds.
        var result = ""
        var next = 0
        for range in liquid {
            result += HTMLEscaper.escape(.text, String(decoding: bytes[next..<range.lowerBound], as: UTF8.self))
            result += String(decoding: bytes[range], as: UTF8.self)
            next = range.upperBound
        }
        result += HTMLEscaper.escape(.text, String(decoding: bytes[next...], as: UTF8.self))
        return result
    }

    /// ``escapeOutsideLiquid(_:)`` over Unicode scalars with `LiquidScanner`: the definition.
    static func escapeOutsideLiquidByScalars(_ source: String) -> String {
        let scanner = LiquidScanner(source)
        var result = ""
        var next = 0
        for construct in scanner.constructs() where construct.kind == .output || construct.kind == .tag {
            result += HTMLEscaper.escape(.text, ScalarText.string(scanner.scalars[next..<construct.range.lowerBound]))
            result += ScalarText.string(scanner.scalars[construct.range])
            next = construct.range.upperBound
        }
        result += HTMLEscaper.escape(.text, ScalarText.string(scanner.scalars[next...]))
        return result
    }
}
