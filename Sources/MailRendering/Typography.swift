import Liquid

/// Typographic conventions of a locale, applied to the author's text of a body or footer.
///
/// French: a narrow no-break space (U+202F) before `:`, `;`, `!` and `?` (replacing the space or
/// no-break space the author typed: none is inserted where there was none, so `https://` and `14:30`
/// stay as they are) and inside `«` and `»` (inserted when missing). So a `;` or `»` never starts a
/// line on a phone, and a `«` never ends one. Other locales are left as written.
public enum Typography: Sendable, Hashable {
    /// Text as written.
    case none
    /// French spacing.
    case french

    /// The typography of a locale code (`fr`, `fr-CA`… are French).
    public init(locale: String) {
        let language = locale.split(separator: "-").first.map { $0.lowercased() } ?? ""
        self = language == "fr" ? .french : .none
    }

    static let narrowNoBreakSpace: Unicode.Scalar = "\u{202F}"

    /// `html` (the Markdown writer's HTML, Liquid as placeholder tokens) with this typography applied to
    /// its text: never inside tags (so never in a URL), never in `<code>` or `<pre>`, never in a
    /// placeholder (Liquid, autolinks), which are letters and digits only.
    func apply(toProtectedHTML html: String) -> String {
        guard self == .french else { return html }
        var html = html
        // `nil`: nothing changed, the HTML is returned as it is (not made again from its bytes).
        return html.withUTF8(Self.french) ?? html
    }

    /// The offset of the first byte at or after `from` that can start or end an action of ``french(_:)``
    /// outside code: `<`, `:`, `;`, `!`, `?` or a byte of a multi-byte scalar (0x80 and above, so `0xC2` of
    /// U+00A0, `«` and `»`), or `bytes.count`. Eight bytes are read at once: the bytes `0x38...0x3F` (holding
    /// `:;<?`, and `89=>`, which the caller reads as any other byte), `!` and high bytes are flagged, and
    /// the lowest flag of the word is one of them (a flag above it may be a borrow's).
    static func nextFrenchCandidate(in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        let count = bytes.count
        var i = max(from, 0)
        if let base = bytes.baseAddress.map(UnsafeRawPointer.init) {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            // The load reads `i..<i + 8`, within the buffer.
            while i + 8 <= count {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let range = (word ^ 0x3838_3838_3838_3838) & 0xF8F8_F8F8_F8F8_F8F8
                let bang = word ^ 0x2121_2121_2121_2121
                let flags = (word | (range &- ones) & ~range | (bang &- ones) & ~bang) & highs
                if flags != 0 { return i + flags.trailingZeroBitCount >> 3 }
                i += 8
            }
        }
        while i < count {
            let byte = bytes[i]
            if byte >= 0x80 || byte & 0xF8 == 0x38 || byte == 0x21 { return i }
            i += 1
        }
        return count
    }

