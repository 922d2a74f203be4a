import Diagnostics
import Foundation
import Testing
import TestSupport

@testable import AutoMail

/// The workspace-wide rules over triggers (AM701–AM703, the references of AM301–AM320, the duplicate
/// ids of AM310) as they resolve ids once into numbers (``SymbolTable``), against their definitions
/// (``Legacy``): the same rules keyed by the ids' strings, as they were written before. Random
/// workspaces of a few ids each, so that ids repeat, collide and go unknown often; both must report the
/// same diagnostics in the same order.
struct TriggerRulesDifferentialTests {
    @Test func numberedRulesAgreeWithStringKeyedDefinitions() throws {
        var random = SplitMix64(state: 0x7219_2026_1207)
        var tiesSeen = 0
        var duplicatesSeen = 0
        var unknownSeen = 0
        for round in 0..<300 {
            let files = Self.workspace(&random)
            var timings = PhaseTimings()
            let decoded = DecodedWorkspace.decode(
                files.map { SourceFile(path: $0.key, bytes: Array($0.value.utf8)) }, options: BuildOptions(),
                timings: &timings)
            let workspace = decoded.workspace
            let symbols = SymbolTable(workspace)

            var numbered = DiagnosticBag()
            TriggerRules.check(workspace, symbols: symbols, into: &numbered)
            var definition = DiagnosticBag()
            Legacy.checkTriggers(workspace, into: &definition)
            #expect(numbered.diagnostics == definition.diagnostics, "round \(round): trigger rules\n\(files)")

            numbered = DiagnosticBag()
            ReferenceRules.check(workspace, symbols: symbols, into: &numbered)
            definition = DiagnosticBag()
            Legacy.checkReferences(workspace, into: &definition)
            #expect(numbered.diagnostics == definition.diagnostics, "round \(round): references\n\(files)")

            numbered = DiagnosticBag()
            IdentifierRules.check(workspace, symbols: symbols, into: &numbered)
            definition = DiagnosticBag()
            Legacy.checkIdentifiers(workspace, into: &definition)
            #expect(numbered.diagnostics == definition.diagnostics, "round \(round): identifiers\n\(files)")

            var all = DiagnosticBag()
            TriggerRules.check(workspace, symbols: symbols, into: &all)
            ReferenceRules.check(workspace, symbols: symbols, into: &all)
            IdentifierRules.check(workspace, symbols: symbols, into: &all)
            tiesSeen += all.diagnostics.filter { $0.code == .priorityTie }.count
            duplicatesSeen += all.diagnostics.filter { $0.code == .duplicateBinding || $0.code == .duplicateID }.count
            unknownSeen += all.diagnostics.filter { $0.code == .unknownAnswer || $0.code == .unknownTemplate }.count
        }
        // The generator reaches each kind of finding often.
        #expect(tiesSeen > 300)
        #expect(duplicatesSeen > 100)
        #expect(unknownSeen > 100)
    }

    /// The workspace-wide families run on two threads (``Checker/Family/groups``) report what they
    /// report on one, in the same order, with the same folding of many findings of one code in a file,
    /// after the decoder's diagnostics.
    @Test func familiesOnTwoThreadsReportAsOnOne() {
        var random = SplitMix64(state: 0x2026_1207_0002)
        var folded = 0
        for round in 0..<60 {
            var files = Self.workspace(&random)
            if round % 3 == 0 {
                // 30 triggers on one answer with an unknown template and one id: AM301, AM310 and AM701
                // more than `maxPerFileAndCode` times in one file.
                files["triggers/many.yaml"] =
                    "triggers:\n"
                    + (0..<30).map { _ in
                        "  - id: same\n    when:\n      answer: doors/support/yes\n    template: ghost\n"
                    }.joined()
            }
            var timings = PhaseTimings()
            let decoded = DecodedWorkspace.decode(
                files.map { SourceFile(path: $0.key, bytes: Array($0.value.utf8)) }, options: BuildOptions(),
                timings: &timings)
            for deferring in [false, true] {
                var serial = decoded.bag
                _ = Checker.check(
                    decoded.workspace, lines: decoded.lines, parallelism: 1, deferringTemplates: deferring,
                    into: &serial)
                var parallel = decoded.bag
                _ = Checker.check(
                    decoded.workspace, lines: decoded.lines, parallelism: 2, deferringTemplates: deferring,
                    into: &parallel)
                #expect(serial.diagnostics == parallel.diagnostics, "round \(round)\n\(files)")
                folded += serial.diagnostics.filter { $0.notShown > 0 }.count
            }
        }
        #expect(folded > 20)
    }

