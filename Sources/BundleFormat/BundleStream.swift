import Crypto

/// Where a streamed bundle's bytes go: appended in order, then a few bytes already appended are
/// overwritten in place (the digest and the signature, known only once everything is written).
///
/// A sink that fails (a full disk) keeps its failure and ignores what follows; its owner reports it
/// once the bundle is written. The library itself never touches the disk: the CLI's sink does.
public protocol BundleSink {
    /// Appends `bytes` after everything appended so far.
    mutating func append(_ bytes: UnsafeRawBufferPointer)
    /// Replaces the bytes at `offset` (counted from the first byte appended) with `bytes`; the
    /// replaced range was appended before.
    mutating func overwrite(at offset: Int, with bytes: [UInt8])
}

/// A sink that keeps the bundle in memory.
public struct BundleBytes: BundleSink, Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8] = []

    /// An empty buffer.
    public init() {}

    /// Appends `bytes` to ``bytes``.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        self.bytes.append(contentsOf: bytes)
    }

    /// Replaces the bytes of ``bytes`` at `offset` with `bytes`.
    public mutating func overwrite(at offset: Int, with bytes: [UInt8]) {
        self.bytes.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
    }
}

/// A top-level member that a streamed bundle writes after the streamed one.
public enum LateMember {
    /// A value, written whole.
    case value(JSONValue)
    /// An object made one entry at a time as it is written (each entry freed once written): its keys
    /// (each once, in any order) and the entry for a key. ``value`` gives it whole.
    case object(keys: [String], entry: (String) -> JSONValue)
    /// ``object(keys:entry:)`` whose entries the stream takes already written by `written`, each the
    /// bytes ``WrittenEntry/init(_:)`` writes for `entry` of the same key.
    case writtenObject(keys: [String], entry: (String) -> JSONValue, written: (String) -> WrittenEntry)
    /// ``writtenObject(keys:entry:written:)`` whose entries `produce` hands over rather than the stream
    /// asking for each in turn: given the keys in the order they are written, `produce` calls its `yield`
    /// with each key's position in that list and its entry written (the bytes ``WrittenEntry/init(_:)``
    /// writes for `entry` of the key), in that order, one call at a time (so it may write the next entries
    /// on other threads meanwhile).
    case producedObject(
        keys: [String], entry: (String) -> JSONValue,
        produce: (_ keys: [String], _ yield: (Int, WrittenEntry) -> Void) -> Void)

    /// The member as one value.
    public var value: JSONValue {
        switch self {
        case .value(let value): value
        case let .object(keys, entry), let .writtenObject(keys, entry, _), let .producedObject(keys, entry, _):
            .object(Dictionary(keys.map { ($0, entry($0)) }) { first, _ in first })
        }
    }
}

/// An entry of a streamed bundle's streamed member, already written: the writing, the costly part, happens
/// where the entry is made (on the lowering's threads), the stream only copies it.
///
/// It holds the pretty form and the ranges of it that are white space between tokens (``gaps``): the
/// canonical form, what the digest covers, is the pretty one without them, copied out run by run as the
/// stream hashes it, never written twice nor scanned byte by byte.
public struct WrittenEntry: Sendable {
    /// The pretty form, as the bundle's file holds it.
    public let pretty: ArraySlice<UInt8>
    /// The ranges of ``pretty`` (in its indices) that are white space between tokens, in increasing order.
    public let gaps: [Range<Int>]

    /// The entry's canonical form (what the digest covers) and its pretty form (what the file holds).
    public var forms: (canonical: [UInt8], pretty: [UInt8]) {
        var canonical: [UInt8] = []
        appendCanonical(to: &canonical)
        return (canonical, Array(pretty))
    }

    /// An entry written earlier by ``init(_:)`` and kept (a build cache), from its pretty form and its gaps;
    /// nil unless the gaps are increasing, disjoint ranges of `pretty` holding only spaces and line breaks.
    /// Beyond that the caller vouches that they are what ``init(_:)`` wrote, with this version of the writer.
    public init?(pretty: ArraySlice<UInt8>, gaps: [Range<Int>]) {
        var end = pretty.startIndex
        for gap in gaps {
            guard gap.lowerBound >= end, gap.upperBound <= pretty.endIndex else { return nil }
            for byte in pretty[gap] where byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\n") { return nil }
            end = gap.upperBound
        }
        self.pretty = pretty
        self.gaps = gaps
    }

