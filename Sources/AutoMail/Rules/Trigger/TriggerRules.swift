import Diagnostics

/// AM701 (an event bound twice to one template), AM702 (a priority tie between triggers that can fire
/// in the same encounter and send different templates) and AM703 (a template no trigger uses).
enum TriggerRules {
    static func check(_ workspace: Workspace, symbols: SymbolTable, into bag: inout DiagnosticBag) {
        checkDuplicateBindings(workspace, symbols: symbols, into: &bag)
        checkPriorityTies(workspace, symbols: symbols, into: &bag)
        checkUnusedTemplates(workspace, symbols: symbols, into: &bag)
    }

    /// A trigger's binding (its event and template) as numbers (``TriggerSymbols``), with the trigger's
    /// position: equal and hashed by the binding alone, so that inserting a trigger's entry into the set
    /// of first bindings finds the first trigger with the same binding in the same lookup.
    private struct Binding: Hashable {
        /// The event: its kind (low two bits) and its answer path's, level's or task's number.
        var event: Int64
        var template: Int32
        /// The trigger's position (not part of the binding).
        var index: Int32

        init?(_ trigger: TriggerSymbols, at index: Int) {
            switch trigger.event {
            case .none: return nil
            case .answer: event = Int64(trigger.answerPath) << 2 | 1
            case .supportLevel: event = Int64(trigger.target) << 2 | 2
            case .task: event = Int64(trigger.target) << 2 | 3
            }
            guard trigger.template >= 0 else { return nil }
            template = trigger.template
            self.index = Int32(truncatingIfNeeded: index)
        }

        static func == (lhs: Binding, rhs: Binding) -> Bool { lhs.event == rhs.event && lhs.template == rhs.template }

        func hash(into hasher: inout Hasher) {
            hasher.combine(event)
            hasher.combine(template)
        }
    }

