#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

import Synchronization

/// A literal block scalar's text (`body: |`) kept as where it lies in its file's bytes, decoded only
/// when it is read: a workspace's bodies are most of its bytes, and holding each one a second time as a
/// `String` beside the file cost about 50 MB on the generated L workspace.
///
/// The text is `lineCount` lines of the file from byte `start`, each without its first `indent` bytes
/// (blanks) or, for a line of blanks only, empty; joined by `\n`, and followed by one more `\n` when
/// `finalNewline` is set. ``match(_:in:from:indent:)`` builds one only when that decoding gives
/// exactly the text libyaml decoded, so a view always reads as libyaml's value; any other scalar (an
/// indentation indicator libyaml read differently, a lone CR, a tab in the indentation) keeps its
/// decoded `String`.
///
/// A class, not a struct: a scalar holding one copies a single reference, and the cache of decoded
/// texts (``DecodedBlockCache``) recognises a view by its identity.
public final class BlockScalarText: Sendable {
    /// The whole file, shared with the ``Diagnostics/SourceFile`` it was parsed from (not copied).
    let bytes: [UInt8]
    /// The byte index in `bytes` of the first line's first byte.
    let start: Int
    /// The length in bytes of the decoded text.
    let count: Int
    /// The number of lines.
    let lineCount: Int
    /// The blanks removed at the start of each line.
    let indent: Int
    /// Whether the text ends with a line break after its last line.
    let finalNewline: Bool

    private init(bytes: [UInt8], start: Int, count: Int, lineCount: Int, indent: Int, finalNewline: Bool) {
        self.bytes = bytes
        self.start = start
        self.count = count
        self.lineCount = lineCount
        self.indent = indent
        self.finalNewline = finalNewline
    }

    /// The end (exclusive) of the line starting at `i` (`i <= buffer.count`): the index of its `\n` (a
    /// `\r` before it is not part of the line) or the end of the bytes, and where the next line starts.
    @inline(__always)
    private static func lineEnd(_ buffer: UnsafeBufferPointer<UInt8>, from i: Int) -> (content: Int, next: Int) {
        var end = buffer.count
        // `memchr` reads `buffer.count - i` bytes from `base + i`: the rest of the buffer.
        if i < buffer.count, let base = buffer.baseAddress, let found = memchr(base + i, 0x0A, buffer.count - i) {
            end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
        let next = end < buffer.count ? end + 1 : end
        if end > i, end < buffer.count, buffer[end - 1] == 0x0D { end -= 1 }
        return (end, next)
    }

    /// The part of the line `i..<end` that the text holds: without `indent` leading blanks, or empty for
    /// a line of blanks only; `nil` when the line is neither (a view cannot describe it).
    @inline(__always)
    private static func content(_ buffer: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int, indent: Int) -> Range<Int>?
    {
        var k = 0
        while k < indent, i + k < end, buffer[i + k] == 0x20 { k += 1 }
        if k == indent { return (i + k)..<end }
        return i + k == end ? end..<end : nil
    }

    /// The view of `value` (libyaml's decoded text of a literal block scalar) in `bytes`, its lines
    /// starting at byte index `start` and indented by `indent` blanks; `nil` when the view's decoding
    /// would differ from `value` in any byte.
    static func match(
        _ value: UnsafeBufferPointer<UInt8>, in bytes: [UInt8], from start: Int, indent: Int
    ) -> BlockScalarText? {
        guard indent > 0, start >= 0, start <= bytes.count, !value.isEmpty else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> BlockScalarText? in
            var v = 0
            var i = start
            var lines = 0
            while true {
                guard i <= buffer.count else { return nil }
                let (end, next) = lineEnd(buffer, from: i)
                guard let part = content(buffer, i, end, indent: indent) else { return nil }
                let length = part.count
                guard v + length <= value.count else { return nil }
                // Compare the line's content with the value's next bytes. Both ranges are inside their
                // buffers: `part` within `buffer` (from `lineEnd`), `v + length <= value.count` above.
                if length > 0 {
                    guard let a = buffer.baseAddress, let b = value.baseAddress,
                        memcmp(a + part.lowerBound, b + v, length) == 0
                    else { return nil }
                }
                v += length
                lines += 1
                if v == value.count {
                    return BlockScalarText(
                        bytes: bytes, start: start, count: value.count, lineCount: lines, indent: indent,
                        finalNewline: false)
                }
                guard value[v] == 0x0A, next > end else { return nil }
                v += 1
                if v == value.count {
                    return BlockScalarText(
                        bytes: bytes, start: start, count: value.count, lineCount: lines, indent: indent,
                        finalNewline: true)
                }
                i = next
            }
        }
    }