    /// Writes `value` as an entry of the streamed member (two levels deep).
    public init(_ value: JSONValue) {
        self.init(value, depth: 2)
    }

    /// Writes `value` as a member of an object nested `depth - 1` levels deep.
    init(_ value: JSONValue, depth: Int) {
        var pretty: [UInt8] = []
        var gaps: [Range<Int>] = []
        JSONWriter.writeNested(value, depth: depth, pretty: &pretty, gaps: &gaps)
        self.pretty = pretty[...]
        self.gaps = gaps
    }

    /// Appends the canonical form to `out`: the pretty form's runs between the gaps.
    func appendCanonical(to out: inout [UInt8]) {
        pretty.withUnsafeBufferPointer { bytes in
            // `bytes` starts at `pretty.startIndex`; every gap lies within `pretty` (both initializers).
            let base = pretty.startIndex
            var start = base
            for gap in gaps {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(start - base)..<(gap.lowerBound - base)]))
                start = gap.upperBound
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(start - base)...]))
        }
    }
}

extension WrittenEntry {
    /// Writes an entry of a streamed member straight from its parts, member by member, without making a
    /// ``JSONValue`` first: the same bytes and gaps as ``WrittenEntry/init(_:)`` of the value those calls
    /// describe, when every object's keys are given in ``JSONWriter/keyPrecedes(_:_:)`` order, each once.
    ///
    /// Objects, arrays, strings and integers: `beginObject()`, then for each member `key(_:)` and its value
    /// (`string(_:)`, `int(_:)` or a nested object or array), then `endObject()`; `beginArray()`, its items,
    /// then `endArray()`; ``entry`` once the outermost value is ended.
    public struct Writer {
        private var output = PrettyWithGaps()
        /// How many objects and arrays are open.
        private var openCount = 0
        /// The members or items written so far in the innermost open object or array.
        private var count = 0
        /// Whether the innermost open container is an array.
        private var inArray = false
        /// The enclosing open containers, the outermost first: each one's count times two, plus one for
        /// an array. The innermost is kept apart (`count`, `inArray`), so that writing a member or an item
        /// reads and writes two stored values rather than popping and pushing on two stacks.
        private var enclosing: [Int] = []

        /// An empty entry, written as a member of the streamed object (its depth, 2, is
        /// ``WrittenEntry/init(_:)``'s).
        public init(reservingCapacity capacity: Int = 0) {
            output.pretty.reserveCapacity(capacity)
            output.gaps.reserveCapacity(64)
            enclosing.reserveCapacity(4)
        }

        /// The depth ``JSONWriter``'s walk gives an object opened with `openCount` objects already open.
        private var depth: Int { 1 + openCount }

        /// Opens a container inside the innermost one.
        private mutating func open(array: Bool) {
            if openCount > 0 { enclosing.append(count &* 2 + (inArray ? 1 : 0)) }
            openCount += 1
            count = 0
            inArray = array
        }

        /// Closes the innermost container (one is open), the enclosing one becoming the innermost.
        private mutating func close() {
            openCount -= 1
            guard openCount > 0, let outer = enclosing.popLast() else { return }
            count = outer / 2
            inArray = outer % 2 == 1
        }

        /// Before a value: in an array, what comes before its next item (the comma unless it is the first,
        /// the line break and indentation); in an object the key did that.
        private mutating func valueStart() {
            guard openCount > 0, inArray else { return }
            if count > 0 { output.append(byte: UInt8(ascii: ",")) }
            output.newlineIndent(depth + 1)
            count += 1
        }

        /// Opens an object (the entry itself, the value of the member whose key was just written, or the
        /// next item of the innermost array).
        public mutating func beginObject() {
            valueStart()
            output.append(byte: UInt8(ascii: "{"))
            open(array: false)
        }

        /// Opens an array, where ``beginObject()`` opens an object.
        public mutating func beginArray() {
            valueStart()
            output.append(byte: UInt8(ascii: "["))
            open(array: true)
        }

