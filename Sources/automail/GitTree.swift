import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes the tree of a git revision into a folder, object by object, for `automail diff REV`: what
/// the revision holds, never what its content asks for.
///
/// `git archive` is not used: it obeys the archived tree's own `.gitattributes`, so a pull request could
/// mark a new trigger `export-ignore` and hide it from the diff while `build` of the same checkout
/// sends it (or rewrite a file with `export-subst`). Here the entries come from `git ls-tree -r -t -z`
/// and the blobs, raw, from `git cat-file --batch`: no attributes, no smudge or textconv filters, no LFS,
/// no replace refs. Each entry is written as a checkout writes it: a folder, a regular file (mode 0644),
/// a symbolic link with the blob as its target (the loader then refuses links that leave the
/// workspace, as it does in a checkout), an empty folder for a submodule. A blob larger than
/// `sparseAbove` is written as a sparse file of its size, so that the loader refuses it (AM110) without
/// the disk holding it.
///
/// Entries whose path could leave the folder (`..`, `.`, empty components, `.git`) or that lie under a
/// symbolic link written before are not written; a crafted tree with such entries is no checkout either.
struct GitTree {
    /// One entry of `git ls-tree`.
    struct Entry {
        var mode: String
        var type: String
        var object: String
        /// The path, relative to the tree, as raw bytes.
        var path: [UInt8]
    }

    /// Why the tree cannot be written.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The repository's top folder, where git runs.
    var repository: String
    /// Blobs larger than this are written as sparse files of their size.
    var sparseAbove: Int

    /// Whether `treeish` (`COMMIT:path`) names a tree of the repository.
    func isTree(_ treeish: String) throws(Git.Unavailable) -> Bool {
        let run = try Git.run(Self.baseArguments + ["cat-file", "-t", treeish], in: repository)
        return run.status == 0 && run.output.trimmingCharacters(in: .whitespacesAndNewlines) == "tree"
    }

    /// Writes the tree `treeish` into the existing empty folder `folder`.
    func write(_ treeish: String, into folder: String) throws(Failure) {
        let listing: Git.RawRun
        do {
            listing = try Git.runRaw(
                Self.baseArguments + ["ls-tree", "-r", "-t", "-z", "--full-tree", treeish], in: repository)
        } catch {
            throw Failure(description: error.description)
        }
        guard listing.status == 0 else { throw Failure(description: "git ls-tree failed: \(listing.errors)") }
        let entries = Self.parse(listing.output)
        var folders: Set<[UInt8]> = [[]]
        var blobs: [(entry: Entry, path: String)] = []
        for entry in entries {
            guard let parts = Self.safeComponents(entry.path) else { continue }
            let parent = Array(parts.dropLast().joined(separator: [UInt8(ascii: "/")]))
            // Only inside folders written here: never through a symbolic link written before.
            guard folders.contains(parent) else { continue }
            let path = folder + "/" + String(decoding: entry.path, as: UTF8.self)
            switch (entry.mode, entry.type) {
            case ("040000", "tree"), ("160000", "commit"):
                guard mkdir(path, 0o755) == 0 else {
                    throw Failure(description: "cannot create `\(path)`: \(SystemErrorText.current())")
                }
                folders.insert(entry.path)
            case ("100644", "blob"), ("100755", "blob"), ("120000", "blob"):
                blobs.append((entry, path))
            default:
                continue
            }
        }
        try writeBlobs(blobs)
    }

