import Diagnostics
import TestSupport
import Testing

@testable import YAMLSource

/// The UTF-8 check and line tables read eight bytes at a time where they can, and the search for hidden
/// characters is skipped when the UTF-8 check saw no lead byte of U+0340 or above. Each is compared here
/// with the byte-by-byte definition it replaced, on generated texts that mix ASCII, line breaks of every
/// kind, tabs, NUL bytes, multi-byte characters (hidden ones included) and invalid sequences, placed at
/// every offset of an eight-byte word.
struct ByteScanDifferentialTests {
    /// A deterministic generator (SplitMix64), so a failure always reproduces.
    typealias Generator = SplitMix64

    static let pieces: [[UInt8]] = [
        Array("key: value".utf8), Array("abcdefghijklmnop".utf8), Array(" ".utf8), Array("\n".utf8),
        Array("\r\n".utf8), Array("\r".utf8), Array("\t".utf8), [0x0B], [0x0C], [0x0D, 0x0D], [0x0E], [0x1F],
        [0x7F], Array("é".utf8), Array("ü".utf8), Array("€".utf8), Array("👍🏽".utf8), Array("\u{301}".utf8),
        Array("\u{200B}".utf8), Array("\u{202E}".utf8), Array("\u{FE0F}".utf8), Array("\u{034F}".utf8),
        Array("\u{033F}".utf8), Array("\u{0340}".utf8), Array("\u{FEFF}".utf8), Array("\u{E0041}".utf8),
        [0x00], [0x80], [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        [0xC3], [0xFF],
    ]

    /// Generated inputs: mostly valid UTF-8, some with a NUL byte or an invalid sequence, some with a BOM.
    static func inputs(count: Int, seed: UInt64) -> [[UInt8]] {
        var generator = Generator(state: seed)
        var result: [[UInt8]] = []
        for n in 0..<count {
            var bytes: [UInt8] = n % 7 == 0 ? [0xEF, 0xBB, 0xBF] : []
            // Shift the pieces against the eight-byte words.
            bytes += Array(repeating: UInt8(ascii: "x"), count: generator.next(9))
            for _ in 0..<generator.next(24) {
                // Invalid pieces (the last 9) only now and then, so most texts pass the check.
                let bound = generator.next(10) == 0 ? pieces.count : pieces.count - 9
                bytes += pieces[generator.next(bound)]
            }
            result.append(bytes)
        }
        return result
    }

    @Test func wordScanAgreesWithByteScan() {
        for bytes in Self.inputs(count: 4_000, seed: 19) {
            let text = SourceText(bytes)
            let reference = ReferenceScan(bytes)
            #expect(text.lineCharStarts == reference.charStarts, "\(bytes)")
            #expect(text.lineByteStarts == reference.byteStarts, "\(bytes)")
            #expect(text.scalarCount == reference.chars, "\(bytes)")
            #expect(place(text.failure) == place(reference.failure), "\(bytes)")
        }
    }

    /// The line table parsing hands over (`SourceLines(_:text:)`, from the UTF-8 check's table) is the one
    /// `SourceLines(_:)` makes by its own scan, for every text that passes the check; and what
    /// `YAMLParser.parse(_:keepingLines:)` keeps is that table.
    @Test func linesFromTheParseAgreeWithTheirOwnScan() {
        var compared = 0
        for bytes in Self.inputs(count: 4_000, seed: 21) {
            let text = SourceText(bytes)
            guard text.failure == nil else { continue }
            let file = SourceFile(path: "t.yaml", bytes: bytes)
            #expect(SourceLines(file, text: text) == SourceLines(file), "\(bytes)")
            let kept = YAMLParser.parse(file, keepingLines: true).lines
            #expect(kept == SourceLines(file), "\(bytes)")
            compared += 1
        }
        #expect(compared > 1_000)
    }

    @Test func hiddenCharacterSearchIsSkippedOnlyWhenItFindsNothing() {
        var skipped = 0
        for bytes in Self.inputs(count: 4_000, seed: 20) {
            let text = SourceText(bytes)
            guard text.failure == nil else { continue }
            let searched = HiddenCharacters.searchedDiagnostics(in: text, path: "t.yaml")
            #expect(HiddenCharacters.diagnostics(in: text, path: "t.yaml") == searched, "\(bytes)")
            if !text.mayHoldHidden {
                skipped += 1
                #expect(searched.isEmpty, "\(bytes)")
            }
        }
        #expect(skipped > 100)
    }

    @Test func lineStartsAgreeWithByteScan() {
        for bytes in Self.inputs(count: 4_000, seed: 21) {
            let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            #expect(SourceLines.lineStarts(bytes, from: start) == Self.referenceLineStarts(bytes, from: start))
        }
    }

    @Test func wordPredicatesAgreeWithTheirBytes() {
        var generator = Generator(state: 22)
        let interesting: [UInt8] = [0x00, 0x09, 0x0A, 0x0D, 0x0E, 0x0F, 0x20, 0x7F, 0x80, 0x8D, 0x8E, 0xFF]
        for _ in 0..<20_000 {
            var word: UInt64 = 0
            var bytes: [UInt8] = []
            for k in 0..<8 {
                let b =
                    generator.next(3) == 0
                    ? interesting[generator.next(interesting.count)] : UInt8(generator.next(256))
                bytes.append(b)
                word |= UInt64(b) << (8 * UInt64(k))
            }
            #expect(SourceLines.holdsByteBelow14(word) == bytes.contains { $0 < 0x0E }, "\(bytes)")
            #expect(SourceText.isPlainASCII(word) == bytes.allSatisfy { $0 < 0x80 && $0 >= 0x0E }, "\(bytes)")
            // The lowest flag of `specialBytes` is the first byte that is not plain ASCII (8: none).
            let firstSpecial = bytes.firstIndex { $0 >= 0x80 || $0 < 0x0E } ?? 8
            #expect(SourceText.specialBytes(word).trailingZeroBitCount >> 3 == firstSpecial, "\(bytes)")
        }
    }

    /// A failure's kind and place (its reason is worded by code both scans share).
    func place(_ failure: SourceText.Failure?) -> String {
        switch failure {
        case nil: return "none"
        case .invalidUTF8(let byte, let scalar, _)?: return "invalid at \(byte), \(scalar)"
        case .nul(let byte, let scalar)?: return "nul at \(byte), \(scalar)"
        case .utf16(let reason)?: return "utf16: \(reason)"
        }
    }

    /// `SourceLines`' line starts as it computed them byte by byte.
    static func referenceLineStarts(_ raw: [UInt8], from start: Int) -> [UInt32] {
        var starts: [UInt32] = [UInt32(clamping: start)]
        var i = start
        let n = raw.count
        while i < n {
            let b = raw[i]
            if b == 0x0A {
                i += 1
                starts.append(UInt32(clamping: i))
            } else if b == 0x0D {
                i += (i + 1 < n && raw[i + 1] == 0x0A) ? 2 : 1
                starts.append(UInt32(clamping: i))
            } else {
                i += 1
            }
        }
        return starts
    }
}

/// `SourceText`'s scan as it was, byte by byte: the definition of the word-at-a-time scan.
private struct ReferenceScan {
    var charStarts: [Int] = [0]
    var byteStarts: [Int] = [0]
    var chars = 0
    var failure: SourceText.Failure?

