import BundleFormat
import Liquid

/// A contact as a sender gives it: field values (absent fields are not keys), and its unsubscribe URL.
struct GeneratedContact: Sendable {
    var values: [String: LiquidValue]
    var unsubscribeURL: String

    /// The contact in the form `conformance/python-sender/render_emails.py` reads.
    var json: JSONValue {
        var fields: [String: JSONValue] = [:]
        for (key, value) in values where key != "mail" { fields[key] = Self.json(value) }
        var members: [String: JSONValue] = ["fields": .object(fields), "unsubscribe_url": .string(unsubscribeURL)]
        if let mail = values["mail"] { members["email"] = Self.json(mail) }
        return .object(members)
    }

    private static func json(_ value: LiquidValue) -> JSONValue {
        switch value {
        case .string(let s): return .string(s)
        case .int(let i): return .int(i)
        case .bool(let b): return .bool(b)
        case .array(let items): return .array(items.map(json))
        case .object(let members): return .object(members.mapValues(json))
        default: return .null
        }
    }

    /// A one-line description for failure messages.
    var summary: String {
        let fields = values.keys.sorted().map { key in "\(key)=\(String(describing: values[key] ?? .nil).prefix(40))" }
        return "{\(fields.joined(separator: ", ")); unsubscribe_url=\(unsubscribeURL)}"
    }
}

/// Random contacts for a workspace's fields: absent fields, empty strings, long values, Unicode,
/// HTML-special and newline-holding values; never a value made only of white space (outside the guarantee)
/// and never a Liquid delimiter (a value is printed as it is).
struct ContactGenerator {
    var random: SeededGenerator

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    static let strings = [
        "", "Camille", "x", "A", "B", "Ç", "Zoë <b>O'Brien</b> & \"Co\" &#x27;", "D'Arc", "東京 🙂", "שלום עליכם",
        "line one\nline two", "  padded  ", "*not bold* _nor this_ [nor](this)", "a&b<c>d\"e'f", "Ñ", "\\back\\slash",
        "trailing newline\n", "—", "%20%2F", "x\ny",
    ]

    static let unsubscribeURLs = [
        "https://unsub.example/u/1", "https://unsub.example/u?c=7&sig=a'b", "https://unsub.example/ü/ß?x=\"y\"&z=<1>",
        "https://unsub.example/" + String(repeating: "long", count: 60),
    ]

    mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

    mutating func string() -> String {
        if chance(10) {
            return String(
                repeating: pick(["long value ", "très long 🙂 ", "<&> "]), count: 40 + Int(random.next() % 200))
        }
        return pick(Self.strings)
    }

    mutating func contact(_ fields: ContactFieldIDs) -> GeneratedContact {
        var values: [String: LiquidValue] = [:]
        for key in ["firstname", "surname", fields.text, fields.choice] where !chance(25) {
            values[key] = .string(string())
        }
        if !chance(25) {
            values["mail"] = .string(pick(["camille@example.org", "", "zoë@exämple.org", "a+b&c@example.org"]))
        }
        if !chance(25) {
            values[fields.tags] = .array(
                (0..<Int(random.next() % 4)).map { _ in .string(pick(["A", "B", "x", "<&>", "Ç"])) })
        }
        if !chance(25) { values[fields.number] = .int(pick([0, 3, 4, 10, -5, 1_000_000, Int(Int32.max)])) }
        if !chance(25) { values[fields.date] = .string(pick(["2026-03-15", "2026-12-31", "", "1999-01-01"])) }
        return GeneratedContact(values: values, unsubscribeURL: pick(Self.unsubscribeURLs))
    }

    /// Contacts chosen to reach every branch a mutation may hide a mention behind: each field `x`, `A`,
    /// large and small numbers, no field at all, and every field filled.
    static func battery(_ fields: ContactFieldIDs) -> [GeneratedContact] {
        let url = unsubscribeURLs[1]
        func every(_ text: String, number: Int, tags: [String]) -> GeneratedContact {
            var values: [String: LiquidValue] = [:]
            for key in ["firstname", "surname", "mail", fields.text, fields.choice, fields.date] {
                values[key] = .string(text)
            }
            values[fields.number] = .int(number)
            values[fields.tags] = .array(tags.map { .string($0) })
            return GeneratedContact(values: values, unsubscribeURL: url)
        }
        return [
            GeneratedContact(values: [:], unsubscribeURL: url),
            every("x", number: 1_000_000, tags: ["x"]),
            every("A", number: -5, tags: ["A", "B"]),
            every("B", number: 4, tags: []),
            every("", number: 0, tags: []),
            every("Camille", number: 10, tags: ["Ç"]),
        ]
    }
}
