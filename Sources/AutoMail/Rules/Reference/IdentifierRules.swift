import Diagnostics

/// AM310: ids are unique per kind across the workspace (questions within their questionnaire,
/// answers within their question).
enum IdentifierRules {
    static func check(_ workspace: Workspace, symbols: SymbolTable, into bag: inout DiagnosticBag) {
        // Templates and questionnaires by the numbers the symbol table gave their ids: a later one with
        // the same id is a duplicate of the first definition, found without hashing the ids again.
        reportDuplicates(
            workspace.templates, numbers: symbols.templateNumbers, first: symbols.templatePosition, kind: "template",
            into: &bag)
        reportDuplicates(
            workspace.questionnaires, numbers: symbols.questionnaireNumbers, first: symbols.questionnairePosition,
            kind: "questionnaire", into: &bag)
        reportDuplicates(workspace.triggers, kind: "trigger", into: &bag)
        for questionnaire in workspace.questionnaires {
            reportDuplicates(
                questionnaire.questions, kind: "question",
                scope: " in questionnaire `\(questionnaire.id.value)`", into: &bag)
            for question in questionnaire.questions {
                reportDuplicates(
                    question.answers, kind: "answer", scope: " in question `\(question.id.value)`", into: &bag)
            }
        }
        guard let manifest = workspace.manifest else { return }
        reportDuplicates(manifest.senders, kind: "sender", into: &bag)
        reportDuplicates(manifest.consent.purposes, kind: "consent purpose", into: &bag)
        reportDuplicates(manifest.contactFields, kind: "contact field", into: &bag)
        reportDuplicates(manifest.supportLevels ?? [], kind: "support level", into: &bag)
        reportDuplicates(manifest.tasks, kind: "task", into: &bag)
        reportDuplicates(manifest.locales, kind: "locale", into: &bag)
        reportDuplicates(
            manifest.sendingDomains.map { Located($0.value.lowercased(), at: $0.range) }, kind: "sending domain",
            into: &bag)
    }

    /// Reports every item whose id repeats an earlier one's, with a note at the first; empty ids aside.
    /// `scope` is read only for a duplicate.
    static func reportDuplicates<Items: RandomAccessCollection<Element>, Element: Identified>(
        _ items: Items, kind: String, scope: @autoclosure () -> String = "", into bag: inout DiagnosticBag
    ) where Items.Index == Int {
        // A few ids (the answers of a question, the questions of a questionnaire) are compared with the
        // earlier ones, without a table; more are looked up in one, sized once (50,000 trigger ids are
        // checked at the build's peak). Either way an id's original is its first occurrence.
        if items.count <= smallCount {
            for index in items.indices where !items[index].id.value.isEmpty {
                let value = items[index].id.value
                guard let original = items[..<index].firstIndex(where: { $0.id.value == value }) else { continue }
                report(items[index].id, original: items[original].id, kind: kind, scope: scope(), into: &bag)
            }
            return
        }
        var first = Set<FirstOccurrence>(minimumCapacity: items.count)
        for index in items.indices where !items[index].id.value.isEmpty {
            let (inserted, original) = first.insert(FirstOccurrence(id: items[index].id.value, index: index))
            if !inserted {
                report(items[index].id, original: items[original.index].id, kind: kind, scope: scope(), into: &bag)
            }
        }
    }

    /// An id and where it first occurs: equal and hashed by the id alone, so that inserting a later
    /// occurrence finds the first one in the same lookup.
    private struct FirstOccurrence: Hashable {
        var id: String
        var index: Int

        static func == (lhs: FirstOccurrence, rhs: FirstOccurrence) -> Bool { lhs.id == rhs.id }
        func hash(into hasher: inout Hasher) { hasher.combine(id) }
    }

    /// Up to how many ids are compared pairwise rather than looked up in a table.
    static let smallCount = 16

    /// Reports every item whose id's number (`numbers`, -1 for an empty id) has its first definition
    /// (`first`) elsewhere.
    private static func reportDuplicates<Element: Identified>(
        _ items: [Element], numbers: [Int32], first: (Int32) -> Int?, kind: String, into bag: inout DiagnosticBag
    ) {
        for index in items.indices {
            guard let original = first(numbers[index]), original != index else { continue }
            report(items[index].id, original: items[original].id, kind: kind, scope: "", into: &bag)
        }
    }

    private static func report(
        _ id: Located<String>, original: Located<String>, kind: String, scope: String, into bag: inout DiagnosticBag
    ) {
        bag.report(
            .duplicateID, "duplicate \(kind) id `\(id.value)`\(scope)", at: id.range,
            notes: [DiagnosticNote("first defined here", at: original.range)],
            help: "rename one of them: \(kind) ids must be unique")
    }
}

/// A definition with an id, for ``IdentifierRules``.
protocol Identified {
    /// Its id, where it is written.
    var id: Located<String> { get }
}

extension Located: Identified where Value == String {
    var id: Located<String> { self }
}

extension Template: Identified {}
extension Questionnaire: Identified {}
extension Question: Identified {}
extension Answer: Identified {}
extension Trigger: Identified {}
extension Sender: Identified {}
extension Purpose: Identified {}
extension ContactField: Identified {}
extension SupportLevel: Identified {}
extension TaskDefinition: Identified {}
