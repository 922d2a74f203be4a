/// automail's one HTML escaper: every place that writes HTML (the email's body and layout, Liquid's
/// `escape` filters, the review pages, the diff's Markdown) escapes through it, so that what is
/// escaped, and how, is decided once.
///
/// It lives in `Liquid` because that is the lowest module every HTML writer imports, and Liquid's
/// own `escape` filter is one of them. Each ``Quoting`` names the characters it replaces; all others,
/// and every byte of a multi-byte character, are copied unchanged.
public enum HTMLEscaper {
    /// Which characters are replaced by an entity.
    public enum Quoting: Sendable {
        /// `&`, `<` and `>`: text between tags.
        case text
        /// `&`, `<`, `>` and `"`: text between tags or a double-quoted attribute value.
        case attribute
        /// `&`, `<`, `>`, `"` and `'` (`&#39;`): Ruby's `CGI.escapeHTML`, which Liquid's `escape` uses;
        /// safe in any attribute, quoted either way.
        case all
    }

    /// `text`, escaped: `HTMLEscaper.escape(.attribute, url)`.
    public static func escape(_ quoting: Quoting, _ text: some StringProtocol) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        append(quoting, text.utf8, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `source`'s UTF-8 bytes to `html`, escaped. Only ASCII bytes are ever replaced, so a
    /// well-formed UTF-8 source stays well formed.
    public static func append(_ quoting: Quoting, _ source: some Sequence<UInt8>, to html: inout [UInt8]) {
        // Contiguous bytes (a String's, an Array's) take the concrete loop below: this generic one,
        // called from another module, costs a protocol call a byte.
        let done: Void? = source.withContiguousStorageIfAvailable { append(quoting, bytes: $0, to: &html) }
        if done != nil { return }
        for byte in source {
            if let entity = entity(for: byte, quoting) {
                html.append(contentsOf: entity)
            } else {
                html.append(byte)
            }
        }
    }

    /// ``append(_:_:to:)`` on contiguous bytes: the runs between replaced bytes are copied whole.
    private static func append(_ quoting: Quoting, bytes: UnsafeBufferPointer<UInt8>, to html: inout [UInt8]) {
        var runStart = 0
        for index in bytes.indices {
            guard let entity = entity(for: bytes[index], quoting) else { continue }
            html.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            html.append(contentsOf: entity)
            runStart = index + 1
        }
        html.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }

    /// The entity that replaces `byte`, or `nil` when it is copied.
    @inline(__always)
    static func entity(for byte: UInt8, _ quoting: Quoting) -> [UInt8]? {
        switch byte {
        case 0x26: return ampersand
        case 0x3C: return lessThan
        case 0x3E: return greaterThan
        case 0x22 where quoting != .text: return quote
        case 0x27 where quoting == .all: return apostrophe
        default: return nil
        }
    }

    private static let ampersand = Array("&amp;".utf8)
    private static let lessThan = Array("&lt;".utf8)
    private static let greaterThan = Array("&gt;".utf8)
    private static let quote = Array("&quot;".utf8)
    private static let apostrophe = Array("&#39;".utf8)
}
