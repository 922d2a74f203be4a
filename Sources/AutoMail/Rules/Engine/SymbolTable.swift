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
    /// The declared locales that are well formed, without repeats: what every template, footer and
    /// data-origin notice must cover.
    var locales: [String] = []
    /// The declared locales refused as malformed (`CY`, `en_US`): reported once where they are declared,
    /// and never required anywhere else.
    var refusedLocales: [String] = []
    /// For each questionnaire of `questionnaires`, its questions' positions by id (first definition):
    /// every answer trigger looks its question up, and a questionnaire may hold thousands.
    private var questionPositions: [String: [String: Int]] = [:]
    /// For each question (`questionnaire/question`, first definitions), its answer ids.
    private var answerIDs: [String: Set<String>] = [:]

    init(_ workspace: Workspace) {
        for template in workspace.templates where !template.id.value.isEmpty {
            if templates[template.id.value] == nil { templates[template.id.value] = template }
        }
        for questionnaire in workspace.questionnaires where !questionnaire.id.value.isEmpty {
            guard questionnaires[questionnaire.id.value] == nil else { continue }
            questionnaires[questionnaire.id.value] = questionnaire
            var positions: [String: Int] = [:]
            for (position, question) in questionnaire.questions.enumerated() where positions[question.id.value] == nil {
                positions[question.id.value] = position
                answerIDs[questionnaire.id.value + "/" + question.id.value] = Set(question.answers.map(\.id.value))
            }
            questionPositions[questionnaire.id.value] = positions
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
        for locale in manifest.locales.map(\.value) where seen.insert(locale).inserted {
            if Syntax.isValidLocale(locale) { locales.append(locale) } else { refusedLocales.append(locale) }
        }
    }

    /// Whether `locale` is how a refused locale of the manifest is meant (`cy` for `CY`, `en-US` for
    /// `en_US`): a template's section for it is the same mistake, already reported in the manifest.
    func isRefusedLocale(spelling locale: String) -> Bool {
        refusedLocales.contains { $0.lowercased() == locale.lowercased() || Syntax.suggestedLocale(for: $0) == locale }
    }

    /// The question `id` of the questionnaire `questionnaireID`, first definitions of both.
    func question(_ id: String, inQuestionnaire questionnaireID: String) -> Question? {
        guard let questionnaire = questionnaires[questionnaireID],
            let position = questionPositions[questionnaireID]?[id]
        else { return nil }
        return questionnaire.questions[position]
    }

    /// Whether the question `questionID` of the questionnaire `questionnaireID` (first definitions) has
    /// the answer `answerID`.
    func hasAnswer(_ answerID: String, question questionID: String, inQuestionnaire questionnaireID: String) -> Bool {
        answerIDs[questionnaireID + "/" + questionID]?.contains(answerID) ?? false
    }
}
