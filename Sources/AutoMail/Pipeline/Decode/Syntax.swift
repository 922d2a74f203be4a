import Foundation

/// The lexical rules of the workspace format (ids, locales, durations) and the fixes suggested
/// when a value breaks them. Pure functions over strings; no YAML, no diagnostics.
public enum Syntax {
    /// The longest id allowed.
    static let maxIDLength = 64
    /// The longest duration allowed, in seconds (365 days).
    static let maxDurationSeconds = 365 * 86_400

    /// Whether `text` matches `^[a-z0-9][a-z0-9_-]{0,63}$`.
    public static func isValidID(_ text: String) -> Bool {
        // On bytes: every byte of a valid id is ASCII, so its bytes are its scalars (the scalar definition
        // is kept in `SyntaxDifferentialTests`).
        // Read through one buffer: walking `String.UTF8View` by index cost about 30 instructions a byte.
        var text = text
        return text.withUTF8 { bytes in
            guard let first = bytes.first, bytes.count <= maxIDLength, isLowerAlnum(first) else { return false }
            for b in bytes.dropFirst() where !(isLowerAlnum(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")) {
                return false
            }
            return true
        }
    }

    private static func isLowerAlnum(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }

    /// The id closest to `text` in spirit: accents removed, lowercased, every run of other characters
    /// turned into one `-`, trimmed, at most 64 characters; `nil` when nothing usable is left.
    static func suggestedID(for text: String) -> String? {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var result = ""
        var pendingSeparator = false
        for scalar in folded.unicodeScalars {
            if isLowerAlnum(scalar) || scalar == "_" {
                if pendingSeparator, !result.isEmpty { result.append("-") }
                pendingSeparator = false
                result.unicodeScalars.append(scalar)
            } else {
                pendingSeparator = true
            }
        }
        while result.first == "_" { result.removeFirst() }
        let trimmed = String(result.unicodeScalars.prefix(maxIDLength))
        let cleaned = trimmed.hasSuffix("-") ? String(trimmed.dropLast()) : trimmed
        return isValidID(cleaned) && cleaned != text ? cleaned : nil
    }

    /// The folders of a workspace whose files hold things referred to by id.
    static let workspaceFolders = ["templates", "questionnaires", "triggers", "layouts"]

    /// The id meant by a reference written as a file name or path (`call-back.yaml`,
    /// `templates/call-back.yml`, `./questionnaires/doors`): the last path component without its
    /// `.yaml`/`.yml` extension, made a valid id if needed; `nil` when `text` does not look like a file
    /// name (no such extension and no workspace folder in front) or nothing usable is left.
    static func idFromFileName(_ text: String) -> String? {
        var path = Substring(text)
        while path.hasPrefix("./") { path = path.dropFirst(2) }
        var looksLikeFile = false
        for folder in workspaceFolders where path.hasPrefix(folder + "/") {
            path = path.dropFirst(folder.count + 1)
            looksLikeFile = true
        }
        for ext in [".yaml", ".yml"] where path.lowercased().hasSuffix(ext) {
            path = path.dropLast(ext.count)
            looksLikeFile = true
        }
        guard looksLikeFile else { return nil }
        let base = String(path.split(separator: "/").last ?? "")
        if isValidID(base) { return base }
        return suggestedID(for: base)
    }

    /// Whether `text` matches `^[a-z]{2,3}(-[A-Z]{2})?$`.
    static func isValidLocale(_ text: String) -> Bool {
        // On bytes: `[a-z]{2,3}(-[A-Z]{2})?`, all ASCII, so its bytes are its scalars and `-` joins no
        // neighbour into one Character (the Character definition is kept in `SyntaxDifferentialTests`).
        var text = text
        return text.withUTF8 { utf8 in
            let isLower = { (b: UInt8) in b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") }
            let isUpper = { (b: UInt8) in b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") }
            let language = utf8.prefix { $0 != UInt8(ascii: "-") }
            guard (2...3).contains(language.count), language.allSatisfy(isLower) else { return false }
            let rest = utf8.dropFirst(language.count)
            guard !rest.isEmpty else { return true }
            let region = rest.dropFirst()
            return region.count == 2 && region.allSatisfy(isUpper)
        }
    }

    /// Whether `key`, a malformed locale, is how `locale` was meant (`EN` or `en_GB` for `en`, `en_us`
    /// for `en-US`): a section under such a key has its own error, so `locale` is not also missing.
    static func isMalformedSpelling(_ key: String, of locale: String) -> Bool {
        guard !isValidLocale(key) else { return false }
        let language = key.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() }
        return key.lowercased() == locale.lowercased() || suggestedLocale(for: key) == locale || language == locale
    }

    /// `pt_br` → `pt-BR`, `FR` → `fr`; `nil` when no valid locale comes out.
    static func suggestedLocale(for text: String) -> String? {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "_" })
        guard parts.count == 1 || parts.count == 2 else { return nil }
        var candidate = parts[0].lowercased()
        if parts.count == 2 { candidate += "-" + parts[1].uppercased() }
        return isValidLocale(candidate) && candidate != text ? candidate : nil
    }

    /// The result of reading a duration.
    enum Duration: Equatable {
        case seconds(Int)
        case malformed
        case tooLong
    }

    /// Reads `^[0-9]+[mhd]$` into seconds, refusing more than 365 days. A bare `0` is zero seconds: the
    /// documented default of `delay`, which needs no unit.
    static func duration(_ text: String) -> Duration {
        // On bytes: a duration other than `0` is ASCII digits and one ASCII unit, whose bytes are its
        // Characters; anything else is malformed either way (the Character reading, its definition, is kept in
        // `DecodingDifferentialTests`).
        var text = text
        return text.withUTF8 { bytes in
            if bytes.count == 1, bytes[0] == UInt8(ascii: "0") { return .seconds(0) }
            guard bytes.count >= 2 else { return .malformed }
            let factor: Int
            switch bytes[bytes.count - 1] {
            case UInt8(ascii: "m"): factor = 60
            case UInt8(ascii: "h"): factor = 3_600
            case UInt8(ascii: "d"): factor = 86_400
            default: return .malformed
            }
            let digits = bytes.dropLast()
            guard digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return .malformed }
            // More than 9 digits is always beyond 365 days; this also keeps the arithmetic safe.
            guard digits.count <= 9 else { return .tooLong }
            let count = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            let seconds = count * factor
            return seconds <= maxDurationSeconds ? .seconds(seconds) : .tooLong
        }
    }

    private static func isLowerAlnum(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