        /// Closes the innermost open array (`[]` when it has no item, as ``JSONWriter`` writes it).
        public mutating func endArray() {
            guard openCount > 0 else { return }
            let (depth, count) = (self.depth, self.count)
            close()
            if count > 0 { output.newlineIndent(depth) }
            output.append(byte: UInt8(ascii: "]"))
        }

        /// An integer value.
        public mutating func int(_ value: Int) {
            valueStart()
            output.appendInteger(value)
        }

        /// Starts the next member of the innermost open object: its key, which sorts after the previous
        /// member's key of that object.
        public mutating func key(_ key: String) {
            guard openCount > 0 else { return }
            if count > 0 { output.append(byte: UInt8(ascii: ",")) }
            output.newlineIndent(depth + 1)
            output.appendString(key)
            output.append(byte: UInt8(ascii: ":"))
            output.space()
            count += 1
        }

        /// ``key(_:)`` of a key written beforehand: the same bytes, the key and its colon copied at once.
        public mutating func key(_ key: JSONKey) {
            guard openCount > 0 else { return }
            if count > 0 { output.append(byte: UInt8(ascii: ",")) }
            output.newlineIndent(depth + 1)
            output.pretty.append(contentsOf: key.quotedWithColon)
            output.space()
            count += 1
        }

        /// A string value.
        public mutating func string(_ value: String) {
            valueStart()
            output.appendString(value)
        }

        /// A string value written from pieces: the same bytes as ``string(_:)`` of their texts joined
        /// (``JSONStringPiece/joined(_:)``), the pieces escaped beforehand only copied.
        public mutating func string(joining pieces: [JSONStringPiece]) {
            valueStart()
            output.appendString(joining: pieces)
        }

        /// Closes the innermost open object (`{}` when it has no member, as ``JSONWriter`` writes it).
        public mutating func endObject() {
            guard openCount > 0 else { return }
            let (depth, count) = (self.depth, self.count)
            close()
            if count > 0 { output.newlineIndent(depth) }
            output.append(byte: UInt8(ascii: "}"))
        }

        /// The entry written (every object ended).
        public var entry: WrittenEntry {
            WrittenEntry(uncheckedPretty: output.pretty[...], gaps: output.gaps)
        }
    }

    /// An entry from bytes and gaps written by ``JSONWriter``'s own walk: nothing to check.
    init(uncheckedPretty pretty: ArraySlice<UInt8>, gaps: [Range<Int>]) {
        self.pretty = pretty
        self.gaps = gaps
    }
}

extension BundleEmitter {
    /// Writes a bundle into `sink` as it is produced, never holding it whole: the bytes are those
    /// ``emit(_:)`` (or, with `signingKey`, ``emit(_:signingKey:)``) writes for the same content.
    ///
    /// The bundle's top-level members are `members`, the object `streamed` whose entries `produce`
    /// hands to its `yield` argument (written beforehand, ``WrittenEntry``), and the members `produce` returns once it has yielded every
    /// entry (`late`: computed from the entries, such as the variables they read). `produce` yields
    /// entries in increasing key order (UTF-8 bytes: the order ``JSONWriter`` sorts keys in), each key
    /// once, and every late member's key sorts after `streamed`; none of the names is `digest` or
    /// `signature`. The pretty form goes to `sink` chunk by chunk while the canonical form is hashed in
    /// the same pass; the digest (fixed length) and the signature (fixed length for a given key) are
    /// written as placeholders and overwritten at the end.
    ///
    /// - Returns: the bundle's digest.
    public static func emit<Sink: BundleSink>(
        members: [String: JSONValue], streamed: String, signingKey: BundlePrivateKey? = nil, into sink: inout Sink,
        produce: (_ yield: (String, WrittenEntry) -> Void) -> [String: LateMember]
    ) throws(BundleSigningError) -> String {
        try emit(
            members: members, streamed: streamed, signingKey: signingKey, chunkSize: 1 << 16, into: &sink,
            produce: produce)
    }

