import TestSupport
import Testing

@testable import Liquid

/// The references the parser records as it makes each node (variables, filters, printed values, in
/// source order, names bound by `assign` and `capture` left out after their binding) against
/// `Analysis.walk` of the finished nodes, their definition (the pass the parser made after parsing), on
/// the random templates of `ParserSnapshotTests`: nested blocks, bindings, `case`, refused constructs.
struct AnalysisDifferentialTests {
    /// `Analysis.walk` of the template's nodes, room made as the parser made it before.
    static func walked(_ template: LiquidTemplate) -> Analysis {
        var analysis = Analysis()
        analysis.reserveCapacity(template.outputs.count, extraVariables: template.tags.count)
        analysis.walk(template.nodes)
        return analysis
    }

    static func expectWalked(_ source: String) -> Bool {
        guard let template = LiquidTemplate.parse(source).template else { return false }
        let walked = Self.walked(template)
        #expect(template.variables == walked.variables, "\(source.debugDescription)")
        #expect(template.filters == walked.filters, "\(source.debugDescription)")
        #expect(template.printed == walked.printed, "\(source.debugDescription)")
        return true
    }

    @Test func wellFormedTemplatesRecordWhatTheWalkFinds() {
        var random = SplitMix64(state: 41)
        var parsed = 0
        for _ in 0..<3_000 where Self.expectWalked(ParserSnapshotTests.wellFormed(&random, depth: 0)) { parsed += 1 }
        // Most of them parse (else the references would go untested).
        #expect(parsed > 1_000, "\(parsed)")
    }

    @Test func randomPiecesRecordWhatTheWalkFinds() {
        var random = SplitMix64(state: 43)
        let pieces = ByteParserDifferentialTests.pieces + ParserSnapshotTests.outputs + ParserSnapshotTests.refused
        for _ in 0..<3_000 {
            var source = ""
            for _ in 0..<random.next(24) { source += pieces[random.next(pieces.count)] }
            _ = Self.expectWalked(source)
        }
    }

    /// Names bound before, inside and after the outputs that read them, in every kind of block.
    @Test func bindingsInBlocks() {
        let sources = [
            "{{ a }}{% assign a = b %}{{ a }}{{ b.c }}",
            "{% capture a %}{{ a }}{{ x }}{% endcapture %}{{ a.b }}",
            "{% if a %}{% assign b = a | upcase %}{% elsif b %}{{ b }}{% else %}{{ c | default: b }}{% endif %}{{ b }}",
            "{% case a %}{% when b, c %}{% assign d = 1 %}{% when d %}{{ d }}{% else %}{{ e[d] }}{% endcase %}{{ d }}",
            "{% unless x contains y and z %}{% capture y %}1{% endcapture %}{% endunless %}{{ y | size }}",
            "{{ a[\"k\"].b }}{{ a[k].b }}{{ [k] }}{% assign k = 1 %}{{ a[k] | append: k }}",
        ]
        for source in sources { #expect(Self.expectWalked(source), "\(source.debugDescription)") }
    }
}

extension Analysis {
    /// The definition: every node of the finished tree visited in source order (the pass the parser
    /// made after parsing, before it recorded the references as it made the nodes).
    mutating func walk(_ nodes: [Node]) {
        for node in nodes {
            switch node {
            case .text, .raw, .comment:
                break
            case .output(let expression, _):
                visitOutput(expression)
            case .assign(let name, let expression, _):
                visitAssign(expression, binding: name)
            case .capture(let name, let body, _):
                walk(body)
                bind(name)
            case .conditional(let branches, _, _, _):
                for branch in branches {
                    if let condition = branch.condition { visit(condition) }
                    walk(branch.body)
                }
            case .caseTag(let subject, let branches, _, _):
                visitCase(subject)
                for branch in branches {
                    for candidate in branch.candidates ?? [] { visitCase(candidate) }
                    walk(branch.body)
                }
            }
        }
    }
}