    private static func checkDuplicateBindings(
        _ workspace: Workspace, symbols: SymbolTable, into bag: inout DiagnosticBag
    ) {
        // The first trigger of each binding, by the binding's numbers: no string is hashed (the
        // definition, keyed by the strings, is kept in `TriggerRulesDifferentialTests`). Positions are
        // `Int32`: L has 50,000 triggers, and this set is held at the build's peak.
        let resolved = symbols.triggers
        var first = Set<Binding>(minimumCapacity: resolved.count)
        for index in resolved.indices {
            guard let binding = Binding(resolved[index], at: index) else { continue }
            let (inserted, original) = first.insert(binding)
            if inserted { continue }
            let trigger = workspace.triggers[index]
            let originalTrigger = workspace.triggers[Int(original.index)]
            guard let event = trigger.event, let template = trigger.template?.value else { continue }
            bag.report(
                .duplicateBinding,
                "`\(event.key)` is bound to template `\(template)` twice, by triggers `\(originalTrigger.id.value)` and `\(trigger.id.value)`",
                at: trigger.eventRange ?? trigger.id.range,
                notes: [DiagnosticNote("first bound here", at: originalTrigger.eventRange ?? originalTrigger.id.range)],
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
        let resolved = symbols.triggers
        let questions = symbols.questions
        func canFireTogether(_ a: TriggerSymbols, _ b: TriggerSymbols) -> Bool {
            switch (a.event, b.event) {
            case (.answer, .answer):
                guard a.target == b.target else { return false }
                if a.question == b.question, a.answerPath != b.answerPath, questions[Int(a.question)].isSingleChoice {
                    return false
                }
                return true
            case (.supportLevel, .supportLevel): return a.target == b.target
            case (.task, .task): return true
            case (.none, _), (_, .none): return false
            // Events of two kinds are independent: a contact can answer while being put at a level or
            // given a task. Listed, not `default:`, so that a new kind is a compile error here until
            // someone decides which kinds it can fire together with.
            case (.answer, .supportLevel), (.answer, .task), (.supportLevel, .answer), (.supportLevel, .task),
                (.task, .answer), (.task, .supportLevel):
                return true
            }
        }

        // One priority at a time, each in workspace order: only triggers of equal priority can tie, so a
        // group's counters are cleared once it is done. Sorted as (priority, position) pairs, without
        // reading a `Trigger` at each comparison.
        var order: [(priority: Int, index: Int32)] = []
        order.reserveCapacity(resolved.count)
        for index in resolved.indices where resolved[index].event != .none && resolved[index].template >= 0 {
            order.append((workspace.triggers[index].effectivePriority, Int32(truncatingIfNeeded: index)))
        }
        order.sort { ($0.priority, $0.index) < ($1.priority, $1.index) }
        // Indices of the group's triggers so far, and its counters: every counter of the old nested
        // dictionaries of strings (`TriggerRulesDifferentialTests` keeps them as the definition) in one
        // table keyed by numbers.
        var members: [Int32] = []
        var counts = TieCounts(symbols)
        var groupPriority: Int?
        for (priority, index) in order {
            let trigger = resolved[Int(index)]
            if groupPriority != priority {
                members.removeAll(keepingCapacity: members.capacity <= TieCounts.keptCapacity)
                counts.clear()
                groupPriority = priority
            }
            let template = trigger.template
            var conflicts: Int
            switch trigger.event {
            case .none: continue
            case .answer:
                let questionnaire = counts.questionnaire(trigger.target)
                let question = counts.question(trigger.question)
                let answer = counts.answerPath(trigger.answerPath)
                conflicts =
                    counts.others(TieCounts.levels, than: template) + counts.others(TieCounts.tasks, than: template)
                conflicts += counts.others(questionnaire, than: template)
                if questions[Int(trigger.question)].isSingleChoice {
                    // Other answers of the same single-choice question cannot be given together.
                    conflicts -= counts.others(question, than: template) - counts.others(answer, than: template)
                }
                counts.add(TieCounts.answers, template)
                counts.add(questionnaire, template)
                counts.add(question, template)
                counts.add(answer, template)
            case .supportLevel:
                let level = counts.level(trigger.target)
                conflicts =
                    counts.others(TieCounts.answers, than: template) + counts.others(TieCounts.tasks, than: template)
                conflicts += counts.others(level, than: template)
                counts.add(TieCounts.levels, template)
                counts.add(level, template)
            case .task:
                conflicts =
                    counts.others(TieCounts.answers, than: template) + counts.others(TieCounts.levels, than: template)
                conflicts += counts.others(TieCounts.tasks, than: template)
                counts.add(TieCounts.tasks, template)
            }
            if conflicts > 0 {
                // The first of the group's earlier triggers that can fire with this one, among the first
                // `maxWitnessCandidates`: thousands of mutually exclusive answers ahead of the one that
                // ties would otherwise make every tie scan them all (quadratic). Past the bound the
                // message names no trigger.
                let witnessIndex = members.prefix(Self.maxWitnessCandidates).first {
                    resolved[Int($0)].template != template && canFireTogether(resolved[Int($0)], trigger)
                }
                let tied = workspace.triggers[Int(index)]
                let witness = witnessIndex.map { workspace.triggers[Int($0)] }
                var notes: [DiagnosticNote] = []
                if let witness {
                    notes.append(
                        DiagnosticNote(
                            "trigger `\(witness.id.value)` sends template `\(witness.template?.value ?? "")` with the same priority \(priority)",
                            at: witness.priority?.range ?? witness.id.range))
                }
                bag.report(
                    .priorityTie,
                    "trigger `\(tied.id.value)` ties at priority \(priority) with \(witness.map { "trigger `\($0.id.value)`" } ?? "another trigger") that can fire in the same encounter",
                    at: tied.priority?.range ?? tied.id.range, notes: notes,
                    help:
                        "give the triggers distinct priorities: the sender sends one email per encounter, the highest priority wins"
                )
            }
            members.append(index)
        }
    }

    /// The counters of one priority group: for each slot (all answers, all levels, all tasks, one
    /// questionnaire, one support level, one question, one answer path), how many of the group's
    /// triggers so far fall in it, in all and by template.
    ///
    /// A slot is a number: 0, 1 and 2, then one range per kind, each as long as the symbol table's
    /// numbers of that kind. The totals are an array indexed by slot, each stamped with the group that
    /// wrote it (an older stamp reads as zero, so a group is cleared without touching the array); the
    /// counts by template are one table keyed by slot and template.
    private struct TieCounts {
        static let answers = 0
        static let levels = 1
        static let tasks = 2
        private let levelBase: Int
        private let questionBase: Int
        private let pathBase: Int

        private var totals: [Int32]
        private var stamps: [UInt32]
        private var group: UInt32 = 1
        private var byTemplate: [UInt64: Int32] = [:]

        /// The most entries the table by template keeps room for between groups: a cleared table is
        /// scanned whole, so a large one is dropped instead (one large group, then many small ones).
        static let keptCapacity = 1_024

        init(_ symbols: SymbolTable) {
            levelBase = 3 + symbols.numberCount
            questionBase = levelBase + symbols.numberCount
            pathBase = questionBase + symbols.questions.count
            totals = [Int32](repeating: 0, count: pathBase + symbols.answerPathCount)
            stamps = [UInt32](repeating: 0, count: totals.count)
        }

        func questionnaire(_ number: Int32) -> Int { 3 + Int(number) }
        func level(_ number: Int32) -> Int { levelBase + Int(number) }
        func question(_ number: Int32) -> Int { questionBase + Int(number) }
        func answerPath(_ number: Int32) -> Int { pathBase + Int(number) }

        /// Starts the next group.
        mutating func clear() {
            group &+= 1
            byTemplate.removeAll(keepingCapacity: byTemplate.capacity <= Self.keptCapacity)
        }

        /// The key of `slot`'s count for `template`. A slot is below `totals.count`, an array's length,
        /// far below 2^32.
        private static func key(_ slot: Int, _ template: Int32) -> UInt64 {
            UInt64(UInt32(truncatingIfNeeded: slot)) << 32 | UInt64(UInt32(bitPattern: template))
        }

        mutating func add(_ slot: Int, _ template: Int32) {
            if stamps[slot] != group {
                stamps[slot] = group
                totals[slot] = 0
            }
            totals[slot] += 1
            byTemplate[Self.key(slot, template), default: 0] += 1
        }

        /// How many of the slot's triggers send another template than `template`.
        func others(_ slot: Int, than template: Int32) -> Int {
            guard stamps[slot] == group else { return 0 }
            return Int(totals[slot]) - Int(byTemplate[Self.key(slot, template)] ?? 0)
        }
    }

    /// Silent while a trigger file is unreadable or a trigger's template is missing or unknown: the
    /// warning would only echo that error.
    private static func checkUnusedTemplates(
        _ workspace: Workspace, symbols: SymbolTable, into bag: inout DiagnosticBag
    ) {
        guard !workspace.hasUnreadableFiles(in: "triggers"), symbols.triggers.allSatisfy(\.templateIsDefined) else {
            return
        }
        // Used templates by the position of their first definition.
        var used = [Bool](repeating: false, count: workspace.templates.count)
        for trigger in symbols.triggers {
            if let position = symbols.templatePosition(trigger.template) { used[position] = true }
        }
        for position in workspace.templates.indices {
            guard let first = symbols.templatePosition(symbols.templateNumbers[position]), !used[first] else {
                continue
            }
            let id = workspace.templates[position].id
            bag.report(
                .unusedTemplate, "template `\(id.value)` is not used by any trigger", at: id.range,
                help: "bind it in a file of `triggers/`, or delete it")
        }
    }
}
