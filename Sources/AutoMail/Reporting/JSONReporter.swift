import BundleFormat
import Diagnostics

/// `--format json`: a JSON array of the reported diagnostics, in the stable reporting order, pretty-printed
/// with sorted keys and a final newline. schemas/diagnostics.schema.json is its schema and
/// docs/diagnostics.md documents it:
///
/// ```json
/// [
///   {
///     "code": "AM301",
///     "file": "workspace/triggers/main.yaml",
///     "help": "did you mean `welcome`?",
///     "message": "unknown template `welcom` in trigger `welcome-yes`",
///     "notes": [],
///     "range": {
///       "end": { "column": 21, "line": 7, "offset": 131, "utf16Column": 21 },
///       "start": { "column": 15, "line": 7, "offset": 125, "utf16Column": 15 }
///     },
///     "severity": "error"
///   }
/// ]
/// ```
///
/// `file` and `range` are `null` for a diagnostic about the workspace as a whole; `help` is `null` when
/// there is none; each note has `message`, `file` and `range` the same way. Lines and columns are
/// 1-based (`column` in Unicode scalars, `utf16Column` in UTF-16 code units); `offset` is the 0-based
/// UTF-8 byte offset in the file (`null` when the file was not read); `end` is just past the range.
/// Suppressed diagnostics are not listed.
package struct JSONReporter: DiagnosticReporter {
    /// The sources and the path prefix.
    public var context: ReportContext

    /// Creates a reporter.
    public init(context: ReportContext) {
        self.context = context
    }

    public func report(_ diagnostics: [Diagnostic], suppressed: [SuppressedDiagnostic]) -> String {
        var locator = SourceLocator(sources: context.sources)
        let array = JSONValue.array(diagnostics.map { entry($0, locator: &locator) })
        return String(decoding: JSONWriter(pretty: true).write(array), as: UTF8.self)
    }

    private func entry(_ diagnostic: Diagnostic, locator: inout SourceLocator) -> JSONValue {
        var object = place(diagnostic.range, locator: &locator)
        object["code"] = .string(diagnostic.code.rawValue)
        object["severity"] = .string(diagnostic.severity.rawValue)
        object["message"] = .string(diagnostic.message)
        object["help"] = diagnostic.help.map(JSONValue.string) ?? .null
        object["notes"] = .array(
            diagnostic.notes.map { note in
                var entry = place(note.range, locator: &locator)
                entry["message"] = .string(note.message)
                return .object(entry)
            })
        return .object(object)
    }

    /// `file` and `range` for `range`, both `null` when there is none.
    private func place(_ range: SourceRange?, locator: inout SourceLocator) -> [String: JSONValue] {
        guard let range else { return ["file": .null, "range": .null] }
        func position(_ position: SourcePosition) -> JSONValue {
            .object([
                "line": .int(position.line), "column": .int(position.column),
                "utf16Column": .int(locator.utf16Column(position, in: range.file)),
                "offset": locator.byteOffset(position, in: range.file).map(JSONValue.int) ?? .null,
            ])
        }
        return [
            "file": .string(context.pathPrefix + range.file),
            "range": .object(["start": position(range.start), "end": position(range.end)]),
        ]
    }
}
