import Liquid
import TestSupport
import Testing

/// `HTMLEscaper` copies contiguous bytes in runs between the bytes it replaces; a sequence without
/// contiguous storage takes the byte-by-byte loop. Both must write what a byte-by-byte reference writes.
struct HTMLEscaperTests {
    static let pieces = ["&", "<", ">", "\"", "'", "a", "bc", " ", "é", "👍🏽", "&amp;", "\n", ""]

    static func reference(_ quoting: HTMLEscaper.Quoting, _ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where quoting != .text: result += "&quot;"
            case "'" where quoting == .all: result += "&#39;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    @Test(arguments: [HTMLEscaper.Quoting.text, .attribute, .all])
    func runsAndBytesAgreeWithTheReference(_ quoting: HTMLEscaper.Quoting) {
        var random = SplitMix64(state: 61)
        func next(_ bound: Int) -> Int { random.next(bound) }
        for _ in 0..<2_000 {
            var text = ""
            for _ in 0..<next(10) { text += Self.pieces[next(Self.pieces.count)] }
            let expected = Self.reference(quoting, text)
            #expect(HTMLEscaper.escape(quoting, text) == expected, "\(text.debugDescription)")
            #expect(HTMLEscaper.escape(quoting, text.dropFirst(0)) == expected)
            var bytes: [UInt8] = []
            HTMLEscaper.append(quoting, AnySequence(text.utf8), to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == expected, "\(text.debugDescription)")
        }
    }
}
