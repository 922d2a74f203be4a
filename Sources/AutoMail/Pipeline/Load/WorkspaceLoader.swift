import Diagnostics

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The load stage: reads a workspace folder into ``SourceFile``s. It never prints and never exits.
///
/// Read: `automail.yaml` at the root, every `*.yaml` directly inside `questionnaires/`, `templates/` and
/// `triggers/`, and every `*.html` directly inside `layouts/` (custom email layouts). Refused with a
/// diagnostic: every other entry of the three folders, whatever its name (`.yml`, `x.yaml `, a zero-width
/// character, `x.yaml.bak`, `notes.txt`, a subfolder; AM003, see ``WorkspaceFileName``), files that cannot
/// be read, symlinks that lead outside the workspace, broken links and link loops (AM002), files larger
/// than ``LoadLimits/maxFileBytes`` (AM110). Ignored: hidden files (a name starting with `.`: editor swap
/// and lock files) and files of `layouts/` other than `*.html`. Nothing depends on the order the file
/// system lists entries in.
public enum WorkspaceLoader {
    /// The folders whose `*.yaml` files are read, in the order they are reported.
    public static let folders = ["questionnaires", "templates", "triggers"]

    /// The folder of custom email layouts, whose `*.html` files are read.
    public static let layoutsFolder = "layouts"

    /// The manifest's file name, which marks a workspace root.
    public static let manifestName = "automail.yaml"

    /// Loads the workspace at `root` (a path as the user gave it, absolute or relative), reading files on
    /// up to `parallelism` threads: the same files and diagnostics for any number (``Reader/readFolder(_:fileExtension:)``).
    ///
    /// - Throws: ``WorkspaceLoadError`` when `root` is not a readable workspace folder with an `automail.yaml`.
    public static func load(
        root: String, limits: LoadLimits = .default, parallelism: Int = 1
    ) throws(WorkspaceLoadError) -> LoadedWorkspace {
        let absolute = FileSystem.absoluteStandardized(root)
        switch FileSystem.targetKind(absolute) {
        case .success(.directory): break
        case .success: throw .notADirectory(path: root)
        case .failure: throw .missingDirectory(path: root)
        }
        guard case .success(let realRoot) = FileSystem.resolvedPath(absolute) else {
            throw .missingDirectory(path: root)
        }

        var reader = Reader(root: absolute, realRoot: realRoot, limits: limits, parallelism: parallelism)

        // The manifest: without it, or when it cannot be read, there is no workspace to check.
        let manifestPath = join(absolute, manifestName)
        if case .failure(let error) = FileSystem.entryKind(manifestPath) {
            if error.code == ENOENT { throw .notAWorkspace(path: root) }
            throw .unreadableManifest(path: root, reason: error.description)
        }
        switch reader.read(relative: manifestName) {
        case .read(let file):
            reader.totalBytes += file.bytes.count
            reader.files.append(file)
        case .refused(let refusal) where refusal.diagnostic.code == .fileTooLarge:
            throw .manifestTooLarge(path: root, reason: refusal.reason)
        case .refused(let refusal): throw .unreadableManifest(path: root, reason: refusal.reason)
        }

        for folder in folders {
            reader.readFolder(folder)
        }
        reader.readFolder(layoutsFolder, fileExtension: ".html")

        var bag = DiagnosticBag()
        bag.report(contentsOf: reader.diagnostics)
        let files = reader.files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        return LoadedWorkspace(root: absolute, files: files, diagnostics: bag.sorted())
    }

    /// `base` and `name` joined with exactly one `/`.
    static func join(_ base: String, _ name: String) -> String {
        base.hasSuffix("/") ? base + name : base + "/" + name
    }
}

/// A refusal to read a file: the diagnostic, and the bare reason (for the manifest's thrown error).
struct Refusal {
    var diagnostic: Diagnostic
    var reason: String
}

/// The mutable state of one load.
private struct Reader {
    enum Outcome {
        case read(SourceFile)
        case refused(Refusal)
    }

    let root: String
    let realRoot: String
    let limits: LoadLimits
    /// The threads files are read on.
    let parallelism: Int
    var files: [SourceFile] = []
    var diagnostics: [Diagnostic] = []
    /// The bytes read so far.
    var totalBytes = 0
    /// Whether a workspace limit was reached (AM004 is reported once).
    var limitReached = false

