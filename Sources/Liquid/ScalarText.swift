/// Text from arrays of Unicode scalars, the form the Liquid and Markdown scanners work on.
public enum ScalarText {
    /// The text of `scalars`, encoded straight into the string's UTF-8 storage.
    ///
    /// `String(String.UnicodeScalarView(slice))` appends scalar by scalar through generic code: it
    /// was ~20 % of a build's instructions when the Liquid parser made its strings that way.
    public static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var capacity = 0
        for scalar in scalars { capacity += UTF8.width(scalar) }
        guard capacity > 0 else { return "" }
        return String(unsafeUninitializedCapacity: capacity) { buffer in
            var offset = 0
            for scalar in scalars {
                UTF8.encode(scalar) { byte in
                    buffer[offset] = byte
                    offset += 1
                }
            }
            return offset
        }
    }

    /// The Unicode scalars of `string`, decoded once from its UTF-8 bytes (`Array(string.unicodeScalars)`
    /// decodes the text twice: once to count the scalars, once to copy them).
    public static func scalars(of string: String) -> [Unicode.Scalar] {
        var string = string
        return string.withUTF8 { bytes in
            [Unicode.Scalar](unsafeUninitializedCapacity: bytes.count) { buffer, initialized in
                // `withUTF8` gives valid UTF-8: each lead byte says how many continuation bytes follow.
                guard let base = bytes.baseAddress else {
                    initialized = 0
                    return
                }
                var i = 0
                var n = 0
                let count = bytes.count
                while i < count {
                    // Eight ASCII bytes at a time (their high bits clear), most of every text: no decoding,
                    // no validity check. `i + 8 <= count` keeps the load within the bytes, and `n <= i`
                    // (a scalar takes at least a byte) the eight scalars within the buffer of `count`.
                    if i + 8 <= count {
                        let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                        if word & 0x8080_8080_8080_8080 == 0 {
                            for k in 0..<8 { buffer.initializeElement(at: n + k, to: Unicode.Scalar(base[i + k])) }
                            i += 8
                            n += 8
                            continue
                        }
                    }
                    // ASCII, most of every text: no decoding, no validity check.
                    if bytes[i] < 0x80 {
                        buffer.initializeElement(at: n, to: Unicode.Scalar(bytes[i]))
                        i += 1
                        n += 1
                        continue
                    }
                    let lead = UInt32(bytes[i])
                    var value: UInt32
                    if lead < 0xE0, i + 1 < count {
                        value = (lead & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)
                        i += 2
                    } else if lead < 0xF0, i + 2 < count {
                        value = (lead & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
                        i += 3
                    } else if i + 3 < count {
                        value =
                            (lead & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12
                            | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
                        i += 4
                    } else {
                        value = 0xFFFD
                        i = count
                    }
                    buffer.initializeElement(at: n, to: Unicode.Scalar(value) ?? "\u{FFFD}")
                    n += 1
                }
                initialized = n
            }
        }
    }
}
