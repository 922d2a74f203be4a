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
/// An entry holds the template's JSON as the streamed build writes it (the pretty form and where its white
/// space between tokens lies) and the variables it reads, with a checksum of them and of its key (XXH64):
/// an entry that is truncated, corrupt, written by another version or stored under another key is ignored
/// and replaced. The output is the same with or without a cache, byte for byte.
///
/// An entry is integrity-checked, not authenticated: whoever can write the cache folder can change what the
/// bundle sends, as whoever can write the workspace can (a SHA-256 of the entry would not change that: a
/// forger recomputes it as easily). Keep it where only the build writes.
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
    static let magic = Array("automail template cache 2\n".utf8)

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

    /// The entry's bytes: magic, key, the reads (count, then each length and bytes), the pretty form (length
    /// and bytes), its gaps (count, then each gap's start as the distance from the previous gap's end, a
    /// LEB128 varint), then the XXH64 of all of that (8 bytes, little-endian).
    ///
    /// The canonical form is not kept: it is the pretty one without its gaps (``WrittenEntry``), so the
    /// entry holds one form of the template and the gaps cost a byte or two each (a template has a hundred
    /// or so). A gap's length is not kept either: it is a space, or a line break and the spaces after it.
    static func encode(_ entry: Entry, key: String) -> [UInt8] {
        let pretty = entry.written.pretty
        let reads = entry.reads.sorted()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(magic.count + 64 + pretty.count + 3 * entry.written.gaps.count + 64 + 24 * reads.count)
        bytes += magic
        bytes += key.utf8
        func length(_ count: Int) {
            withUnsafeBytes(of: UInt64(count).littleEndian) { bytes += $0 }
        }
        length(reads.count)
        for read in reads {
            length(read.utf8.count)
            bytes += read.utf8
        }
        length(pretty.count)
        bytes += pretty
        length(entry.written.gaps.count)
        var end = pretty.startIndex
        for gap in entry.written.gaps {
            var delta = UInt(gap.lowerBound - end)
            while delta >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: delta) | 0x80)
                delta >>= 7
            }
            bytes.append(UInt8(delta))
            end = gap.upperBound
        }
        withUnsafeBytes(of: XXH64.hash(bytes).littleEndian) { bytes += $0 }
        return bytes
    }

    /// The entry `bytes` hold for `key`, or nil when they are not a whole, intact entry for that key.
    ///
    /// Each byte is read once by the checksum; the pretty form is then used where it lies (a slice of
    /// `bytes`, not a copy), and only the gaps' own bytes are read again.
    static func decode(_ bytes: [UInt8], key: String) -> Entry? {
        let checksumSize = 8
        let headerSize = magic.count + 64
        guard bytes.count >= headerSize + checksumSize, bytes.starts(with: magic),
            bytes[magic.count..<headerSize].elementsEqual(key.utf8)
        else { return nil }
        let end = bytes.count - checksumSize
        let intact = bytes.withUnsafeBytes { raw in
            XXH64.hash(UnsafeRawBufferPointer(rebasing: raw[..<end]))
                == UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: end, as: UInt64.self))
        }
        guard intact else { return nil }
        var offset = headerSize
        func length() -> Int? {
            guard end - offset >= 8 else { return nil }
            var n: UInt64 = 0
            for i in 0..<8 { n |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            offset += 8
            guard n <= UInt64(end - offset) else { return nil }
            return Int(n)
        }
        func field() -> ArraySlice<UInt8>? {
            guard let n = length() else { return nil }
            defer { offset += n }
            return bytes[offset..<(offset + n)]
        }
        guard let readCount = length() else { return nil }
        var reads = Set<String>()
        for _ in 0..<readCount {
            guard let read = field() else { return nil }
            reads.insert(String(decoding: read, as: UTF8.self))
        }
        // A template's entry is an object.
        guard let pretty = field(), pretty.first == UInt8(ascii: "{"), let gapCount = length() else { return nil }
        var gaps: [Range<Int>] = []
        gaps.reserveCapacity(gapCount)
        var gapEnd = pretty.startIndex
        for _ in 0..<gapCount {
            // A varint of at most 4 bytes, ending inside the entry: a distance below 2^28 (256 MiB, four times
            // the largest entry a store reads).
            var delta = 0
            var shift = 0
            while true {
                guard offset < end, shift < 28 else { return nil }
                let byte = bytes[offset]
                offset += 1
                delta |= Int(byte & 0x7f) << shift
                shift += 7
                if byte < 0x80 { break }
            }
            guard delta <= pretty.endIndex - gapEnd - 1 else { return nil }
            let start = gapEnd + delta
            var stop = start + 1
            if pretty[start] == UInt8(ascii: "\n") {
                while stop < pretty.endIndex, pretty[stop] == UInt8(ascii: " ") { stop += 1 }
            } else if pretty[start] != UInt8(ascii: " ") {
                return nil
            }
            gaps.append(start..<stop)
            gapEnd = stop
        }
        guard offset == end, let written = WrittenEntry(pretty: pretty, gaps: gaps) else { return nil }
        return Entry(written: written, reads: reads)
    }
}
