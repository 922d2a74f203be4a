import Diagnostics
import YAMLSource

extension MappingKind {
    static let question = MappingKind("question", keys: ["id", "type", "label", "answers"])
    static let answer = MappingKind("answer", keys: ["id", "label"])
}

extension WorkspaceDecoder {
    /// One question: answers required and non-empty for choice types, refused for others (AM211).
    static func decodeQuestion(_ item: inout MappingReader, into bag: inout DiagnosticBag) -> Question {
        let id = item.id(example: "support", into: &bag)
        let type = item.required("type", as: .oneOf(QuestionType.self), into: &bag)
        let label = item.required("label", as: .string(example: "Do you support the list?"), into: &bag)
        let answersPair = item.pair("answers")
        let answers = item.items(
            "answers", kind: .answer, noun: "answer", required: false, nonEmpty: false,
            example: "[{id: yes, label: Yes}]",
            into: &bag
        ) { answer, bag in
            let id = answer.id(example: "yes", into: &bag)
            return Answer(id: id, label: answer.required("label", as: .string(example: "Yes"), into: &bag))
        }
        if let type {
            let name = type.value.rawValue
            if type.value.canCarryEmail, (answers ?? []).isEmpty {
                let what = id.value.isEmpty ? "`\(name)` question" : "`\(name)` question `\(id.value)`"
                bag.report(
                    .answersShape, "\(what) needs at least one answer", at: answersPair?.key.range ?? type.range,
                    help: "list the answers under `answers:`, like `- id: yes` with a `label`")
            } else if !type.value.canCarryEmail, let answersPair {
                bag.report(
                    .answersShape, "`\(name)` questions have no answers", at: answersPair.key.range,
                    help: "remove `answers` or change `type` to `single_choice` or `checkbox`")
            }
        }
        return Question(id: id, type: type, label: label, answers: answers ?? [])
    }
}
