/// The filters automail supports: their arity, and their behaviour (Ruby Liquid's).
enum FilterSpec {
    struct Arity {
        var positional: ClosedRange<Int>
        var keywords: Set<String> = []
    }

    /// Every supported filter and its arity, in the order the documentation lists them: the one list
    /// that `automail explain AM606`, README.md and docs/ are generated from or checked against.
    static let registry: [(name: String, arity: Arity)] = [
        ("default", Arity(positional: 0...1, keywords: ["allow_false"])),
        ("upcase", Arity(positional: 0...0)), ("downcase", Arity(positional: 0...0)),
        ("capitalize", Arity(positional: 0...0)), ("strip", Arity(positional: 0...0)),
        ("lstrip", Arity(positional: 0...0)), ("rstrip", Arity(positional: 0...0)),
        ("escape", Arity(positional: 0...0)), ("escape_once", Arity(positional: 0...0)),
        ("append", Arity(positional: 1...1)), ("prepend", Arity(positional: 1...1)),
        ("replace", Arity(positional: 1...2)), ("replace_first", Arity(positional: 1...2)),
        ("remove", Arity(positional: 1...1)), ("remove_first", Arity(positional: 1...1)),
        ("truncate", Arity(positional: 0...2)), ("size", Arity(positional: 0...0)),
        ("strip_newlines", Arity(positional: 0...0)), ("newline_to_br", Arity(positional: 0...0)),
        ("url_encode", Arity(positional: 0...0)),
    ]

    static let supported: [String: Arity] = Dictionary(
        uniqueKeysWithValues: registry.map { ($0.name, $0.arity) })

    /// What other template languages (Jinja, Django, Twig, Handlebars helpers, Python and JavaScript
    /// string methods) call a supported filter: names too far from Liquid's for an edit distance.
    static let aliases: [String: String] = [
        "upper": "upcase", "uppercase": "upcase", "to_upper": "upcase", "toupper": "upcase",
        "touppercase": "upcase",
        "lower": "downcase", "lowercase": "downcase", "to_lower": "downcase", "tolower": "downcase",
        "tolowercase": "downcase",
        "title": "capitalize", "titlecase": "capitalize", "capitalise": "capitalize", "ucfirst": "capitalize",
        "trim": "strip", "ltrim": "lstrip", "rtrim": "rstrip", "trim_start": "lstrip", "trim_end": "rstrip",
        "trimstart": "lstrip", "trimend": "rstrip",
        "len": "size", "length": "size", "count": "size",
        "e": "escape", "h": "escape", "escape_html": "escape", "html_escape": "escape", "htmlspecialchars": "escape",
        "urlencode": "url_encode", "url_escape": "url_encode", "uri_escape": "url_encode", "escape_uri": "url_encode",
        "encodeuricomponent": "url_encode",
        "nl2br": "newline_to_br", "linebreaksbr": "newline_to_br",
        "truncatechars": "truncate", "default_if_none": "default", "fallback": "default",
        "d": "default",
    ]

    /// The supported filter another language's `name` stands for, or the closest supported name.
    static func suggestion(for name: String) -> String? {
        if let alias = aliases[name] ?? aliases[name.lowercased()] { return alias }
        if supported[name.lowercased()] != nil { return name.lowercased() }
        return closestName(to: name, in: registry.map(\.name))
    }

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
                    message: "filter `\(call.name)` is not supported in automail templates",
                    help: call.name == "first" || call.name == "last"
                        ? "write the member `.\(call.name)` instead, e.g. `contact.topics.\(call.name)`"
                        : "the supported filters are \(registry.map { "`\($0.name)`" }.joined(separator: ", "))",
                    range: call.nameRange)
            }
            let suggestion = suggestion(for: call.name)
            return LiquidIssue(
                kind: .unsupportedFilter(call.name), message: "unknown filter `\(call.name)`",
                help: suggestion.map { "did you mean `\($0)`?" }, range: call.nameRange)
        }
        for (keyword, _) in call.keywords where !arity.keywords.contains(keyword) {
            return LiquidIssue(
                kind: .unknownFilterArgument(keyword),
                message: "filter `\(call.name)` has no argument `\(keyword)`",
                help: arity.keywords.isEmpty
                    ? nil : "the only keyword argument is `\(arity.keywords.sorted().joined(separator: "`, `"))`",
                range: call.range)
        }
        if !arity.positional.contains(call.positional.count) {
            let expected =
                arity.positional.lowerBound == arity.positional.upperBound
                ? "\(arity.positional.lowerBound)" : "\(arity.positional.lowerBound) to \(arity.positional.upperBound)"
            return LiquidIssue(
                kind: .unknownFilterArgument(call.name),
                message:
                    "filter `\(call.name)` takes \(expected) argument\(arity.positional.upperBound == 1 ? "" : "s"), found \(call.positional.count)",
                range: call.range)
        }
        return nil
    }
}