    /// Every family is in exactly one group, and reported exactly once.
    @Test func groupsHoldEveryFamilyOnce() {
        let grouped = Checker.Family.groups.flatMap { $0 }
        #expect(grouped.count == Checker.Family.allCases.count)
        #expect(Set(grouped) == Set(Checker.Family.allCases))
        let reported = Checker.Family.beforeTemplates + Checker.Family.afterTemplates
        #expect(reported.count == Checker.Family.allCases.count)
        #expect(Set(reported) == Set(Checker.Family.allCases))
    }

    // MARK: - The generator

    static let manifest = """
        id: diff
        name: Differential
        locales: [fr]
        sending_domains: [lyonvote.fr]
        senders:
          - id: team
            name: Team
            address: team@lyonvote.fr
        default_sender: team
        tasks:
          - id: call_back
            label: Call back
          - id: visit
            label: Visit

        """

    /// A workspace of a few questionnaires, templates and triggers with ids drawn from small pools.
    static func workspace(_ random: inout SplitMix64) -> [String: String] {
        let questionnaireIDs = ["doors", "phone", "street"]
        let questionIDs = ["support", "topics", "remarks", "mood"]
        let answerIDs = ["yes", "no", "maybe", "later"]
        let templateIDs = ["welcome", "callback", "thanks", "invite", "rappel"]
        let types = ["single_choice", "checkbox", "open_text"]
        var files = ["automail.yaml": manifest]
        for file in 0..<(1 + random.next(3)) {
            var text = "id: \(questionnaireIDs[random.next(questionnaireIDs.count)])\ntitle: Q\nquestions:\n"
            for _ in 0..<(1 + random.next(4)) {
                text += "  - id: \(questionIDs[random.next(questionIDs.count)])\n"
                text += "    type: \(types[random.next(types.count)])\n    label: L\n    answers:\n"
                for _ in 0..<(1 + random.next(4)) {
                    text += "      - id: \(answerIDs[random.next(answerIDs.count)])\n        label: A\n"
                }
            }
            files["questionnaires/q\(file).yaml"] = text
        }
        for file in 0..<(1 + random.next(5)) {
            let id = templateIDs[random.next(templateIDs.count - 1)]
            files["templates/t\(file).yaml"] = "id: \(id)\nlocales:\n  fr:\n    subject: S\n    body: B\n"
        }
        for file in 0..<(1 + random.next(2)) {
            var text = "triggers:\n"
            for index in 0..<(random.next(24)) {
                let event: String
                switch random.next(6) {
                case 0: event = "task: \(["call_back", "visit", "unknown_task"][random.next(3)])"
                case 1: event = "support_level: \(["supporter", "donor", "oppose", "nope"][random.next(4)])"
                default:
                    let q = questionnaireIDs[random.next(questionnaireIDs.count)]
                    let question = questionIDs[random.next(questionIDs.count)]
                    event = "answer: \(q)/\(question)/\(answerIDs[random.next(answerIDs.count)])"
                }
                text += "  - id: r\(random.next(30))\n    when:\n      \(event)\n"
                if random.next(8) != 0 { text += "    template: \(templateIDs[random.next(templateIDs.count)])\n" }
                if random.next(4) != 0 { text += "    priority: \(random.next(3))\n" }
                if index % 7 == 3 { text += "    delay: 2h\n" }
            }
            files["triggers/f\(file).yaml"] = text
        }
        return files
    }

