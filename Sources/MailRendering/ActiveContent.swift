import Liquid

/// Active content in rendered HTML, decided by an allow-list: the elements and attributes a static
/// email may hold, and the URL schemes of its links and images after character references are decoded.
/// What a reader's client would run, load or submit is refused however the source spells it (split by
/// Liquid, entity-encoded, an attribute after a line break or right after a quoted value).
public enum ActiveContent {
    /// The elements a layout's rendered HTML may hold.
    public static let allowedElements: Set<String> = [
        "a", "abbr", "address", "article", "aside", "b", "big", "blockquote", "body", "br", "caption", "center",
        "cite", "code", "col", "colgroup", "dd", "del", "div", "dl", "dt", "em", "figcaption", "figure", "font",
        "footer", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "i", "img", "ins", "li",
        "main", "mark", "nav", "ol", "p", "pre", "q", "s", "section", "small", "span", "strike", "strong", "style",
        "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "tt", "u", "ul", "wbr",
        "o:p",  // Outlook's empty paragraph
    ]

    /// The attributes any allowed element may hold (besides `aria-*`, `data-*` and `xmlns:*`).
    public static let allowedAttributes: Set<String> = [
        "abbr", "align", "alt", "axis", "background", "bgcolor", "border", "bordercolor", "cellpadding",
        "cellspacing", "char", "charoff", "cite", "class", "clear", "color", "cols", "colspan", "decoding", "dir",
        "face", "frame", "headers", "height", "hidden", "href", "hspace", "id", "itemprop", "itemscope",
        "itemtype", "lang", "loading", "media", "name", "noshade", "nowrap", "rel", "reversed", "role", "rows",
        "rowspan", "rules", "scope", "size", "span", "src", "start", "style", "summary", "tabindex", "target",
        "title", "translate", "type", "valign", "vspace", "width",
        "xml:lang", "xmlns", "/",
    ]

    /// Attributes whose value is a URL.
    public static let urlAttributes: Set<String> = ["href", "src", "background", "cite"]

    /// The URL schemes allowed; a URL without a scheme (relative, `#anchor`) is allowed too.
    public static let allowedSchemes: Set<String> = ["http", "https", "mailto", "tel", "cid"]

    /// One thing refused: its description (`` `<script>` element ``, `` event handler attribute `onerror` ``,
    /// `` `javascript:` URL ``) and the text that names it (`<script`, `onerror`, `javascript:`), for a caller
    /// that looks for it in a source.
    public struct Finding: Sendable, Hashable {
        /// What is refused, for a message.
        public var description: String
        /// The lowercase text that names it in the HTML.
        public var name: String
    }

    /// What is refused in `html`, described, once each, in document order.
    public static func problems(in html: String) -> [String] {
        findings(in: html).map(\.description)
    }

    /// What is refused in `html`, once each, in document order.
    public static func findings(in html: String) -> [Finding] {
        var found: [Finding] = []
        func add(_ what: String, _ name: String) {
            let finding = Finding(description: what, name: name)
            if !found.contains(finding) { found.append(finding) }
        }
        let scalars = ScalarText.scalars(of: html)
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "<" else {
                index += 1
                continue
            }
            guard let markup = HTMLMarkupReader.read(scalars, at: index) else {
                index += 1
                continue
            }
            guard case .tag(let tag) = markup else {
                if case .skipped(let next) = markup { index = next }
                continue
            }
            let name = tag.name
            index = tag.next
            guard allowedElements.contains(name) else {
                add("`<\(name)>` element", "<" + name)
                continue
            }
            if tag.closing { continue }
            if name == "style", let close = VisibleContent.find(scalars, "</", from: index) {
                // A style sheet's text: what it would load or run.
                if let (what, word) = activeStyle(ScalarText.string(scalars[index..<close])) { add(what, word) }
            }
            let attributes = VisibleContent.attributes(scalars[tag.attributes])
            for (attribute, value) in attributes.sorted(by: { $0.key < $1.key }) {
                if attribute.hasPrefix("on") {
                    add("event handler attribute `\(attribute)`", attribute)
                } else if !allowedAttributes.contains(attribute), !attribute.hasPrefix("aria-"),
                    !attribute.hasPrefix("data-"),
                    !attribute.hasPrefix("xmlns:")
                {
                    add("attribute `\(attribute)`", attribute)
                } else if urlAttributes.contains(attribute), let scheme = scheme(of: value),
                    !allowedSchemes.contains(scheme)
                {
                    add("`\(scheme):` URL", scheme + ":")
                } else if attribute == "style", let (what, word) = activeStyle(value) {
                    add(what, word)
                }
            }
        }
        return found
    }

    /// The lowercased scheme of a URL attribute's decoded value, as a browser reads it (ASCII white
    /// space and controls ignored), `nil` when it has none.
    static func scheme(of url: String) -> String? {
        let kept = url.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F }
        var scheme = ""
        for scalar in kept {
            if scalar == ":" { return scheme.isEmpty ? nil : scheme.lowercased() }
            guard scalar.isASCII,
                scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "+-.".unicodeScalars.contains(scalar)
            else { return nil }
            scheme.unicodeScalars.append(scalar)
        }
        return nil
    }

    /// What in a decoded `style` value runs or loads code: `expression(`, `javascript:`, `behavior`,
    /// `-moz-binding`, `@import`.
    static func activeStyle(_ style: String) -> (String, String)? {
        let compact = String(String.UnicodeScalarView(style.unicodeScalars.filter { !$0.properties.isWhitespace }))
            .lowercased()
        for word in ["expression(", "javascript:", "vbscript:", "behavior:", "-moz-binding", "@import"]
        where compact.contains(word) {
            return ("`\(word)` in a style", word)
        }
        return nil
    }
}
