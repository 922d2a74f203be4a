#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import BundleFormat

/// Writes the files the commands are told to write (`build --output`, `--report`, `diff --output`,
/// `preview --output`, `simulate --eml`, `keygen --out`), by what is at the path (``destination(of:)``):
///
/// - nothing, or a regular file: atomically. A temporary file `.FILE.tmp-PID` in the same folder is
///   written whole, flushed with `fsync`, then renamed over FILE. On failure the temporary file is
///   removed and an existing FILE is left untouched. `keygen` uses the same path without replacing (a
///   hard link).
/// - a symbolic link: what it leads to decides. A link to a regular file replaces that file (atomically,
///   beside it), never the link itself; a link to a character device or a FIFO writes through
///   (`/dev/stdout`); a broken link or a link to anything else is refused.
/// - `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: written to that open descriptor, as
///   shells treat these names (`build --output /dev/stdout >> log` appends to `log`, never replaces it).
/// - a character device (`/dev/null`, a terminal) or a FIFO (a pipe a consumer reads): written through,
///   never replaced: renaming a file over `/dev/null` would turn the device into a regular file for every
///   process on the machine. The output is written only once complete (a failed build writes nothing).
/// - anything else (a folder, a block device, a socket): refused, exit status 3.
enum OutputFile {
    /// Why writing failed, as the system words it.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// How a path is written.
    enum Destination: Equatable {
        /// Nothing there, or a regular file: a temporary file beside `path` is renamed over it. For a
        /// symbolic link to a regular file, `path` is the file the link leads to.
        case replace(path: String)
        /// A character device or a FIFO, or a link to one: opened for writing and written in place.
        case writeThrough(path: String)
        /// `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: the process's own open
        /// descriptor N, written as it is (appending where the shell opened it with `>>`), whatever it
        /// leads to, as shells treat these names.
        case descriptor(Int32)
        /// Not written, for `reason` (`it is a folder`).
        case refused(reason: String)
    }

    /// How `path` is written, by what is there now.
    static func destination(of path: String) -> Destination {
        if let descriptor = openDescriptor(named: path) {
            var info = stat()
            guard fstat(descriptor, &info) == 0 else { return .refused(reason: systemMessage()) }
            return .descriptor(descriptor)
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            return errno == ENOENT ? .replace(path: path) : .refused(reason: systemMessage())
        }
        if Int(info.st_mode) & 0o170000 == 0o120000 {
            guard stat(path, &info) == 0 else {
                return .refused(reason: "it is a broken symbolic link (\(systemMessage()))")
            }
            if Int(info.st_mode) & 0o170000 == 0o100000 {
                guard let resolved = realpath(path, nil) else { return .refused(reason: systemMessage()) }
                defer { free(resolved) }
                return .replace(path: String(cString: resolved))
            }
            return kind(info.st_mode, path: path, through: "it is a symbolic link to ")
        }
        return kind(info.st_mode, path: path, through: "it is ")
    }

    /// The descriptor a name of the process's own descriptors names (`/dev/stdout` is 1), or `nil`.
    static func openDescriptor(named path: String) -> Int32? {
        switch path {
        case "/dev/stdin": return 0
        case "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default: break
        }
        for prefix in ["/dev/fd/", "/proc/self/fd/"] where path.hasPrefix(prefix) {
            let number = path.dropFirst(prefix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int32(number) else {
                return nil
            }
            return value
        }
        return nil
    }

    private static func kind(_ mode: mode_t, path: String, through: String) -> Destination {
        switch Int(mode) & 0o170000 {
        case 0o100000: .replace(path: path)
        case 0o020000, 0o010000: .writeThrough(path: path)
        case 0o040000: .refused(reason: through + "a folder")
        case 0o060000: .refused(reason: through + "a block device")
        case 0o140000: .refused(reason: through + "a socket")
        default: .refused(reason: through + "not a regular file")
        }
    }

    /// The folder that `path` would be written into, when it does not exist (or is not a folder).
    static func missingDirectory(for path: String) -> String? {
        let directory = directoryName(path)
        var info = stat()
        if stat(directory, &info) == 0, Int(info.st_mode) & 0o170000 == 0o040000 { return nil }
        return directory
    }

    /// Writes `bytes` to `path` (see ``OutputFile``), a new file with permissions `mode`. With `replacing`
    /// false nothing that exists at `path` is ever replaced or written (the temporary file is hard-linked,
    /// not renamed, into place).
    static func writeAtomically(
        _ bytes: [UInt8], to path: String, mode: mode_t = 0o644, replacing: Bool = true
    ) throws(Failure) {
        var file = AtomicFile(path: path, mode: mode)
        bytes.withUnsafeBytes { file.append($0) }
        try file.commit(replacing: replacing)
    }

    /// A file written piece by piece, put in place only by ``commit(replacing:)``; ``abandon()`` leaves
    /// `path` untouched. For a file: a temporary file `.FILE.tmp-PID` beside it, created on the first
    /// write, flushed and renamed over it. For a character device or a FIFO: the bytes are kept in memory
    /// and written through on commit. The first failure is kept and later writes are ignored: it is thrown
    /// by ``commit(replacing:)``, which then removes the temporary file. A bundle sink, so `build`
    /// streams the bundle straight into it.
    struct AtomicFile: BundleSink {
        let path: String
        let mode: mode_t
        private(set) var failure: Failure?
        private var descriptor: Int32 = -1
        /// Whether the temporary file was created (and so is ours to remove).
        private var created = false
        /// How `path` is written, decided on the first write.
        private var destination: Destination?
        /// The bytes for a write-through destination, written on commit.
        private var pending: [UInt8] = []

        /// Whether the bytes are kept in memory and written through on commit.
        private var isWrittenThrough: Bool {
            switch destination {
            case .writeThrough, .descriptor: true
            default: false
            }
        }

        /// The file renamed over: `path`, or the regular file a link at `path` leads to.
        private var target: String {
            if case .replace(let resolved) = destination { return resolved }
            return path
        }

        private var temporary: String {
            let target = self.target
            let directory = OutputFile.directoryName(target)
            let name = target.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? target
            return (directory == "." && !target.hasPrefix("./") ? "" : directory + "/") + ".\(name).tmp-\(getpid())"
        }

        /// A file to be written at `path`, with permissions `mode`; nothing is created yet.
        init(path: String, mode: mode_t = 0o644) {
            self.path = path
            self.mode = mode
        }

        mutating func append(_ bytes: UnsafeRawBufferPointer) {
            guard failure == nil, openIfNeeded() else { return }
            if isWrittenThrough {
                pending.append(contentsOf: bytes)
                return
            }
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = Failure(description: OutputFile.systemMessage())
                    return
                }
                offset += written
            }
        }

