import Diagnostics

/// AM301–AM308 and AM320: every reference resolves, with a did-you-mean; answer triggers only on
/// choice questions.
enum ReferenceRules {
    static func check(_ workspace: Workspace, symbols: SymbolTable, into bag: inout DiagnosticBag) {
        let sets = SuggestionSets()
        if let manifest = workspace.manifest, let defaultSender = manifest.defaultSender,
            !senderWrittenAsAddress(defaultSender, key: "default_sender", manifest: manifest, into: &bag)
        {
            resolve(
                defaultSender, kind: "sender", code: .unknownSender, context: "`default_sender`",
                known: symbols.senders.keys, sets: sets, definedIn: "`senders` of `automail.yaml`", into: &bag)
        }
        let hasManifest = workspace.manifest != nil
        let checksPurposes = workspace.manifest?.consent.effectiveMode == .purpose && !symbols.purposes.isEmpty
        let templates = workspace.templates
        for position in templates.indices {
            if let sender = templates[position].sender,
                !senderWrittenAsAddress(sender, key: "sender", manifest: workspace.manifest, into: &bag), hasManifest
            {
                resolve(
                    sender, kind: "sender", code: .unknownSender, context: "template `\(templates[position].id.value)`",
                    known: symbols.senders.keys, sets: sets, definedIn: "`senders` of `automail.yaml`", into: &bag)
            }
            if checksPurposes, let purpose = templates[position].purpose {
                resolve(
                    purpose, kind: "consent purpose", code: .unknownPurpose,
                    context: "template `\(templates[position].id.value)`", known: symbols.purposes.keys, sets: sets,
                    definedIn: "`consent.purposes` of `automail.yaml`", into: &bag)
            }
        }
        // Each trigger's references were resolved once by the symbol table: only an unknown one reads the
        // trigger's strings.
        let templatesUnreadable = workspace.hasUnreadableFiles(in: "templates")
        let levelsDefinedIn =
            workspace.manifest?.supportLevels == nil
            ? "the default support levels" : "`support_levels` of `automail.yaml`"
        for index in workspace.triggers.indices {
            let resolved = symbols.triggers[index]
            if !resolved.templateIsDefined, !templatesUnreadable, let template = workspace.triggers[index].template {
                reportUnknown(
                    template, kind: "template", code: .unknownTemplate,
                    context: "trigger `\(workspace.triggers[index].id.value)`", known: symbols.templateIDs, sets: sets,
                    definedIn: "`templates/`", into: &bag)
            }
            switch resolved.event {
            case .none: break
            case .supportLevel where workspace.manifest == nil, .task where workspace.manifest == nil:
                break  // without a readable manifest, levels and tasks are unknown: its error says why
            case .supportLevel:
                guard !resolved.targetIsDefined, case .supportLevel(let level)? = workspace.triggers[index].event
                else { break }
                reportUnknown(
                    level, kind: "support level", code: .unknownSupportLevel,
                    context: "trigger `\(workspace.triggers[index].id.value)`", known: symbols.supportLevels.keys,
                    sets: sets, definedIn: levelsDefinedIn, into: &bag)
            case .task:
                guard !resolved.targetIsDefined, case .task(let task)? = workspace.triggers[index].event else { break }
                reportUnknown(
                    task, kind: "task", code: .unknownTask, context: "trigger `\(workspace.triggers[index].id.value)`",
                    known: symbols.tasks.keys, sets: sets, definedIn: "`tasks` of `automail.yaml`", into: &bag)
            case .answer:
                checkAnswer(resolved, trigger: index, workspace: workspace, symbols: symbols, sets: sets, into: &bag)
            }
        }
    }

    /// AM302–AM304 and AM320 for the answer trigger at `index`, whose references `resolved` holds.
    private static func checkAnswer(
        _ resolved: TriggerSymbols, trigger index: Int, workspace: Workspace, symbols: SymbolTable,
        sets: SuggestionSets, into bag: inout DiagnosticBag
    ) {
        let resolvedQuestion = symbols.questions[Int(resolved.question)]
        // The common case, a defined answer of a choice question, reads no string.
        if resolved.answerIsDefined, resolvedQuestion.position >= 0, resolvedQuestion.questionnaire >= 0 {
            let type = workspace.questionnaires[Int(resolvedQuestion.questionnaire)].questions[
                Int(resolvedQuestion.position)
            ].type
            if type.map({ $0.value.canCarryEmail }) ?? true { return }
        }
        guard case let .answer(questionnaireID, questionID, answerID)? = workspace.triggers[index].event else { return }
        let context = "trigger `\(workspace.triggers[index].id.value)`"
        guard let questionnairePosition = symbols.questionnairePosition(resolved.target) else {
            // A questionnaire file that could not be read already has its error; do not add a guess.
            guard !workspace.hasUnreadableFiles(in: "questionnaires") else { return }
            reportUnknown(
                questionnaireID, kind: "questionnaire", code: .unknownQuestionnaire, context: context,
                known: symbols.questionnaireIDs, sets: sets, definedIn: "`questionnaires/`", into: &bag)
            return
        }
        let questionnaire = workspace.questionnaires[questionnairePosition]
        guard resolvedQuestion.position >= 0 else {
            resolve(
                questionID, kind: "question", code: .unknownQuestion,
                context: "questionnaire `\(questionnaire.id.value)`",
                known: questionnaire.questions.map(\.id.value), sets: sets,
                setKey: "question of " + questionnaireID.value, definedIn: "questionnaire `\(questionnaire.id.value)`",
                note: questionnaire.id.range, into: &bag)
            return
        }
        let question = questionnaire.questions[Int(resolvedQuestion.position)]
        if let type = question.type, !type.value.canCarryEmail {
            bag.report(
                .questionCannotCarryEmail,
                "question `\(questionnaire.id.value)/\(question.id.value)` is `\(type.value.rawValue)`: only `checkbox` and `single_choice` answers can send an email",
                at: SourceRange(
                    file: questionnaireID.range.file, start: questionnaireID.range.start, end: answerID.range.end),
                notes: [DiagnosticNote("the question's type is declared here", at: type.range)],
                help: "bind the trigger to an answer of a `checkbox` or `single_choice` question")
            return
        }
        if !resolved.answerIsDefined {
            resolve(
                answerID, kind: "answer", code: .unknownAnswer,
                context: "question `\(questionnaire.id.value)/\(question.id.value)`",
                known: question.answers.map(\.id.value), sets: sets,
                setKey: "answer of " + questionnaireID.value + "/" + questionID.value,
                definedIn: "question `\(question.id.value)`", note: question.id.range, into: &bag)
        }
    }

