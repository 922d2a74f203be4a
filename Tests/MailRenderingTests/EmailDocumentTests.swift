import Foundation
import Testing
@testable import MailRendering

/// The complete email document and custom layouts.
struct EmailDocumentTests {
    static let body = renderHTMLFragment(markdown: "Hello {{ contact.firstname }},\n\n- one\n- two").html
    static let footer = renderHTMLFragment(markdown: "Sent by X. [Unsubscribe]({{ unsubscribe_url }})").html

    @Test func defaultDocumentHasHeadBodyAndFooter() {
        let html = renderHTMLDocument(
            subject: "Hi {{ contact.firstname }} & co", locale: "fr-FR",
            bodyHTML: Self.body, footerHTML: Self.footer, layout: nil)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"fr-FR\""))
        #expect(html.contains(">\n<head>\n<meta charset=\"utf-8\">\n"))
        #expect(html.contains(#"<meta name="x-apple-disable-message-reformatting">"#))
        #expect(html.contains(#"<meta name="format-detection""#))
        #expect(html.contains("<!--[if mso]><table role=\"presentation\" align=\"center\" width=\"600\""))
        #expect(html.contains("@media only screen and (max-width: 620px)"))
        #expect(html.contains(#"<meta name="viewport" content="width=device-width, initial-scale=1">"#))
        #expect(html.contains(#"<meta name="color-scheme" content="light dark">"#))
        #expect(html.contains("<title>Hi {{ contact.firstname }} &amp; co</title>"))
        #expect(html.contains("@media (prefers-color-scheme: dark)"))
        #expect(html.contains("max-width:600px"))
        #expect(html.contains("font-size:16px"))
        // The default layout styles the body and footer inline.
        let theme = EmailTheme()
        let bodyRange = html.range(of: theme.styled(Self.body, role: .body))
        let footerRange = html.range(of: theme.styled(Self.footer, role: .footer))
        #expect(bodyRange != nil && footerRange != nil)
        if let bodyRange, let footerRange {
            #expect(bodyRange.upperBound <= footerRange.lowerBound)
        }
        #expect(unbalancedTags(in: html) == [])
    }

    @Test func documentIsDeterministic() {
        let first = renderHTMLDocument(
            subject: "S", locale: "en", bodyHTML: Self.body, footerHTML: Self.footer, layout: nil)
        let second = renderHTMLDocument(
            subject: "S", locale: "en", bodyHTML: Self.body, footerHTML: Self.footer, layout: nil)
        #expect(first == second)
    }

    @Test func customLayoutFillsItsSlots() {
        let layout = "<body><div class=\"c\">{{ content }}</div><footer>{{footer}}</footer></body>"
        #expect(validateLayout(layout).isEmpty)
        let html = renderHTMLDocument(
            subject: "S", locale: "en", bodyHTML: "<p>B</p>", footerHTML: "<p>F</p>", layout: layout)
        #expect(html.contains("<body><div class=\"c\"><p>B</p></div><footer><p>F</p></footer></body>\n</html>\n"))
        #expect(unbalancedTags(in: html) == [])
    }

    @Test func customLayoutWithoutFooterSlotStillShowsTheFooter() {
        let html = renderHTMLDocument(
            subject: "S", locale: "en", bodyHTML: "<p>B</p>", footerHTML: "<p>F</p>",
            layout: "<body>{{ content }}</body>")
        #expect(html.contains("<body><p>B</p>\n<p>F</p></body>"))
    }

    @Test func invalidLayoutsAreReportedAndReplacedByTheDefault() {
        let none = validateLayout("<body>{{ body }}</body>")
        #expect(none.map(\.kind) == [.layoutSlot])
        #expect(none.first?.message == "layout has no `{{ content }}` slot")
        let twice = validateLayout("{{ content }} {{ content }} {{ footer }} {{- footer -}}")
        #expect(twice.map(\.range) == [14..<27, 41..<55])
        let html = renderHTMLDocument(
            subject: "S", locale: "en", bodyHTML: "<p>B</p>", footerHTML: "<p>F</p>",
            layout: "<body>{{ body }}</body>")
        #expect(html.contains("class=\"am-content\""))
    }

    @Test func pythonHTMLParserAcceptsTheDocument() throws {
        let python = URL(fileURLWithPath: "/usr/bin/python3")
        guard FileManager.default.isExecutableFile(atPath: python.path) else { return }
        let html = renderHTMLDocument(
            subject: "S", locale: "en", bodyHTML: Self.body, footerHTML: Self.footer, layout: nil)
        let script = """
            import sys
            from html.parser import HTMLParser
            VOID = {"meta", "br", "img", "hr", "link", "input"}
            class P(HTMLParser):
                def __init__(self):
                    super().__init__(); self.stack = []; self.errors = []
                def handle_starttag(self, tag, attrs):
                    if tag not in VOID: self.stack.append(tag)
                def handle_endtag(self, tag):
                    if not self.stack or self.stack.pop() != tag: self.errors.append(tag)
            p = P(); p.feed(sys.stdin.read()); p.close()
            print("ok" if not p.errors and not p.stack else "bad %r %r" % (p.errors, p.stack))
            """
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(html.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(String(decoding: data, as: UTF8.self) == "ok\n")
    }

    /// Tags left open or closed out of order, with a tiny tokenizer (void elements excluded).
    func unbalancedTags(in html: String) -> [String] {
        let void: Set<String> = ["meta", "br", "img", "hr", "link", "input", "!doctype"]
        var stack: [String] = []
        var problems: [String] = []
        var inStyle = false
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            // Comments (Outlook's conditional comments among them) hold no element.
            if rest[open...].hasPrefix("<!--") {
                guard let end = rest[open...].firstRange(of: "-->") else { break }
                rest = rest[end.upperBound...]
                continue
            }
            let inside = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            let isEnd = inside.hasPrefix("/")
            let name = (isEnd ? inside.dropFirst() : inside).prefix { !$0.isWhitespace && $0 != "/" }.lowercased()
            if inStyle, !(isEnd && name == "style") { continue }
            if void.contains(name) || inside.hasSuffix("/") { continue }
            if isEnd {
                if stack.popLast() != name { problems.append("</\(name)>") }
                if name == "style" { inStyle = false }
            } else {
                stack.append(name)
                if name == "style" { inStyle = true }
            }
        }
        return problems + stack.map { "<\($0)>" }
    }
}
