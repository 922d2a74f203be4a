import BundleFormat
import Crypto
import Dispatch
import Diagnostics

/// Where a cache keeps its entries: the library computes every key and checks every entry, the store
/// only keeps bytes (the command line keeps them as files in a folder, `automail build --cache DIR`).
/// Called from several threads at once.
public protocol TemplateCacheStore: Sendable {
    /// The bytes stored under `key` (64 lowercase hex digits), if any. They are checked before use.
    func load(_ key: String) -> [UInt8]?
    /// Keeps `bytes` under `key`. A store that cannot keep them drops them: a cache is never needed.
    func store(_ key: String, _ bytes: [UInt8])
}

/// The results of templates a build lowered, reused by a later build whose template and context are the
/// same: a rebuild after a one-template change renders that template alone.
///
/// An entry's key is the SHA-256 of everything the template's lowering reads: the template file's path
/// and bytes, the manifest's bytes, every layout file, the compiler's version and the bundle format. Only
/// a template the rules found nothing in is kept, so a cached template has no diagnostic to give back.
/// An entry holds the template's JSON as the streamed build writes it and the variables it reads, with a
/// SHA-256 of them and of its key: an entry that is truncated, corrupt, written by another version or stored under another key is
/// ignored and replaced. The output is the same with or without a cache, byte for byte.
///
/// An entry is integrity-checked, not authenticated: whoever can write the cache folder can change what the
/// bundle sends, as whoever can write the workspace can. Keep it where only the build writes.
public final class TemplateCache: Sendable, Hashable {
    /// How a build used the cache.
    public struct Statistics: Sendable, Hashable {
        /// Templates taken from the cache.
        public var hits = 0
        /// Templates rendered (not in the cache, or not usable).
        public var misses = 0
    }

    let store: any TemplateCacheStore
    private let queue = DispatchQueue(label: "automail.template-cache")
    nonisolated(unsafe) private var counts = Statistics()

    /// A cache over `store`.
    public init(store: any TemplateCacheStore) {
        self.store = store
    }

    /// How the builds that used this cache used it, so far.
    public var statistics: Statistics { queue.sync { counts } }

    func count(hit: Bool) {
        queue.sync {
            if hit { counts.hits += 1 } else { counts.misses += 1 }
        }
    }

    public static func == (lhs: TemplateCache, rhs: TemplateCache) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }

    /// The first line of every entry: the entry layout's version.
    static let magic = Array("automail template cache 1\n".utf8)

    /// The digest of what every template of a build shares: compiler, format, manifest and layouts.
    static func context(manifest: SourceFile?, layouts: [String: SourceFile], reachesContacts: Bool) -> [UInt8] {
        var hasher = SHA256()
        func add(_ bytes: [UInt8]) {
            withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(data: bytes)
        }
        add(magic)
        add(Array(Compiler.version.utf8))
        add(Array("\(BundleEmitter.formatVersion).\(BundleEmitter.formatMinorVersion)".utf8))
        add([reachesContacts ? 1 : 0])
        add(manifest.map { Array($0.path.utf8) } ?? [])
        add(manifest?.bytes ?? [])
        for path in layouts.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            add(Array(path.utf8))
            add(layouts[path]?.bytes ?? [])
        }
        return Array(hasher.finalize())
    }

    /// The key of `file`'s template in `context`.
    static func key(context: [UInt8], file: SourceFile) -> String {
        var hasher = SHA256()
        hasher.update(data: context)
        withUnsafeBytes(of: UInt64(file.path.utf8.count).littleEndian) { hasher.update(bufferPointer: $0) }
        hasher.update(data: Array(file.path.utf8))
        hasher.update(data: file.bytes)
        return Hex.lowercase(hasher.finalize())
    }

    /// What an entry holds: a template as the streamed build writes it, and the variables it reads.
    struct Entry {
        /// The template's entry of the bundle's `templates`, in both forms.
        var written: WrittenEntry
        /// The contact variables it reads.
        var reads: Set<String>
    }

    /// The entry's bytes: magic, key, the reads (count, then each length and bytes), the pretty form
    /// (length and bytes), then the SHA-256 of all of that.
    static func encode(_ entry: Entry, key: String) -> [UInt8] {
        var bytes = magic + Array(key.utf8)
        func field(_ part: some Collection<UInt8>) {
            withUnsafeBytes(of: UInt64(part.count).littleEndian) { bytes += $0 }
            bytes += part
        }
        let reads = entry.reads.sorted()
        withUnsafeBytes(of: UInt64(reads.count).littleEndian) { bytes += $0 }
        for read in reads { field(Array(read.utf8)) }
        // The pretty form alone: the canonical one is the same bytes without the white space between
        // tokens (``canonical(ofPretty:)``), half the entry.
        field(entry.written.forms.pretty)
        bytes += SHA256.hash(data: bytes)
        return bytes
    }

    /// The entry `bytes` hold for `key`, or nil when they are not a whole, intact entry for that key.
    static func decode(_ bytes: [UInt8], key: String) -> Entry? {
        let digestSize = SHA256.byteCount
        let header = magic + Array(key.utf8)
        guard bytes.count >= header.count + digestSize, bytes.starts(with: header) else { return nil }
        let end = bytes.count - digestSize
        let sealed = bytes.withUnsafeBytes { raw in
            SHA256.hash(data: UnsafeRawBufferPointer(rebasing: raw[..<end])).elementsEqual(bytes[end...])
        }
        guard sealed else { return nil }
        var offset = header.count
        func length() -> Int? {
            guard end - offset >= 8 else { return nil }
            var n: UInt64 = 0
            for i in 0..<8 { n |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            offset += 8
            guard n <= UInt64(end - offset) else { return nil }
            return Int(n)
        }
        func field() -> [UInt8]? {
            guard let n = length() else { return nil }
            defer { offset += n }
            return Array(bytes[offset..<(offset + n)])
        }
        guard let readCount = length() else { return nil }
        var reads = Set<String>()
        for _ in 0..<readCount {
            guard let read = field() else { return nil }
            reads.insert(String(decoding: read, as: UTF8.self))
        }
        // A template's entry is an object.
        guard let pretty = field(), offset == end, pretty.first == UInt8(ascii: "{") else { return nil }
        return Entry(written: WrittenEntry(canonical: canonical(ofPretty: pretty), pretty: pretty), reads: reads)
    }

    /// The canonical form of JSON written pretty by ``JSONWriter``: the same tokens without the white space
    /// between them (the two forms differ in nothing else). White space inside strings is kept.
    static func canonical(ofPretty pretty: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(pretty.count)
        var inString = false
        var escaped = false
        for byte in pretty {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                out.append(byte)
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                out.append(byte)
            } else if byte != UInt8(ascii: " "), byte != UInt8(ascii: "\n") {
                out.append(byte)
            }
        }
        return out
    }
}