    // MARK: - The definitions: the rules keyed by strings, as written before the symbol table numbered ids

    enum Legacy {
        /// The definitions the rules looked up by id strings.
        struct Symbols {
            var templates: [String: Template] = [:]
            var questionnaires: [String: Questionnaire] = [:]
            var supportLevels: [String: SourceRange?] = [:]
            var tasks: [String: SourceRange] = [:]
            var questionPositions: [String: [String: Int]] = [:]
            var answerIDs: [String: Set<String>] = [:]

            init(_ workspace: Workspace) {
                for template in workspace.templates where !template.id.value.isEmpty {
                    if templates[template.id.value] == nil { templates[template.id.value] = template }
                }
                for questionnaire in workspace.questionnaires where !questionnaire.id.value.isEmpty {
                    guard questionnaires[questionnaire.id.value] == nil else { continue }
                    questionnaires[questionnaire.id.value] = questionnaire
                    var positions: [String: Int] = [:]
                    for (position, question) in questionnaire.questions.enumerated()
                    where positions[question.id.value] == nil {
                        positions[question.id.value] = position
                        answerIDs[questionnaire.id.value + "/" + question.id.value] = Set(
                            question.answers.map(\.id.value))
                    }
                    questionPositions[questionnaire.id.value] = positions
                }
                guard let manifest = workspace.manifest else { return }
                if let levels = manifest.supportLevels {
                    for level in levels where supportLevels[level.id.value] == nil {
                        supportLevels[level.id.value] = level.id.range
                    }
                } else {
                    for id in SupportLevel.defaultIDs { supportLevels[id] = .some(nil) }
                }
                for task in manifest.tasks where tasks[task.id.value] == nil { tasks[task.id.value] = task.id.range }
            }

            func question(_ id: String, inQuestionnaire questionnaireID: String) -> Question? {
                guard let questionnaire = questionnaires[questionnaireID],
                    let position = questionPositions[questionnaireID]?[id]
                else { return nil }
                return questionnaire.questions[position]
            }

            func hasAnswer(_ answerID: String, question questionID: String, inQuestionnaire questionnaireID: String)
                -> Bool
            {
                answerIDs[questionnaireID + "/" + questionID]?.contains(answerID) ?? false
            }
        }

        static func checkTriggers(_ workspace: Workspace, into bag: inout DiagnosticBag) {
            let symbols = Symbols(workspace)
            checkDuplicateBindings(workspace, into: &bag)
            checkPriorityTies(workspace, symbols: symbols, into: &bag)
            checkUnusedTemplates(workspace, symbols: symbols, into: &bag)
        }

        static func checkDuplicateBindings(_ workspace: Workspace, into bag: inout DiagnosticBag) {
            let triggers = workspace.triggers
            func binding(_ trigger: Trigger) -> (event: TriggerEvent, template: String)? {
                guard let event = trigger.event, let template = trigger.template?.value, !template.isEmpty else {
                    return nil
                }
                return (event, template)
            }
            func sameBinding(_ a: Int, _ b: Int) -> Bool {
                guard let left = binding(triggers[a]), let right = binding(triggers[b]) else { return false }
                return left.template == right.template && left.event.sameValue(as: right.event)
            }
            var first: [Int: Int] = [:]
            var collided: [Int: [Int]] = [:]
            for (index, trigger) in triggers.enumerated() {
                guard let (event, template) = binding(trigger) else { continue }
                var hasher = Hasher()
                event.combineValue(into: &hasher)
                hasher.combine(template)
                let hash = hasher.finalize()
                guard let candidate = first[hash] else {
                    first[hash] = index
                    continue
                }
                let originalIndex =
                    sameBinding(candidate, index)
                    ? candidate : collided[hash, default: []].first { sameBinding($0, index) }
                guard let originalIndex else {
                    collided[hash, default: []].append(index)
                    continue
                }
                let original = triggers[originalIndex]
                bag.report(
                    .duplicateBinding,
                    "`\(event.key)` is bound to template `\(template)` twice, by triggers `\(original.id.value)` and `\(trigger.id.value)`",
                    at: trigger.eventRange ?? trigger.id.range,
                    notes: [DiagnosticNote("first bound here", at: original.eventRange ?? original.id.range)],
                    help: "remove one of the two triggers, or merge their settings into one")
            }
        }

