import Diagnostics

/// A questionnaire: one file of `questionnaires/`.
public struct Questionnaire: Sendable, Hashable {
    /// The file it was read from.
    public var file: String
    /// The questionnaire id.
    public var id: Located<String>
    /// Its title.
    public var title: Located<String>?
    /// Its questions, in order.
    public var questions: [Question]

    /// Creates a questionnaire.
    public init(file: String, id: Located<String>, title: Located<String>?, questions: [Question]) {
        self.file = file
        self.id = id
        self.title = title
        self.questions = questions
    }
}

/// The type of a question.
public enum QuestionType: String, Sendable, Hashable, CaseIterable {
    case singleChoice = "single_choice"
    case checkbox
    case openText = "open_text"
    case number
    case date
    case email
    case phone

    /// Whether answers of this type can carry an email (only choice questions can).
    public var canCarryEmail: Bool { self == .singleChoice || self == .checkbox }
}

/// A question of a questionnaire.
public struct Question: Sendable, Hashable {
    /// The question id, unique in its questionnaire.
    public var id: Located<String>
    /// Its type.
    public var type: Located<QuestionType>?
    /// Its label.
    public var label: Located<String>?
    /// Its answers (choice questions only).
    public var answers: [Answer]

    /// Creates a question.
    public init(id: Located<String>, type: Located<QuestionType>?, label: Located<String>?, answers: [Answer]) {
        self.id = id
        self.type = type
        self.label = label
        self.answers = answers
    }
}

/// An answer of a choice question.
public struct Answer: Sendable, Hashable {
    /// The answer id, unique in its question.
    public var id: Located<String>
    /// Its label.
    public var label: Located<String>?

    /// Creates an answer.
    public init(id: Located<String>, label: Located<String>?) {
        self.id = id
        self.label = label
    }
}
