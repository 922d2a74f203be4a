#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The Liquid variables a template may read: what the sender provides for each contact and what
/// automail fills from the manifest. Anything else is an error at compile time, never an empty string
/// at send time.
public struct VariableCatalog: Sendable {
    /// Variables the sender provides per contact, with their types.
    public private(set) var contactVariables: [(name: String, type: String)] = []
    /// Every name a template may read.
    public private(set) var names: Set<String> = []
    /// The contact variables that hold several values (`checkbox` fields): a list, not a string.
    private(set) var listNames: Set<String> = []
    /// ``names`` split at their `.`, for ``allows(_:)``.
    private var namesByComponents: NamesByComponents?
    /// ``listNames`` split at their `.`, for ``isListField(_:)``; `nil` unless each has two components.
    private var listNamesByComponents: NamesByComponents?

    /// Variables automail fills from the manifest (`globals` in the bundle).
    public static let globalNames = [
        "legal.publisher", "legal.postal_address", "legal.privacy_url", "legal.data_origin",
        "workspace.id", "workspace.name",
    ]

    /// Properties Liquid computes on any value.
    static let computedProperties: Set<String> = ["size", "first", "last"]

    /// Whether the manifest could not be read, so custom contact fields are unknown.
    public let manifestMissing: Bool

    /// The variables a template of the workspace whose manifest is `manifest` may read.
    public init(manifest: Manifest?) {
        manifestMissing = manifest == nil
        var contact: [(String, String)] = [
            ("contact.firstname", "string"), ("contact.surname", "string"), ("contact.mail", "email"),
        ]
        for field in manifest?.contactFields ?? [] where !field.id.value.isEmpty {
            let name = "contact." + field.id.value
            guard !contact.contains(where: { $0.0 == name }) else { continue }
            contact.append((name, field.type?.value.rawValue ?? "string"))
        }
        contact.append(("unsubscribe_url", "url"))
        contactVariables = contact.map { (name: $0.0, type: $0.1) }
        names = Set(contact.map(\.0)).union(Self.globalNames)
        listNames = Set(contact.filter { $0.1 == ContactFieldType.checkbox.rawValue }.map(\.0))
        namesByComponents = Self.byComponents(names)
        listNamesByComponents = Self.byComponents(listNames).flatMap { $0.single.isEmpty ? $0 : nil }
    }

    /// Whether a path read by a template is allowed: a known name, optionally followed by one
    /// computed property (`contact.firstname.size`).
    ///
    /// The answer of ``allowsByJoining(_:)``, the definition (`VariableCatalogDifferentialTests`), without
    /// joining a string for each prefix of the path (a `joined(separator:)` was 2,500 instructions): when
    /// no segment holds a `.`, the prefix of `length` segments joined is a name exactly when the name has
    /// `length` components equal to the segments, which ``namesByComponents`` answers by lookups.
    public func allows(_ path: [String]) -> Bool {
        guard let byComponents = namesByComponents, !path.contains(where: Self.holdsDot) else {
            return allowsByJoining(path)
        }
        for length in stride(from: path.count, through: 1, by: -1) {
            let known: Bool
            switch length {
            case 1: known = byComponents.single.contains(path[0])
            case 2: known = byComponents.pairs[path[0]]?.contains(path[1]) == true
            default: known = false
            }
            if known {
                let rest = path.dropFirst(length)
                return rest.count == 0 || (rest.count == 1 && rest.first.map(Self.computedProperties.contains) == true)
            }
        }
        return false
    }

    /// Whether `path`, joined with `.`, names a checkbox field (a list): ``listNames`` asked without
    /// joining when the path is two segments without a `.` (list names are `contact.` and a field id).
    func isListField(_ path: [String]) -> Bool {
        guard !listNames.isEmpty else { return false }
        guard let byComponents = listNamesByComponents, path.count == 2, !path.contains(where: Self.holdsDot)
        else { return listNames.contains(path.joined(separator: ".")) }
        return byComponents.pairs[path[0]]?.contains(path[1]) == true
    }

    /// Whether `segment` holds a `.`, read from its contiguous UTF-8 bytes (`memchr`): the generic walk
    /// of its `utf8` view cost about 275 instructions a segment.
    private static func holdsDot(_ segment: String) -> Bool {
        let found = segment.utf8.withContiguousStorageIfAvailable { bytes in
            guard let base = bytes.baseAddress else { return false }
            // `memchr` reads the `bytes.count` bytes of the buffer, no more.
            return memchr(base, Int32(UInt8(ascii: ".")), bytes.count) != nil
        }
        return found ?? segment.utf8.contains(UInt8(ascii: "."))
    }

    /// ``allows(_:)`` by joining each prefix of the path with `.` and looking it up in ``names``: the
    /// definition its differential test holds it to.
    func allowsByJoining(_ path: [String]) -> Bool {
        for length in stride(from: path.count, through: 1, by: -1) {
            let name = path.prefix(length).joined(separator: ".")
            if names.contains(name) {
                let rest = path.dropFirst(length)
                return rest.count == 0 || (rest.count == 1 && rest.first.map(Self.computedProperties.contains) == true)
            }
        }
        return false
    }

    /// ``names`` split at their `.`: those of one component, and those of two by their first; `nil` when
    /// a name has more than two (then ``allows(_:)`` joins, as its definition does).
    private static func byComponents(_ names: Set<String>) -> NamesByComponents? {
        var split = NamesByComponents()
        for name in names {
            let components = name.split(separator: ".", omittingEmptySubsequences: false)
            switch components.count {
            case 1: split.single.insert(name)
            case 2: split.pairs[String(components[0]), default: []].insert(String(components[1]))
            default: return nil
            }
        }
        return split
    }
}

/// The variable names by their components (``VariableCatalog/allows(_:)``).
struct NamesByComponents: Sendable {
    var single: Set<String> = []
    var pairs: [String: Set<String>] = [:]
}