    init(root: String, realRoot: String, limits: LoadLimits, parallelism: Int = 1) {
        self.root = root
        self.realRoot = realRoot
        self.limits = limits
        self.parallelism = max(1, parallelism)
    }

    /// Reads the `*.yaml` (or `fileExtension`) files directly inside `folder`, if it exists.
    mutating func readFolder(_ folder: String, fileExtension: String = ".yaml") {
        let path = WorkspaceLoader.join(root, folder)
        switch FileSystem.entryKind(path) {
        case .failure(let error) where error.code == ENOENT:
            return
        case .failure(let error):
            diagnostics.append(.rule(.unreadableFile, "cannot read `\(folder)/`: \(error)", at: nil))
            return
        case .success(.symbolicLink):
            guard case .success(let target) = FileSystem.resolvedPath(path) else {
                let message = "cannot read `\(folder)/`: broken symbolic link or symbolic link loop"
                diagnostics.append(.rule(.unreadableFile, message, at: nil))
                return
            }
            guard FileSystem.isInside(target, root: realRoot) else {
                diagnostics.append(
                    .rule(
                        .unreadableFile, "`\(folder)/` is not read: it links to a folder outside the workspace",
                        at: nil, help: "move the folder into the workspace instead of linking to it"))
                return
            }
            guard case .success(.directory) = FileSystem.targetKind(target) else {
                diagnostics.append(.rule(.unreadableFile, "`\(folder)/` is not read: not a folder", at: nil))
                return
            }
        case .success(.directory):
            break
        case .success:
            diagnostics.append(.rule(.unreadableFile, "`\(folder)/` is not read: not a folder", at: nil))
            return
        }

        let names: [String]
        switch FileSystem.directoryEntries(path) {
        case .success(let list): names = list
        case .failure(let error):
            diagnostics.append(.rule(.unreadableFile, "cannot read `\(folder)/`: \(error)", at: nil))
            return
        }
        // The files are read in runs of consecutive names, each run on the threads when every file of it
        // would be admitted whatever the sizes of the ones before it (``batchAdmitted(_:)``), else one by
        // one: the files read and the diagnostics are the serial loop's, and the bytes held never pass the
        // limits by more than that loop's one file.
        var run: [String] = []
        func readRun() -> Bool {
            defer { run.removeAll(keepingCapacity: true) }
            var start = 0
            while start < run.count {
                let count = batchAdmitted(run.count - start)
                guard count > 1 else {
                    guard admitsMoreFiles(run[start]) else { return false }
                    take(read(relative: run[start]))
                    start += 1
                    continue
                }
                let (reader, batch) = (self, run[start..<(start + count)])
                let outcomes = Parallel.map(count, parallelism: parallelism) {
                    reader.read(relative: batch[batch.startIndex + $0])
                }
                for outcome in outcomes { take(outcome) }
                start += count
            }
            return true
        }
        for name in names where !WorkspaceFileName.isHidden(name) {
            let relative = folder + "/" + name
            if WorkspaceFileName.isRead(name, fileExtension: fileExtension) {
                run.append(relative)
                if run.count == Self.runLength { guard readRun() else { return } }
            } else if fileExtension == ".yaml" {
                guard readRun() else { return }
                // Whatever is not read is said: a file never leaves the bundle without a word.
                let isFolder = FileSystem.entryKind(WorkspaceLoader.join(path, name)) == .success(.directory)
                diagnostics.append(WorkspaceFileName.diagnostic(folder: folder, name: name, isFolder: isFolder))
            }
        }
        _ = readRun()
    }

    /// How many names a run of ``readFolder(_:fileExtension:)`` gathers before it reads them.
    static let runLength = 64

    /// How many of the next `count` files may be read at once: all of them (up to `count`) when
    /// ``admitsMoreFiles(_:)`` would admit each in turn even if every one before it were as large as a file
    /// may be (``LoadLimits/maxFileBytes``); else 1, the serial loop. One thread: always 1.
    private func batchAdmitted(_ count: Int) -> Int {
        guard parallelism > 1, !limitReached else { return 1 }
        // The limits may be any `Int` a caller gives: differences taken without trapping on overflow.
        let (filesLeft, filesOverflow) = limits.maxFiles.subtractingReportingOverflow(files.count)
        let (bytesLeft, bytesOverflow) = limits.maxTotalBytes.subtractingReportingOverflow(totalBytes)
        guard !filesOverflow, !bytesOverflow, filesLeft > 1, bytesLeft > 0 else { return 1 }
        // File `k` of the batch (from 0) is admitted when `totalBytes + k * maxFileBytes < maxTotalBytes`.
        let bySize = limits.maxFileBytes > 0 ? (bytesLeft - 1) / limits.maxFileBytes + 1 : count
        return max(1, min(count, filesLeft, bySize))
    }

