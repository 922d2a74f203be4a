import Diagnostics

/// The workspace's definitions by id, built once and read by every rule. The first definition of an
/// id wins (files are read in path order, items in source order); later ones are duplicates.
///
/// Every id a template, a questionnaire, a question, an answer or a trigger names is given a number
/// once, here (``number(of:)``), and each trigger's references are resolved once into numbers
/// (``triggers``): the rules over 50,000 triggers then compare and count integers instead of hashing
/// strings, and read a small array instead of the large `Trigger` values.
struct SymbolTable: Sendable {
    var senders: [String: Sender] = [:]
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

    /// The ids of the templates, without repeats, in workspace order: the known names a did-you-mean
    /// chooses among.
    private(set) var templateIDs: [String] = []
    /// The ids of the questionnaires, without repeats, in workspace order.
    private(set) var questionnaireIDs: [String] = []
    /// For each template of the workspace, in order, the number of its id (-1 for an empty id).
    private(set) var templateNumbers: [Int32] = []
    /// For each questionnaire of the workspace, in order, the number of its id (-1 for an empty id).
    private(set) var questionnaireNumbers: [Int32] = []
    /// Each trigger's references resolved, in the order of the workspace's triggers.
    private(set) var triggers: [TriggerSymbols] = []
    /// The questions that questionnaires define or triggers name, by ``TriggerSymbols/question``.
    private(set) var questions: [QuestionSymbol] = []

    /// The number of each id, in the order first met.
    private var numbers: [String: Int32] = [:]
    /// What each number names, by number.
    private var definitions: [Definition] = []
    /// The number of each question (``questions``), by the numbers of its questionnaire's id (high half)
    /// and of its own id (low half).
    private var questionNumbers: [UInt64: Int32] = [:]
    /// The number of each answer path (``TriggerSymbols/answerPath``) by its question's number (high half)
    /// and its answer id's number (low half), and whether the question defines that answer.
    private var answerPaths: [UInt64: (number: Int32, isDefined: Bool)] = [:]

    /// What an id's number names: the first template and the first questionnaire with that id.
    private struct Definition {
        /// The position of the first template with this id in `workspace.templates`, or -1.
        var template: Int32 = -1
        /// The position of the first questionnaire with this id in `workspace.questionnaires`, or -1.
        var questionnaire: Int32 = -1
    }

    /// A question that a questionnaire defines or a trigger names.
    struct QuestionSymbol: Sendable {
        /// The position of its questionnaire (the first with that id) in `workspace.questionnaires`, or
        /// -1 when the question is not defined there.
        var questionnaire: Int32 = -1
        /// Its position among that questionnaire's questions (the first with that id), or -1.
        var position: Int32 = -1
        /// Whether it is defined and of type `single_choice`.
        var isSingleChoice = false
    }

