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