    /// Reads the blobs with one `git cat-file --batch` and writes each as a file or a link.
    private func writeBlobs(_ blobs: [(entry: Entry, path: String)]) throws(Failure) {
        guard !blobs.isEmpty else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + Self.baseArguments + ["cat-file", "--batch"]
        process.currentDirectoryURL = URL(fileURLWithPath: repository)
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw Failure(description: "cannot run git: \(error.localizedDescription)")
        }
        // The object names are written on another thread, so that neither pipe can fill and block git.
        let request = Data(blobs.map { $0.entry.object + "\n" }.joined().utf8)
        let writer = input.fileHandleForWriting
        Thread.detachNewThread {
            try? writer.write(contentsOf: request)
            try? writer.close()
        }
        var reader = BufferedReader(descriptor: output.fileHandleForReading.fileDescriptor)
        var failure: Failure?
        for blob in blobs {
            guard let header = reader.line() else {
                failure = Failure(description: "git cat-file stopped early")
                break
            }
            let fields = header.split(separator: " ")
            guard fields.count == 3, fields[1] == "blob", let size = Int(fields[2]), size >= 0 else {
                failure = Failure(description: "git cat-file cannot read `\(blob.entry.object)`: \(header)")
                break
            }
            do {
                try write(blob, size: size, from: &reader)
            } catch {
                failure = error
                break
            }
            guard reader.skip(1) else {
                failure = Failure(description: "git cat-file stopped early")
                break
            }
        }
        if failure != nil { process.terminate() }
        // Drain what is left, so that git is never blocked writing.
        while reader.skip(1 << 16) {}
        process.waitUntilExit()
        if let failure { throw failure }
        guard process.terminationStatus == 0 else { throw Failure(description: "git cat-file failed") }
    }

    /// Writes one blob of `size` bytes, read from `reader`, as a link or a file at `blob.path`.
    private func write(_ blob: (entry: Entry, path: String), size: Int, from reader: inout BufferedReader)
        throws(Failure)
    {
        if blob.entry.mode == "120000" {
            guard size <= 4096, let target = reader.bytes(size) else {
                _ = reader.skip(size)
                return
            }
            guard !target.contains(0) else { return }
            guard symlink(String(decoding: target, as: UTF8.self), blob.path) == 0 else {
                throw Failure(description: "cannot create `\(blob.path)`: \(SystemErrorText.current())")
            }
            return
        }
        let descriptor = open(blob.path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw Failure(description: "cannot create `\(blob.path)`: \(SystemErrorText.current())")
        }
        defer { close(descriptor) }
        if size > sparseAbove {
            guard reader.skip(size) else { throw Failure(description: "git cat-file stopped early") }
            guard ftruncate(descriptor, off_t(size)) == 0 else {
                throw Failure(description: "cannot write `\(blob.path)`: \(SystemErrorText.current())")
            }
            return
        }
        var left = size
        while left > 0 {
            guard let chunk = reader.bytes(min(left, 1 << 16)) else {
                throw Failure(description: "git cat-file stopped early")
            }
            guard Console.writeAll(chunk, to: descriptor) else {
                throw Failure(description: "cannot write `\(blob.path)`: \(SystemErrorText.current())")
            }
            left -= chunk.count
        }
    }

    /// Options for every git run here: no replace refs (the revision's own objects), paths never quoted.
    static let baseArguments = ["--no-replace-objects", "-c", "core.quotePath=false"]

    /// The entries of `ls-tree -z` output: `MODE SP TYPE SP OBJECT TAB PATH NUL`.
    static func parse(_ output: [UInt8]) -> [Entry] {
        output.split(separator: 0).compactMap { record in
            guard let tab = record.firstIndex(of: UInt8(ascii: "\t")) else { return nil }
            let fields = record[..<tab].split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
            guard fields.count == 3 else { return nil }
            return Entry(mode: fields[0], type: fields[1], object: fields[2], path: Array(record[(tab + 1)...]))
        }
    }

    /// The components of `path`, or `nil` when one could leave the folder or reach git's own: empty,
    /// `.`, `..`, `.git` in any case.
    static func safeComponents(_ path: [UInt8]) -> [[UInt8]]? {
        let parts = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map(Array.init)
        for part in parts {
            if part.isEmpty || part == Array(".".utf8) || part == Array("..".utf8) { return nil }
            if String(decoding: part, as: UTF8.self).lowercased() == ".git" { return nil }
        }
        return parts
    }
}

/// Reads a descriptor through a buffer: lines and counted byte runs, as `cat-file --batch` writes them.
private struct BufferedReader {
    let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Reads more into the buffer; `false` at the end.
    private mutating func fill() -> Bool {
        if ended { return false }
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 {
                ended = true
                return false
            }
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
    }

    /// The next line without its `\n`, or `nil` at the end.
    mutating func line() -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let text = String(decoding: buffer[start..<newline], as: UTF8.self)
                start = newline + 1
                return text
            }
            guard fill() else { return nil }
        }
    }

    /// The next `count` bytes, or `nil` when the input ends before.
    mutating func bytes(_ count: Int) -> [UInt8]? {
        while buffer.count - start < count {
            guard fill() else { return nil }
        }
        let run = Array(buffer[start..<(start + count)])
        start += count
        return run
    }

    /// Skips `count` bytes (or what is left); whether any input was there to skip.
    mutating func skip(_ count: Int) -> Bool {
        var left = count
        var any = false
        while left > 0 {
            if buffer.count == start, !fill() { return any || count == 0 }
            let taken = min(left, buffer.count - start)
            start += taken
            left -= taken
            any = true
        }
        return true
    }
}
