extension UTF8Text {
    /// What ``validity(of:)`` finds of a byte buffer.
    enum Validity: Equatable {
        /// Every byte is ASCII (so the bytes are valid UTF-8).
        case ascii
        /// Valid UTF-8, with a byte that is not ASCII.
        case valid
        /// Not valid UTF-8.
        case invalid
    }

    /// Whether `bytes` are well-formed UTF-8 (the sequences of table 3-7 of the Unicode standard, the
    /// validation `String(validating:as:)` makes), and whether they are all ASCII.
    ///
    /// ASCII is skipped eight bytes at a time; each other scalar is checked on its own bytes: its lead byte
    /// (`C2...F4`), the range of its second byte (narrower after `E0`, `ED`, `F0` and `F4`: no overlong form,
    /// no surrogate, nothing above U+10FFFF), and its continuation bytes (`80...BF`).
    /// `UTF8StringDifferentialTests` holds it to the standard library's validation.
    static func validity(of bytes: UnsafeBufferPointer<UInt8>) -> Validity {
        let count = bytes.count
        var i = 0
        var ascii = true
        let base = bytes.baseAddress.map(UnsafeRawPointer.init)
        while i < count {
            // The load reads `i..<i + 8`, within the buffer.
            if i + 8 <= count, let base {
                let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                    continue
                }
            }
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            ascii = false
            // The length of the sequence, and the range its second byte must lie in.
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                high = 0x9F
            case 0xF0:
                length = 4
                low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                high = 0x8F
            default: return .invalid
            }
            // Every byte read below lies in `i + 1..<i + length`, below `count` (checked first).
            guard count - i >= length else { return .invalid }
            let second = bytes[i + 1]
            guard second >= low, second <= high else { return .invalid }
            if length > 2 {
                guard bytes[i + 2] & 0xC0 == 0x80 else { return .invalid }
                if length > 3 {
                    guard bytes[i + 3] & 0xC0 == 0x80 else { return .invalid }
                }
            }
            i += length
        }
        return ascii ? .ascii : .valid
    }

    /// `String(decoding: bytes, as: UTF8.self)`: the same string, made without a second validation when the
    /// bytes are valid UTF-8 (``validity(of:)``, one pass, much quicker than the standard library's repairing
    /// decoder on text that is not ASCII); invalid bytes take the repairing decoder.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard !bytes.isEmpty else { return "" }
        if #available(macOS 26, iOS 26, watchOS 26, tvOS 26, visionOS 26, *) {
            let validity = validity(of: bytes)
            if validity != .invalid {
                // `validity(of:)` found the bytes well-formed UTF-8: what `UTF8Span(unchecked:)` requires.
                return String(copying: UTF8Span(unchecked: bytes.span, isKnownASCII: validity == .ascii))
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// ``string(_:)-(UnsafeBufferPointer<UInt8>)`` of an array's bytes.
    static func string(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { string($0) }
    }
}
