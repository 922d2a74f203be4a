import Diagnostics
import Foundation
import Testing

@testable import YAMLSource

/// One malformed or refused input and the exact diagnostics it must produce (`code@line:column`).
struct ErrorCase: CustomTestStringConvertible, Sendable {
    var name: String
    var yaml: String
    var expected: [String]
    var testDescription: String { name }
}

let errorCases: [ErrorCase] = [
    ErrorCase(name: "tab indentation", yaml: "a:\n\tb: 1\n", expected: ["AM101@2:1"]),
    ErrorCase(name: "tab before a later key", yaml: "a:\n  b: 1\n\tc: 2\n", expected: ["AM101@3:1"]),
    ErrorCase(name: "tab in a block scalar's indentation", yaml: "a: |\n\tx\n", expected: ["AM101@2:1"]),
    ErrorCase(name: "tab as separator after colon is fine", yaml: "a:\tb\n", expected: []),
    ErrorCase(name: "control character", yaml: "a: b\u{7}c\n", expected: ["AM101@1:5"]),
    ErrorCase(name: "unclosed flow sequence", yaml: "a: [1, 2\nb: 3\n", expected: ["AM101@2:2"]),
    ErrorCase(name: "sequence item after mapping", yaml: "- a\nb: 1\n", expected: ["AM101@2:1"]),
    ErrorCase(name: "bad indentation", yaml: "a:\n  b: 1\n c: 2\n", expected: ["AM101@3:2"]),
    ErrorCase(name: "mapping value not allowed", yaml: "a: b: c\n", expected: ["AM101@1:5"]),
    ErrorCase(name: "unclosed quote", yaml: "a: \"hello\nb: 1\n", expected: ["AM101@3:1"]),
    ErrorCase(name: "duplicate key", yaml: "a: 1\nb: 2\na: 3\n", expected: ["AM102@3:1"]),
    ErrorCase(name: "duplicate key, quoted", yaml: "a: 1\n'a': 3\n", expected: ["AM102@2:1"]),
    ErrorCase(name: "anchor", yaml: "a: &x 1\nb: 2\n", expected: ["AM103@1:4"]),
    ErrorCase(name: "alias", yaml: "a: 1\nb: *x\n", expected: ["AM103@2:4"]),
    ErrorCase(name: "merge key", yaml: "a:\n  <<: {}\n  b: 1\n", expected: ["AM104@2:3"]),
    ErrorCase(name: "two documents", yaml: "a: 1\n---\nb: 2\n", expected: ["AM105@2:1"]),
    ErrorCase(name: "explicit start of one document", yaml: "---\na: 1\n", expected: []),
    ErrorCase(name: "NUL byte", yaml: "a: 1\nb: x\u{0}y\n", expected: ["AM107@2:5"]),
    ErrorCase(name: "secondary tag", yaml: "a: !!str 1\n", expected: ["AM108@1:4"]),
    ErrorCase(name: "local tag", yaml: "a:\n  - !custom x\n", expected: ["AM108@2:5"]),
    ErrorCase(name: "python tag on a mapping", yaml: "a: !!python/object {}\n", expected: ["AM108@1:4"]),
    ErrorCase(name: "complex key", yaml: "? [a, b]\n: 1\n", expected: ["AM111@1:3"]),
    ErrorCase(name: "flow mapping key", yaml: "{a: 1}: 2\n", expected: ["AM111@1:1"]),
]

@Test(arguments: errorCases)
func reportsErrors(_ c: ErrorCase) {
    #expect(summary(parse(c.yaml)) == c.expected)
}

@Test func tabIndentationHasTabHelp() {
    let d = parse("a:\n\tb: 1\n").diagnostics
    #expect(d.first?.help == "YAML forbids tabs for indentation; indent with spaces")
    #expect(d.first?.message.hasPrefix("yaml syntax error: ") == true)
}

@Test func everyTabCaseGetsTabHelp() {
    for yaml in ["a:\n  b: 1\n\tc: 2\n", "a: |\n\tx\n", "a:\n\t- x\n"] {
        #expect(
            parse(yaml).diagnostics.first?.help == "YAML forbids tabs for indentation; indent with spaces", "\(yaml)")
    }
}

