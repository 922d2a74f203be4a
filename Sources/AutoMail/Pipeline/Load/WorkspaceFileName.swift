import Diagnostics

/// Which names in `questionnaires/`, `templates/` and `triggers/` are read, and what is said about the
/// others (AM003).
///
/// The rule: a name that starts with `.` (U+002E) is hidden and ignored (editor swap and lock files); a
/// name that ends in exactly `.yaml` after a non-empty stem is read; **every other entry is reported**:
/// a file that is not read never vanishes from the bundle without a word, whatever its name. A name that
/// only looks hidden or only looks like `.yaml` is not: `\u{200B}.x.yaml` (an invisible character
/// first), `x.yaml ` (a trailing space), `x.yaml\u{200B}`, `x.YAML`, `x.уaml` (a Cyrillic `у`) and
/// `x.yaml.bak` are all reported, with the name shown with its invisible characters escaped and, when
/// the name is a `.yaml` name spoiled, the name to rename it to.
enum WorkspaceFileName {
    /// Whether the loader skips `name` without a word: it starts with a real `.`.
    static func isHidden(_ name: String) -> Bool {
        name.utf8.first == UInt8(ascii: ".")
    }

    /// Whether the loader reads `name` as a file of the folder: exactly `STEM.yaml`, `STEM` not empty.
    static func isRead(_ name: String, fileExtension: String = ".yaml") -> Bool {
        name.hasSuffix(fileExtension) && name.utf8.count > fileExtension.utf8.count
    }

    /// The AM003 diagnostic for the entry `name` of `folder` that is not read; `isFolder` for a folder.
    static func diagnostic(folder: String, name: String, isFolder: Bool) -> Diagnostic {
        let relative = folder + "/" + name
        let shown = folder + "/" + escaped(name)
        let at = SourceRange.startOf(file: relative)
        var notes: [DiagnosticNote] = []
        let hidden = invisibleScalars(in: name)
        if !hidden.isEmpty {
            let list = hidden.map {
                "U+" + hex($0) + (($0.properties.name ?? $0.properties.nameAlias).map { " " + $0 } ?? "")
            }
            notes.append(
                DiagnosticNote(
                    "the name holds characters that do not show, or look like others: " + list.joined(separator: ", ")))
        }
        if isFolder {
            return .rule(
                .misnamedFile,
                "`\(shown)/` is not read: automail reads only the `.yaml` files directly inside `\(folder)/`",
                at: at, notes: notes,
                help: "move its `.yaml` files into `\(folder)/`, or the folder out of `\(folder)/`")
        }
        let message = "`\(shown)` is not read: automail reads `.yaml` files"
        let help: String
        switch suggestion(for: name) {
        case .rename(let stem):
            help = "rename it to `\(folder)/\(stem).yaml`"
        case .copy(let stem):
            help =
                "rename it to `\(folder)/\(stem).yaml` if it is to be read; otherwise move it out of `\(folder)/` "
                + "(or start its name with `.`)"
        case .none:
            help =
                "automail reads only `.yaml` files directly inside `\(folder)/`: move the file out of `\(folder)/` "
                + "(or start its name with `.`), or rename it to end in `.yaml` if it is to be read"
        }
        return .rule(.misnamedFile, message, at: at, notes: notes, help: help)
    }

    /// What a name not read was probably meant to be.
    enum Suggestion: Equatable {
        /// A `.yaml` name spoiled (`.yml`, `.YAML`, an invisible or look-alike character, a space): `STEM.yaml`.
        case rename(stem: String)
        /// A copy of a `.yaml` file (`x.yaml.bak`, `x.yaml~`, `x.yaml.orig`): `STEM.yaml` if it is to be read.
        case copy(stem: String)
        /// Nothing like a `.yaml` name.
        case none
    }

