import AutoMail
import BundleFormat
import Diagnostics
import Liquid
import YAMLSource

/// A contact to preview an email for: the `contact.*` values, and optionally the contact's locale and
/// unsubscribe link. Read from a YAML or JSON file (`--contact`), from the manifest's `samples`, or
/// made of obvious placeholders.
public struct PreviewContact: Sendable, Hashable {
    /// A name for the contact (a sample's id, a file's name), used in file names of `--all`.
    public var name: String
    /// The `contact.*` values: `firstname`, `surname`, `mail` and custom fields, by key.
    public var values: [String: LiquidValue]
    /// The contact's locale, if known.
    public var locale: String?
    /// The unsubscribe link the sender would give this contact.
    public var unsubscribeURL: String

    /// The unsubscribe link used when none is given.
    public static let placeholderUnsubscribeURL = "https://unsubscribe.example/automail-preview"

    /// Creates a contact.
    public init(name: String, values: [String: LiquidValue], locale: String? = nil, unsubscribeURL: String? = nil) {
        self.name = name
        self.values = values
        self.locale = locale
        self.unsubscribeURL = unsubscribeURL ?? Self.placeholderUnsubscribeURL
    }

    /// Obvious placeholder values for the variables a bundle declares (`variables`): `Alex Example`,
    /// `alex@example.org`, and for custom fields their id in brackets (`[district]`), `42` or a date.
    public static func placeholder(forBundle bundle: JSONValue) -> PreviewContact {
        var values: [String: LiquidValue] = [
            "firstname": .string("Alex"), "surname": .string("Example"), "mail": .string("alex@example.org"),
        ]
        if case .array(let variables)? = bundle["variables"] {
            for variable in variables {
                guard case .string(let name)? = variable["name"], name.hasPrefix("contact.") else { continue }
                let key = String(name.dropFirst("contact.".count))
                guard values[key] == nil else { continue }
                switch variable["type"] {
                case .string("number")?: values[key] = .int(42)
                case .string("date")?: values[key] = .string("2026-01-31")
                case .string("checkbox")?: values[key] = .array([.string("[\(key)]")])
                default: values[key] = .string("[\(key)]")
                }
            }
        }
        return PreviewContact(name: "placeholder", values: values)
    }

    /// Reads a contact file (YAML or JSON, which is YAML): a mapping with optional `locale` and
    /// `unsubscribe_url`, and the contact's values either under `contact:` or at the top level
    /// (`firstname: Camille`). Values are strings, numbers, booleans or lists (checkbox fields).
    public static func decode(_ file: SourceFile, name: String) -> (contact: PreviewContact?, diagnostics: [Diagnostic])
    {
        let parsed = YAMLParser.parse(file)
        var diagnostics = parsed.diagnostics
        guard let root = parsed.root else { return (nil, diagnostics) }
        guard let pairs = root.pairs else {
            diagnostics.append(
                .rule(
                    .wrongType, "a contact file holds a mapping, not \(root.kindDescription)", at: root.range,
                    help: "write `firstname: Camille` and the other values, one a line"))
            return (nil, diagnostics)
        }
        var locale: String?
        var unsubscribe: String?
        var values: [String: LiquidValue] = [:]
        var nested: [YAMLPair]?
        for pair in pairs {
            guard let key = pair.key.scalar?.text else { continue }
            switch key {
            case "locale": locale = pair.value.scalar?.text
            case "unsubscribe_url": unsubscribe = pair.value.scalar?.text
            case "contact" where pair.value.pairs != nil: nested = pair.value.pairs
            default: values[key] = liquidValue(pair.value, depth: 0)
            }
        }
        if let nested {
            values = [:]
            for pair in nested {
                guard let key = pair.key.scalar?.text else { continue }
                values[key] = liquidValue(pair.value, depth: 0)
            }
        }
        // `email`, as in an event, is the address: `contact.mail` in templates.
        if values["mail"] == nil, let email = values["email"] { values["mail"] = email }
        return (PreviewContact(name: name, values: values, locale: locale, unsubscribeURL: unsubscribe), diagnostics)
    }

    /// The contacts of the samples a compiled workspace's manifest declares, in manifest order.
    public static func samples(of result: CompilationResult) -> [PreviewContact] {
        result.samples.map(PreviewContact.init(sample:))
    }

    /// The contact of a manifest sample (``CompilationResult/samples``).
    public init(sample: SampleContact) {
        var values: [String: LiquidValue] = [:]
        for pair in sample.contact?.pairs ?? [] {
            if let key = pair.key.scalar?.text { values[key] = Self.liquidValue(pair.value, depth: 0) }
        }
        self.init(name: sample.id.value, values: values, locale: sample.locale?.value)
    }

    /// The Liquid value of a YAML node, by the core schema; nesting is cut at a fixed depth.
    static func liquidValue(_ node: YAMLNode, depth: Int) -> LiquidValue {
        guard depth < 8 else { return .nil }
        switch node.content {
        case .scalar:
            switch node.value {
            case .bool(let b)?: return .bool(b)
            case .int(let i)?: return .int(i)
            case .float(let d)?: return .double(d)
            case .string(let s)?: return .string(s)
            case .null?, nil: return .nil
            }
        case .sequence(let items): return .array(items.map { liquidValue($0, depth: depth + 1) })
        case .mapping(let pairs):
            var members: [String: LiquidValue] = [:]
            for pair in pairs {
                if let key = pair.key.scalar?.text { members[key] = liquidValue(pair.value, depth: depth + 1) }
            }
            return .object(members)
        }
    }
}
