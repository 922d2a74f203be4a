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

    /// Creates a workspace.
    public init(manifest: Manifest?, questionnaires: [Questionnaire], templates: [Template], triggers: [Trigger]) {
        self.manifest = manifest
        self.questionnaires = questionnaires
        self.templates = templates
        self.triggers = triggers
    }
}