    /// The decoded text: from ``DecodedBlockCache`` when this view was decoded lately (a rule reads one
    /// body several times in a row), else decoded now.
    public var text: String {
        if let text = DecodedBlockCache.shared.text(of: self) { return text }
        let text = decoded()
        DecodedBlockCache.shared.keep(text, of: self)
        return text
    }

    /// Calls `body` with the decoded text's UTF-8 bytes, without making a `String`: taken from
    /// ``DecodedBlockCache`` when this view was decoded lately, else decoded into a temporary buffer that
    /// lives only during the call. For a reader that hashes, counts or compares the text (a fingerprint)
    /// and would otherwise pay the `String`'s allocation and its UTF-8 validation (about two thirds of a
    /// decoding). The bytes are valid UTF-8 all the same: the file passed the UTF-8 check, and the text is
    /// its lines cut at line breaks and after ASCII blanks, never inside a character.
    public func withDecodedUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if var text = DecodedBlockCache.shared.text(of: self) { return try text.withUTF8(body) }
        return try withFreshlyDecodedUTF8(body)
    }

    /// ``withDecodedUTF8(_:)`` without the cache: decoded into a temporary buffer.
    func withFreshlyDecodedUTF8<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(count, 1)) { out in
            let written = decode(into: out)
            return try body(UnsafeBufferPointer(rebasing: out[..<written]))
        }
    }

    /// The text decoded from the file's bytes, a line at a time (`memchr` finds each line break).
    func decoded() -> String {
        String(unsafeUninitializedCapacity: count) { out in decode(into: out) }
    }

    /// Decodes the text into `out` (room for ``count`` bytes), a line at a time; returns the bytes written
    /// (``count``, unless `out` is shorter).
    private func decode(into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, let to = out.baseAddress else { return 0 }
            var o = 0
            var i = start
            for line in 0..<lineCount {
                let (end, next) = Self.lineEnd(buffer, from: i)
                // `match` accepted every line, so `content` is not nil; the lines' contents and the line
                // breaks add up to `count`, and each copy is checked against `out.count`, so it stays inside.
                guard let part = Self.content(buffer, i, end, indent: indent), o + part.count <= out.count
                else { return o }
                if !part.isEmpty { (to + o).update(from: base + part.lowerBound, count: part.count) }
                o += part.count
                if line + 1 < lineCount || finalNewline {
                    guard o < out.count else { return o }
                    out[o] = 0x0A
                    o += 1
                }
                i = next
            }
            return o
        }
    }
}

/// The texts of the block scalars decoded last, so that reading one body several times in a row decodes
/// it once. Small (eight texts) and shared by every thread behind a lock; each entry holds its view, so
/// the file storage an entry is recognised by stays alive as long as the entry (it also keeps up to
/// eight files' bytes alive after a compilation, which its workspace held anyway). A view is recognised by
/// its identity: the entry holds it, so its address is not reused while the entry lasts.
final class DecodedBlockCache: Sendable {
    /// The one cache of the process.
    static let shared = DecodedBlockCache()

    private static let capacity = 8

    /// The entries, oldest replaced first (`next`), behind the standard library's mutex.
    private struct Entries: ~Copyable {
        var entries: [(view: BlockScalarText, text: String)] = []
        var next = 0
    }

    private let state = Mutex(Entries())

    private init() {}

    /// The text of `view`, if it was decoded lately.
    func text(of view: BlockScalarText) -> String? {
        state.withLock { state in
            for entry in state.entries where entry.view === view { return entry.text }
            return nil
        }
    }

    /// Keeps `text`, the decoding of `view`, in place of the oldest entry.
    func keep(_ text: String, of view: BlockScalarText) {
        state.withLock { state in
            if state.entries.count < Self.capacity {
                state.entries.append((view, text))
            } else {
                state.entries[state.next] = (view, text)
            }
            state.next = (state.next + 1) % Self.capacity
        }
    }
}
