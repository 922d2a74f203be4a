import Diagnostics

/// The workspace's definitions by id, built once and read by every rule. The first definition of an
/// id wins (files are read in path order, items in source order); later ones are duplicates.
struct SymbolTable {
    var templates: [String: Template] = [:]
    var senders: [String: Sender] = [:]
    var questionnaires: [String: Questionnaire] = [:]
    var supportLevels: [String: SourceRange?] = [:]
    var tasks: [String: SourceRange] = [:]
    var purposes: [String: SourceRange] = [:]
    var contactFields: [String: ContactField] = [:]
    var locales: [String] = []

    init(_ workspace: Workspace) {
        for template in workspace.templates where !template.id.value.isEmpty {
            if templates[template.id.value] == nil { templates[template.id.value] = template }
        }
        for questionnaire in workspace.questionnaires where !questionnaire.id.value.isEmpty {
            if questionnaires[questionnaire.id.value] == nil { questionnaires[questionnaire.id.value] = questionnaire }
        }
        guard let manifest = workspace.manifest else { return }
        for sender in manifest.senders where senders[sender.id.value] == nil {
            senders[sender.id.value] = sender
        }
        if let levels = manifest.supportLevels {
            for level in levels where supportLevels[level.id.value] == nil {
                supportLevels[level.id.value] = level.id.range
            }
        } else {
            for id in SupportLevel.defaultIDs { supportLevels[id] = .some(nil) }
        }
        for task in manifest.tasks where tasks[task.id.value] == nil { tasks[task.id.value] = task.id.range }
        for purpose in manifest.consent.purposes where purposes[purpose.id.value] == nil {
            purposes[purpose.id.value] = purpose.id.range
        }
        for field in manifest.contactFields where contactFields[field.id.value] == nil {
            contactFields[field.id.value] = field
        }
        var seen = Set<String>()
        locales = manifest.locales.map(\.value).filter { seen.insert($0).inserted }
    }

    /// The question `id` of `questionnaire`, first definition.
    func question(_ id: String, in questionnaire: Questionnaire) -> Question? {
        questionnaire.questions.first { $0.id.value == id }
    }
}
