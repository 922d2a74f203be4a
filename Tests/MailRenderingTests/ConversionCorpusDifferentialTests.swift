import Liquid
import Testing

@testable import MailRendering

/// The byte passes of the Markdown conversion (``ProtectedMarkdown``, the byte scan of ``LiquidScanner``, French
/// typography) against their definitions on a corpus: the Markdown documents of the Ink parity corpus and their
/// HTML, as `InkParityTests.corpus()` reads them.
struct ConversionCorpusDifferentialTests {
    /// The Markdown documents of the Ink parity corpus, as they are and between block tags (the path with line
    /// units), against the scalar definition, and their constructs found on bytes against the scalar scan.
    @Test func corpusAgreesWithTheScalarDefinition() throws {
        let pairs = try InkParityTests.corpus()
        for pair in pairs {
            for source in [pair[0], "{% if a %}\n" + pair[0] + "\n{% endif %}", "{{ x }}" + pair[0]] {
                ProtectedMarkdownDifferentialTests.expectAgreement(source)
                let bytes = Array(source.utf8)
                let continuations = ProtectedMarkdown.continuationOffsets(in: bytes)
                #expect(continuations == UTF8Text.continuationOffsets(in: bytes), "\(source.debugDescription)")
                let scanned = bytes.withUnsafeBufferPointer {
                    LiquidScanner.constructs(inBytes: $0, continuations: continuations)
                }
                #expect(scanned == LiquidScanner(source).constructs(), "\(source.debugDescription)")
            }
        }
    }

    /// French typography on the HTML of the Ink parity corpus's documents against the scalar-view pass.
    @Test func frenchTypographyAgreesOnTheCorpus() throws {
        let pairs = try InkParityTests.corpus()
        for pair in pairs {
            for html in [pair[1], MarkdownConversion(markdown: pair[0]).protectedHTML] {
                #expect(
                    Typography.french.apply(toProtectedHTML: html)
                        == TextPassDifferentialTests.frenchByScalarView(html),
                    "\(html.debugDescription)")
            }
        }
    }
}
