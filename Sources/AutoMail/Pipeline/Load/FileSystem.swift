import BundleFormat

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few POSIX calls the load stage needs, with Swift-shaped results. Internal: nothing outside the
/// load stage touches the disk.
enum FileSystem {
    /// What `lstat`/`stat` says a path is.
    enum Kind: Equatable {
        case regular(size: Int)
        case directory
        case symbolicLink
        case other
    }

    /// Why a file could not be read.
    enum ReadFailure: Error, Equatable {
        /// The file is larger than the limit; `size` is what was seen.
        case tooLarge(size: Int)
        /// Not a regular file (a FIFO, a device, a folder).
        case notRegular
        /// A system error, as `strerror` words it.
        case system(String)
    }

    /// The kind of the entry at `path` without following a final symlink, or the `errno` that `lstat` set.
    static func entryKind(_ path: String) -> Result<Kind, SystemError> {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .failure(SystemError(errno)) }
        return .success(kind(of: info))
    }

    /// The kind of whatever `path` leads to, following symlinks.
    static func targetKind(_ path: String) -> Result<Kind, SystemError> {
        var info = stat()
        guard stat(path, &info) == 0 else { return .failure(SystemError(errno)) }
        return .success(kind(of: info))
    }

    private static func kind(of info: stat) -> Kind {
        switch Int(info.st_mode) & 0o170000 {
        case 0o100000: .regular(size: Int(info.st_size))
        case 0o040000: .directory
        case 0o120000: .symbolicLink
        default: .other
        }
    }

    /// The canonical absolute path of `path` with every symlink resolved, or the `errno` of `realpath`.
    static func resolvedPath(_ path: String) -> Result<String, SystemError> {
        guard let pointer = realpath(path, nil) else { return .failure(SystemError(errno)) }
        defer { free(pointer) }
        return .success(String(cString: pointer))
    }

    /// The current directory, or `/` if it cannot be had.
    static func currentDirectory() -> String {
        guard let pointer = getcwd(nil, 0) else { return "/" }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    /// `path` made absolute (against the current directory) and standardized lexically: no `.`, `..` or
    /// empty components, no trailing `/`. Symlinks are not resolved.
    static func absoluteStandardized(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : currentDirectory() + "/" + path
        var components: [Substring] = []
        for component in full.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    /// The names in a folder, sorted bytewise (never in the order the file system lists them).
    static func directoryEntries(_ path: String) -> Result<[String], SystemError> {
        guard let directory = opendir(path) else { return .failure(SystemError(errno)) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String in
                let bytes = raw.prefix { $0 != 0 }
                return String(decoding: bytes, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        // By bytes, compared over contiguous storage (the generic `utf8` walk cost ~300 instructions a comparison).
        return .success(names.sorted(by: JSONWriter.keyPrecedes))
    }

    /// The bytes of the regular file at `path`, refusing files larger than `limit` bytes. A FIFO, a device
    /// or a socket is never opened (opening a FIFO or a device can block, or act on the device): `stat`
    /// says what `path` is first, and only a regular file is opened. The descriptor is then checked to be
    /// that same regular file (opened non-blocking, so that a file swapped for a FIFO in between cannot
    /// block either) before reading.
    static func readFile(_ path: String, limit: Int) -> Result<[UInt8], ReadFailure> {
        var before = stat()
        guard stat(path, &before) == 0 else { return .failure(.system(SystemError(errno).description)) }
        guard Int(before.st_mode) & 0o170000 == 0o100000 else { return .failure(.notRegular) }
        guard Int(before.st_size) <= limit else { return .failure(.tooLarge(size: Int(before.st_size))) }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(.system(SystemError(errno).description)) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(.system(SystemError(errno).description)) }
        guard Int(info.st_mode) & 0o170000 == 0o100000, info.st_dev == before.st_dev, info.st_ino == before.st_ino
        else { return .failure(.notRegular) }
        let size = Int(info.st_size)
        guard size <= limit else { return .failure(.tooLarge(size: size)) }
        // Read straight into the array: the size `fstat` gave and one byte more, which tells a file that
        // grew meanwhile (a zeroed 64 KB buffer a file cost more than reading the workspace).
        var failure: Int32?
        var bytes = [UInt8](unsafeUninitializedCapacity: size + 1) { storage, initializedCount in
            while initializedCount < storage.count {
                let count = read(
                    descriptor, storage.baseAddress.map { $0 + initializedCount }, storage.count - initializedCount)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if count == 0 { return }
                initializedCount += count
            }
        }
        if let failure { return .failure(.system(SystemError(failure).description)) }
        if bytes.count <= size { return .success(bytes) }
        // It grew: read on, in chunks, up to the limit.
        if bytes.count > limit { return .failure(.tooLarge(size: bytes.count)) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.system(SystemError(errno).description))
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            // The file grew while being read: refuse it rather than read without bound.
            if bytes.count > limit { return .failure(.tooLarge(size: bytes.count)) }
        }
        return .success(bytes)
    }

    /// A small text file's content (refs, `HEAD`, `.git` files), or `nil`.
    static func readSmallText(_ path: String, limit: Int = 1024 * 1024) -> String? {
        guard case .success(let bytes) = readFile(path, limit: limit) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `path` (canonical) is `root` (canonical) or inside it.
    static func isInside(_ path: String, root: String) -> Bool {
        if root == "/" { return true }
        return path == root || path.hasPrefix(root + "/")
    }
}

/// An `errno` value with its message.
struct SystemError: Error, Equatable, CustomStringConvertible {
    /// The raw `errno`.
    var code: Int32

    init(_ code: Int32) { self.code = code }

    /// The system's message, lowercased the way diagnostics are written (`no such file or directory`).
    var description: String {
        guard let pointer = strerror(code) else { return "error \(code)" }
        let text = String(cString: pointer)
        guard let first = text.first else { return "error \(code)" }
        return first.lowercased() + text.dropFirst()
    }
}
