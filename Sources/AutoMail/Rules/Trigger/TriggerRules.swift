import Diagnostics

/// AM701 (an event bound twice to one template), AM702 (a priority tie between triggers that can fire
/// in the same encounter and send different templates) and AM703 (a template no trigger uses).
enum TriggerRules {
    static func check(_ workspace: Workspace, symbols: SymbolTable, into bag: inout DiagnosticBag) {
        checkDuplicateBindings(workspace, into: &bag)
        checkPriorityTies(workspace, symbols: symbols, into: &bag)
        checkUnusedTemplates(workspace, symbols: symbols, into: &bag)
    }

    private static func checkDuplicateBindings(_ workspace: Workspace, into bag: inout DiagnosticBag) {
        // Indices by the hash of their binding, not the bindings' keys as strings: L has 50,000
        // triggers, and 50,000 `answer:…` keys in a dictionary held 12 MB at the build's peak. Equal
        // hashes are told apart by comparing the bindings, so the hash seed never shows in the output.
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
        // The rare first triggers whose binding's hash an earlier, different binding already has.
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

    /// How many earlier triggers of a priority group a tie's witness (the note of AM702) is looked for
    /// among: enough for any workspace written by hand, and a bound on a hostile one.
    static let maxWitnessCandidates = 1_000

    /// Which triggers can fire in one encounter: an encounter fills one questionnaire (a single-choice
    /// question has one answer, a checkbox several), sets at most one support level and assigns any
    /// number of tasks. Two triggers on different templates with the same priority that can fire
    /// together leave the sender unable to choose: that is a tie.
    ///
    /// Counting makes this linear: for each trigger, the number of earlier triggers of its priority
    /// that can fire with it and send another template is computed from counters, not by comparing
    /// pairs. A witness for the note is searched only when a tie exists, among the first
    /// ``maxWitnessCandidates`` earlier triggers of the group (so a tie costs at most that many
    /// comparisons).
    private static func checkPriorityTies(_ workspace: Workspace, symbols: SymbolTable, into bag: inout DiagnosticBag) {
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
            /// Indices into the workspace's triggers (a `Trigger` is a large value).
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
                if qu1.value == qu2.value, a1.value != a2.value, isSingleChoice(q1.value, qu1.value) { return false }
                return true
            case let (.supportLevel(l1)?, .supportLevel(l2)?): return l1.value == l2.value
            case (.task?, .task?): return true
            case (nil, _), (_, nil): return false
            default: return true
            }
        }

        let triggers = workspace.triggers
        // One priority at a time, each in workspace order: only triggers of equal priority can tie, so a
        // group's counters are dropped once it is done (all groups at once held 36 MB for 50,000 triggers).
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
                    // Other answers of the same single-choice question cannot be given together.
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
                // The first of the group's earlier triggers that can fire with this one, among the first
                // `maxWitnessCandidates`: thousands of mutually exclusive answers ahead of the one that
                // ties would otherwise make every tie scan them all (quadratic). Past the bound the
                // message names no trigger.
                let witness = group.members.prefix(Self.maxWitnessCandidates).lazy.map { triggers[$0] }.first {
                    $0.template?.value != templateID && canFireTogether($0, trigger)
                }
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

    /// Silent while a trigger file is unreadable or a trigger's template is missing or unknown: the
    /// warning would only echo that error.
    private static func checkUnusedTemplates(
        _ workspace: Workspace, symbols: SymbolTable, into bag: inout DiagnosticBag
    ) {
        guard !workspace.hasUnreadableFiles(in: "triggers"),
            workspace.triggers.allSatisfy({ $0.template.map { symbols.templates[$0.value] != nil } ?? false })
        else { return }
        let used = Set(workspace.triggers.compactMap { $0.template?.value })
        for template in workspace.templates where !template.id.value.isEmpty && !used.contains(template.id.value) {
            bag.report(
                .unusedTemplate, "template `\(template.id.value)` is not used by any trigger", at: template.id.range,
                help: "bind it in a file of `triggers/`, or delete it")
        }
    }
}