    /// ``emit(members:streamed:signingKey:into:produce:)``, handing the sink chunks of about `chunkSize`
    /// bytes (tests use small ones).
    static func emit<Sink: BundleSink>(
        members: [String: JSONValue], streamed: String, signingKey: BundlePrivateKey?, chunkSize: Int,
        into sink: inout Sink, produce: (_ yield: (String, WrittenEntry) -> Void) -> [String: LateMember]
    ) throws(BundleSigningError) -> String {
        var writer = StreamWriter(sink: sink, signingKey: signingKey, chunkSize: chunkSize)
        defer { sink = writer.sink }
        // The digest and signature placeholders take their place among the members (their values here
        // are never written).
        var all = members
        for name in unhashedMembers { all[name] = .null }
        all[streamed] = nil
        let names = sortedKeys(Array(all.keys))
        let early = names.filter { JSONWriter.keyPrecedes($0, streamed) }
        for name in early { writer.member(name, all[name] ?? .null) }
        writer.beginStreamed(streamed)
        let late = produce { key, value in writer.entry(key, value) }
        writer.endStreamed()
        for name in early { all[name] = nil }
        var rest = all.mapValues { LateMember.value($0) }
        rest.merge(late) { first, _ in first }
        for name in sortedKeys(Array(rest.keys)) {
            switch rest[name] ?? .value(.null) {
            case .value(let value): writer.member(name, value)
            case let .object(keys, entry): writer.member(name, keys: keys, entry: entry)
            case let .writtenObject(keys, _, written): writer.member(name, keys: keys, written: written)
            case let .producedObject(keys, _, produce): writer.member(name, keys: keys, produce: produce)
            }
        }
        return try writer.finish()
    }

    private static func sortedKeys(_ keys: [String]) -> [String] {
        keys.sorted(by: JSONWriter.keyPrecedes)
    }
}

/// The state of one streamed bundle: both forms' pending bytes, the hash, the placeholders' offsets.
private struct StreamWriter<Sink: BundleSink> {
    /// `sha256:` and 64 hex digits: the digest's length, whatever its value.
    static var digestPlaceholder: String { "sha256:" + String(repeating: "0", count: 64) }

    var sink: Sink
    let signingKey: BundlePrivateKey?
    /// The pending bytes of either form are handed on once there are more than this.
    let chunkSize: Int
    let canonicalWriter = JSONWriter(pretty: false)
    let prettyWriter = JSONWriter(pretty: true)
    var canonical: [UInt8] = []
    var pretty: [UInt8] = []
    var hasher = SHA256()
    /// Bytes of the pretty form already handed to the sink.
    var flushed = 0
    var topCount = 0
    var canonicalTopCount = 0
    var entryCount = 0
    var digestOffset: Int?
    var signatureOffset: Int?

    init(sink: Sink, signingKey: BundlePrivateKey?, chunkSize: Int) {
        self.sink = sink
        self.signingKey = signingKey
        self.chunkSize = chunkSize
        canonical.reserveCapacity(chunkSize + 4096)
        pretty.reserveCapacity(chunkSize + 4096)
        canonical.append(UInt8(ascii: "{"))
        pretty.append(UInt8(ascii: "{"))
    }

    /// Writes a top-level member; `digest` and `signature` as placeholders, outside the canonical form.
    mutating func member(_ name: String, _ value: JSONValue) {
        switch name {
        case "digest":
            memberStart(name, hashed: false)
            digestOffset = flushed + pretty.count
            prettyWriter.writeNested(.string(Self.digestPlaceholder), depth: 1, into: &pretty)
        case "signature":
            guard let signingKey else { return }
            memberStart(name, hashed: false)
            signatureOffset = flushed + pretty.count
            prettyWriter.writeNested(
                Self.signature(keyID: signingKey.publicKey.keyID, value: nil), depth: 1, into: &pretty)
        default:
            guard case .object(let members) = value else {
                memberStart(name, hashed: true)
                append(WrittenEntry(value, depth: 1))
                break
            }
            // Entry by entry, as the streamed member is: a large member never sits whole in either buffer.
            member(name, keys: Array(members.keys)) { members[$0] ?? .null }
            return
        }
        flushIfFull()
    }

    /// Writes a top-level object member entry by entry, each made by `value` just before it is written.
    mutating func member(_ name: String, keys: [String], entry value: (String) -> JSONValue) {
        beginStreamed(name)
        for key in keys.sorted(by: JSONWriter.keyPrecedes) { entry(key, value(key)) }
        endStreamed()
        flushIfFull()
    }

    /// ``member(_:keys:entry:)`` with each entry already written by `written`.
    mutating func member(_ name: String, keys: [String], written: (String) -> WrittenEntry) {
        beginStreamed(name)
        for key in keys.sorted(by: JSONWriter.keyPrecedes) { entry(key, written(key)) }
        endStreamed()
        flushIfFull()
    }

