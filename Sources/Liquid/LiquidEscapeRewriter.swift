extension LiquidTemplate {
    /// Rewrites `source` so that every `{{ … }}` output ends with an `escape` filter, unless its last
    /// filter already is `escape`. Everything else stays byte-identical, whitespace control included:
    /// `{{- name -}}` becomes `{{- name | escape -}}`. Outputs that do not parse, and outputs inside
    /// `comment` blocks or `raw` bodies, are left alone.
    public static func appendingEscapeToOutputs(_ source: String) -> String {
        let scalars = Array(source.unicodeScalars)
        var result = String.UnicodeScalarView()
        var commentDepth = 0
        for token in Lexer(scalars).tokens() {
            defer {
                if token.kind == .tag && token.closed {
                    if token.name == "comment" { commentDepth += 1 }
                    if token.name == "endcomment" && commentDepth > 0 { commentDepth -= 1 }
                }
            }
            guard token.kind == .output, token.closed, commentDepth == 0,
                  let insertion = escapeInsertionPoint(scalars, inner: token.inner)
            else {
                result.append(contentsOf: scalars[token.range])
                continue
            }
            result.append(contentsOf: scalars[token.range.lowerBound..<insertion])
            result.append(contentsOf: " | escape".unicodeScalars)
            result.append(contentsOf: scalars[insertion..<token.range.upperBound])
        }
        return String(result)
    }

    /// Where ` | escape` goes (after the expression's last token), or `nil` when nothing is needed.
    private static func escapeInsertionPoint(_ scalars: [Unicode.Scalar], inner: Range<Int>) -> Int? {
        guard var parser = try? ExpressionParser(scalars, range: inner),
              let expression = try? parser.parseFiltered()
        else { return nil }
        if expression.filters.last?.name == "escape" { return nil }
        let tokens = parser.tokens
        guard tokens.count >= 2 else { return nil }
        return tokens[tokens.count - 2].range.upperBound
    }
}
