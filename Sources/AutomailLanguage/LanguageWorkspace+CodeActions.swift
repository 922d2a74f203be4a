import AutoMail
import Diagnostics
import Foundation

extension LanguageWorkspace {
    /// The quick fixes of one diagnostic (from ``diagnostics()``):
    /// - its did-you-mean (a help ``DidYouMean/help(suggesting:)`` wrote): the misspelt text replaced by the suggestion;
    /// - for a code a suppression comment may silence (``Suppressibility``), a
    ///   `# automail: ignore CODE — reason` comment with a placeholder reason: on the block scalar's
    ///   header line when the diagnostic is inside one, else alone on the line above;
    /// - for a template without a locale (`AM601`), that locale added with the default locale's text,
    ///   marked for translation.
    public func codeActions(for diagnostic: LanguageDiagnostic) -> [CodeAction] {
        guard let path = diagnostic.path, let document = documents[path] else { return [] }
        var actions: [CodeAction] = []
        if let action = didYouMean(diagnostic, document) { actions.append(action) }
        if let action = addLocale(diagnostic, document) { actions.append(action) }
        if let action = suppression(diagnostic, document) { actions.append(action) }
        return actions
    }

    /// The quick fixes of the diagnostics of `path` that overlap `range` (LSP `textDocument/codeAction`,
    /// whose context carries the client's copies of the diagnostics: this finds the service's own).
    public func codeActions(path: String, range: DocumentRange) -> [CodeAction] {
        diagnostics(path: path).filter { $0.range.start <= range.end && range.start <= $0.range.end }
            .flatMap(codeActions(for:))
    }

    private func didYouMean(_ diagnostic: LanguageDiagnostic, _ document: Document) -> CodeAction? {
        guard let suggestion = DidYouMean.suggestion(inHelp: diagnostic.help),
            diagnostic.range.start.line == diagnostic.range.end.line
        else { return nil }
        var range = diagnostic.range
        var written = document.lines.text(in: range)
        if let first = written.first, first == "\"" || first == "'", written.count >= 2, written.last == first {
            range = DocumentRange(
                start: DocumentPosition(line: range.start.line, character: range.start.character + 1),
                end: DocumentPosition(line: range.end.line, character: range.end.character - 1))
            written = String(written.dropFirst().dropLast())
        }
        // Only when the diagnostic names exactly the text under its range: then replacing it is the fix.
        guard !written.isEmpty, written != suggestion, diagnostic.message.contains("`\(written)`") else { return nil }
        return CodeAction(
            title: "replace `\(written)` with `\(suggestion)`", isPreferred: true,
            edit: WorkspaceEdit(changes: [document.path: [TextEdit(range: range, newText: suggestion)]]))
    }

    /// The reason a new suppression comment is written with, for the author to replace.
    public static let suppressionReasonPlaceholder = "REASON"

    private func suppression(_ diagnostic: LanguageDiagnostic, _ document: Document) -> CodeAction? {
        let code = diagnostic.source.code
        let severity = RuleCatalog.rule(code)?.severity ?? diagnostic.severity
        guard Suppressibility.of(code, severity: severity) == .allowed else { return nil }
        let lines = document.lines
        let line = lines.clampedLine(diagnostic.range.start.line)
        let comment = "# automail: ignore \(code) — \(Self.suppressionReasonPlaceholder)"
        let title = "ignore \(code) here (with a reason)"
        // Inside a block scalar, no comment can be written: the header line's comment covers it.
        if let header = blockScalarHeader(above: line, in: lines) {
            let text = lines.text(ofLine: header)
            if let directive = text.range(of: "# automail: ignore ") {
                let column = text[..<directive.upperBound].utf16.count
                let at = DocumentPosition(line: header, character: column)
                return CodeAction(
                    title: title, isPreferred: false,
                    edit: WorkspaceEdit(changes: [
                        document.path: [TextEdit(range: DocumentRange(at: at), newText: "\(code), ")]
                    ]))
            }
            let end = lines.position(line: header, scalarOffset: Int.max)
            return CodeAction(
                title: title, isPreferred: false,
                edit: WorkspaceEdit(changes: [
                    document.path: [TextEdit(range: DocumentRange(at: end), newText: "  " + comment)]
                ]))
        }
        let indent = String(String.UnicodeScalarView(lines.lines[line].prefix { $0 == " " }))
        let start = lines.position(line: line, scalarOffset: 0)
        return CodeAction(
            title: title, isPreferred: false,
            edit: WorkspaceEdit(changes: [
                document.path: [TextEdit(range: DocumentRange(at: start), newText: indent + comment + "\n")]
            ]))
    }

