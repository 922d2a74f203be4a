import Diagnostics
import Liquid
import Testing
import YAMLSource

@testable import MailRendering

/// `checkMarkdown(_:keepingLiquidOf:)` against the written HTML fragment (`LiquidApartDifferentialTests.agree`'s
/// comparison) on every string of every YAML file of the rule examples, the test fixtures and the example
/// workspaces (bodies and footers among them) whose Liquid parses: where the HTML is left unwritten, the
/// converted-Liquid check (AM622) would have found nothing in it.
struct LiquidApartExampleTests {
    @Test func everyExampleStringAgrees() throws {
        var strings: Set<String> = []
        for (path, text) in try TextStreamExampleTests.yamlTexts() {
            guard let root = YAMLParser.parse(SourceFile(path: path, text: text)).root else { continue }
            var found: [String] = []
            TextStreamExampleTests.strings(of: root, into: &found)
            strings.formUnion(found)
        }
        var kept = 0
        var checked = 0
        for markdown in strings.sorted() {
            guard let template = LiquidTemplate.parse(markdown).template else { continue }
            checked += 1
            let result = checkMarkdown(markdown, keepingLiquidOf: template)
            let (html, issues) = renderHTMLFragment(markdown: markdown)
            #expect(result.issues == issues, "\(markdown.debugDescription)")
            if let written = result.html {
                #expect(written == html, "\(markdown.debugDescription)")
            } else if !issues.contains(where: { $0.kind == .tooComplex }) {
                kept += 1
                #expect(
                    template.hasConstructs(alikeIn: html) && VisibleContent.blockTagsStandOutsideElements(html),
                    "\(markdown.debugDescription) -> \(html.debugDescription)")
            }
        }
        #expect(checked > 500 && kept > 50, "\(kept) of \(checked) kept apart")
    }
}
