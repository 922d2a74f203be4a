import Testing

@testable import YAMLSource

/// `value: <yaml>` and what the value must resolve to.
let schemaTable: [(yaml: String, value: YAMLValue)] = [
    ("yes", .string("yes")), ("no", .string("no")), ("on", .string("on")), ("off", .string("off")),
    ("y", .string("y")), ("n", .string("n")),
    ("true", .bool(true)), ("True", .bool(true)), ("FALSE", .bool(false)), ("tRUE", .string("tRUE")),
    ("\"true\"", .string("true")), ("'null'", .string("null")),
    ("~", .null), ("null", .null), ("NULL", .null), ("", .null), ("\"\"", .string("")),
    ("0x1F", .int(31)), ("0o17", .int(15)), ("42", .int(42)), ("-7", .int(-7)), ("+3", .int(3)),
    ("007", .int(7)), ("0x", .string("0x")), ("0o8", .string("0o8")),
    ("1.5e3", .float(1500)), ("1.5", .float(1.5)), (".5", .float(0.5)), ("1.", .float(1)),
    ("-2E-2", .float(-0.02)), ("1e3", .float(1000)),
    (".inf", .float(.infinity)), ("-.Inf", .float(-.infinity)), ("+.INF", .float(.infinity)),
    ("1_000", .string("1_000")), ("1.2.3", .string("1.2.3")), (".", .string(".")), ("e3", .string("e3")),
    ("99999999999999999999", .float(1e20)), ("0xFFFFFFFFFFFFFFFFFF", .string("0xFFFFFFFFFFFFFFFFFF")),
    ("|\n  true\n", .string("true\n")),
]

@Test(arguments: schemaTable.indices)
func coreSchemaResolves(_ i: Int) {
    let (yaml, expected) = schemaTable[i]
    let root = parse("value: \(yaml)\n").root
    #expect(root?.pairs?.first?.value.value == expected, "value: \(yaml)")
}

@Test func nanResolvesToNaN() {
    for text in [".nan", ".NaN", ".NAN"] {
        guard case .float(let d) = CoreSchema.resolvePlain(text) else {
            Issue.record("\(text) is not a float")
            continue
        }
        #expect(d.isNaN)
    }
    #expect(CoreSchema.resolvePlain(".Nan") == .string(".Nan"))
}

@Test func kindDescriptions() {
    let root = parse("a: 1\nb: yes\nc: [x]\nd: {}\ne:\n").root
    #expect(root?.pairs?.map(\.value.kindDescription) == ["number", "string", "sequence", "mapping", "null"])
}

/// `CoreSchema.smallDecimal`, the bytes path of decimal integers of at most 18 digits, against `Int(text)`
/// (what the general path gives a signed run of digits that fits): generated signs, digits and lengths
/// around the limit, with other bytes mixed in. It reads exactly the texts of `[-+]?[0-9]{1,18}`.
@Test func smallDecimalsAreIntOfTheirText() {
    var state: UInt64 = 0x6465_6369
    func next(_ n: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(n))
    }
    let pieces = ["0", "1", "5", "9", "-", "+", ".", "e", "x", " ", "é", "٣"]
    var texts = [
        "", "-", "+", "0", "-0", "+0", "007", String(repeating: "9", count: 18), String(repeating: "9", count: 19),
    ]
    for _ in 0..<20_000 {
        let length = next(22)
        var text = ""
        for _ in 0..<length { text += next(8) == 0 ? pieces[next(pieces.count)] : String(next(10)) }
        texts.append(text)
    }
    for text in texts {
        let digits = text.drop { $0 == "-" || $0 == "+" }
        let matches =
            text.utf8.count - digits.utf8.count <= 1 && (1...18).contains(digits.utf8.count)
            && digits.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        #expect(CoreSchema.smallDecimal(text) == (matches ? Int(text) : nil), "\(text.debugDescription)")
        if matches { #expect(CoreSchema.resolvePlain(text) == .int(Int(text) ?? 0), "\(text.debugDescription)") }
    }
}
