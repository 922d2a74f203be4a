import Diagnostics

/// A decoded workspace: everything the checks and the lowering read.
public struct Workspace: Sendable, Hashable {
    /// The manifest; `nil` when `automail.yaml` is missing or could not be decoded at all.
    public var manifest: Manifest?
    /// The questionnaires, in path order.
    public var questionnaires: [Questionnaire]
    /// The templates, in path order.
    public var templates: [Template]
    /// The triggers, in path then source order.
    public var triggers: [Trigger]

    /// Files that could not be read as YAML or whose top level was not a mapping. Checks that would
    /// only repeat their error (an id defined there looks unknown) stay silent about their kind.
    public var unreadableFiles: [String]
    /// The files of `layouts/` (custom email layouts), by path.
    public var layoutFiles: [String: SourceFile]

    /// Creates a workspace.
    public init(
        manifest: Manifest?, questionnaires: [Questionnaire], templates: [Template], triggers: [Trigger],
        unreadableFiles: [String] = [], layoutFiles: [String: SourceFile] = [:]
    ) {
        self.manifest = manifest
        self.questionnaires = questionnaires
        self.templates = templates
        self.triggers = triggers
        self.unreadableFiles = unreadableFiles
        self.layoutFiles = layoutFiles
    }

    /// Whether some file of `folder` (`questionnaires`, `templates` or `triggers`) could not be read,
    /// so that its definitions are missing from the model.
    public func hasUnreadableFiles(in folder: String) -> Bool {
        unreadableFiles.contains { $0.hasPrefix(folder + "/") }
    }
}
