import BundleFormat
import Testing

struct JSONParserTests {
    private let parser = JSONParser()

    @Test func readsWhatTheWriterWritesBackToTheSameValue() throws {
        let value = JSONValue.object([
            "format": .int(1),
            "min": .int(Int.min), "max": .int(Int.max), "zero": .int(0), "negative": .int(-42),
            "text": .string("quote \" backslash \\ newline \n tab \t bell \u{07} é ✓ 𝄞 \u{2028}"),
            "list": .array([.null, .bool(true), .bool(false), .array([]), .object([:])]),
        ])
        for pretty in [false, true] {
            #expect(try parser.parse(JSONWriter(pretty: pretty).write(value)) == value)
        }
    }

    @Test func decodesEveryEscapeIncludingSurrogatePairs() throws {
        let text = #"["\"\\\/\b\f\n\r\t", "\u00e9\u00E9", "\ud834\udd1e"]"#
        #expect(try parser.parse(text) == .array([.string("\"\\/\u{08}\u{0C}\n\r\t"), .string("éé"), .string("𝄞")]))
    }

    @Test(arguments: [
        ("", "1:1: the document ends where a value was expected"),
        ("{\"a\": 1,}", "1:9: expected a string key"),
        ("[1 2]", "1:4: expected `,` or `]` after an array item"),
        ("{\"a\": 1, \"a\": 2}", "1:14: the key \"a\" appears twice in one object"),
        ("1.5", "1:1: only integers are allowed here, not fractions or exponents"),
        ("1e3", "1:1: only integers are allowed here, not fractions or exponents"),
        ("01", "1:1: a number must not start with 0"),
        ("9223372036854775808", "1:1: the integer does not fit in 64 bits"),
        ("-9223372036854775809", "1:1: the integer does not fit in 64 bits"),
        ("\"abc", "1:1: the string is not closed"),
        ("\"a\u{01}b\"", "1:3: a control character must be escaped in a string"),
        ("\"\\x\"", "1:2: unknown escape `\\x` in a string"),
        ("\"\\ud800\"", "1:8: a lone surrogate `\\ud800` is not a character"),
        ("\"\\udc00\"", "1:8: a lone surrogate `\\udc00` is not a character"),
        ("tru", "1:1: expected a value (an object, array, string, integer, true, false or null)"),
        ("{}\n  x", "2:3: unexpected content after the JSON value"),
        ("\u{FEFF}{}", "1:1: a byte order mark is not allowed"),
        ("[\"é\", ]", "1:7: expected a value (an object, array, string, integer, true, false or null)"),
    ])
    func refusesWithAPosition(input: String, expected: String) {
        #expect(throws: JSONParseError.self) { try parser.parse(input) }
        do {
            _ = try parser.parse(input)
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test func refusesInvalidUTF8InAString() {
        let bytes: [UInt8] = [0x22, 0x61, 0xC3, 0x28, 0x22]
        #expect(throws: JSONParseError.self) { try parser.parse(bytes) }
    }

    @Test func boundsNestingWithoutRecursing() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try parser.parse(deep) }
        let allowed = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect(try JSONParser(maximumDepth: 256).parse(allowed) != .null)
    }

    @Test func expectedDigestIgnoresTheDigestMember() {
        let content: [String: JSONValue] = ["format": .int(1)]
        let bytes = BundleEmitter.emit(content)
        guard case .object(let bundle)? = try? parser.parse(bytes) else {
            Issue.record("the emitted bundle does not parse")
            return
        }
        #expect(bundle["digest"] == .string(BundleEmitter.expectedDigest(of: bundle)))
        #expect(BundleEmitter.expectedDigest(of: bundle) == BundleEmitter.expectedDigest(of: content))
    }
}
