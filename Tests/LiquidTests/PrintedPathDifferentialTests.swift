import TestSupport
import Testing
@testable import Liquid

/// The printed values `Analysis` records from the path it walks, against `Analysis.staticPath`, their
/// definition, applied to every output of random templates (without `assign` or `capture`, so that no
/// name is bound).
struct PrintedPathDifferentialTests {
    static let pieces = [
        "text ", "é ", "{{ contact.firstname }}", "{{ a[\"k\"].c }}", "{{ a[b].c | upcase }}", "{{ \"x\" }}",
        "{{ a.b.c | default: d.e }}", "{% if x.y %}", "{% endif %}", "{{ p.q | size }}", "{{ n }}", "{{ a[0] }}",
        "{{ m.first | append: sep.x }}", "{% case c.d %}{% when 1 %}{{ w.v }}{% endcase %}",
    ]

    /// The outputs of `nodes`, in source order, nested ones included.
    func outputs(_ nodes: [Node]) -> [FilteredExpression] {
        var found: [FilteredExpression] = []
        for node in nodes {
            switch node {
            case .output(let expression, _): found.append(expression)
            case .capture(_, let body, _): found += outputs(body)
            case .conditional(let branches, _, _, _): for branch in branches { found += outputs(branch.body) }
            case .caseTag(_, let branches, _, _): for branch in branches { found += outputs(branch.body) }
            case .text, .assign, .raw, .comment: break
            }
        }
        return found
    }

    @Test func printedPathsAreTheStaticPaths() throws {
        var random = SplitMix64(state: 29)
        for _ in 0..<500 {
            var source = ""
            var open = 0
            for _ in 0..<random.next(12) {
                let piece = Self.pieces[random.next(Self.pieces.count)]
                if piece == "{% endif %}" {
                    guard open > 0 else { continue }
                    open -= 1
                } else if piece.hasPrefix("{% if") {
                    open += 1
                }
                source += piece
            }
            source += String(repeating: "{% endif %}", count: open)
            let template = try #require(LiquidTemplate.parse(source).template, "\(source)")
            let expected = outputs(template.nodes).compactMap { expression -> LiquidPrintedValue? in
                guard let path = Analysis.staticPath(expression.base), case .path(_, _, let range) = expression.base
                else { return nil }
                return LiquidPrintedValue(path: path, range: range, firstFilter: expression.filters.first?.name)
            }
            #expect(template.printed == expected, "\(source)")
        }
    }
}