@Test func aliasLeavesAPlaceholder() {
    let result = parse("a: 1\nb: *x\n")
    #expect(result.diagnostics.first?.message == "alias `*x` is not allowed")
    #expect(result.diagnostics.first?.help?.contains("repeat the value") == true)
    #expect(result.root?.pairs?.count == 2)
}

@Test func badIndentationHelpMentionsIndentation() {
    let d = parse("a: b: c\n").diagnostics
    #expect(d.first?.message == "yaml syntax error: mapping values are not allowed in this context")
    #expect(d.first?.help?.contains("indentation") == true)
}

@Test func unquotedLiquidFilterArgumentGetsTheQuotingHelp() {
    let d = parse("id: x\nsubject: Hi {{ contact.firstname | default: \"friend\" }}!\n").diagnostics
    #expect(d.first?.message == "yaml syntax error: mapping values are not allowed in this context")
    #expect(d.first?.range?.start == SourcePosition(line: 2, column: 43))
    #expect(
        d.first?.help?.hasPrefix("this value holds Liquid whose `: ` (a filter argument) YAML reads as a key") == true)
}

/// A plain value starting with Liquid is one AM113 at the value, never AM111 nor a syntax error, and
/// the value is kept as the text it was meant to be.
@Test(arguments: [
    ("subject: {{ contact.firstname }}\n", "{{ contact.firstname }}", true),
    ("subject: {{ contact.firstname | default: \"x\" }}  # TODO\n", "{{ contact.firstname | default: \"x\" }}", true),
    ("subject: {{ contact.firstname }}, welcome\nbody: x\n", "{{ contact.firstname }}, welcome", false),
    ("subject: {% if a %}Hi{% endif %}\nbody: x\n", "{% if a %}Hi{% endif %}", false),
    ("items:\n  - {{ a }} b\n", "{{ a }} b", false),
])
func unquotedLiquidIsOneDiagnostic(_ source: String, _ written: String, _ parses: Bool) throws {
    let parsed = parse(source)
    #expect(parsed.diagnostics.map(\.code) == [.yamlUnquotedLiquid], "\(parsed.diagnostics.map(\.message))")
    let d = try #require(parsed.diagnostics.first)
    #expect(
        d.message
            == "the value `\(written)` starts with `\(written.prefix(2))` and is not quoted, so YAML reads it as a mapping, not as text"
    )
    #expect(d.range?.end.column == (d.range?.start.column ?? 0) + written.unicodeScalars.count)
    #expect(d.help?.contains("`'\(written.replacingOccurrences(of: "'", with: "''"))'`") == true)
    #expect((parsed.root != nil) == parses)
    if parses { #expect(parsed.root?.pairs?.first?.value.scalar?.text == written.components(separatedBy: "  #")[0]) }
}

@Test func liquidInsideAValueIsNotUnquotedLiquid() {
    #expect(parse("subject: 'Hi {{ a }}'\nbody: |\n  {{ a }}\n  x: {{ b }}\n").diagnostics.isEmpty)
    #expect(parse("subject: Hi {{ a }}\n").diagnostics.isEmpty)
}

@Test func unclosedQuoteHasContextNote() {
    let d = parse("a: \"hello\nb: 1\n").diagnostics
    #expect(d.first?.notes.first?.message == "while scanning a quoted scalar")
    #expect(d.first?.notes.first?.range?.start == SourcePosition(line: 1, column: 4))
}

@Test func duplicateKeyPointsAtFirstDefinition() {
    let d = parse("a: 1\nb: 2\na: 3\n").diagnostics
    #expect(d.count == 1)
    #expect(d.first?.message == "duplicate key `a`")
    #expect(
        d.first?.notes == [
            DiagnosticNote(
                "first defined here",
                at: SourceRange(
                    file: "test.yaml", start: SourcePosition(line: 1, column: 1),
                    end: SourcePosition(line: 1, column: 2)))
        ])
}

@Test func duplicateKeysInLargeMapping() {
    let yaml = (0..<40).map { "k\($0): \($0)\n" }.joined() + "k7: again\n"
    let d = parse(yaml).diagnostics
    #expect(summary(parse(yaml)) == ["AM102@41:1"])
    #expect(d.first?.notes.first?.range?.start == SourcePosition(line: 8, column: 1))
}