        static func checkPriorityTies(_ workspace: Workspace, symbols: Symbols, into bag: inout DiagnosticBag) {
            struct Counts {
                var total = 0
                var byTemplate: [String: Int] = [:]
                mutating func add(_ template: String) {
                    total += 1
                    byTemplate[template, default: 0] += 1
                }
                func others(than template: String) -> Int { total - byTemplate[template, default: 0] }
            }
            struct Group {
                var members: [Int] = []
                var answers = Counts(), levels = Counts(), tasks = Counts()
                var byQuestionnaire: [String: Counts] = [:]
                var byQuestion: [String: Counts] = [:]
                var byAnswer: [String: Counts] = [:]
                var byLevel: [String: Counts] = [:]
            }
            func isSingleChoice(_ questionnaire: String, _ question: String) -> Bool {
                guard let question = symbols.question(question, inQuestionnaire: questionnaire) else { return false }
                return question.type?.value == .singleChoice
            }
            func canFireTogether(_ a: Trigger, _ b: Trigger) -> Bool {
                switch (a.event, b.event) {
                case let (.answer(q1, qu1, a1)?, .answer(q2, qu2, a2)?):
                    guard q1.value == q2.value else { return false }
                    if qu1.value == qu2.value, a1.value != a2.value, isSingleChoice(q1.value, qu1.value) {
                        return false
                    }
                    return true
                case let (.supportLevel(l1)?, .supportLevel(l2)?): return l1.value == l2.value
                case (.task?, .task?): return true
                case (nil, _), (_, nil): return false
                default: return true
                }
            }
            let triggers = workspace.triggers
            let order = triggers.indices.filter { index in
                triggers[index].event != nil && !(triggers[index].template?.value ?? "").isEmpty
            }.sorted { (triggers[$0].effectivePriority, $0) < (triggers[$1].effectivePriority, $1) }
            var group = Group()
            var groupPriority: Int?
            for index in order {
                let trigger = triggers[index]
                guard let event = trigger.event, let templateID = trigger.template?.value else { continue }
                let priority = trigger.effectivePriority
                if groupPriority != priority {
                    group = Group()
                    groupPriority = priority
                }
                var conflicts: Int
                switch event {
                case let .answer(q, question, answer):
                    let questionKey = q.value + "/" + question.value
                    let answerKey = questionKey + "/" + answer.value
                    conflicts = group.levels.others(than: templateID) + group.tasks.others(than: templateID)
                    conflicts += group.byQuestionnaire[q.value]?.others(than: templateID) ?? 0
                    if isSingleChoice(q.value, question.value) {
                        let sameQuestion = group.byQuestion[questionKey]?.others(than: templateID) ?? 0
                        let sameAnswer = group.byAnswer[answerKey]?.others(than: templateID) ?? 0
                        conflicts -= sameQuestion - sameAnswer
                    }
                    group.answers.add(templateID)
                    group.byQuestionnaire[q.value, default: Counts()].add(templateID)
                    group.byQuestion[questionKey, default: Counts()].add(templateID)
                    group.byAnswer[answerKey, default: Counts()].add(templateID)
                case let .supportLevel(level):
                    conflicts = group.answers.others(than: templateID) + group.tasks.others(than: templateID)
                    conflicts += group.byLevel[level.value]?.others(than: templateID) ?? 0
                    group.levels.add(templateID)
                    group.byLevel[level.value, default: Counts()].add(templateID)
                case .task:
                    conflicts = group.answers.others(than: templateID) + group.levels.others(than: templateID)
                    conflicts += group.tasks.others(than: templateID)
                    group.tasks.add(templateID)
                }
                if conflicts > 0 {
                    let witness = group.members.prefix(TriggerRules.maxWitnessCandidates).lazy.map { triggers[$0] }
                        .first { $0.template?.value != templateID && canFireTogether($0, trigger) }
                    var notes: [DiagnosticNote] = []
                    if let witness {
                        notes.append(
                            DiagnosticNote(
                                "trigger `\(witness.id.value)` sends template `\(witness.template?.value ?? "")` with the same priority \(priority)",
                                at: witness.priority?.range ?? witness.id.range))
                    }
                    bag.report(
                        .priorityTie,
                        "trigger `\(trigger.id.value)` ties at priority \(priority) with \(witness.map { "trigger `\($0.id.value)`" } ?? "another trigger") that can fire in the same encounter",
                        at: trigger.priority?.range ?? trigger.id.range, notes: notes,
                        help:
                            "give the triggers distinct priorities: the sender sends one email per encounter, the highest priority wins"
                    )
                }
                group.members.append(index)
            }
        }

