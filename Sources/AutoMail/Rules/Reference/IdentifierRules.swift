import Diagnostics

/// AM310: ids are unique per kind across the workspace (questions within their questionnaire,
/// answers within their question).
enum IdentifierRules {
    static func check(_ workspace: Workspace, into bag: inout DiagnosticBag) {
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

    /// Reports every id after the first with the same value, with a note at the first.
    static func reportDuplicates(
        _ ids: [Located<String>], kind: String, scope: String = "", into bag: inout DiagnosticBag
    ) {
        // Positions, not ranges, sized once: 50,000 trigger ids are checked at the build's peak.
        var first: [String: Int] = [:]
        first.reserveCapacity(ids.count)
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
