/// A position in a source file: 1-based line and 1-based column counted in Unicode scalars (characters
/// as libyaml counts them), the way editors and CI annotations expect.
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    // Stored in 32 bits: every decoded value carries two positions, and a national workspace holds
    // millions of them (a loaded file is far below 2^31 lines or columns).
    private var storedLine: Int32
    private var storedColumn: Int32

    /// The 1-based line number.
    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = Int32(clamping: newValue) }
    }

    /// The 1-based column, counted in Unicode scalars.
    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = Int32(clamping: newValue) }
    }

    /// Creates a position from a 1-based line and column.
    public init(line: Int, column: Int) {
        storedLine = Int32(clamping: line)
        storedColumn = Int32(clamping: column)
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.storedLine, lhs.storedColumn) < (rhs.storedLine, rhs.storedColumn)
    }

    public var description: String { "\(line):\(column)" }
}

/// A range in one source file. `end` points just past the last character of the range.
public struct SourceRange: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file's path relative to the workspace root.
    public var file: String
    /// The first character of the range.
    public var start: SourcePosition
    /// Just past the last character of the range.
    public var end: SourcePosition

    /// Creates a range in `file` from `start` to just before `end`.
    public init(file: String, start: SourcePosition, end: SourcePosition) {
        self.file = file
        self.start = start
        self.end = max(start, end)
    }

    /// A range covering a single position (used for whole-file or end-of-file diagnostics).
    public init(file: String, at position: SourcePosition) {
        self.init(file: file, start: position, end: position)
    }

    /// The start of `file`.
    public static func startOf(file: String) -> SourceRange {
        SourceRange(file: file, at: SourcePosition(line: 1, column: 1))
    }

    public static func < (lhs: SourceRange, rhs: SourceRange) -> Bool {
        (lhs.file, lhs.start, lhs.end) < (rhs.file, rhs.start, rhs.end)
    }

    public var description: String { "\(file):\(start)" }
}