    /// French spacing on the UTF-8 bytes of the writer's HTML (valid UTF-8), copied in runs between the
    /// few places it acts on: a space or U+00A0 before `:;!?»`, `«` and `»`. A tag is read only to count
    /// `<code` and `<pre` (inside them nothing changes) and stays in its run. The scalar walk it replaced
    /// (`TextPassDifferentialTests.frenchByScalarView`) is the definition.
    /// `nil` when nothing changes.
    ///
    /// The bytes between two actions are skipped to the next candidate (``nextFrenchCandidate(in:from:)``, or
    /// the next `<` inside code), less one: the byte before a `:;!?` may be the space it replaces, and no
    /// byte before that one acts (a space acts only before a candidate).
    private static func french(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let count = bytes.count
        var result: [UInt8] = []
        result.reserveCapacity(count + count / 8)
        let narrow: [UInt8] = [0xE2, 0x80, 0xAF]
        // Every index below is checked against `count` before it is read.
        func isByte(_ i: Int, _ byte: UInt8) -> Bool { i < count && bytes[i] == byte }
        /// The length of the space (` `, U+00A0, U+202F) at `i`, or 0.
        func spaceLength(at i: Int) -> Int {
            if isByte(i, 0x20) { return 1 }
            if isByte(i, 0xC2), isByte(i + 1, 0xA0) { return 2 }
            if isByte(i, 0xE2), isByte(i + 1, 0x80), isByte(i + 2, 0xAF) { return 3 }
            return 0
        }
        /// Copies `bytes[start..<end]` (whole scalars).
        func copy(_ start: Int, _ end: Int) {
            guard start < end else { return }
            result.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
        }
        /// Whether the last scalar written lets `»` follow without a narrow space: none yet, a space, `>`,
        /// `\n`, U+00A0 or U+202F. What was written ends with whole scalars, so `C2` and `E2` before the
        /// last byte are the lead bytes of its last scalar.
        func lastBlocksNarrow() -> Bool {
            guard let last = result.last else { return true }
            let n = result.count
            return last == 0x20 || last == UInt8(ascii: ">") || last == 0x0A
                || (last == 0xA0 && n >= 2 && result[n - 2] == 0xC2)
                || (last == 0xAF && n >= 3 && result[n - 3] == 0xE2 && result[n - 2] == 0x80)
        }
        func tagStarts(_ tag: Range<Int>, with prefix: StaticString) -> Bool {
            let length = prefix.utf8CodeUnitCount
            guard tag.count >= length else { return false }
            let matches = prefix.withUTF8Buffer { prefix in
                (0..<length).allSatisfy { bytes[tag.lowerBound + $0] == prefix[$0] }
            }
            guard matches else { return false }
            // A non-ASCII scalar right after the prefix may join its last letter into one Character.
            guard tag.count > length, bytes[tag.lowerBound + length] >= 0x80 else { return true }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[tag]), as: UTF8.self)
                .hasPrefix(String(describing: prefix))
        }
        func tagIs(_ tag: Range<Int>, _ name: StaticString) -> Bool {
            name.withUTF8Buffer { name in
                name.count == tag.count && (0..<name.count).allSatisfy { bytes[tag.lowerBound + $0] == name[$0] }
            }
        }
        var codeDepth = 0
        var runStart = 0
        var changed = false
        var i = 0
        while i < count {
            // Skipped: bytes that neither act nor are read as a candidate's space. Inside code only a tag acts.
            let candidate =
                codeDepth == 0
                ? nextFrenchCandidate(in: bytes, from: i)
                : UTF8Text.nextOffset(of: UInt8(ascii: "<"), in: bytes, from: i)
            guard candidate < count else { break }
            if codeDepth == 0, candidate - 1 > i {
                i = candidate - 1
            } else if codeDepth > 0 {
                i = candidate
            }
            let byte = bytes[i]
            if byte == UInt8(ascii: "<") {
                // Every `<` here is the writer's markup: the tag stays in the run; only `<code`, `<pre`,
                // `</code>` and `</pre>` (their second byte `c`, `p` or `/`) change the depth.
                var end = i + 1
                while end < count, bytes[end] != UInt8(ascii: ">") { end += 1 }
                let tag = i..<min(end + 1, count)
                if tag.count > 1 {
                    let second = bytes[i + 1]
                    if second == UInt8(ascii: "c") || second == UInt8(ascii: "p") {
                        if tagStarts(tag, with: "<code") || tagStarts(tag, with: "<pre") { codeDepth += 1 }
                    } else if second == UInt8(ascii: "/") {
                        if tagIs(tag, "</code>") || tagIs(tag, "</pre>") { codeDepth = max(0, codeDepth - 1) }
                    }
                }
                i = tag.upperBound
                continue
            }
            guard codeDepth == 0 else {
                i += 1
                continue
            }
            if byte == 0x20 || (byte == 0xC2 && isByte(i + 1, 0xA0)) {
                // A space before `:;!?»` becomes the narrow no-break space.
                let next = i + (byte == 0x20 ? 1 : 2)
                if next < count,
                    bytes[next] == UInt8(ascii: ":") || bytes[next] == UInt8(ascii: ";")
                        || bytes[next] == UInt8(ascii: "!") || bytes[next] == UInt8(ascii: "?")
                        || (bytes[next] == 0xC2 && isByte(next + 1, 0xBB))
                {
                    copy(runStart, i)
                    result.append(contentsOf: narrow)
                    changed = true
                    runStart = next
                }
                i = next
            } else if byte == 0xC2, isByte(i + 1, 0xAB) {
                // `«`: a narrow space after it, replacing a space there.
                copy(runStart, i + 2)
                i += 2
                let space = spaceLength(at: i)
                if space > 0 {
                    result.append(contentsOf: narrow)
                    changed = true
                    i += space
                } else if i < count, bytes[i] != UInt8(ascii: "<") {
                    result.append(contentsOf: narrow)
                    changed = true
                }
                runStart = i
            } else if byte == 0xC2, isByte(i + 1, 0xBB) {
                // `»`: a narrow space before it, unless one (or a space, a tag, a line) is there.
                copy(runStart, i)
                if !lastBlocksNarrow() {
                    result.append(contentsOf: narrow)
                    changed = true
                }
                runStart = i
                i += 2
            } else {
                i += 1
            }
        }
        guard changed else { return nil }
        copy(runStart, count)
        return UTF8Text.string(result)
    }
}

