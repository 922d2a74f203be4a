import Diagnostics

/// Limits the loader enforces so that a hostile or broken workspace cannot exhaust memory or time.
public struct LoadLimits: Sendable, Hashable {
    /// Files larger than this many bytes are not read (AM110; `--max-file-size`).
    public var maxFileBytes: Int
    /// At most this many files are read; the rest, in path order, are refused (AM004; `--max-files`).
    public var maxFiles: Int
    /// Files are read until they add up to this many bytes; the rest are refused (AM004;
    /// `--max-workspace-size`).
    public var maxTotalBytes: Int

    /// Creates limits.
    public init(maxFileBytes: Int, maxFiles: Int = 100_000, maxTotalBytes: Int = 256 * 1024 * 1024) {
        self.maxFileBytes = maxFileBytes
        self.maxFiles = maxFiles
        self.maxTotalBytes = maxTotalBytes
    }

    /// The limits `automail` uses: 16 MiB a file, 100,000 files, 256 MiB in all.
    public static let `default` = LoadLimits(maxFileBytes: 16 * 1024 * 1024)
}

/// What the load stage produced: the workspace's files, ready for the compiler, and what went wrong
/// reading them.
public struct LoadedWorkspace: Sendable, Hashable {
    /// The workspace root: absolute and standardized (no `.`, `..` or repeated `/`), symlinks kept.
    public var root: String
    /// The files read, sorted bytewise by their relative path; `automail.yaml` is among them.
    public var files: [SourceFile]
    /// Problems met while reading (AM002, AM003, AM110), in the stable reporting order.
    public var diagnostics: [Diagnostic]

    /// Creates a loaded workspace.
    public init(root: String, files: [SourceFile], diagnostics: [Diagnostic]) {
        self.root = root
        self.files = files
        self.diagnostics = diagnostics
    }

    /// The files by path, as ``HumanReporter`` wants them.
    public var filesByPath: [String: SourceFile] {
        Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Why a folder could not be loaded as a workspace at all. The CLI exits with status 2, or 1 for
/// ``manifestTooLarge`` (AM110 is an error of the workspace, as for any other file).
public enum WorkspaceLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The folder exists but has no `automail.yaml`.
    case notAWorkspace(path: String)
    /// Nothing exists at the path.
    case missingDirectory(path: String)
    /// The path is not a folder (a regular file, for example).
    case notADirectory(path: String)
    /// `automail.yaml` exists but cannot be read; `reason` is the system's explanation.
    case unreadableManifest(path: String, reason: String)
    /// `automail.yaml` is larger than ``LoadLimits/maxFileBytes``: refused like any file past the limit
    /// (AM110, an error: the CLI exits with status 1, not 2); `reason` says by how much.
    case manifestTooLarge(path: String, reason: String)

    /// The message to print, lowercase, naming the path as the user gave it.
    public var message: String {
        switch self {
        case .notAWorkspace(let path):
            "`\(path)` is not an automail workspace: no `automail.yaml`"
        case .missingDirectory(let path):
            "`\(path)` is not an automail workspace: no such directory"
        case .notADirectory(let path):
            "`\(path)` is not an automail workspace: not a directory"
        case .unreadableManifest(let path, let reason):
            "cannot read `\(WorkspaceLoader.join(path, "automail.yaml"))`: \(reason)"
        case .manifestTooLarge(let path, let reason):
            "`\(WorkspaceLoader.join(path, "automail.yaml"))` is not read: \(reason)"
        }
    }

    /// A fix, when there is one obvious fix.
    public var help: String? {
        switch self {
        case .notAWorkspace, .missingDirectory, .notADirectory:
            "pass the folder that holds `automail.yaml`, or create one (see docs/workspace-format.md)"
        case .unreadableManifest:
            nil
        case .manifestTooLarge:
            "make it smaller, or raise the limit (`--max-file-size`)"
        }
    }

    /// The error as a diagnostic, so that it prints like every other problem.
    public var diagnostic: Diagnostic {
        switch self {
        case .unreadableManifest:
            .rule(.unreadableFile, message, at: nil, help: help)
        case .manifestTooLarge:
            .rule(.fileTooLarge, message, at: nil, help: help)
        default:
            .rule(.notAWorkspace, message, at: nil, help: help)
        }
    }

    /// Whether the workspace is at fault, as for an error diagnostic (exit status 1), rather than the
    /// folder named not being a readable workspace (exit status 2).
    public var isWorkspaceError: Bool {
        if case .manifestTooLarge = self { return true }
        return false
    }

    public var description: String { message }
}