    /// ``member(_:keys:entry:)`` with the entries handed over by `produce` in the order of the sorted keys.
    mutating func member(
        _ name: String, keys: [String], produce: (_ keys: [String], _ yield: (Int, WrittenEntry) -> Void) -> Void
    ) {
        beginStreamed(name)
        let sorted = keys.sorted(by: JSONWriter.keyPrecedes)
        produce(sorted) { position, written in entry(sorted[position], written) }
        endStreamed()
        flushIfFull()
    }

    mutating func beginStreamed(_ name: String) {
        memberStart(name, hashed: true)
        canonical.append(UInt8(ascii: "{"))
        pretty.append(UInt8(ascii: "{"))
        entryCount = 0
    }

    mutating func entry(_ key: String, _ value: JSONValue) {
        entry(key, WrittenEntry(value))
    }

    mutating func entry(_ key: String, _ written: WrittenEntry) {
        canonicalWriter.writeMemberStart(key, first: entryCount == 0, depth: 1, into: &canonical)
        prettyWriter.writeMemberStart(key, first: entryCount == 0, depth: 1, into: &pretty)
        append(written)
        entryCount += 1
        flushIfFull()
    }

    private mutating func append(_ written: WrittenEntry) {
        written.appendCanonical(to: &canonical)
        pretty.append(contentsOf: written.pretty)
    }

    mutating func endStreamed() {
        canonicalWriter.writeObjectEnd(count: entryCount, depth: 1, into: &canonical)
        prettyWriter.writeObjectEnd(count: entryCount, depth: 1, into: &pretty)
    }

    /// Closes the bundle, then overwrites the placeholders with the digest and the signature.
    mutating func finish() throws(BundleSigningError) -> String {
        canonicalWriter.writeObjectEnd(count: canonicalTopCount, depth: 0, into: &canonical)
        prettyWriter.writeObjectEnd(count: topCount, depth: 0, into: &pretty)
        pretty.append(UInt8(ascii: "\n"))
        flush()
        let digest = "sha256:" + Hex.lowercase(hasher.finalize())
        if let digestOffset {
            var bytes: [UInt8] = []
            prettyWriter.writeNested(.string(digest), depth: 1, into: &bytes)
            sink.overwrite(at: digestOffset, with: bytes)
        }
        if let signingKey, let signatureOffset {
            let signature = try BundleSignature.sign(digest: digest, privateKey: signingKey)
            var bytes: [UInt8] = []
            prettyWriter.writeNested(signature, depth: 1, into: &bytes)
            var placeholder: [UInt8] = []
            prettyWriter.writeNested(
                Self.signature(keyID: signingKey.publicKey.keyID, value: nil), depth: 1, into: &placeholder)
            guard bytes.count == placeholder.count else {
                throw BundleSigningError(description: "the signature is not of the expected length")
            }
            sink.overwrite(at: signatureOffset, with: bytes)
        }
        return digest
    }

    /// A `signature` member as ``BundleSignature/sign(digest:privateKey:)`` writes it; without a
    /// value, a placeholder of the same length (the base64 of 64 bytes: 88 characters).
    static func signature(keyID: String, value: String?) -> JSONValue {
        .object([
            "algorithm": .string(BundleSignature.algorithm), "key_id": .string(keyID),
            "value": .string(value ?? String(repeating: "A", count: 86) + "=="),
        ])
    }

    private mutating func memberStart(_ name: String, hashed: Bool) {
        prettyWriter.writeMemberStart(name, first: topCount == 0, depth: 0, into: &pretty)
        topCount += 1
        guard hashed else { return }
        canonicalWriter.writeMemberStart(name, first: canonicalTopCount == 0, depth: 0, into: &canonical)
        canonicalTopCount += 1
    }

    private mutating func flushIfFull() {
        if canonical.count > chunkSize || pretty.count > chunkSize { flush() }
    }

    private mutating func flush() {
        canonical.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        canonical.removeAll(keepingCapacity: true)
        pretty.withUnsafeBytes { sink.append($0) }
        flushed += pretty.count
        pretty.removeAll(keepingCapacity: true)
    }
}
