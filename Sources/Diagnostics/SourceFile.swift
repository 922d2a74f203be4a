/// A file of the workspace as the compiler sees it: a path relative to the workspace root and its bytes.
///
/// The library never reads the disk to get these: the loader (or a test) hands them in.
public struct SourceFile: Sendable, Hashable {
    /// The path relative to the workspace root, with `/` separators (for example `templates/welcome.yaml`).
    public var path: String
    /// The raw bytes, exactly as read.
    public var bytes: [UInt8]

    /// Creates a source file from its path and raw bytes.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    /// Creates a source file from a path and UTF-8 text.
    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }
}
