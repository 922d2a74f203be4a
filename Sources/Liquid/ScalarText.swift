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

    /// The Unicode scalars of `string`, decoded once (`Array(string.unicodeScalars)` decodes the
    /// text twice: once to count the scalars, once to copy them).
    public static func scalars(of string: String) -> [Unicode.Scalar] {
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(string.utf8.count)
        for scalar in string.unicodeScalars { result.append(scalar) }
        return result
    }
}
