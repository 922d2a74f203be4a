import Diagnostics
import YAMLSource

/// One kind of mapping the decoder reads (`sender`, `trigger`, `when`…) and the keys it accepts, in
/// the order the decoder reads them (the order "allowed keys" help lines list them). The tables live
/// next to the decode functions; `WorkspaceDecoder.acceptedKeys` exposes them all.
///
/// A class: a reader holds its kind, and a reader copied (one an item, several a file) retains it once
/// rather than its name and its keys.
final class MappingKind: Sendable {
    /// The kind's name in `WorkspaceDecoder.acceptedKeys` (`template_locale`).
    let name: String
    /// Every key the kind accepts, in reading order.
    let keys: [String]

    init(_ name: String, keys: [String]) {
        self.name = name
        self.keys = keys
    }
}

/// Reads the keys of one YAML mapping declaratively and reports every key not in its kind's table
/// as unknown at the end (`reportUnknownKeys`).
///
/// The table is the allowed set. In debug builds the reader also checks that the decoder asks for
/// exactly the table's keys, in its order: a key read but missing from the table, or in the table but
/// never read before `reportUnknownKeys`, is a programming error (assertion failure), so the table
/// cannot drift from what the decoder does. A reader whose `kind` is `nil` holds free keys (locales)
/// and is only walked through `node`, never read key by key.
///
/// Every read reports what is wrong (missing, empty, wrong type, malformed) and returns what could be
/// used, so a decoder never stops at the first problem. Duplicate keys are reported by the YAML stage;
/// the reader uses the first occurrence.
///
/// Not copyable: a reader is made, read and dropped in one place, and one held in a variable was copied
/// there from the reader made (its eight references retained), the copy made destroyed.
struct MappingReader: ~Copyable {
    /// The mapping's range.
    let range: SourceRange
    /// What the mapping is, as messages name it (`trigger`, then `trigger `welcome`` once the id is read),
    /// put together only when a message asks for it: from ``noun``, the id read (``named``) and
    /// ``owner`` (`locale `fr` of template `welcome``).
    var subject: String {
        get {
            var text = noun
            if let named { text += " `\(named)`" }
            if let owner {
                text += " of \(owner.noun)"
                if let named = owner.named { text += " `\(named)`" }
            }
            return text
        }
        set {
            noun = newValue
            named = nil
            owner = nil
        }
    }
    /// ``subject`` in its parts, for a reader it names as its owner: `(noun, named)` (`template`, `welcome`).
    var subjectParts: (noun: String, named: String?) {
        guard owner != nil else { return (noun, named) }
        return (subject, nil)
    }

    /// The subject's first word (`trigger`, `locale`).
    private var noun: String
    /// The name the subject shows in backticks after ``noun``: the id once read, or the locale.
    private var named: String?
    /// What holds the mapping, as messages name it: its noun and the name shown after it in backticks,
    /// put together only when a message asks for it (the owner's subject was made for every reader).
    private var owner: (noun: String, named: String?)?
    /// Where "missing key" diagnostics point: the key holding the mapping, else its first key.
    let anchor: SourceRange
    /// What the mapping is, with the keys it accepts; `nil` for a mapping of free keys (locales).
    let kind: MappingKind?
    #if DEBUG
        /// The keys the decoder asked for so far, in the order asked (checked against `kind`).
        private(set) var askedKeys: [String] = []
    #endif
    /// The mapping's pairs, in source order.
    let pairs: [YAMLPair]
    /// The pairs a lookup found, bit `i` for pair `i` (the first 64): each one's key is in the kind's
    /// table (every key asked is, `allow` checks it), so ``reportUnknownKeys(into:)`` skips them
    /// without comparing their keys with the table again.
    private var found: UInt64 = 0

    /// A reader over `node`, or `nil` when it is not a mapping. Messages name it `subject`, followed by
    /// `named` in backticks and `of owner` when given.
    init?(
        _ node: YAMLNode, kind: MappingKind?, subject: String, named: String? = nil,
        of owner: (noun: String, named: String?)? = nil, anchor: SourceRange? = nil
    ) {
        guard let pairs = node.pairs else { return nil }
        self.init(pairs, range: node.range, kind: kind, subject: subject, named: named, of: owner, anchor: anchor)
    }

    /// A reader over the mapping of `pairs` at `range`: ``init(_:kind:subject:named:of:anchor:)`` of a node
    /// known to be a mapping, whose pairs the caller has already taken out of it.
    init(
        _ pairs: [YAMLPair], range: SourceRange, kind: MappingKind?, subject: String, named: String? = nil,
        of owner: (noun: String, named: String?)? = nil, anchor: SourceRange? = nil
    ) {
        self.range = range
        self.kind = kind
        self.pairs = pairs
        self.noun = subject
        self.named = named
        self.owner = owner
        self.anchor = anchor ?? pairs.first?.key.range ?? range
    }

