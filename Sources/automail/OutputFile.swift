#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
        let directory = directoryName(path)
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        let temporary = (directory == "." && !path.hasPrefix("./") ? "" : directory + "/") + ".\(name).tmp-\(getpid())"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw Failure(description: systemMessage()) }
        var failure: Failure?
        if !Console.writeAll(bytes, to: descriptor) || fsync(descriptor) != 0 {
            failure = Failure(description: systemMessage())
        }
        if close(descriptor) != 0, failure == nil { failure = Failure(description: systemMessage()) }
        if failure == nil, replacing, rename(temporary, path) != 0 { failure = Failure(description: systemMessage()) }
        if failure == nil, !replacing, link(temporary, path) != 0 { failure = Failure(description: systemMessage()) }
        if let failure {
            unlink(temporary)
            throw failure
        }
        if !replacing { unlink(temporary) }
        // Make the rename itself durable; failing here loses nothing already written.
        let folder = open(directory, O_RDONLY | O_CLOEXEC)
        if folder >= 0 {
            fsync(folder)
            close(folder)
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