    /// What `name` was probably meant to be: invisible characters removed, spaces trimmed, look-alike
    /// dots and letters folded (TR39 skeletons, as for look-alike domains), case ignored.
    static func suggestion(for name: String) -> Suggestion {
        let cleaned = String(String.UnicodeScalarView(name.unicodeScalars.compactMap(cleaned))).trimmingSpaces
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
        guard parts.count >= 2,
            let stemEnd = parts.indices.dropFirst().first(where: { isYAMLExtension(parts[$0], prefix: true) })
        else { return .none }
        let stem = parts[..<stemEnd].joined(separator: ".")
        guard !stem.isEmpty else { return .none }
        if stemEnd == parts.count - 1, isYAMLExtension(parts[stemEnd], prefix: false) { return .rename(stem: stem) }
        return .copy(stem: stem)
    }

    /// `yaml` or `yml` (or, with `prefix`, starting with one: `yaml~`), case and look-alikes folded.
    private static func isYAMLExtension(_ text: String, prefix: Bool) -> Bool {
        let skeleton = LookAlikeDomains.skeleton(text)
        if prefix { return skeleton.hasPrefix("yaml") || skeleton.hasPrefix("yml") }
        return skeleton == "yaml" || skeleton == "yml"
    }

    /// Dots that look like `.`.
    private static let dotLookAlikes: Set<UInt32> = [
        0x2024, 0xFE52, 0xFF0E, 0x0701, 0x0702, 0xA4F8, 0xA60E, 0x06D4, 0x00B7, 0x2E31,
    ]

    /// `scalar` as a name is compared: `nil` for what does not show (format and control characters,
    /// default-ignorable code points such as zero-width spaces and variation selectors, combining marks),
    /// `.` for a look-alike dot, else itself.
    private static func cleaned(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        if dotLookAlikes.contains(scalar.value) { return "." }
        return isInvisible(scalar) ? nil : scalar
    }

    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isDefaultIgnorableCodePoint { return true }
        switch properties.generalCategory {
        case .control, .format, .nonspacingMark, .enclosingMark, .lineSeparator, .paragraphSeparator,
            .surrogate, .privateUse, .unassigned:
            return true
        default:
            return false
        }
    }

    /// The scalars of `name` a reader may not see or may take for others: invisible ones, spaces other
    /// than U+0020 and U+0020 at either end, look-alike dots, and non-ASCII letters after the last `.`.
    private static func invisibleScalars(in name: String) -> [Unicode.Scalar] {
        var found: [Unicode.Scalar] = []
        for (index, scalar) in name.unicodeScalars.enumerated() where isSuspicious(scalar, at: index, in: name) {
            if !found.contains(scalar) { found.append(scalar) }
        }
        return found
    }

    private static func isSuspicious(_ scalar: Unicode.Scalar, at index: Int, in name: String) -> Bool {
        if isInvisible(scalar) || dotLookAlikes.contains(scalar.value) { return true }
        if scalar.properties.isWhitespace {
            if scalar != " " { return true }
            let count = name.unicodeScalars.count
            let leading = name.unicodeScalars.prefix(index + 1).allSatisfy { $0 == " " }
            let trailing = name.unicodeScalars.suffix(count - index).allSatisfy { $0 == " " }
            return leading || trailing
        }
        // A non-ASCII letter in the extension (`.уaml`).
        if !scalar.isASCII, let lastDot = name.unicodeScalars.lastIndex(of: "."),
            index > name.unicodeScalars.distance(from: name.unicodeScalars.startIndex, to: lastDot)
        {
            return true
        }
        return false
    }

    /// `name` with every suspicious scalar written `\u{HEX}`, so a message shows what the terminal would not.
    static func escaped(_ name: String) -> String {
        var text = ""
        for (index, scalar) in name.unicodeScalars.enumerated() {
            if isSuspicious(scalar, at: index, in: name) {
                text += "\\u{" + hex(scalar) + "}"
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }

    private static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension String {
    /// The text without leading and trailing white space (any Unicode white space).
    fileprivate var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
