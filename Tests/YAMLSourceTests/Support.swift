import Diagnostics
import Testing

@testable import YAMLSource

/// Parses `text` as `test.yaml`.
func parse(_ text: String, limits: YAMLLimits = .default) -> YAMLParseResult {
    YAMLParser.parse(SourceFile(path: "test.yaml", text: text), limits: limits)
}

/// Parses raw bytes as `test.yaml`.
func parse(bytes: [UInt8], limits: YAMLLimits = .default) -> YAMLParseResult {
    YAMLParser.parse(SourceFile(path: "test.yaml", bytes: bytes), limits: limits)
}

/// `code@line:column` for each diagnostic, the form the tests compare.
func summary(_ result: YAMLParseResult) -> [String] {
    result.diagnostics.map { d in "\(d.code)@\(d.range.map { "\($0.start)" } ?? "-")" }
}

/// `start-end` of a range, e.g. `1:1-1:4`.
func span(_ range: SourceRange?) -> String {
    guard let range else { return "nil" }
    return "\(range.start)-\(range.end)"
}