        mutating func overwrite(at offset: Int, with bytes: [UInt8]) {
            guard failure == nil, openIfNeeded() else { return }
            if isWrittenThrough {
                pending.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
                return
            }
            var done = 0
            while done < bytes.count {
                let written = bytes.withUnsafeBytes { raw in
                    pwrite(descriptor, raw.baseAddress.map { $0 + done }, raw.count - done, off_t(offset + done))
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = Failure(description: OutputFile.systemMessage())
                    return
                }
                done += written
            }
        }

        /// Puts the bytes in place: flushes the temporary file and moves it over the target (with
        /// `replacing` false, links it there only if nothing is there), or writes a device or FIFO
        /// through. On failure the temporary file is removed and the target left untouched.
        mutating func commit(replacing: Bool = true) throws(Failure) {
            _ = openIfNeeded()
            if isWrittenThrough, failure == nil {
                if !replacing { failure = Failure(description: "it already exists") }
                if failure == nil {
                    switch destination {
                    case .writeThrough(let device): failure = Self.writeThrough(pending, to: device)
                    case .descriptor(let number):
                        if !Console.writeAll(pending, to: number) {
                            failure = Failure(description: OutputFile.systemMessage())
                        }
                    default: break
                    }
                }
                pending = []
                if let failure { throw failure }
                return
            }
            let temporary = self.temporary
            let target = self.target
            if failure == nil, fsync(descriptor) != 0 { failure = Failure(description: OutputFile.systemMessage()) }
            if descriptor >= 0, close(descriptor) != 0, failure == nil {
                failure = Failure(description: OutputFile.systemMessage())
            }
            descriptor = -1
            if failure == nil, replacing, rename(temporary, target) != 0 {
                failure = Failure(description: OutputFile.systemMessage())
            }
            if failure == nil, !replacing, link(temporary, target) != 0 {
                failure = Failure(description: OutputFile.systemMessage())
            }
            if let failure {
                if created { unlink(temporary) }
                throw failure
            }
            if !replacing { unlink(temporary) }
            // Make the rename itself durable; failing here loses nothing already written.
            let folder = open(OutputFile.directoryName(target), O_RDONLY | O_CLOEXEC)
            if folder >= 0 {
                fsync(folder)
                close(folder)
            }
        }

        /// Removes the temporary file, if any: `path` is left untouched. A FIFO gets nothing written, but
        /// a consumer already reading it is given the end of its input (an open and a close, never
        /// blocking) rather than left waiting for a writer that will not come.
        mutating func abandon() {
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
            if created { unlink(temporary) }
            created = false
            pending = []
            if case .writeThrough(let device) = destination ?? OutputFile.destination(of: path) {
                var info = stat()
                if stat(device, &info) == 0, Int(info.st_mode) & 0o170000 == 0o010000 {
                    let end = open(device, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
                    if end >= 0 { close(end) }
                }
            }
        }

        /// Decides the destination, and creates the temporary file unless it is open or the destination
        /// is written through; whether writing may go on (a failure is kept).
        private mutating func openIfNeeded() -> Bool {
            if descriptor >= 0 { return true }
            guard failure == nil else { return false }
            if destination == nil { destination = OutputFile.destination(of: path) }
            switch destination {
            case .refused(let reason):
                failure = Failure(description: reason)
                return false
            case .writeThrough, .descriptor:
                return true
            case .replace, nil:
                break
            }
            let temporary = self.temporary
            unlink(temporary)
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if descriptor < 0 { failure = Failure(description: OutputFile.systemMessage()) } else { created = true }
            return descriptor >= 0
        }

        /// Writes `bytes` to the character device or FIFO `path`, opened without creating or truncating
        /// anything; refuses what turns out not to be one by the time it is opened.
        private static func writeThrough(_ bytes: [UInt8], to path: String) -> Failure? {
            let descriptor = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)
            guard descriptor >= 0 else { return Failure(description: OutputFile.systemMessage()) }
            var info = stat()
            guard fstat(descriptor, &info) == 0 else {
                let failure = Failure(description: OutputFile.systemMessage())
                close(descriptor)
                return failure
            }
            let kind = Int(info.st_mode) & 0o170000
            guard kind == 0o020000 || kind == 0o010000 else {
                close(descriptor)
                return Failure(description: "it changed while being written: not a device or a FIFO any more")
            }
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { raw in
                    write(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset)
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    let failure = Failure(description: OutputFile.systemMessage())
                    close(descriptor)
                    return failure
                }
                offset += written
            }
            if close(descriptor) != 0, errno != EINTR { return Failure(description: OutputFile.systemMessage()) }
            return nil
        }
    }

    /// The folder part of `path`: `.` for a bare name, `/` for a file at the root.
    static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    private static func systemMessage() -> String {
        SystemErrorText.current()
    }
}
