import Diagnostics

/// Why a single file could not be read, as a sentence fragment (`not a regular file`).
public struct FileReadError: Error, Sendable, CustomStringConvertible {
    /// The reason.
    public var description: String
}

extension WorkspaceLoader {
    /// Reads one file that is not part of a workspace (a preview contact), at most `limit` bytes; its
    /// ``SourceFile/path`` is `path` as given.
    public static func readFile(_ path: String, limit: Int = 1024 * 1024) -> Result<SourceFile, FileReadError> {
        switch FileSystem.readFile(FileSystem.absoluteStandardized(path), limit: limit) {
        case .success(let bytes): return .success(SourceFile(path: path, bytes: bytes))
        case .failure(.notRegular): return .failure(FileReadError(description: "not a regular file"))
        case .failure(.system(let reason)): return .failure(FileReadError(description: reason))
        case .failure(.tooLarge(let size)):
            return .failure(FileReadError(description: "larger than \(limit) bytes (\(size) bytes)"))
        }
    }
}