    init(_ workspace: Workspace) {
        templateNumbers.reserveCapacity(workspace.templates.count)
        // Mostly template and questionnaire ids (question and answer ids repeat across questionnaires).
        numbers.reserveCapacity(workspace.templates.count + workspace.questionnaires.count + 256)
        for position in workspace.templates.indices {
            let id = workspace.templates[position].id.value
            guard !id.isEmpty else {
                templateNumbers.append(-1)
                continue
            }
            let number = self.number(of: id)
            templateNumbers.append(number)
            if definitions[Int(number)].template < 0 {
                definitions[Int(number)].template = Int32(truncatingIfNeeded: position)
                templateIDs.append(id)
            }
        }
        questionnaireNumbers.reserveCapacity(workspace.questionnaires.count)
        let questionnaires = workspace.questionnaires
        for position in questionnaires.indices {
            guard !questionnaires[position].id.value.isEmpty else {
                questionnaireNumbers.append(-1)
                continue
            }
            let number = self.number(of: questionnaires[position].id.value)
            questionnaireNumbers.append(number)
            guard definitions[Int(number)].questionnaire < 0 else { continue }
            definitions[Int(number)].questionnaire = Int32(truncatingIfNeeded: position)
            questionnaireIDs.append(questionnaires[position].id.value)
            // By index: a question holds its answers, an answer its label.
            let questions = questionnaires[position].questions
            for index in questions.indices {
                let key = Self.pair(number, self.number(of: questions[index].id.value))
                guard questionNumbers[key] == nil else { continue }
                let questionNumber = Int32(truncatingIfNeeded: self.questions.count)
                questionNumbers[key] = questionNumber
                self.questions.append(
                    QuestionSymbol(
                        questionnaire: Int32(truncatingIfNeeded: position), position: Int32(truncatingIfNeeded: index),
                        isSingleChoice: questions[index].type?.value == .singleChoice))
                let answers = questions[index].answers
                for answer in answers.indices {
                    let path = Self.pair(questionNumber, self.number(of: answers[answer].id.value))
                    if answerPaths[path] == nil {
                        answerPaths[path] = (Int32(truncatingIfNeeded: answerPaths.count), true)
                    }
                }
            }
        }
        if let manifest = workspace.manifest {
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
        triggers.reserveCapacity(workspace.triggers.count)
        var last = LastAnswer()
        for index in workspace.triggers.indices {
            triggers.append(resolve(workspace.triggers, at: index, last: &last))
        }
    }

    /// The ids of the last answer trigger resolved, with their numbers: the triggers of a file mostly
    /// follow one questionnaire, often one question, so comparing with the last ones spares hashing
    /// their ids.
    private struct LastAnswer {
        var questionnaire = ""
        var questionnaireNumber: Int32 = -1
        var question = ""
        var questionNumber: Int32 = -1
    }

    /// The number of `id`, given it if it has none yet.
    private mutating func number(of id: String) -> Int32 {
        if let number = numbers[id] { return number }
        let number = Int32(truncatingIfNeeded: definitions.count)
        numbers[id] = number
        definitions.append(Definition())
        return number
    }

    /// Two numbers as one key.
    private static func pair(_ high: Int32, _ low: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: high)) << 32 | UInt64(UInt32(bitPattern: low))
    }

    /// A trigger's references as numbers; a question or an answer no questionnaire defines is numbered
    /// too, so that triggers naming the same one share its number. Reads the trigger's fields in place:
    /// a `Trigger` is a large value.
    private mutating func resolve(_ triggers: [Trigger], at index: Int, last: inout LastAnswer) -> TriggerSymbols {
        var symbols = TriggerSymbols()
        if let template = triggers[index].template?.value, !template.isEmpty {
            symbols.template = number(of: template)
            symbols.templateIsDefined = definitions[Int(symbols.template)].template >= 0
        }
        switch triggers[index].event {
        case nil: break
        case let .answer(questionnaire, question, answer)?:
            symbols.event = .answer
            if questionnaire.value != last.questionnaire || last.questionnaireNumber < 0 {
                last = LastAnswer(
                    questionnaire: questionnaire.value, questionnaireNumber: number(of: questionnaire.value))
            }
            symbols.target = last.questionnaireNumber
            symbols.targetIsDefined = definitions[Int(symbols.target)].questionnaire >= 0
            if question.value != last.question || last.questionNumber < 0 {
                let key = Self.pair(symbols.target, number(of: question.value))
                let questionNumber: Int32
                if let known = questionNumbers[key] {
                    questionNumber = known
                } else {
                    questionNumber = Int32(truncatingIfNeeded: questions.count)
                    questionNumbers[key] = questionNumber
                    questions.append(QuestionSymbol())
                }
                last.question = question.value
                last.questionNumber = questionNumber
            }
            symbols.question = last.questionNumber
            let path = Self.pair(symbols.question, number(of: answer.value))
            if let known = answerPaths[path] {
                symbols.answerPath = known.number
                symbols.answerIsDefined = known.isDefined
            } else {
                symbols.answerPath = Int32(truncatingIfNeeded: answerPaths.count)
                answerPaths[path] = (symbols.answerPath, false)
            }
        case let .supportLevel(level)?:
            symbols.event = .supportLevel
            symbols.target = number(of: level.value)
            symbols.targetIsDefined = supportLevels[level.value] != nil
        case let .task(task)?:
            symbols.event = .task
            symbols.target = number(of: task.value)
            symbols.targetIsDefined = tasks[task.value] != nil
        }
        return symbols
    }

    /// How many ids have a number: every number is below it.
    var numberCount: Int { definitions.count }

    /// How many answer paths have a number (``TriggerSymbols/answerPath``): every one is below it.
    var answerPathCount: Int { answerPaths.count }

    /// The position in `workspace.templates` of the first template whose id has `number`, if any.
    func templatePosition(_ number: Int32) -> Int? {
        guard number >= 0, Int(number) < definitions.count else { return nil }
        let position = definitions[Int(number)].template
        return position >= 0 ? Int(position) : nil
    }

    /// The position in `workspace.questionnaires` of the first questionnaire whose id has `number`, if any.
    func questionnairePosition(_ number: Int32) -> Int? {
        guard number >= 0, Int(number) < definitions.count else { return nil }
        let position = definitions[Int(number)].questionnaire
        return position >= 0 ? Int(position) : nil
    }

    /// The number of `id` when some definition or trigger names it.
    func existingNumber(of id: String) -> Int32? { numbers[id] }

    /// Whether `locale` is how a refused locale of the manifest is meant (`cy` for `CY`, `en-US` for
    /// `en_US`): a template's section for it is the same mistake, already reported in the manifest.
    func isRefusedLocale(spelling locale: String) -> Bool {
        refusedLocales.contains { $0.lowercased() == locale.lowercased() || Syntax.suggestedLocale(for: $0) == locale }
    }
}

/// What the rules read of a trigger's references, resolved once by the ``SymbolTable``: each id as its
/// number (equal numbers, equal ids), and whether it names a definition.
struct TriggerSymbols: Sendable {
    /// The kind of event.
    enum Event: UInt8, Sendable {
        /// `when` could not be decoded.
        case none
        case answer, supportLevel, task
    }

    /// The number of its template's id; -1 without a template or with an empty id.
    var template: Int32 = -1
    /// The number of the questionnaire's id (an answer), of the support level or of the task; -1 without
    /// an event.
    var target: Int32 = -1
    /// For an answer: the number of the question in the table's ``SymbolTable/questions``, the same for
    /// every trigger naming the same questionnaire and question ids.
    var question: Int32 = -1
    /// For an answer: the number of its path (questionnaire, question and answer ids), the same for every
    /// trigger naming the same three ids.
    var answerPath: Int32 = -1
    /// Its event's kind.
    var event = Event.none
    /// Whether `template` names a template of the workspace.
    var templateIsDefined = false
    /// Whether `target` names a questionnaire of the workspace, a declared support level or a declared task.
    var targetIsDefined = false
    /// For an answer: whether its question (first definitions) defines the answer.
    var answerIsDefined = false
}
