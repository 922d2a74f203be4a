import Diagnostics

/// The lines of a source file, for printing the source line under a diagnostic and for mapping
/// offsets inside scalars back to the file.
///
/// Lines are numbered from 1 and split at LF, CR LF (one break) and a lone CR, the way
/// `YAMLParser` counts them. A leading UTF-8 BOM is not part of line 1. Bytes that are not valid
/// UTF-8 are shown as U+FFFD.
public struct SourceLines: Sendable, Hashable {
    /// The file's path relative to the workspace root.
    public let path: String
    private let bytes: [UInt8]
    /// For each line, the byte offset where its content starts (4 bytes a line: a template's table is
    /// kept for the whole check). A line's content ends where the next line's terminator begins.
    private let starts: [UInt32]

    /// Splits `file` into lines.
    public init(_ file: SourceFile) {
        path = file.path
        let raw = file.bytes
        var start = 0
        if raw.count >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF { start = 3 }
        bytes = raw
        starts = Self.lineStarts(raw, from: start)
    }

    /// The lines of `file` from the table `text` (built from the same bytes, without an encoding failure)
    /// made while parsing: the same lines as ``init(_:)``, whose scan it saves (``init(_:)`` is its
    /// definition, `ByteScanDifferentialTests`).
    init(_ file: SourceFile, text: SourceText) {
        path = file.path
        bytes = file.bytes
        // `text.bytes` is a slice of `file.bytes` past its BOM: its offsets move by the slice's start.
        let offset = text.bytes.startIndex
        starts = text.lineByteStarts.map { UInt32(clamping: $0 + offset) }
    }

    /// The byte offset of each line's start in `raw`, the first at `start`.
    static func lineStarts(_ raw: [UInt8], from start: Int) -> [UInt32] {
        var starts: [UInt32] = [UInt32(clamping: start)]
        raw.withUnsafeBufferPointer { buffer in
            var i = start
            let n = buffer.count
            while i < n {
                // Eight bytes at a time while none is below 0x0E (no LF or CR among them). The load reads
                // bytes i..<i+8, inside the buffer since i + 8 <= n; `baseAddress` is not nil since n > 0.
                if let base = buffer.baseAddress {
                    while i + 8 <= n, !Self.holdsByteBelow14(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                    {
                        i += 8
                    }
                    if i >= n { break }
                }
                let b = buffer[i]
                if b == 0x0A {
                    i += 1
                    starts.append(UInt32(clamping: i))
                } else if b == 0x0D {
                    i += (i + 1 < n && buffer[i + 1] == 0x0A) ? 2 : 1
                    starts.append(UInt32(clamping: i))
                } else {
                    i += 1
                }
            }
        }
        return starts
    }

    /// Whether one of the eight bytes of `word` is below 0x0E (`hasless(x, 14)` of the bit-twiddling
    /// folklore: exact about whether such a byte is present, for any bytes, since 14 <= 128).
    @inline(__always)
    static func holdsByteBelow14(_ word: UInt64) -> Bool {
        (word &- 0x0E0E_0E0E_0E0E_0E0E) & ~word & 0x8080_8080_8080_8080 != 0
    }

    /// The number of lines (a file ending in a line break has an empty last line).
    public var count: Int { starts.count }

    /// The byte range of 0-based line `index`'s content, without its line terminator.
    private func contentRange(_ index: Int) -> Range<Int> {
        let start = Int(starts[index])
        guard index + 1 < starts.count else { return start..<max(start, bytes.count) }
        var end = Int(starts[index + 1])
        // The terminator is `\n`, `\r\n` or `\r`.
        if end > start, bytes[end - 1] == 0x0A { end -= 1 }
        if end > start, bytes[end - 1] == 0x0D { end -= 1 }
        return start..<end
    }

    /// The text of 1-based line `line` without its line terminator, or `nil` past the end of the file.
    public func text(ofLine line: Int) -> String? {
        guard line >= 1, line <= starts.count else { return nil }
        return String(decoding: bytes[contentRange(line - 1)], as: UTF8.self)
    }

    /// The text of 1-based line `line`; `nil` past the end of the file.
    public subscript(line: Int) -> String? { text(ofLine: line) }

    /// The Unicode scalars of 1-based `line`, so that index `c - 1` is column `c`.
    func scalars(ofLine line: Int) -> [Unicode.Scalar]? {
        guard let text = text(ofLine: line) else { return nil }
        return Array(text.unicodeScalars)
    }

    /// Where the characters `characters` (offsets in Unicode scalars into the scalar's decoded text)
    /// of scalar `node` are in the file.
    ///
    /// Exact for plain, single-quoted and double-quoted scalars on one line whose source text equals
    /// their decoded text (no escapes, no `''`, no line folding) and for literal block scalars
    /// (`|`, `|-`, `|+`, indentation stripped). Otherwise, and for folded scalars, mappings and
    /// sequences, the whole node's range.
    public func range(ofScalarCharacters characters: Range<Int>, in node: YAMLNode) -> SourceRange {
        ScalarLocator(node: node, lines: self).range(ofScalarCharacters: characters)
    }

    /// A locator for many ranges of scalar `node`: built once (linear in its text), each range is
    /// then found in logarithmic time (see ``range(ofScalarCharacters:in:)``).
    public func locator(for node: YAMLNode) -> ScalarLocator {
        ScalarLocator(node: node, lines: self)
    }
}
