import AutoMail
import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `build --cache DIR`: a folder of template cache entries (``TemplateCache``), kept in pack files.
///
/// A build reads the index of every pack (`pack-*`) when it opens the folder, and writes the entries it
/// makes into one new pack, a temporary file renamed into place by ``commit()``: a build killed midway, or
/// two builds sharing the folder, never leave a pack half written under a pack's name. The temporary pack of a
/// killed build is removed by a later build (``removeAbandoned(in:)``). One file a build,
/// not one a template: creating and renaming 20,000 files cost five times the system time of writing
/// their bytes (generated L). Once the folder holds ``compactionThreshold`` packs, a build writes every
/// entry it used into its pack and removes the packs it read: the folder keeps what the last build used.
///
/// Packs are read oldest first, and within a pack the index in order: the last entry of a key is the one
/// read. A pack's index only says where an entry lies; the compiler checks every entry it reads (its key, its
/// checksum), so a damaged pack or index costs renderings, never a wrong bundle. Links and anything but a
/// regular file are never followed or read. Every failure only means a template is rendered again.
final class CacheFolder: TemplateCacheStore, @unchecked Sendable {
    /// The folder.
    let path: String
    /// The largest entry read: a template's entry is far smaller; a larger one is not one.
    static let maximumEntrySize = 64 << 20
    /// The number of packs from which a build rewrites what it used into one pack.
    static let compactionThreshold = 8
    /// The last bytes of a pack: the index's offset and entry count, then this.
    static let packMagic = Array("AMPACK01".utf8)
    /// An index entry: the key (64 hex digits), then the entry's offset and length.
    static let indexEntrySize = 64 + 8 + 8

    /// Where an entry lies: the pack's descriptor, the offset and the length.
    private struct Location {
        let descriptor: Int32
        let offset: Int
        let count: Int
    }

    /// The pack being written, and what it holds.
    private struct NewPack {
        let temporary: String
        let descriptor: Int32
        var size = 0
        var index: [(key: String, offset: Int, count: Int)] = []
        var failed = false
    }

    /// Guards ``newPack``; the index and the descriptors are only read after `init`.
    private let queue = DispatchQueue(label: "automail.cache-folder")
    private let entries: [String: Location]
    private let descriptors: [Int32]
    /// The packs found (read, or not a pack that can be read), removed by ``commit()`` when compacting.
    private let packs: [String]
    private let compacting: Bool
    private var newPack: NewPack?

