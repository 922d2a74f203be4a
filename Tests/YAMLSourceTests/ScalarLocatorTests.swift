import Diagnostics
import Testing

@testable import YAMLSource

/// The file range of characters `r` of the value of the first key of `yaml`.
func locate(_ yaml: String, _ r: Range<Int>, key: Int = 0) -> String {
    let file = SourceFile(path: "test.yaml", text: yaml)
    guard let node = YAMLParser.parse(file).root?.pairs?[key].value else { return "no node" }
    return span(YAMLParser.range(ofScalarCharacters: r, in: node, lines: SourceLines(file)))
}

@Test func plainScalarOffsets() {
    // `{{ x }` starts at offset 6 of the value, which starts at column 4.
    #expect(locate("t: Hello {{ x }\n", 6..<12) == "1:10-1:16")
    #expect(locate("é: 😀 {{ x }\n", 2..<4) == "1:6-1:8")
}

@Test func quotedScalarOffsets() {
    #expect(locate("t: 'ab {{ x'\n", 3..<5) == "1:8-1:10")
    #expect(locate("t: \"ab {{ x\"\n", 3..<5) == "1:8-1:10")
    // An escape makes the source differ from the text: the whole node.
    #expect(locate("t: \"a\\tb {{ x\"\n", 4..<6) == "1:4-1:15")
    #expect(locate("t: 'it''s {{'\n", 6..<8) == "1:4-1:14")
}

@Test func literalBlockOffsets() {
    let yaml = "a: 1\nbody: |\n  Hi {{ name\n    indented {%\n"
    // "Hi {{ name\n  indented {%\n": `{{` at 3, `{%` at 22.
    #expect(locate(yaml, 3..<5, key: 1) == "3:6-3:8")
    #expect(locate(yaml, 22..<24, key: 1) == "4:14-4:16")
    #expect(locate("b: |-\n  x\n\n  {{\n", 3..<5) == "4:3-4:5")
    #expect(locate("b: |+\n    x {{\n\n", 2..<4) == "2:7-2:9")
}

@Test func literalBlockOffsetsInCRLFFile() {
    let yaml = "a: 1\r\nbody: |\r\n  Hi {{ name\r\n  second {%\r\n"
    #expect(locate(yaml, 3..<5, key: 1) == "3:6-3:8")
    #expect(locate(yaml, 18..<20, key: 1) == "4:10-4:12")
}

@Test func foldedAndMultilineFallBackToNode() {
    #expect(locate("b: >\n  x {{\n  y\n", 2..<4) == "1:4-3:4")
    #expect(locate("b: one\n  two {{\n", 8..<10) == "1:4-2:9")
}
