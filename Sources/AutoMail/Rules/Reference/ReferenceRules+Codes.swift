import Diagnostics

/// AM301–AM320: references between files and ids.
public extension DiagnosticCode {
    /// `AM301`: a reference names an unknown template.
    static let unknownTemplate: DiagnosticCode = "AM301"
    /// `AM302`: a reference names an unknown sender.
    static let unknownSender: DiagnosticCode = "AM302"
    /// `AM303`: a reference names an unknown questionnaire.
    static let unknownQuestionnaire: DiagnosticCode = "AM303"
    /// `AM304`: a reference names an unknown question.
    static let unknownQuestion: DiagnosticCode = "AM304"
    /// `AM305`: a reference names an unknown answer.
    static let unknownAnswer: DiagnosticCode = "AM305"
    /// `AM306`: a reference names an unknown support level.
    static let unknownSupportLevel: DiagnosticCode = "AM306"
    /// `AM307`: a reference names an unknown task.
    static let unknownTask: DiagnosticCode = "AM307"
    /// `AM308`: a reference names an unknown consent purpose.
    static let unknownPurpose: DiagnosticCode = "AM308"
    /// `AM310`: two definitions of the same kind share an id.
    static let duplicateID: DiagnosticCode = "AM310"
    /// `AM320`: an answer trigger is bound to a question that is not a choice question.
    static let questionCannotCarryEmail: DiagnosticCode = "AM320"
}