/// What a Markdown conversion depends on besides the text: the locale's typography, and the values
/// automail knows at build time (`legal.*`, `workspace.*`), which the text part holds as words so that
/// it is wrapped on what the contact reads.
public struct ConversionSettings: Sendable, Hashable {
    /// The locale's typography.
    public var typography: Typography
    /// Values by Liquid path (`legal.publisher`): a bare `{{ legal.publisher }}` output in the text part
    /// is replaced by its value. A value holding `{{`, `{%` or a line break is left as Liquid.
    public var knownValues: [String: String] {
        didSet { knownKeys = Self.keyFilter(of: knownValues) }
    }
    /// The quick "no" of the text writer's known-value lookups, made once with the values (a locale's
    /// settings serve every text of the locale), not once a text: `nil` without values, `.some(nil)` when a
    /// key is not ASCII.
    private(set) var knownKeys: PlainTextWriter.ByteWriter.KeyFilter??

    /// Creates settings.
    public init(typography: Typography = .none, knownValues: [String: String] = [:]) {
        self.typography = typography
        self.knownValues = knownValues
        knownKeys = Self.keyFilter(of: knownValues)
    }

    private static func keyFilter(of values: [String: String]) -> PlainTextWriter.ByteWriter.KeyFilter?? {
        values.isEmpty ? nil : .some(PlainTextWriter.ByteWriter.KeyFilter(values.keys))
    }

    /// Equal typography and known values (the key filter follows from the values).
    public static func == (lhs: ConversionSettings, rhs: ConversionSettings) -> Bool {
        lhs.typography == rhs.typography && lhs.knownValues == rhs.knownValues
    }

    /// Hashes the typography and the number of known values, not the values: settings are keys beside
    /// each text converted (a few per build, one per locale), and hashing every value cost more than the
    /// conversion lookups they served. Equal settings still hash equally; `==` compares every value.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(typography)
        hasher.combine(knownValues.count)
    }

    /// The known value a Liquid output stands for: `{{ path }}` with no filter and no whitespace control.
    func value(ofOutput source: String) -> String? {
        guard !knownValues.isEmpty, let path = Self.path(ofOutput: source) else { return nil }
        guard let value = knownValues[path], !UTF8Text.containsCharacters(value, "{{"),
            !UTF8Text.containsCharacters(value, "{%")
        else { return nil }
        // A line break is a Character `\n` or `\r` (not the one Character `\r\n`); none without their bytes.
        let newline = Character("\n"), carriageReturn = Character("\r")
        if value.utf8.contains(0x0A) || value.utf8.contains(0x0D),
            value.contains(newline) || value.contains(carriageReturn)
        {
            return nil
        }
        return value
    }

    /// The path of `{{ path }}`: the text between `{{` and `}}`, spaces trimmed; `nil` for anything
    /// else, and for whitespace control (`{{-`, `-}}`). By Characters; by bytes when every byte is its
    /// own Character (ASCII without `\r`), where the two agree.
    static func path(ofOutput source: String) -> String? {
        guard source.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) else {
            guard source.hasPrefix("{{"), source.hasSuffix("}}"), !source.hasPrefix("{{-"), !source.hasSuffix("-}}")
            else { return nil }
            return source.dropFirst(2).dropLast(2).trimming([" "])
        }
        // On the contiguous bytes (no copy into an array).
        var source = source
        return source.withUTF8 { bytes -> String? in
            let open = UInt8(ascii: "{"), close = UInt8(ascii: "}"), dash = UInt8(ascii: "-")
            let space = UInt8(ascii: " ")
            // `{{` and `}}` cannot overlap: a text that starts with one and ends with the other has four
            // bytes or more.
            guard bytes.count >= 4, bytes[0] == open, bytes[1] == open, bytes[bytes.count - 2] == close,
                bytes[bytes.count - 1] == close, bytes[2] != dash, bytes[bytes.count - 3] != dash
            else { return nil }
            var start = 2
            var end = bytes.count - 2
            while start < end, bytes[start] == space { start += 1 }
            while end > start, bytes[end - 1] == space { end -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }
}