    /// Reports that `node`, the value of `key`, is not a mapping: AM208 at `anchor` (else the node) when it
    /// is null, AM203 at the node otherwise.
    static func reportNotMapping(
        _ node: YAMLNode, key: String, anchor: SourceRange?, example: @autoclosure () -> String,
        into bag: inout DiagnosticBag
    ) {
        if node.isNull {
            bag.report(.emptyValue, "empty value for `\(key)`", at: anchor ?? node.range, help: example())
        } else {
            bag.report(
                .wrongType, "expected a mapping for `\(key)`, found \(ValueKind<Int>.article(node.kindDescription))",
                at: node.range, help: example())
        }
    }

    // MARK: Looking keys up

    /// The pair for `key`, which must be in the kind's table.
    mutating func pair(_ key: String) -> YAMLPair? {
        index(of: key).map { pairs[$0] }
    }

    /// The index in ``pairs`` of the (first) pair for `key`, which must be in the kind's table: a lookup
    /// that copies no pair.
    mutating func index(of key: String) -> Int? {
        allow(key)
        // A key of the table is ASCII without `K`, `;` or `` ` `` (`DecodingDifferentialTests`): compared by its
        // length first.
        for i in pairs.indices where pairs[i].key.isScalar(key: key) {
            if i < 64 { found |= 1 << UInt64(i) }
            return i
        }
        return nil
    }

    /// Whether a lookup found every pair (of a mapping of fewer than 64). Then a key not asked for yet is not in
    /// the mapping: each pair's key is one already asked for, and so not that key.
    var foundEveryPair: Bool {
        pairs.count < 64 && found == (1 << UInt64(pairs.count)) - 1
    }

    /// Notes that the key of `pairs[index]` is in the kind's table (the caller compared it): as a lookup
    /// that found it, ``reportUnknownKeys(into:)`` passes over it.
    mutating func noteAllowed(at index: Int) {
        if index < 64 { found |= 1 << UInt64(index) }
    }

    /// Notes that the decoder handles `key` without reading it through `pair`; `key` must be in the
    /// kind's table.
    mutating func allow(_ key: String) {
        assert(
            kind?.keys.contains(key) == true,
            "decoder reads `\(key)` in \(kind?.name ?? "a free-key mapping") but its MappingKind table lacks it")
        // Only the debug check reads `askedKeys`: a release build does not keep it.
        #if DEBUG
            if !askedKeys.contains(key) { askedKeys.append(key) }
        #endif
    }

    /// The context of a value read at `pair`.
    func field(_ pair: YAMLPair) -> Field {
        Field(key: pair.key.scalar?.text ?? "")
    }

    /// The pair for `key` with a non-null value; reports AM202 when absent and AM208 when null,
    /// both only when `required`.
    mutating func present(_ key: String, required: Bool, example: String, into bag: inout DiagnosticBag) -> YAMLPair? {
        presentIndex(key, required: required, example: example, into: &bag).map { pairs[$0] }
    }

    /// ``present(_:required:example:into:)``'s pair as its index in ``pairs``.
    mutating func presentIndex(
        _ key: String, required: Bool, example: @autoclosure () -> String, into bag: inout DiagnosticBag
    ) -> Int? {
        guard let i = index(of: key) else {
            // A misspelt key (`tempalte`) is reported once, as an unknown key with a did-you-mean.
            if required, !hasMisspelling(of: key) {
                bag.report(
                    .missingKey, "missing key `\(key)` in \(subject)", at: anchor, help: "add `\(key): \(example())`")
            }
            return nil
        }
        guard !pairs[i].value.isNull else {
            if required {
                bag.report(
                    .emptyValue, "empty value for `\(key)`", at: pairs[i].key.range,
                    help: "write `\(key): \(example())`")
            }
            return nil
        }
        return i
    }

    /// Whether the mapping holds a key that is not allowed here and is a near miss of `key`.
    private func hasMisspelling(of key: String) -> Bool {
        let allowed = kind?.keys ?? []
        return pairs.contains { pair in
            guard let other = pair.key.scalar?.text, !allowed.contains(other) else { return false }
            return DidYouMean.suggestion(for: other, among: [key]) == key
        }
    }

    // MARK: Scalars

