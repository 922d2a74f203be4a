import AutoMail

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// `build --cache DIR`: a folder of template cache entries, one file a key (``TemplateCache``). Entries
/// are written to a temporary file and renamed into place, so a build killed midway, or two builds
/// sharing the folder, never leave half an entry under a key. Links and anything but a regular file are
/// never followed or read; what is read is checked by the compiler before use. Every failure only means
/// the template is rendered again.
struct CacheFolder: TemplateCacheStore {
    /// The folder.
    let path: String
    /// The largest entry read: a template's entry is far smaller; a larger file is not one.
    static let maximumEntrySize = 64 << 20

    /// The folder at `path`, created (with its parents) when missing; nil when it cannot be.
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
    }

    private func file(_ key: String) -> String { path + "/" + key }

    func load(_ key: String) -> [UInt8]? {
        let descriptor = open(file(key), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, Int(info.st_mode) & 0o170000 == 0o100000,
            Int(info.st_size) <= Self.maximumEntrySize
        else { return nil }
        let size = Int(info.st_size)
        var whole = true
        // Read straight into the array's storage, not zeroed first: `initializedCount` counts only what
        // `read` filled, and a short file (truncated meanwhile) gives nil.
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
            while initializedCount < size {
                let count = read(descriptor, buffer.baseAddress.map { $0 + initializedCount }, size - initializedCount)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else {
                    whole = false
                    return
                }
                initializedCount += count
            }
        }
        return whole ? bytes : nil
    }

    func store(_ key: String, _ bytes: [UInt8]) {
        // An entry too large to be read back is not written.
        guard bytes.count <= Self.maximumEntrySize else { return }
        let temporary = path + "/." + key + ".tmp-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        let written = Console.writeAll(bytes, to: descriptor)
        if close(descriptor) != 0 || !written || rename(temporary, file(key)) != 0 {
            unlink(temporary)
        }
    }
}
