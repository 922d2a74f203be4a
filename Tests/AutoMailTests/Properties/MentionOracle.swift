import AutomailRuntime

/// What a rendered email must show, whatever the contact: checked on the email alone, without trusting
/// the compiler (the HTML is read as a mail client shows it: comments and the head are not visible).
struct MentionOracle {
    var publisher: String
    var postalAddress: String
    var privacyURL: String
    var dataOrigin: [String: String]

    init(_ workspace: GeneratedWorkspace) {
        publisher = workspace.publisher
        postalAddress = workspace.postalAddress
        privacyURL = workspace.privacyURL
        dataOrigin = workspace.dataOrigin
    }

    /// Every guarantee `email` breaks (empty when it keeps them all).
    func violations(of email: RenderedEmail, unsubscribeURL: String) -> [String] {
        var problems: [String] = []
        let visible = HTMLView(email.html)
        let text = Self.normalized(email.text)
        let mentions = [
            ("the publisher", publisher), ("the postal address", postalAddress),
            ("the data-origin notice", dataOrigin[email.locale] ?? ""),
        ]
        for (name, value) in mentions {
            let needle = Self.normalized(value)
            if !visible.text.contains(needle) { problems.append("the HTML does not show \(name)") }
            if !text.contains(needle) { problems.append("the text part does not show \(name)") }
        }
        for (name, url) in [("privacy", privacyURL), ("unsubscribe", unsubscribeURL)] {
            if !visible.links.contains(where: { $0.href == url && !$0.text.isEmpty }) {
                problems.append("the HTML has no visible link to the \(name) URL")
            }
            if !email.text.contains(url) { problems.append("the text part does not show the \(name) URL") }
        }
        let header = email.headers.first { $0.name == "List-Unsubscribe" }?.value ?? ""
        if !header.contains("<\(unsubscribeURL)>") { problems.append("`List-Unsubscribe` is `\(header)`") }
        if email.subject.allSatisfy(\.isWhitespace) { problems.append("the subject is empty") }
        // The text part is the body, `-- `, then the footer; the HTML body sits in the layout's content cell.
        let bodyText = email.text.range(of: "\n\n-- \n").map { email.text[..<$0.lowerBound] } ?? email.text[...]
        if bodyText.allSatisfy(\.isWhitespace) { problems.append("the text part's body is empty") }
        if let cell = email.html.range(of: "class=\"am-content\""),
            let start = email.html[cell.upperBound...].firstIndex(of: ">"),
            let end = email.html[start...].range(of: "</td>"),
            HTMLView(String(email.html[email.html.index(after: start)..<end.lowerBound])).text.isEmpty
        {
            problems.append("the HTML body is empty")
        }
        if let problem = visible.balanceProblem { problems.append("the HTML is not well-formed: \(problem)") }
        for (part, value) in [("subject", email.subject), ("html", email.html), ("text", email.text)] {
            for delimiter in ["{{", "{%"] where value.contains(delimiter) {
                problems.append("`\(delimiter)` survives in the \(part)")
            }
        }
        return problems
    }

    /// `text` with every run of white space made one space.
    static func normalized(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// The HTML part as a reader sees it: its visible text (without comments, the head, styles or tags,
/// character references decoded, white space normalized) and its links with their visible text.
struct HTMLView {
    var text = ""
    var links: [(href: String, text: String)] = []
    /// The first end tag that does not close the innermost open element, or an element left open.
    var balanceProblem: String?

    static let voidElements: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    ]

    init(_ html: String) {
        var source = Self.removing(html, from: "<!--", to: "-->")
        for element in ["head", "style", "script", "title"] {
            source = Self.removing(source, from: "<\(element)", to: "</\(element)>")
        }
        var visible = ""
        var anchor: (href: String, text: String)?
        var unclosed: [String] = []
        var rest = source[...]
        while let open = rest.firstIndex(of: "<") {
            let chunk = String(rest[..<open])
            visible += chunk
            anchor?.text += chunk
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            let tag = rest[rest.index(after: open)..<close]
            let name = tag.prefix { $0.isLetter || $0.isNumber || $0 == "/" }.lowercased()
            if name.hasPrefix("/") {
                let closed = String(name.dropFirst())
                if unclosed.last == closed {
                    unclosed.removeLast()
                } else if balanceProblem == nil {
                    balanceProblem = "</\(closed)> closes <\(unclosed.last ?? "nothing")>"
                }
            } else if !name.isEmpty, !Self.voidElements.contains(name), !tag.hasSuffix("/") {
                unclosed.append(name)
            }
            if name == "a" {
                anchor = (Self.attribute("href", in: tag).map(Self.decoded) ?? "", "")
            } else if name == "/a", let finished = anchor {
                links.append((finished.href, MentionOracle.normalized(Self.decoded(finished.text))))
                anchor = nil
            }
            // Block elements separate words.
            visible += " "
            anchor?.text += " "
            rest = rest[rest.index(after: close)...]
        }
        visible += rest
        text = MentionOracle.normalized(Self.decoded(visible))
        // The head, style and title were cut out above: `<html>` and `<body>` must close like the rest.
        if balanceProblem == nil, let left = unclosed.last { balanceProblem = "<\(left)> is never closed" }
    }

    static func removing(_ text: String, from start: String, to end: String) -> String {
        var out = ""
        var rest = text[...]
        while let range = rest.range(of: start) {
            out += rest[..<range.lowerBound]
            guard let stop = rest[range.upperBound...].range(of: end) else { return out }
            rest = rest[stop.upperBound...]
        }
        return out + rest
    }

    static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let range = tag.range(of: " \(name)=\"") else { return nil }
        let value = tag[range.upperBound...]
        return String(value.prefix { $0 != "\"" })
    }

    /// `text` with its character references decoded.
    static func decoded(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semi = after.prefix(12).firstIndex(of: ";") {
                let entity = after[..<semi]
                var replacement: String?
                switch entity {
                case "amp": replacement = "&"
                case "lt": replacement = "<"
                case "gt": replacement = ">"
                case "quot": replacement = "\""
                case "apos": replacement = "'"
                case "nbsp": replacement = "\u{A0}"
                default:
                    if entity.hasPrefix("#x") || entity.hasPrefix("#X"),
                        let code = UInt32(entity.dropFirst(2), radix: 16)
                    {
                        replacement = Unicode.Scalar(code).map { String($0) }
                    } else if entity.hasPrefix("#"), let code = UInt32(entity.dropFirst()) {
                        replacement = Unicode.Scalar(code).map { String($0) }
                    }
                }
                if let replacement {
                    out += replacement
                    rest = after[after.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = after
        }
        return out + rest
    }
}