    /// A required value: AM202 when absent, AM208 when null, then whatever `kind` reports.
    /// `kind` is made only when it is needed (some kinds are closures holding their example): most
    /// optional keys are absent.
    mutating func required<V>(_ key: String, as kind: @autoclosure () -> ValueKind<V>, into bag: inout DiagnosticBag)
        -> V?
    {
        guard let i = presentIndex(key, required: true, example: kind().example, into: &bag) else { return nil }
        // The pair's key is `key`, byte for byte (``index(of:)``): its text is not copied out of the pair.
        return kind().decode(pairs[i].value, Field(key: key), &bag)
    }

    /// An optional value: absent or null is `nil` without a diagnostic.
    mutating func optional<V>(_ key: String, as kind: @autoclosure () -> ValueKind<V>, into bag: inout DiagnosticBag)
        -> V?
    {
        guard let i = presentIndex(key, required: false, example: "", into: &bag) else { return nil }
        // The pair's key is `key`, byte for byte (``index(of:)``): its text is not copied out of the pair.
        return kind().decode(pairs[i].value, Field(key: key), &bag)
    }

    /// The id of an item: required; when missing or unusable, an empty id at the item's range so
    /// that later checks still run. Names the subject after the id (`sender `equipe``).
    mutating func id(example: String, into bag: inout DiagnosticBag) -> Located<String> {
        let id = required("id", as: .id(example: example), into: &bag) ?? Located("", at: range)
        if !id.value.isEmpty {
            if named == nil, owner == nil {
                named = id.value
            } else {
                subject = "\(subject) `\(id.value)`"
            }
        }
        return id
    }

    // MARK: Sequences

    /// The items of the sequence at `key` with the key's pair. AM203 when the value is not a sequence;
    /// with `nonEmpty`, AM208 for an empty sequence.
    mutating func sequence(
        _ key: String, required: Bool, nonEmpty: Bool, example: String,
        into bag: inout DiagnosticBag
    ) -> (pair: YAMLPair, items: [YAMLNode])? {
        guard let pair = present(key, required: required, example: example, into: &bag) else { return nil }
        guard let items = pair.value.items else {
            bag.report(
                .wrongType,
                "expected a sequence for `\(key)`, found \(ValueKind<Int>.article(pair.value.kindDescription))",
                at: pair.value.range, help: "write `\(key): \(example)`")
            return nil
        }
        if nonEmpty && items.isEmpty {
            bag.report(
                .emptyValue, "empty value for `\(key)`", at: pair.value.range, help: "write `\(key): \(example)`")
        }
        return (pair, items)
    }

    /// A sequence of scalars read with `kind`; null items are reported (AM208) and skipped.
    mutating func list<V>(
        _ key: String, of kind: ValueKind<V>, required: Bool, nonEmpty: Bool, example: String,
        into bag: inout DiagnosticBag
    ) -> [V] {
        guard let (pair, items) = sequence(key, required: required, nonEmpty: nonEmpty, example: example, into: &bag)
        else { return [] }
        let field = field(pair)
        return items.compactMap { item in
            guard !item.isNull else {
                bag.report(
                    .emptyValue, "empty item in `\(key)`", at: item.range, help: "remove the item or give it a value")
                return nil
            }
            return kind.decode(item, field, &bag)
        }
    }