    /// Reports AM204 for a sender reference written as an address (`sender: team@lyon.fr`), with the id
    /// of the sender that has that address when there is one; `false` when `reference` is no address.
    static func senderWrittenAsAddress(
        _ reference: Located<String>, key: String, manifest: Manifest?, into bag: inout DiagnosticBag
    ) -> Bool {
        // A reference without an `@` byte has no `@` however it is compared: most are not looked at more
        // (Foundation's `contains` cost about 4,000 instructions a sender).
        guard reference.value.utf8.contains(UInt8(ascii: "@")), reference.value.contains("@") else { return false }
        let wanted = reference.value.lowercased()
        let owner = manifest?.senders.first { sender in
            [sender.address, sender.replyTo].contains { $0?.value.lowercased() == wanted }
        }
        let help =
            owner.map { "refer to the sender by its id, not its address: write `\($0.id.value)`" }
            ?? "refer to the sender by its id, not its address: the `id` of a sender in `senders` of `automail.yaml`"
        bag.report(.malformedID, "malformed id `\(reference.value)` for `\(key)`", at: reference.range, help: help)
        return true
    }

    /// Reports `reference` when it is not among `known`. `sets` keeps the did-you-mean candidates
    /// between calls, under `setKey` (default: `kind`), which must name `known` exactly.
    static func resolve(
        _ reference: Located<String>, kind: String, code: DiagnosticCode, context: @autoclosure () -> String,
        known: some Collection<String>, sets: SuggestionSets? = nil, setKey: String? = nil, definedIn: String,
        note: SourceRange? = nil, into bag: inout DiagnosticBag
    ) {
        guard !known.contains(reference.value) else { return }
        reportUnknown(
            reference, kind: kind, code: code, context: context(), known: known, sets: sets, setKey: setKey,
            definedIn: definedIn, note: note, into: &bag)
    }

    /// Reports `reference`, known not to be among `known` (the names it may be meant for, without
    /// repeats), unless it is not a valid id (the decoder reported it).
    static func reportUnknown(
        _ reference: Located<String>, kind: String, code: DiagnosticCode, context: @autoclosure () -> String,
        known: some Collection<String>, sets: SuggestionSets? = nil, setKey: String? = nil, definedIn: String,
        note: SourceRange? = nil, into bag: inout DiagnosticBag
    ) {
        // Empty and malformed ids already have their error from the decoder.
        guard Syntax.isValidID(reference.value) else { return }
        let candidates = sets?.candidates(setKey ?? kind, known) ?? DidYouMean.Candidates(known)
        let suggested: String?
        if let sets {
            suggested = sets.suggestion(for: reference.value, among: candidates, key: setKey ?? kind)
        } else {
            suggested = candidates.suggestion(for: reference.value)
        }
        let help: String
        if let suggestion = suggested {
            help = DidYouMean.help(suggesting: suggestion)
        } else if known.isEmpty {
            help = "declare the \(kind) in \(definedIn)"
        } else {
            let listed = candidates.sorted.prefix(8).map { "`\($0)`" }.joined(separator: ", ")
            help = "use one of \(listed)\(known.count > 8 ? ", …" : ""), or declare it in \(definedIn)"
        }
        var notes: [DiagnosticNote] = []
        if let note { notes.append(DiagnosticNote("\(definedIn) is defined here", at: note)) }
        bag.report(
            code, "unknown \(kind) `\(reference.value)` in \(context())", at: reference.range, notes: notes, help: help)
    }
}

/// The did-you-mean candidates of each kind of reference (templates, questionnaires, senders, the
/// questions of a questionnaire...), prepared on the first unknown reference of that kind and reused by
/// the next ones: an error-heavy workspace looks up thousands of unknown references among the same
/// thousands of names. The answers are kept too: a renamed template leaves many references to its old name.
final class SuggestionSets {
    private var prepared: [String: DidYouMean.Candidates] = [:]
    private var answers: [String: [String: String?]] = [:]

    /// The prepared candidates of `kind`, made from `names` the first time.
    func candidates(_ kind: String, _ names: some Collection<String>) -> DidYouMean.Candidates {
        if let ready = prepared[kind] { return ready }
        let made = DidYouMean.Candidates(names)
        prepared[kind] = made
        return made
    }

    /// `candidates.suggestion(for: name)`, looked up once per name and `key` (the key `candidates`
    /// were prepared under). Names are valid ids, ASCII: equal as Strings means equal scalar by scalar.
    func suggestion(for name: String, among candidates: DidYouMean.Candidates, key: String) -> String? {
        if let known = answers[key]?[name] { return known }
        let found = candidates.suggestion(for: name)
        answers[key, default: [:]][name] = .some(found)
        return found
    }
}
