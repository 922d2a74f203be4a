import AutoMail

extension LanguageWorkspace {
    /// What to show over the cursor, Markdown: on a template reference, its subject in each locale and
    /// the triggers that send it; on an answer path (or a question, a questionnaire), the question's
    /// label, type and answers; on a Liquid variable, what fills it; on another id, its label; and on a
    /// diagnostic's range, its rule's explanation (`automail explain CODE`). `nil` when there is nothing.
    public func hover(at location: DocumentLocation) -> HoverInfo? {
        guard let (_, position) = clamped(location.path, location.range.start) else { return nil }
        var sections: [String] = []
        var range: DocumentRange?
        if let occurrence = index.occurrence(at: position, in: location.path), let text = describe(occurrence) {
            sections.append(text)
            range = occurrence.range
        }
        let here = diagnostics(path: location.path).filter { $0.range.contains(position) }
        var explained = Set<String>()
        for diagnostic in here where explained.insert(diagnostic.code).inserted {
            guard let rule = RuleCatalog.rule(diagnostic.source.code) else { continue }
            sections.append(
                "**\(diagnostic.code)**: \(diagnostic.message)\n\n```text\n\(RuleExplanation.explain(rule))```")
            if range == nil { range = diagnostic.range }
        }
        guard let range, !sections.isEmpty else { return nil }
        return HoverInfo(markdown: sections.joined(separator: "\n\n---\n\n"), range: range)
    }

    /// The Markdown describing an id.
    func describe(_ occurrence: Occurrence) -> String? {
        let model = workspace
        let manifest = model.manifest
        let key = occurrence.key
        switch occurrence.kind {
        case .template:
            guard let template = model.templates.first(where: { $0.id.value == key }) else {
                return "template `\(key)`: no template has this id"
            }
            var lines = ["**template `\(key)`** (`\(template.file)`)"]
            if let sender = template.sender { lines.append("sender: `\(sender.value)`") }
            if let purpose = template.purpose { lines.append("purpose: `\(purpose.value)`") }
            lines.append("")
            for content in template.locales {
                lines.append("- `\(content.locale.value)`: \(content.subject?.text ?? "(no subject)")")
            }
            let senders = model.triggers.filter { $0.template?.value == key }
            lines.append("")
            if senders.isEmpty {
                lines.append("sent by no trigger")
            } else {
                lines.append("sent by:")
                for trigger in senders {
                    lines.append(
                        "- `\(trigger.id.value)` on `\(trigger.event?.key ?? "?")`, priority \(trigger.effectivePriority)"
                    )
                }
            }
            return lines.joined(separator: "\n")
        case .questionnaire, .question, .answer:
            let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard let questionnaire = model.questionnaires.first(where: { $0.id.value == parts.first }) else {
                return "questionnaire `\(parts.first ?? key)`: no questionnaire has this id"
            }
            guard parts.count >= 2 else {
                var lines = ["**questionnaire `\(questionnaire.id.value)`**: \(questionnaire.title?.value ?? "")", ""]
                for question in questionnaire.questions {
                    lines.append(
                        "- `\(question.id.value)` (\(question.type?.value.rawValue ?? "?")): \(question.label?.value ?? "")"
                    )
                }
                return lines.joined(separator: "\n")
            }
            guard let question = questionnaire.questions.first(where: { $0.id.value == parts[1] }) else {
                return "question `\(parts[1])`: not a question of `\(questionnaire.id.value)`"
            }
            var lines = [
                "**\(question.label?.value ?? question.id.value)**",
                "question `\(question.id.value)` of `\(questionnaire.id.value)`, \(question.type?.value.rawValue ?? "no type")",
            ]
            if !question.answers.isEmpty {
                lines.append("")
                for answer in question.answers {
                    let marker = parts.count == 3 && answer.id.value == parts[2] ? " ←" : ""
                    lines.append("- `\(answer.id.value)`: \(answer.label?.value ?? "")\(marker)")
                }
            }
            return lines.joined(separator: "\n")
        case .contactField:
            guard let field = manifest?.contactFields.first(where: { $0.id.value == key }) else { return nil }
            return "**`contact.\(key)`**: custom contact field, \(field.type?.value.rawValue ?? "short_text")"
                + (field.label.map { ", «\($0.value)»" } ?? "")
                + "\n\nfilled by the sender from the contact's record for each email; empty when the contact has no value"
        case .variable:
            switch key {
            case "unsubscribe_url":
                return "**`unsubscribe_url`**: filled by the sender for each email: the contact's own unsubscribe link"
            case "contact.firstname":
                return "**`contact.firstname`**: filled by the sender from the contact's first name (may be empty)"
            case "contact.surname":
                return "**`contact.surname`**: filled by the sender from the contact's surname (may be empty)"
            case "contact.mail": return "**`contact.mail`**: filled by the sender: the address the email is sent to"
            default: return "**`\(key)`**: filled by the sender"
            }
        case .manifestValue:
            let value: String?
            switch key {
            case "legal.publisher": value = manifest?.legal?.publisher?.value
            case "legal.postal_address": value = manifest?.legal?.postalAddress?.value
            case "legal.privacy_url": value = manifest?.legal?.privacyURL?.value
            case "legal.data_origin":
                value = manifest?.legal?.dataOrigin.map { "\($0.locale.value): \($0.text.text)" }.joined(
                    separator: "\n\n")
            case "workspace.id": value = manifest?.id?.value
            case "workspace.name": value = manifest?.name?.value
            default: value = nil
            }
            return "**`\(key)`**: filled from `automail.yaml` when the bundle is built\n\n"
                + (value.map { "> \($0)" } ?? "(not written)")
        case .sender:
            guard let sender = manifest?.senders.first(where: { $0.id.value == key }) else { return nil }
            return "**sender `\(key)`**: \(sender.name?.value ?? "") <\(sender.address?.value ?? "?")>"
                + (sender.replyTo.map { ", reply to \($0.value)" } ?? "")
        case .purpose:
            guard let purpose = manifest?.consent.purposes.first(where: { $0.id.value == key }) else { return nil }
            return "**purpose `\(key)`**: \(purpose.label?.value ?? "")"
        case .supportLevel:
            let level = manifest?.supportLevels?.first { $0.id.value == key }
            return "**support level `\(key)`**" + (level?.label.map { ": \($0.value)" } ?? "")
        case .task:
            let task = manifest?.tasks.first { $0.id.value == key }
            return "**task `\(key)`**" + (task?.label.map { ": \($0.value)" } ?? "")
        case .locale:
            return "**locale `\(key)`**" + (manifest?.defaultLocale == key ? " (the default)" : "")
        case .layout:
            return "**layout `\(key)`**: the HTML around every email's body"
        case .trigger:
            guard let trigger = model.triggers.first(where: { $0.id.value == key }) else { return nil }
            return
                "**trigger `\(key)`**: on `\(trigger.event?.key ?? "?")` sends `\(trigger.template?.value ?? "?")`, priority \(trigger.effectivePriority)"
        case .filter, .duration:
            return nil
        }
    }
}