@Test func duplicatePairIsNotKept() {
    let root = parse("a: 1\na: 2\n").root
    #expect(root?.pairs?.count == 1)
    #expect(root?.pairs?.first?.value.scalar?.text == "1")
}

@Test func invalidUTF8AtPrecisePosition() {
    // `é` is two bytes but one column; the bad byte 0xFF is the 6th character of line 2.
    let bytes = Array("a: 1\nb: é".utf8) + [0xFF] + Array("x\n".utf8)
    #expect(summary(parse(bytes: bytes)) == ["AM106@2:5"])
}

@Test func overlongEncodingRefused() {
    // 0xC0 0xAF is an overlong `/`; 0xE0 0x80 0xAF another.
    #expect(summary(parse(bytes: Array("a: ".utf8) + [0xC0, 0xAF])) == ["AM106@1:4"])
    #expect(summary(parse(bytes: Array("ab: ".utf8) + [0xE0, 0x80, 0xAF])) == ["AM106@1:5"])
}

@Test func surrogateAndTruncatedSequencesRefused() {
    #expect(summary(parse(bytes: Array("a: ".utf8) + [0xED, 0xA0, 0x80])) == ["AM106@1:4"])
    #expect(summary(parse(bytes: Array("a: x".utf8) + [0xE2, 0x82])) == ["AM106@1:5"])
    #expect(summary(parse(bytes: Array("a: x".utf8) + [0xF4, 0x90, 0x80, 0x80])) == ["AM106@1:5"])
}

@Test func utf16Refused() {
    let text = "a: 1\n"
    let le: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    let beNoBOM: [UInt8] = text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    #expect(summary(parse(bytes: le)) == ["AM106@1:1"])
    #expect(summary(parse(bytes: beNoBOM)) == ["AM106@1:1"])
}

@Test func bomIsStripped() {
    let result = parse(bytes: [0xEF, 0xBB, 0xBF] + Array("a: b\nc: é\u{0}".utf8))
    #expect(summary(result) == ["AM107@2:5"])
    let ok = parse(bytes: [0xEF, 0xBB, 0xBF] + Array("key: value\n".utf8))
    #expect(ok.diagnostics.isEmpty)
    #expect(span(ok.root?.pairs?.first?.key.range) == "1:1-1:4")
    #expect(span(ok.root?.pairs?.first?.value.range) == "1:6-1:11")
}

@Test func crlfPositions() {
    let result = parse("a: 1\r\nbb: x\r\nbb: y\r\n")
    #expect(summary(result) == ["AM102@3:1"])
    let ok = parse("a: 1\r\nb:\r\n  c: é\r\n")
    let b = ok.root?.pairs?[1]
    #expect(span(b?.key.range) == "2:1-2:2")
    #expect(span(b?.value.pairs?.first?.value.range) == "3:6-3:7")
    #expect(summary(parse("a: 1\r\n  b: 2\r\n c: 3\r\n")) == ["AM101@2:4"])
}

@Test func deepNestingStopsQuickly() {
    let result = parse(String(repeating: "[", count: 100_000))
    #expect(summary(result) == ["AM109@1:65"])
    #expect(result.root == nil)
}

@Test func deepBlockNestingStops() {
    var yaml = ""
    for depth in 0..<100 { yaml += String(repeating: " ", count: depth) + "k:\n" }
    let result = parse(yaml, limits: YAMLLimits(maxDepth: 10))
    #expect(summary(result) == ["AM109@11:11"])
}

@Test func nestingAtTheLimitIsAccepted() {
    let yaml = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
    let result = parse(yaml)
    #expect(result.diagnostics.isEmpty)
    #expect(result.root != nil)
}

@Test func oversizeFileRefusedBeforeParsing() {
    let result = parse("a: [\n", limits: YAMLLimits(maxFileBytes: 4))
    #expect(summary(result) == ["AM110@1:1"])
    #expect(result.root == nil)
}

@Test func emptyFileHasNoRoot() {
    #expect(parse("").root == nil)
    #expect(parse("# just a comment\n").root == nil)
    #expect(parse("").diagnostics.isEmpty)
}