        static func checkUnusedTemplates(_ workspace: Workspace, symbols: Symbols, into bag: inout DiagnosticBag) {
            guard !workspace.hasUnreadableFiles(in: "triggers"),
                workspace.triggers.allSatisfy({ $0.template.map { symbols.templates[$0.value] != nil } ?? false })
            else { return }
            let used = Set(workspace.triggers.compactMap { $0.template?.value })
            for template in workspace.templates where !template.id.value.isEmpty && !used.contains(template.id.value) {
                bag.report(
                    .unusedTemplate, "template `\(template.id.value)` is not used by any trigger",
                    at: template.id.range, help: "bind it in a file of `triggers/`, or delete it")
            }
        }

        /// The references of triggers (templates, levels, tasks, questionnaires, questions, answers), as
        /// `ReferenceRules` resolved them by strings; the templates' senders and purposes are not
        /// numbered and not repeated here, so the manifest of the generator names none.
        static func checkReferences(_ workspace: Workspace, into bag: inout DiagnosticBag) {
            let symbols = Symbols(workspace)
            let sets = SuggestionSets()
            for trigger in workspace.triggers {
                let context = "trigger `\(trigger.id.value)`"
                if let template = trigger.template, !workspace.hasUnreadableFiles(in: "templates") {
                    ReferenceRules.resolve(
                        template, kind: "template", code: .unknownTemplate, context: context,
                        known: symbols.templates.keys, sets: sets, definedIn: "`templates/`", into: &bag)
                }
                switch trigger.event {
                case nil: break
                case .supportLevel? where workspace.manifest == nil, .task? where workspace.manifest == nil:
                    break
                case let .supportLevel(level):
                    ReferenceRules.resolve(
                        level, kind: "support level", code: .unknownSupportLevel, context: context,
                        known: symbols.supportLevels.keys, sets: sets,
                        definedIn: workspace.manifest?.supportLevels == nil
                            ? "the default support levels" : "`support_levels` of `automail.yaml`", into: &bag)
                case let .task(task):
                    ReferenceRules.resolve(
                        task, kind: "task", code: .unknownTask, context: context, known: symbols.tasks.keys,
                        sets: sets, definedIn: "`tasks` of `automail.yaml`", into: &bag)
                case let .answer(questionnaireID, questionID, answerID):
                    guard let questionnaire = symbols.questionnaires[questionnaireID.value] else {
                        guard !workspace.hasUnreadableFiles(in: "questionnaires") else { break }
                        ReferenceRules.resolve(
                            questionnaireID, kind: "questionnaire", code: .unknownQuestionnaire, context: context,
                            known: symbols.questionnaires.keys, sets: sets, definedIn: "`questionnaires/`",
                            into: &bag)
                        break
                    }
                    guard let question = symbols.question(questionID.value, inQuestionnaire: questionnaireID.value)
                    else {
                        ReferenceRules.resolve(
                            questionID, kind: "question", code: .unknownQuestion,
                            context: "questionnaire `\(questionnaire.id.value)`",
                            known: questionnaire.questions.map(\.id.value), sets: sets,
                            setKey: "question of " + questionnaireID.value,
                            definedIn: "questionnaire `\(questionnaire.id.value)`", note: questionnaire.id.range,
                            into: &bag)
                        break
                    }
                    if let type = question.type, !type.value.canCarryEmail {
                        bag.report(
                            .questionCannotCarryEmail,
                            "question `\(questionnaire.id.value)/\(question.id.value)` is `\(type.value.rawValue)`: only `checkbox` and `single_choice` answers can send an email",
                            at: SourceRange(
                                file: questionnaireID.range.file, start: questionnaireID.range.start,
                                end: answerID.range.end),
                            notes: [DiagnosticNote("the question's type is declared here", at: type.range)],
                            help: "bind the trigger to an answer of a `checkbox` or `single_choice` question")
                        break
                    }
                    if !symbols.hasAnswer(
                        answerID.value, question: questionID.value, inQuestionnaire: questionnaireID.value)
                    {
                        ReferenceRules.resolve(
                            answerID, kind: "answer", code: .unknownAnswer,
                            context: "question `\(questionnaire.id.value)/\(question.id.value)`",
                            known: question.answers.map(\.id.value), sets: sets,
                            setKey: "answer of " + questionnaireID.value + "/" + questionID.value,
                            definedIn: "question `\(question.id.value)`", note: question.id.range, into: &bag)
                    }
                }
            }
        }

