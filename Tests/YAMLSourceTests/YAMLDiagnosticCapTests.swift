import Diagnostics
import Testing

@testable import YAMLSource

/// Per-node YAML errors are capped per file and code (issue 14 item 3): a file of 100,000 aliases holds
/// 20 AM103 diagnostics, the last one counting the 99,980 others, so that memory and output do not
/// grow with the number of errors.
struct YAMLDiagnosticCapTests {
    static let cases: [(name: String, code: DiagnosticCode, line: @Sendable (Int) -> String)] = [
        ("aliases", .yamlAnchorOrAlias, { _ in "- *a\n" }),
        ("tags", .yamlTag, { _ in "- !t x\n" }),
        ("duplicate keys", .yamlDuplicateKey, { i in "k\(i % 10): x\n" }),
    ]

    @Test(arguments: cases.indices)
    func perNodeErrorsAreCappedAndCounted(_ index: Int) {
        let (name, code, line) = Self.cases[index]
        var text = ""
        for i in 0..<100_000 { text += line(i) }
        let result = parse(text)
        let ofCode = result.diagnostics.filter { $0.code == code }
        #expect(ofCode.count == DiagnosticBag.maxPerFileAndCode, "\(name)")
        let folded = name == "duplicate keys" ? 100_000 - 10 - 20 : 100_000 - 20
        #expect(ofCode.last?.notShown == folded, "\(name)")
        #expect(ofCode.last?.notes.last?.message == "\(folded) more \(code) in this file are not shown", "\(name)")
        #expect(
            result.diagnostics.total(of: .error) == result.diagnostics.filter { $0.code != code }.count + folded + 20)
    }

    @Test func aBagFoldsPerFileAndCodeAndCountsEverything() {
        var bag = DiagnosticBag()
        for file in ["a.yaml", "b.yaml"] {
            for i in 0..<50 {
                bag.report(
                    .error(
                        .yamlTag, "tag \(i)", at: SourceRange(file: file, at: SourcePosition(line: i + 1, column: 1))))
                bag.report(
                    .warning(
                        "AM999", "warning \(i)", at: SourceRange(file: file, at: SourcePosition(line: i + 1, column: 2))
                    ))
            }
        }
        #expect(bag.diagnostics.count == 4 * DiagnosticBag.maxPerFileAndCode)
        #expect(bag.count(of: .error) == 100)
        #expect(bag.count(of: .warning) == 100)
        let sorted = bag.sorted()
        #expect(sorted.total(of: .error) == 100)
        #expect(
            sorted.filter { $0.notes.contains { $0.message == "30 more AM108 in this file are not shown" } }.count == 2)
        // Sorting again does not repeat the note.
        var again = DiagnosticBag()
        again.report(contentsOf: sorted)
        #expect(again.sorted().allSatisfy { $0.notes.count <= 1 })
    }
}