    /// A sequence of mappings, each read by `decodeItem` with a reader named `noun`; items that are not
    /// mappings are reported (AM203) and skipped. Each item reader reports its unknown keys.
    mutating func items<V>(
        _ key: String, kind: MappingKind, noun: String, required: Bool, nonEmpty: Bool,
        example: String, into bag: inout DiagnosticBag,
        _ decodeItem: (inout MappingReader, inout DiagnosticBag) -> V
    ) -> [V]? {
        guard let (_, items) = sequence(key, required: required, nonEmpty: nonEmpty, example: example, into: &bag)
        else { return nil }
        var result: [V] = []
        // One allocation: the array grew one, two, four items at a time.
        result.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            guard let itemPairs = item.pairs else {
                Self.reportNotMappingItem(item, at: index, of: key, into: &bag)
                continue
            }
            var reader = MappingReader(itemPairs, range: item.range, kind: kind, subject: noun)
            result.append(decodeItem(&reader, &bag))
            reader.reportUnknownKeys(into: &bag)
        }
        return result
    }

    /// How many items of the sequence at `key` are mappings, every other item reported (AM203) as
    /// ``items(_:kind:noun:required:nonEmpty:example:into:_:)`` reports it: its count of mappings whose keys
    /// are all already read (a triggers file's list, whose mappings were decoded and emptied as they were
    /// parsed, so that no key is left to read or report), without a reader for each.
    mutating func mappingCount(
        _ key: String, required: Bool, nonEmpty: Bool, example: String, into bag: inout DiagnosticBag
    ) -> Int? {
        guard let (_, items) = sequence(key, required: required, nonEmpty: nonEmpty, example: example, into: &bag)
        else { return nil }
        var count = 0
        for (index, item) in items.enumerated() {
            guard item.pairs != nil else {
                Self.reportNotMappingItem(item, at: index, of: key, into: &bag)
                continue
            }
            count += 1
        }
        return count
    }

    /// Reports AM203 for `item`, item `index` of the sequence at `key`, which is not a mapping.
    private static func reportNotMappingItem(
        _ item: YAMLNode, at index: Int, of key: String, into bag: inout DiagnosticBag
    ) {
        bag.report(
            .wrongType,
            "expected a mapping for item \(index + 1) of `\(key)`, found \(ValueKind<Int>.article(item.kindDescription))",
            at: item.range, help: "write each item of `\(key)` as `- id: my-id` followed by its other keys, indented")
    }

    // MARK: Nested mappings

    /// A reader over the mapping at `key`, anchored at that key (its ``anchor`` is the key's range, its
    /// ``range`` the mapping's); AM202/AM208/AM203 as for scalars.
    mutating func mapping(
        _ key: String, kind: MappingKind?, subject: String, required: Bool, example: String,
        into bag: inout DiagnosticBag
    ) -> MappingReader? {
        guard let i = presentIndex(key, required: required, example: example, into: &bag) else { return nil }
        // The value's pairs taken out once: the pair is not copied to be looked at.
        guard let mappingPairs = pairs[i].value.pairs else {
            MappingReader.reportNotMapping(
                pairs[i].value, key: key, anchor: pairs[i].key.range,
                example: "write `\(key):` followed by indented keys", into: &bag)
            return nil
        }
        return MappingReader(
            mappingPairs, range: pairs[i].value.range, kind: kind, subject: subject, anchor: pairs[i].key.range)
    }

    /// A mapping locale → Liquid text (`footer`, `data_origin`). Locales are checked (AM206); values
    /// that are not scalars are reported (AM203) and skipped.
    mutating func localized(
        _ key: String, required: Bool, example: String,
        into bag: inout DiagnosticBag
    ) -> [LocalizedText] {
        guard let pair = present(key, required: required, example: example, into: &bag) else { return [] }
        guard let pairs = pair.value.pairs else {
            bag.report(
                .wrongType,
                "expected a mapping of locales for `\(key)`, found \(ValueKind<Int>.article(pair.value.kindDescription))",
                at: pair.value.range, help: "write one line per locale under `\(key):`, like `fr: \(example)`")
            return []
        }
        if pairs.isEmpty {
            bag.report(
                .emptyValue, "empty value for `\(key)`", at: pair.value.range,
                help: "write one line per locale under `\(key):`, like `fr: \(example)`")
        }
        var result: [LocalizedText] = []
        for entry in pairs {
            guard let locale = entry.key.scalar?.text else { continue }
            ValueKind<Located<String>>.checkLocale(locale, at: entry.key.range, key: key, into: &bag)
            guard !entry.value.isNull else {
                bag.report(
                    .emptyValue, "empty value for locale `\(locale)` in `\(key)`", at: entry.key.range,
                    help: "write `\(locale): \(example)`")
                continue
            }
            let textField = Field(key: "\(key).\(locale)")
            if let text = ValueKind<SourceText>.text(example: example).decode(entry.value, textField, &bag) {
                result.append(LocalizedText(locale: Located(locale, at: entry.key.range), text: text))
            }
        }
        return result
    }

    // MARK: Unknown keys

    /// Reports AM201 for every scalar key not in the kind's table, at the key, with a "did you mean"
    /// help or the list of allowed keys. Keys repeated after an allowed one are left to the YAML stage.
    func reportUnknownKeys(into bag: inout DiagnosticBag) {
        assert(kind != nil, "reportUnknownKeys on a free-key mapping")
        let allowedKeys = kind?.keys ?? []
        #if DEBUG
            assert(
                askedKeys == allowedKeys,
                "decoder of \(kind?.name ?? "?") read \(askedKeys) but its MappingKind table is \(allowedKeys): "
                    + "list exactly the keys it reads, in the order it reads them")
        #endif
        for i in pairs.indices {
            // A pair a lookup found has an allowed key (most often every pair of the mapping).
            if i < 64, found & (1 << UInt64(i)) != 0 { continue }
            let pair = pairs[i]
            guard let key = pair.key.scalar?.text, !allowedKeys.contains(key) else { continue }
            let allowed = allowedKeys.map { "`\($0)`" }.joined(separator: ", ")
            let help =
                DidYouMean.help(for: key, among: allowedKeys) ?? "remove it; the keys allowed here are \(allowed)"
            bag.report(.unknownKey, "unknown key `\(key)` in \(subject)", at: pair.key.range, help: help)
        }
    }
}
