#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import BundleFormat

/// Writes `build --output FILE` atomically: a temporary file `.FILE.tmp-PID` in the same folder, written
/// whole, flushed with `fsync`, then renamed over FILE. On failure the temporary file is removed and an
/// existing FILE is left untouched. `keygen` uses the same path without replacing (a hard link).
enum OutputFile {
    /// Why writing failed, as the system words it.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The folder that `path` would be written into, when it does not exist (or is not a folder).
    static func missingDirectory(for path: String) -> String? {
        let directory = directoryName(path)
        var info = stat()
        if stat(directory, &info) == 0, Int(info.st_mode) & 0o170000 == 0o040000 { return nil }
        return directory
    }

    /// Writes `bytes` to `path` atomically, the new file with permissions `mode`. With `replacing` false
    /// an existing `path` is never replaced (the temporary file is hard-linked, not renamed, into place).
    static func writeAtomically(
        _ bytes: [UInt8], to path: String, mode: mode_t = 0o644, replacing: Bool = true
    ) throws(Failure) {
        var file = AtomicFile(path: path, mode: mode)
        bytes.withUnsafeBytes { file.append($0) }
        try file.commit(replacing: replacing)
    }

    /// A file written atomically piece by piece: a temporary file `.FILE.tmp-PID` beside `path`, created
    /// on the first write, then ``commit(replacing:)`` flushes and renames it over `path`, or
    /// ``abandon()`` removes it. The first failure is kept and later writes are ignored: it is thrown
    /// by ``commit(replacing:)``, which then removes the temporary file. A bundle sink, so `build`
    /// streams the bundle straight into it.
    struct AtomicFile: BundleSink {
        let path: String
        let mode: mode_t
        private(set) var failure: Failure?
        private var descriptor: Int32 = -1
        /// Whether the temporary file was created (and so is ours to remove).
        private var created = false
        private var temporary: String {
            let directory = OutputFile.directoryName(path)
            let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
            return (directory == "." && !path.hasPrefix("./") ? "" : directory + "/") + ".\(name).tmp-\(getpid())"
        }

        /// A file to be written at `path`, with permissions `mode`; nothing is created yet.
        init(path: String, mode: mode_t = 0o644) {
            self.path = path
            self.mode = mode
        }

        mutating func append(_ bytes: UnsafeRawBufferPointer) {
            guard failure == nil, openIfNeeded() else { return }
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

        /// Flushes the file and moves it to `path` (with `replacing` false, links it there only if
        /// nothing is at `path`). On failure the temporary file is removed and `path` left untouched.
        mutating func commit(replacing: Bool = true) throws(Failure) {
            _ = openIfNeeded()
            let temporary = self.temporary
            if failure == nil, fsync(descriptor) != 0 { failure = Failure(description: OutputFile.systemMessage()) }
            if descriptor >= 0, close(descriptor) != 0, failure == nil { failure = Failure(description: OutputFile.systemMessage()) }
            descriptor = -1
            if failure == nil, replacing, rename(temporary, path) != 0 { failure = Failure(description: OutputFile.systemMessage()) }
            if failure == nil, !replacing, link(temporary, path) != 0 { failure = Failure(description: OutputFile.systemMessage()) }
            if let failure {
                if created { unlink(temporary) }
                throw failure
            }
            if !replacing { unlink(temporary) }
            // Make the rename itself durable; failing here loses nothing already written.
            let folder = open(OutputFile.directoryName(path), O_RDONLY | O_CLOEXEC)
            if folder >= 0 {
                fsync(folder)
                close(folder)
            }
        }

        /// Removes the temporary file, if any: `path` is left untouched.
        mutating func abandon() {
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
            if created { unlink(temporary) }
            created = false
        }

        /// Creates the temporary file unless it is open; whether it is (a failure is kept).
        private mutating func openIfNeeded() -> Bool {
            if descriptor >= 0 { return true }
            guard failure == nil else { return false }
            let temporary = self.temporary
            unlink(temporary)
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if descriptor < 0 { failure = Failure(description: OutputFile.systemMessage()) } else { created = true }
            return descriptor >= 0
        }
    }

    /// The folder part of `path`: `.` for a bare name, `/` for a file at the root.
    static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    private static func systemMessage() -> String {
        guard let pointer = strerror(errno) else { return "error \(errno)" }
        let text = String(cString: pointer)
        return (text.first?.lowercased() ?? "") + text.dropFirst()
    }
}