    /// Keeps what reading one file gave: the file, or its refusal's diagnostic.
    private mutating func take(_ outcome: Outcome) {
        switch outcome {
        case .read(let file):
            totalBytes += file.bytes.count
            files.append(file)
        case .refused(let refusal): diagnostics.append(refusal.diagnostic)
        }
    }

    /// Whether another file may be read under ``LoadLimits/maxFiles`` and ``LoadLimits/maxTotalBytes``;
    /// reports AM004 the first time one is reached.
    mutating func admitsMoreFiles(_ relative: String) -> Bool {
        if limitReached { return false }
        let reason: String
        if files.count >= limits.maxFiles {
            reason = "it has more than \(limits.maxFiles) files"
        } else if totalBytes >= limits.maxTotalBytes {
            reason = "its files add up to more than \(Self.byteCount(limits.maxTotalBytes))"
        } else {
            return true
        }
        limitReached = true
        diagnostics.append(
            .rule(
                .workspaceTooLarge,
                "the workspace is too large: \(reason); `\(relative)` and the files after it are not read",
                at: .startOf(file: relative),
                help:
                    "remove what does not belong in the workspace, or raise the limit (`--max-files`, `--max-workspace-size`)"
            ))
        return false
    }

    /// Reads one file given by its path relative to the root (what it read is counted by ``take(_:)``).
    func read(relative: String) -> Outcome {
        let path = WorkspaceLoader.join(root, relative)
        let at = SourceRange.startOf(file: relative)
        var target = path
        if case .success(.symbolicLink) = FileSystem.entryKind(path) {
            switch FileSystem.resolvedPath(path) {
            case .failure(let error):
                let reason = error.code == ELOOP ? "symbolic link loop" : "broken symbolic link"
                return refuse("cannot read `\(relative)`: \(reason)", reason: reason, at: at)
            case .success(let resolved):
                guard FileSystem.isInside(resolved, root: realRoot) else {
                    return refuse(
                        "`\(relative)` is not read: it links to a file outside the workspace",
                        reason: "it links to a file outside the workspace", at: at,
                        help: "copy the file into the workspace instead of linking to it")
                }
                target = resolved
            }
        }
        switch FileSystem.readFile(target, limit: limits.maxFileBytes) {
        case .success(let bytes):
            return .read(SourceFile(path: relative, bytes: bytes))
        case .failure(.notRegular):
            return refuse("`\(relative)` is not read: not a regular file", reason: "not a regular file", at: at)
        case .failure(.system(let reason)):
            return refuse("cannot read `\(relative)`: \(reason)", reason: reason, at: at)
        case .failure(.tooLarge(let size)):
            let reason = "it is larger than \(Self.byteCount(limits.maxFileBytes)) (\(size) bytes)"
            return .refused(
                Refusal(
                    diagnostic: .rule(
                        .fileTooLarge, "`\(relative)` is not read: \(reason)", at: at,
                        help: "split it into smaller files"),
                    reason: reason))
        }
    }

    private func refuse(_ message: String, reason: String, at range: SourceRange, help: String? = nil) -> Outcome {
        .refused(Refusal(diagnostic: .rule(.unreadableFile, message, at: range, help: help), reason: reason))
    }

    /// `16 MiB`, `512 KiB` or `100 bytes`.
    static func byteCount(_ bytes: Int) -> String {
        if bytes >= 1024 * 1024, bytes % (1024 * 1024) == 0 { return "\(bytes / (1024 * 1024)) MiB" }
        if bytes >= 1024, bytes % 1024 == 0 { return "\(bytes / 1024) KiB" }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }
}

extension WorkspaceLoader {
    /// AM001 when `files` (a workspace given as its files, not read from disk) has no `automail.yaml`.
    static func missingManifest(among files: [SourceFile]) -> Diagnostic? {
        guard !files.contains(where: { $0.path == manifestName }) else { return nil }
        return .rule(
            .notAWorkspace, "the workspace has no `automail.yaml`", at: nil,
            help: "create `automail.yaml` at the workspace root (`automail init` writes a starting one)")
    }
}
