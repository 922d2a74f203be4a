import Diagnostics
import Testing

@testable import YAMLSource

@Test func rangesOfKeysAndValues() {
    let root = parse("name: welcome\ncount: 12\n").root
    #expect(span(root?.range) == "1:1-2:10")
    #expect(span(root?.pairs?[0].key.range) == "1:1-1:5")
    #expect(span(root?.pairs?[0].value.range) == "1:7-1:14")
    #expect(span(root?.pairs?[1].value.range) == "2:8-2:10")
}

@Test func rangesOfNestedCollections() {
    let yaml = """
        a:
          b:
            - x
            - [y, z]
          c: {d: 1}
        """
    let root = parse(yaml).root
    let a = root?.pairs?[0].value
    #expect(span(a?.range) == "2:3-5:12")
    let b = a?.pairs?[0].value
    #expect(span(b?.range) == "3:5-4:13")
    #expect(span(b?.items?[1].range) == "4:7-4:13")
    #expect(span(b?.items?[1].items?[1].range) == "4:11-4:12")
    #expect(span(a?.pairs?[1].value.range) == "5:6-5:12")
    #expect(span(a?.pairs?[1].value.pairs?[0].value.range) == "5:10-5:11")
}

@Test func columnsCountUnicodeScalars() {
    let root = parse("é: 😀x\ncafé: \"naïve\"\n- nope").root
    #expect(root == nil)
    let ok = parse("é: 😀x\ncafé: \"naïve\"\nk: [é, 😀]\n").root
    #expect(span(ok?.pairs?[0].key.range) == "1:1-1:2")
    #expect(span(ok?.pairs?[0].value.range) == "1:4-1:6")
    #expect(span(ok?.pairs?[1].value.range) == "2:7-2:14")
    #expect(span(ok?.pairs?[2].value.items?[1].range) == "3:8-3:9")
}

@Test func blockScalarRangeEndsOnItsLastLine() {
    let root = parse("body: |\n  hello\n  world\nnext: 1\n").root
    #expect(span(root?.pairs?[0].value.range) == "1:7-3:8")
}

@Test func sourceLinesHandleTerminatorsAndBOM() {
    let lines = SourceLines(SourceFile(path: "x.yaml", bytes: [0xEF, 0xBB, 0xBF] + Array("a\r\nbé\rc\n\nd".utf8)))
    #expect(lines.count == 5)
    #expect((1...5).map { lines.text(ofLine: $0) } == ["a", "bé", "c", "", "d"])
    #expect(lines.text(ofLine: 0) == nil)
    #expect(lines[6] == nil)
    let ending = SourceLines(SourceFile(path: "x.yaml", text: "a\n"))
    #expect(ending.count == 2)
    #expect(ending[2] == "")
}
