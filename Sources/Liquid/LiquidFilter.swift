/// The filters automail supports: their arity, and their behaviour (Ruby Liquid's).
enum FilterSpec {
    struct Arity {
        var positional: ClosedRange<Int>
        var keywords: Set<String> = []
    }

    static let supported: [String: Arity] = [
        "default": Arity(positional: 0...1, keywords: ["allow_false"]),
        "upcase": Arity(positional: 0...0), "downcase": Arity(positional: 0...0),
        "capitalize": Arity(positional: 0...0), "strip": Arity(positional: 0...0),
        "lstrip": Arity(positional: 0...0), "rstrip": Arity(positional: 0...0),
        "escape": Arity(positional: 0...0), "escape_once": Arity(positional: 0...0),
        "append": Arity(positional: 1...1), "prepend": Arity(positional: 1...1),
        "replace": Arity(positional: 1...2), "replace_first": Arity(positional: 1...2),
        "remove": Arity(positional: 1...1), "remove_first": Arity(positional: 1...1),
        "truncate": Arity(positional: 0...2), "size": Arity(positional: 0...0),
        "strip_newlines": Arity(positional: 0...0), "newline_to_br": Arity(positional: 0...0),
        "url_encode": Arity(positional: 0...0),
    ]

    static let liquid: Set<String> = [
        "abs", "at_least", "at_most", "base64_decode", "base64_encode", "base64_url_safe_decode",
        "base64_url_safe_encode", "ceil", "compact", "concat", "date", "divided_by", "find", "find_index",
        "first", "floor", "has", "join", "last", "map", "minus", "modulo", "plus", "reject", "remove_last",
        "replace_last", "reverse", "round", "slice", "sort", "sort_natural", "split", "strip_html", "sum",
        "times", "truncatewords", "uniq", "url_decode", "where", "json", "money",
    ]

    /// An issue when the call names an unsupported filter or passes arguments it does not take.
    static func check(_ call: FilterCall) -> LiquidIssue? {
        guard let arity = supported[call.name] else {
            if liquid.contains(call.name) {
                return LiquidIssue(
                    kind: .unsupportedFilter(call.name),
                    message: "filter `\(call.name)` is not supported in automail templates", range: call.nameRange)
            }
            let suggestion = closestName(to: call.name, in: supported.keys.sorted())
            return LiquidIssue(
                kind: .unsupportedFilter(call.name), message: "unknown filter `\(call.name)`",
                help: suggestion.map { "did you mean `\($0)`?" }, range: call.nameRange)
        }
        for (keyword, _) in call.keywords where !arity.keywords.contains(keyword) {
            return LiquidIssue(
                kind: .unknownFilterArgument(keyword),
                message: "filter `\(call.name)` has no argument `\(keyword)`",
                help: arity.keywords.isEmpty ? nil : "the only keyword argument is `\(arity.keywords.sorted().joined(separator: "`, `"))`",
                range: call.range)
        }
        if !arity.positional.contains(call.positional.count) {
            let expected = arity.positional.lowerBound == arity.positional.upperBound
                ? "\(arity.positional.lowerBound)" : "\(arity.positional.lowerBound) to \(arity.positional.upperBound)"
            return LiquidIssue(
                kind: .unknownFilterArgument(call.name),
                message: "filter `\(call.name)` takes \(expected) argument\(arity.positional.upperBound == 1 ? "" : "s"), found \(call.positional.count)",
                range: call.range)
        }
        return nil
    }
}