    /// The 0-based line of the block scalar header (`key: |`, `key: >-`) whose text holds `line`, if any.
    func blockScalarHeader(above line: Int, in lines: LineIndex) -> Int? {
        guard var limit = Self.indentation(lines.lines[line]) else { return nil }
        var number = line - 1
        while number >= 0, limit > 0 {
            if let lead = Self.indentation(lines.lines[number]), lead < limit {
                if Self.opensBlockScalar(lines.lines[number]) { return number }
                limit = lead
            }
            number -= 1
        }
        return nil
    }

    /// The count of leading spaces of a line that holds something; `nil` for a blank line.
    static func indentation(_ line: [Unicode.Scalar]) -> Int? {
        let lead = line.prefix { $0 == " " }.count
        return lead < line.count ? lead : nil
    }

    /// Whether a line ends with a block scalar indicator (`|`, `>`, with chomping or indentation
    /// indicators), before an optional comment.
    static func opensBlockScalar(_ line: [Unicode.Scalar]) -> Bool {
        var text = String(String.UnicodeScalarView(line))
        if let comment = text.range(of: " #") { text = String(text[..<comment.lowerBound]) }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let marker = trimmed.lastIndex(where: { $0 == "|" || $0 == ">" }) else { return false }
        let indicators = trimmed[trimmed.index(after: marker)...]
        guard indicators.allSatisfy({ $0 == "-" || $0 == "+" || $0.isNumber }) else { return false }
        let before = trimmed[..<marker]
        return before.hasSuffix(": ") || before.hasSuffix(":") || before.hasSuffix("- ") || before.isEmpty
    }

    private func addLocale(_ diagnostic: LanguageDiagnostic, _ document: Document) -> CodeAction? {
        guard diagnostic.code == "AM601", let manifest = workspace.manifest, let defaultLocale = manifest.defaultLocale,
            let template = workspace.templates.first(where: { $0.file == document.path })
        else { return nil }
        // The missing locale is the last name in backticks of the message: "… has no `en` locale".
        let parts = diagnostic.message.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return nil }
        let missing = String(parts[parts.count - 2])
        guard missing != defaultLocale, !template.locales.contains(where: { $0.locale.value == missing }),
            let source = template.locales.first(where: { $0.locale.value == defaultLocale })
        else { return nil }
        let lines = document.lines
        let blocks = template.locales.compactMap { block(of: $0, in: lines) }
        guard let copied = block(of: source, in: lines), let insertAt = blocks.map(\.upperBound).max(),
            let keyRange = document.idRange(of: source.locale), keyRange.start.line == copied.lowerBound
        else { return nil }
        var text: [String] = []
        for number in copied {
            var line = lines.text(ofLine: number)
            if number == copied.lowerBound {
                let (_, start) = lines.scalarOffset(of: keyRange.start)
                let (_, end) = lines.scalarOffset(of: keyRange.end)
                var scalars = lines.lines[number]
                scalars.replaceSubrange(start..<end, with: missing.unicodeScalars)
                line = String(String.UnicodeScalarView(scalars))
                let indent = String(String.UnicodeScalarView(scalars.prefix { $0 == " " }))
                text.append(indent + "# TODO: translate into `\(missing)`: copied from `\(defaultLocale)`")
            }
            text.append(line)
        }
        let edit: TextEdit
        if insertAt < lines.count {
            edit = TextEdit(
                range: DocumentRange(at: lines.position(line: insertAt, scalarOffset: 0)),
                newText: text.joined(separator: "\n") + "\n")
        } else {
            let lastEmpty = lines.lines[lines.count - 1].isEmpty
            edit = TextEdit(
                range: DocumentRange(at: lines.end),
                newText: (lastEmpty ? "" : "\n") + text.joined(separator: "\n") + "\n")
        }
        return CodeAction(
            title: "add the `\(missing)` locale, copied from `\(defaultLocale)` to translate", isPreferred: false,
            edit: WorkspaceEdit(changes: [document.path: [edit]]))
    }

    /// The 0-based lines of a template locale's block: its key's line and the more indented lines
    /// after it, trailing blank lines left out.
    func block(of content: TemplateLocale, in lines: LineIndex) -> Range<Int>? {
        let first = content.locale.range.start.line - 1
        guard first >= 0, first < lines.count, let indent = Self.indentation(lines.lines[first]) else { return nil }
        var last = first
        var number = first + 1
        while number < lines.count {
            if let lead = Self.indentation(lines.lines[number]) {
                if lead <= indent { break }
                last = number
            }
            number += 1
        }
        return first..<(last + 1)
    }
}
