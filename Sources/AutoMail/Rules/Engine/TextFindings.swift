#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import Liquid
import MailRendering

/// What the template rules work out on one template that later steps need again, keyed by source
/// text: each Markdown text converted once (`RenderedMarkdown`, with ``TemplateRules/keepsRenderings``),
/// the variables each Liquid text reads (for the lowering) and each parsed Liquid text (for the
/// rendering rules). Kept for one template at a time, so each table holds a few texts a locale: they are
/// ``TextTable``s, looked up without hashing the texts.
struct TextFindings {
    var markdown: TextTable<MarkdownKey, RenderedMarkdown> = [:]
    /// The HTML part alone of a text with a Liquid tag, converted by `check` (which writes no text part)
    /// for the converted-Liquid checks (only of a text within the Markdown bounds: one past them is not
    /// converted).
    var convertedHTML: TextTable<TextKey, String> = [:]
    /// The texts with a Liquid tag whose conversion `check` left unwritten, as nothing in it is for the
    /// converted-Liquid checks to find (`MarkdownLiquidCheck.html` is `nil`: the conversion holds the
    /// source's constructs alike with every tag outside every element, or the Markdown is past its bounds).
    var convertedLiquidSettled: Set<TextKey> = []
    var reads: TextTable<TextKey, Set<String>> = [:]
    var liquid: TextTable<TextKey, ParsedLiquid> = [:]
}

/// A key of a ``TextTable``: equal keys have equal ``utf8Count``s, so that the table compares the texts of
/// keys of the same length only.
protocol TextTableKey: Hashable {
    /// The UTF-8 length of the key's text.
    var utf8Count: Int { get }
}

/// A table of a few texts (one template's), looked up by comparing lengths, then the bytes of a text of
/// the same length: no text is hashed. A `Dictionary` keyed by ``TextKey`` hashes every byte of the text
/// at each lookup, and the template rules and the lowering look each body up six to eight times.
///
/// Past ``linearLimit`` entries (a workspace with many locales) lookups go through a `Dictionary` of the
/// keys' positions, so a lookup never reads more than that many lengths.
struct TextTable<Key: TextTableKey, Value>: ExpressibleByDictionaryLiteral {
    /// The entries a lookup scans before the table keeps an index.
    static var linearLimit: Int { 16 }

    private var keys: [Key] = []
    private var values: [Value] = []
    /// Each key's position, once there are more than ``linearLimit`` keys.
    private var positions: [Key: Int]?

    /// The empty table (only `[:]`: a table is filled by its subscript).
    init(dictionaryLiteral elements: (Key, Value)...) {
        for (key, value) in elements { self[key] = value }
    }

    /// How many keys the table holds.
    var count: Int { keys.count }

    /// Room for `capacity` entries without growing.
    mutating func reserveCapacity(_ capacity: Int) {
        keys.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    private func position(of key: Key) -> Int? {
        if let positions { return positions[key] }
        let length = key.utf8Count
        for index in keys.indices where keys[index].utf8Count == length && keys[index] == key { return index }
        return nil
    }

    /// The value of `key`; setting `nil` removes it.
    subscript(key: Key) -> Value? {
        get { position(of: key).map { values[$0] } }
        set {
            switch (position(of: key), newValue) {
            case (let index?, let value?):
                values[index] = value
            case (let index?, nil):
                keys.remove(at: index)
                values.remove(at: index)
                positions = nil
                indexIfLarge()
            case (nil, let value?):
                keys.append(key)
                values.append(value)
                if positions != nil { positions?[key] = keys.count - 1 } else { indexIfLarge() }
            case (nil, nil):
                break
            }
        }
    }

    private mutating func indexIfLarge() {
        guard keys.count > Self.linearLimit else { return }
        var positions: [Key: Int] = [:]
        positions.reserveCapacity(keys.count)
        for (index, key) in keys.enumerated() { positions[key] = index }
        self.positions = positions
    }
}

extension TextTable: Sendable where Key: Sendable, Value: Sendable {}

/// Two tables are equal when they hold the same keys with equal values, in whatever order they were set
/// (as two `Dictionary`s are).
extension TextTable: Equatable where Value: Equatable {
    static func == (lhs: TextTable, rhs: TextTable) -> Bool {
        lhs.count == rhs.count && lhs.keys.indices.allSatisfy { rhs[lhs.keys[$0]] == lhs.values[$0] }
    }
}

/// A text's Liquid as the template rules parsed it, and whether every variable it reads is known
/// (``VariableCatalog/allows(_:)``), worked out once for the rules that render it.
struct ParsedLiquid {
    var template: LiquidTemplate
    var readsOnlyKnownVariables: Bool
}

/// A Markdown text and the settings it is converted with (its locale's).
struct MarkdownKey: TextTableKey, Sendable {
    let text: TextKey
    let settings: ConversionSettings

