/// A text escaped once as the inside of a JSON string (``JSONWriter``'s escaping, without the quotes), for
/// the many strings it is part of (a layout's markup, the same in every email): writing it is a copy.
public struct JSONEscapedText: Sendable {
    /// The text.
    public let text: String
    /// Its bytes escaped, without quotes.
    let escaped: [UInt8]

    /// Escapes `text` once.
    public init(_ text: String) {
        self.text = text
        var escaped: [UInt8] = []
        var copy = text
        copy.withUTF8 { JSONWriter.appendEscaped($0, quoted: false, to: &escaped) }
        self.escaped = escaped
    }
}

/// A piece of a string value written from pieces (``WrittenEntry/Writer/string(joining:)``): a text to
/// escape as it is written, or one escaped beforehand.
public enum JSONStringPiece: Sendable {
    /// A text escaped as it is written.
    case text(String)
    /// A text escaped beforehand: copied.
    case escaped(JSONEscapedText)
    /// A text given as its UTF-8 bytes, which must be valid UTF-8 (made from a String's bytes by cutting
    /// and inserting at ASCII bytes only): escaped as it is written, never decoded to be written.
    case utf8([UInt8])

    /// The piece's text.
    public var text: String {
        switch self {
        case .text(let text): text
        case .escaped(let escaped): escaped.text
        case .utf8(let bytes): String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The number of UTF-8 bytes of ``text``, without making it.
    public var utf8Count: Int {
        switch self {
        case .text(let text): text.utf8.count
        case .escaped(let escaped): escaped.text.utf8.count
        case .utf8(let bytes): bytes.count
        }
    }

    /// The texts of `pieces` joined: the string they write.
    public static func joined(_ pieces: [JSONStringPiece]) -> String {
        var size = 0
        for piece in pieces { size += piece.utf8Count }
        var result = ""
        result.reserveCapacity(size)
        for piece in pieces { result += piece.text }
        return result
    }
}

/// An object's key written once (quoted, escaped, with its colon), for the many objects that have it:
/// ``WrittenEntry/Writer/key(_:)-(JSONKey)`` copies it.
public struct JSONKey: Sendable {
    /// The key.
    public let key: String
    /// `"key":`, escaped.
    let quotedWithColon: [UInt8]

    /// Writes `key` once.
    public init(_ key: String) {
        self.key = key
        var bytes: [UInt8] = []
        JSONWriter.appendString(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        quotedWithColon = bytes
    }
}
