/// Small helpers that build an example's `files` as edits of ``RuleCatalog/baseWorkspace``, so that an
/// example shows only what it changes.
extension RuleCatalog {
    /// What an edit leaves in a file when its old text is not in the base file; the example test
    /// rejects any example containing it, so a stale edit never passes silently.
    public static let editNotFoundMarker = "automail-catalog: edit not found"

    /// The base file at `path` with each `old: new` replacement applied to the first occurrence of `old`.
    static func edit(_ path: String, _ replacements: KeyValuePairs<String, String>) -> [String: String] {
        var text = baseWorkspace[path] ?? ""
        for (old, new) in replacements {
            if let range = text.range(of: old) {
                text.replaceSubrange(range, with: new)
            } else {
                text += "\n# \(editNotFoundMarker): \(old)\n"
            }
        }
        return [path: text]
    }

    /// The base file at `path` with `text` appended.
    static func appending(_ path: String, _ text: String) -> [String: String] {
        [path: (baseWorkspace[path] ?? "") + text]
    }

    /// Several files' changes in one `files` dictionary (later parts win).
    static func files(_ parts: [String: String]...) -> [String: String] {
        parts.reduce(into: [:]) { result, part in result.merge(part) { $1 } }
    }

    /// `text` encoded the way a UTF-16LE file looks when read as bytes: every ASCII character followed by
    /// a NUL. Only for the invalid-encoding example.
    static func utf16LittleEndianLookalike(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            scalars.append(scalar)
            scalars.append("\u{0}")
        }
        return String(scalars)
    }
}