    init(_ raw: [UInt8]) {
        var start = 0
        if raw.count >= 3, raw[0] == 0xEF, raw[1] == 0xBB, raw[2] == 0xBF { start = 3 }
        if raw.count >= 2, (raw[0] == 0xFE && raw[1] == 0xFF) || (raw[0] == 0xFF && raw[1] == 0xFE) {
            failure = .utf16(reason: "starts with a UTF-16 byte order mark")
            return
        }
        if raw.count >= 2, (raw[0] == 0) != (raw[1] == 0), raw[0] < 0x80, raw[1] < 0x80 {
            failure = .utf16(reason: "looks like UTF-16 (a NUL byte next to an ASCII character at its start)")
            return
        }
        let bytes = Array(raw[start...])
        var charStarts: [Int] = [0]
        var byteStarts: [Int] = [0]
        var chars = 0
        var found: SourceText.Failure?
        let n = bytes.count
        var i = 0
        scan: while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if b == 0 {
                    found = .nul(byteOffset: i, scalarIndex: chars)
                    break scan
                }
                chars += 1
                i += 1
                if b == 0x0A {
                    charStarts.append(chars)
                    byteStarts.append(i)
                } else if b == 0x0D {
                    if i < n, bytes[i] == 0x0A {
                        chars += 1
                        i += 1
                    }
                    charStarts.append(chars)
                    byteStarts.append(i)
                }
                continue
            }
            var length = 0
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default:
                found = .invalidUTF8(byteOffset: i, scalarIndex: chars, reason: "lead \(b)")
                break scan
            }
            var k = 1
            while k < length {
                guard i + k < n else {
                    found = .invalidUTF8(byteOffset: i, scalarIndex: chars, reason: "truncated")
                    break scan
                }
                let c = bytes[i + k]
                guard c >= (k == 1 ? low : 0x80), c <= (k == 1 ? high : 0xBF) else {
                    found = .invalidUTF8(byteOffset: i, scalarIndex: chars, reason: "continuation")
                    break scan
                }
                k += 1
            }
            chars += 1
            i += length
        }
        self.charStarts = charStarts
        self.byteStarts = byteStarts
        self.chars = chars
        failure = found
    }
}