    var utf8Count: Int { text.utf8Count }

    init(_ text: String, _ settings: ConversionSettings) {
        self.text = TextKey(text)
        self.settings = settings
    }
}

/// A text as a dictionary key compared and hashed by its UTF-8 bytes.
///
/// `String`'s own `==` and hash go through Unicode normalization, which for bodies of several
/// kilobytes cost more than the lookups they serve; and two bodies that differ only in normalization
/// are different sources, so must not share a conversion. The hash reads every byte (``fold(_:)``), folded
/// into one word that the `Hasher` takes at once (fed to it byte by byte, they cost about 600
/// instructions a lookup, most of a lookup); equality compares every byte.
///
/// Every byte, not only the ends: the tables of repeated texts hold texts of the whole workspace, and
/// thousands of bodies of one length that open with the same greeting and close with the same
/// signature would all share a hash read from their ends, making each lookup compare against all of
/// them (a generated L so written took 40 s to check, not 5; `TextKeyTests` holds the hash to telling
/// such texts apart).
struct TextKey: TextTableKey, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    var utf8Count: Int { text.utf8.count }

    static func == (lhs: TextKey, rhs: TextKey) -> Bool {
        let (left, right) = (lhs.text.utf8, rhs.text.utf8)
        guard left.count == right.count else { return false }
        // Read in place (no copy of either String, no retain): a native String's bytes are contiguous.
        let equal = left.withContiguousStorageIfAvailable { l in
            right.withContiguousStorageIfAvailable { r in
                guard let a = l.baseAddress, let b = r.baseAddress else { return true }
                // Both buffers hold `l.count` bytes (their counts are equal).
                return memcmp(a, b, l.count) == 0
            }
        }
        if let equal = equal ?? nil { return equal }
        return left.elementsEqual(right)
    }

    func hash(into hasher: inout Hasher) {
        // Read in place when the bytes are contiguous (a native String's are), else through a copy.
        let word =
            text.utf8.withContiguousStorageIfAvailable { Self.fold(UnsafeRawBufferPointer($0)) }
            ?? {
                var text = self.text
                return text.withUTF8 { Self.fold(UnsafeRawBufferPointer($0)) }
            }()
        hasher.combine(word)
    }

    /// The length of `bytes` and all its bytes folded into one word: up to 64 bytes, each eight multiplied
    /// into it and mixed (as in FxHash and wyhash), so that a byte changed anywhere changes the word; a
    /// longer text through XXH64, which reads 32 bytes a round, mixed with its length the same way.
    static func fold(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let count = bytes.count
        var word = UInt64(truncatingIfNeeded: count) &* 0x9E37_79B9_7F4A_7C15
        func mixWord(_ value: UInt64) {
            word = (word ^ value) &* 0xBF58_476D_1CE4_E5B9
            word ^= word >> 31
        }
        /// The bytes `start..<end` (within `bytes`), eight at a time, then the rest one at a time.
        func mixBytes(from start: Int, to end: Int) {
            var i = start
            // `i + 8 <= end <= count` keeps each eight-byte load within the buffer.
            while i + 8 <= end {
                mixWord(bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            var last: UInt64 = 0
            while i < end {
                last = last << 8 | UInt64(bytes[i])
                i += 1
            }
            if start < end { mixWord(last) }
        }
        if count > 64 {
            mixWord(XXH64.hash(bytes))
        } else {
            mixBytes(from: 0, to: count)
        }
        return word
    }
}