        /// AM310 as it was: every list of ids through one table of strings.
        static func checkIdentifiers(_ workspace: Workspace, into bag: inout DiagnosticBag) {
            reportDuplicates(workspace.templates.map(\.id), kind: "template", into: &bag)
            reportDuplicates(workspace.questionnaires.map(\.id), kind: "questionnaire", into: &bag)
            reportDuplicates(workspace.triggers.map(\.id), kind: "trigger", into: &bag)
            for questionnaire in workspace.questionnaires {
                reportDuplicates(
                    questionnaire.questions.map(\.id), kind: "question",
                    scope: " in questionnaire `\(questionnaire.id.value)`", into: &bag)
                for question in questionnaire.questions {
                    reportDuplicates(
                        question.answers.map(\.id), kind: "answer", scope: " in question `\(question.id.value)`",
                        into: &bag)
                }
            }
            guard let manifest = workspace.manifest else { return }
            reportDuplicates(manifest.senders.map(\.id), kind: "sender", into: &bag)
            reportDuplicates(manifest.consent.purposes.map(\.id), kind: "consent purpose", into: &bag)
            reportDuplicates(manifest.contactFields.map(\.id), kind: "contact field", into: &bag)
            reportDuplicates(manifest.supportLevels?.map(\.id) ?? [], kind: "support level", into: &bag)
            reportDuplicates(manifest.tasks.map(\.id), kind: "task", into: &bag)
            reportDuplicates(manifest.locales, kind: "locale", into: &bag)
            reportDuplicates(
                manifest.sendingDomains.map { Located($0.value.lowercased(), at: $0.range) }, kind: "sending domain",
                into: &bag)
        }

        static func reportDuplicates(
            _ ids: [Located<String>], kind: String, scope: String = "", into bag: inout DiagnosticBag
        ) {
            var first: [String: Int] = [:]
            for (index, id) in ids.enumerated() where !id.value.isEmpty {
                if let original = first[id.value] {
                    bag.report(
                        .duplicateID, "duplicate \(kind) id `\(id.value)`\(scope)", at: id.range,
                        notes: [DiagnosticNote("first defined here", at: ids[original].range)],
                        help: "rename one of them: \(kind) ids must be unique")
                } else {
                    first[id.value] = index
                }
            }
        }
    }
}
