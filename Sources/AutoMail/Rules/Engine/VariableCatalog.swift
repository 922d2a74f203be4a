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
    /// ``namesByComponents`` in short lists when every name is ASCII, for ``allows(_:)`` to find an
    /// ASCII segment without hashing it; `nil` otherwise.
    private var namesByLength: NamesByLength?
    /// ``listNames`` split at their `.`, for ``isListField(_:)``; `nil` unless each has two components.
    private var listNamesByComponents: NamesByComponents?
    /// ``listNamesByComponents`` in short lists when every list name is ASCII, for ``isListField(_:)``.
    private var listNamesByLength: NamesByLength?

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
        namesByLength = namesByComponents.flatMap(NamesByLength.init)
        listNamesByComponents = Self.byComponents(listNames).flatMap { $0.single.isEmpty ? $0 : nil }
        listNamesByLength = listNamesByComponents.flatMap(NamesByLength.init)
    }

    /// Whether a path read by a template is allowed: a known name, optionally followed by one
    /// computed property (`contact.firstname.size`).
    ///
    /// The answer of ``allowsByJoining(_:)``, the definition (`VariableCatalogDifferentialTests`), without
    /// joining a string for each prefix of the path (a `joined(separator:)` was 2,500 instructions): when
    /// no segment holds a `.`, the prefix of `length` segments joined is a name exactly when the name has
    /// `length` components equal to the segments, which ``namesByComponents`` answers by lookups.
    ///
    /// A segment after the first that holds a `.` needs no joining: a prefix of two segments or more that
    /// holds it joins into three components or more, and no name has that many when
    /// ``namesByComponents`` exists; nor is it a name's component. An ASCII segment is looked for in
    /// ``namesByLength`` when there is one (no hashing): an ASCII string equals only itself among ASCII
    /// strings, and every name is ASCII there.
    public func allows(_ path: [String]) -> Bool {
        guard let byComponents = namesByComponents, let root = path.first else { return allowsByJoining(path) }
        let (rootHoldsDot, rootIsASCII) = Self.scan(root)
        guard !rootHoldsDot else { return allowsByJoining(path) }
        let byLength = rootIsASCII ? namesByLength : nil
        var known = 0
        if path.count >= 2 {
            let second = path[1]
            if let byLength, Self.scan(second).isASCII {
                known = byLength.containsPair(root, second) ? 2 : 0
            } else {
                known = byComponents.pairs[root]?.contains(second) == true ? 2 : 0
            }
        }
        if known == 0 {
            if let byLength {
                known = byLength.containsSingle(root) ? 1 : 0
            } else {
                known = byComponents.single.contains(root) ? 1 : 0
            }
        }
        guard known > 0 else { return false }
        let rest = path.dropFirst(known)
        return rest.count == 0 || (rest.count == 1 && rest.first.map(Self.computedProperties.contains) == true)
    }

    /// `first.second` when it is one of ``names`` of two components, the catalog's own string (no string
    /// made, nor validated); `nil` otherwise, or when either is not ASCII (an ASCII string equals another
    /// exactly when their bytes are equal: the name returned has the bytes `first`, `.`, `second`).
    func joinedName(_ first: String, _ second: String) -> String? {
        guard let byLength = namesByLength, Self.scan(first).isASCII, Self.scan(second).isASCII else { return nil }
        return byLength.pairName(first, second)
    }

    /// Whether `path`, joined with `.`, names a checkbox field (a list): ``listNames`` asked without
    /// joining when the path is two segments without a `.` (list names are `contact.` and a field id).
    func isListField(_ path: [String]) -> Bool {
        guard !listNames.isEmpty else { return false }
        // Two ASCII segments: found in the lists without hashing (a segment with a `.` is no component,
        // as its joined path, of three components or more, is no list name).
        if let byLength = listNamesByLength, path.count == 2, Self.scan(path[0]).isASCII, Self.scan(path[1]).isASCII {
            return byLength.containsPair(path[0], path[1])
        }
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

    /// Whether `segment` holds a `.`, and whether it is ASCII, read from its contiguous UTF-8 bytes in
    /// one pass.
    private static func scan(_ segment: String) -> (holdsDot: Bool, isASCII: Bool) {
        let found = segment.utf8.withContiguousStorageIfAvailable { bytes in
            var holdsDot = false
            var bits: UInt8 = 0
            for byte in bytes {
                bits |= byte
                if byte == UInt8(ascii: ".") { holdsDot = true }
            }
            return (holdsDot, bits < 0x80)
        }
        return found ?? (segment.utf8.contains(UInt8(ascii: ".")), segment.utf8.allSatisfy { $0 < 0x80 })
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

/// ``NamesByComponents`` in lists, each component with its UTF-8 length: an ASCII segment is found
/// by comparing lengths, then the one or two components of its length, without hashing it (a lookup in
/// a set hashed it, and the catalog's few namespaces and fields make short lists). Only for names
/// that are all ASCII: an ASCII segment equals an ASCII component exactly when their bytes are equal.
struct NamesByLength: Sendable {
    struct Component: Sendable {
        var text: String
        var length: Int
    }

    struct Namespace: Sendable {
        var first: Component
        var seconds: [Component]
        /// For each of ``seconds``, the whole name (`first.second`), as the catalog holds it.
        var names: [String] = []
    }

    /// The longest list kept: past it, hashing costs less than comparing lengths.
    static let maximumCount = 32

    var single: [Component]
    var pairs: [Namespace]

    /// `names` in lists; `nil` when a name is not ASCII or a list would be longer than ``maximumCount``.
    init?(_ names: NamesByComponents) {
        func component(_ text: String) -> Component? {
            text.utf8.allSatisfy { $0 < 0x80 } ? Component(text: text, length: text.utf8.count) : nil
        }
        guard names.single.count <= Self.maximumCount, names.pairs.count <= Self.maximumCount else { return nil }
        var single: [Component] = []
        for name in names.single.sorted() {
            guard let name = component(name) else { return nil }
            single.append(name)
        }
        var pairs: [Namespace] = []
        for (first, seconds) in names.pairs.sorted(by: { $0.key < $1.key }) {
            guard let first = component(first), seconds.count <= Self.maximumCount else { return nil }
            var namespace = Namespace(first: first, seconds: [])
            for second in seconds.sorted() {
                guard let second = component(second) else { return nil }
                namespace.seconds.append(second)
                namespace.names.append(first.text + "." + second.text)
            }
            pairs.append(namespace)
        }
        self.single = single
        self.pairs = pairs
    }

    /// Whether ASCII `text` is one of `components`.
    private static func holds(_ components: [Component], _ text: String) -> Bool {
        let length = text.utf8.count
        for component in components where component.length == length && component.text == text { return true }
        return false
    }

    /// Whether ASCII `name` is a name of one component.
    func containsSingle(_ name: String) -> Bool { Self.holds(single, name) }

    /// The name whose two components are ASCII `first` and `second` (`first.second`), as held here; `nil`
    /// when there is none.
    func pairName(_ first: String, _ second: String) -> String? {
        let length = first.utf8.count
        for namespace in pairs where namespace.first.length == length && namespace.first.text == first {
            let secondLength = second.utf8.count
            for index in namespace.seconds.indices {
                let component = namespace.seconds[index]
                if component.length == secondLength && component.text == second { return namespace.names[index] }
            }
            return nil
        }
        return nil
    }

    /// Whether ASCII `first` and `second` are the two components of a name.
    func containsPair(_ first: String, _ second: String) -> Bool {
        let length = first.utf8.count
        for namespace in pairs where namespace.first.length == length && namespace.first.text == first {
            return Self.holds(namespace.seconds, second)
        }
        return false
    }
}
