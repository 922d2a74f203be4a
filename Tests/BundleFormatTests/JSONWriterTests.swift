@testable import BundleFormat
import Testing

struct JSONWriterTests {
    @Test func canonicalFormSortsKeysByCodePointAndEscapesMinimally() {
        let value = JSONValue.object([
            "b": .array([.int(1), .bool(true), .null]),
            "a": .string("quote \" backslash \\ newline \n tab \t bell \u{07} é ✓"),
            "B": .object([:]),
            "é": .array([]),
        ])
        let text = String(decoding: JSONWriter(pretty: false).write(value), as: UTF8.self)
        #expect(
            text
                == #"{"B":{},"a":"quote \" backslash \\ newline \n tab \t bell \u0007 é ✓","b":[1,true,null],"é":[]}"#)
    }

    @Test func prettyFormIndentsTwoSpacesAndEndsWithANewline() {
        let value = JSONValue.object(["k": .array([.int(1), .object(["x": .string("y")])])])
        let text = String(decoding: JSONWriter(pretty: true).write(value), as: UTF8.self)
        #expect(text == "{\n  \"k\": [\n    1,\n    {\n      \"x\": \"y\"\n    }\n  ]\n}\n")
    }

    @Test func deepNestingDoesNotRecurse() {
        var value = JSONValue.null
        for _ in 0..<5_000 { value = .array([value]) }
        #expect(JSONWriter(pretty: false).write(value).count == 10_004)
    }

    @Test func digestIsSHA256OfTheCanonicalFormWithoutDigest() {
        // sha256 of `{"format":1}` computed independently (python3 hashlib).
        let expected = "sha256:3f0a99256beeb89a6b9f2793885291a6454928fd74903159ab2e51452b13df6f"
        #expect(BundleEmitter.digest(ofCanonical: Array(#"{"format":1}"#.utf8)) == expected)
        let text = String(decoding: BundleEmitter.emit(["format": .int(1)]), as: UTF8.self)
        #expect(text == "{\n  \"digest\": \"\(expected)\",\n  \"format\": 1\n}\n")
    }
}