    /// The folder at `path`, created (with its parents) when missing, with the index of its packs; nil
    /// when it cannot be a folder.
    init?(path: String) {
        self.path = path
        var components: [String] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            components.append(String(component))
            let prefix = components.joined(separator: "/")
            if prefix.isEmpty { continue }
            if mkdir(prefix, 0o755) != 0, errno != EEXIST { return nil }
        }
        var info = stat()
        guard stat(path, &info) == 0, Int(info.st_mode) & 0o170000 == 0o040000 else {
            return nil
        }
        Self.removeAbandoned(in: path)
        var entries: [String: Location] = [:]
        var descriptors: [Int32] = []
        var packs: [String] = []
        for name in Self.packNames(in: path) {
            packs.append(name)
            guard let (descriptor, index) = Self.openPack(path + "/" + name) else { continue }
            descriptors.append(descriptor)
            for (key, offset, count) in index {
                entries[key] = Location(descriptor: descriptor, offset: offset, count: count)
            }
        }
        self.entries = entries
        self.descriptors = descriptors
        self.packs = packs
        compacting = packs.count >= Self.compactionThreshold
    }

    deinit {
        for descriptor in descriptors { close(descriptor) }
        if let newPack {
            close(newPack.descriptor)
            unlink(newPack.temporary)
        }
    }

    func load(_ key: String) -> [UInt8]? {
        guard let location = entries[key] else { return nil }
        var whole = true
        // Read straight into the array's storage: `initializedCount` counts only what `pread` filled, and
        // a short read (a pack truncated meanwhile) gives nil.
        let bytes = [UInt8](unsafeUninitializedCapacity: location.count) { buffer, initializedCount in
            while initializedCount < location.count {
                let count = pread(
                    location.descriptor, buffer.baseAddress.map { $0 + initializedCount },
                    location.count - initializedCount, off_t(location.offset + initializedCount))
                if count < 0, errno == EINTR { continue }
                guard count > 0 else {
                    whole = false
                    return
                }
                initializedCount += count
            }
        }
        guard whole else { return nil }
        // Compacting: what is used goes into the new pack. Checked by the compiler only after this copy: one
        // it refuses is stored again, later in the pack, and a later entry of a key is the one read.
        if compacting { store(key, bytes) }
        return bytes
    }

    func store(_ key: String, _ bytes: [UInt8]) {
        // An entry too large to be read back is not written; a key is 64 hex digits.
        guard bytes.count <= Self.maximumEntrySize, key.utf8.count == 64 else { return }
        queue.sync {
            if newPack == nil {
                let temporary = path + "/.pack-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).tmp"
                let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
                guard descriptor >= 0 else { return }
                newPack = NewPack(temporary: temporary, descriptor: descriptor)
            }
            // Only the pack's scalars are read out: a copy of it would share its index, which each append
            // would then copy whole.
            guard let descriptor = newPack?.descriptor, let size = newPack?.size, newPack?.failed == false else {
                return
            }
            if Console.writeAll(bytes, to: descriptor) {
                newPack?.index.append((key, size, bytes.count))
                newPack?.size = size + bytes.count
            } else {
                newPack?.failed = true
            }
        }
    }

    /// Puts the new pack in place, if the build wrote one: its index, then the renaming. Compacting, removes
    /// the packs this build found (a build still reading one keeps it open until it ends).
    func commit() {
        queue.sync {
            guard let pack = newPack else { return }
            newPack = nil
            var tail: [UInt8] = []
            tail.reserveCapacity(pack.index.count * Self.indexEntrySize + 24)
            for (key, offset, count) in pack.index {
                tail += key.utf8
                withUnsafeBytes(of: UInt64(offset).littleEndian) { tail += $0 }
                withUnsafeBytes(of: UInt64(count).littleEndian) { tail += $0 }
            }
            withUnsafeBytes(of: UInt64(pack.size).littleEndian) { tail += $0 }
            withUnsafeBytes(of: UInt64(pack.index.count).littleEndian) { tail += $0 }
            tail += Self.packMagic
            let name = Self.newPackName()
            let written = !pack.failed && Console.writeAll(tail, to: pack.descriptor)
            if close(pack.descriptor) != 0 || !written || rename(pack.temporary, path + "/" + name) != 0 {
                unlink(pack.temporary)
                return
            }
            if compacting {
                for old in packs { unlink(path + "/" + old) }
            }
        }
    }

    /// `pack-`, the time in nanoseconds as 16 hex digits, the process: names sort as packs were made.
    private static func newPackName() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let nanoseconds = UInt64(max(0, now.tv_sec)) &* 1_000_000_000 &+ UInt64(max(0, now.tv_nsec))
        let digits = String(nanoseconds, radix: 16)
        return "pack-" + String(repeating: "0", count: max(0, 16 - digits.count)) + digits + "-\(getpid())"
    }

    /// The names of the folder's packs, oldest first (byte order of their names).
    private static func packNames(in path: String) -> [String] {
        names(in: path).filter { $0.hasPrefix("pack-") }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The names in the folder at `path` (none when it cannot be read).
    private static func names(in path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            names.append(
                withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
        }
        return names
    }

    /// How long a pack being written may go unchanged before a build that finds it takes it for abandoned.
    static let abandonedAfterSeconds = 3_600

    /// Removes the packs that builds killed while writing them left behind (`.pack-PID-N.tmp`): those whose
    /// process is gone and which nothing wrote for ``abandonedAfterSeconds``. Both, so that a build still
    /// writing, here or in another PID namespace sharing the folder, keeps its pack. Only regular files
    /// are removed; a link is left alone.
    private static func removeAbandoned(in path: String) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        for name in names(in: path) where name.hasPrefix(".pack-") && name.hasSuffix(".tmp") {
            let fields = name.dropFirst(".pack-".count).split(separator: "-")
            guard let pid = fields.first.flatMap({ pid_t($0) }), pid > 0 else { continue }
            if kill(pid, 0) == 0 || errno != ESRCH { continue }
            var info = stat()
            let file = path + "/" + name
            guard lstat(file, &info) == 0, Int(info.st_mode) & 0o170000 == 0o100000,
                Int(now.tv_sec) - Int(info.st_mtim.tv_sec) >= abandonedAfterSeconds
            else { continue }
            unlink(file)
        }
    }

    /// The open pack at `file` and its index, or nil when it is not a regular file ending with a whole
    /// index: the offset of the index (the bytes before it hold the entries), the count, the magic.
    private static func openPack(_ file: String) -> (Int32, [(String, Int, Int)])? {
        let descriptor = open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var keep = false
        defer { if !keep { close(descriptor) } }
        var info = stat()
        guard fstat(descriptor, &info) == 0, Int(info.st_mode) & 0o170000 == 0o100000 else { return nil }
        let size = Int(info.st_size)
        guard size >= 16 + packMagic.count, let trailer = read(descriptor, at: size - 16 - packMagic.count, 24),
            trailer.suffix(packMagic.count).elementsEqual(packMagic)
        else { return nil }
        let indexOffset = UInt64(littleEndian: trailer.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        let count = UInt64(
            littleEndian: trailer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self) })
        // The index fills the bytes between its offset and the trailer exactly (no overflow: both are
        // compared with the file's size before they are multiplied or added).
        let indexSize = size - 24
        guard indexOffset <= UInt64(indexSize), count <= UInt64(indexSize) / UInt64(indexEntrySize),
            Int(indexOffset) + Int(count) * indexEntrySize == indexSize,
            let index = read(descriptor, at: Int(indexOffset), Int(count) * indexEntrySize)
        else { return nil }
        var entries: [(String, Int, Int)] = []
        entries.reserveCapacity(Int(count))
        index.withUnsafeBytes { raw in
            for at in stride(from: 0, to: raw.count, by: indexEntrySize) {
                let key = String(decoding: raw[at..<(at + 64)], as: UTF8.self)
                let offset = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at + 64, as: UInt64.self))
                let length = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at + 72, as: UInt64.self))
                // Within the entries' bytes, else left out.
                guard offset <= indexOffset, length <= indexOffset - offset, length <= UInt64(maximumEntrySize)
                else { continue }
                entries.append((key, Int(offset), Int(length)))
            }
        }
        keep = true
        return (descriptor, entries)
    }

    /// `count` bytes of `descriptor` at `offset`, or nil when they cannot all be read.
    private static func read(_ descriptor: Int32, at offset: Int, _ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress.map { $0 + done }, count - done, off_t(offset + done))
            }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { return nil }
            done += got
        }
        return bytes
    }
}
