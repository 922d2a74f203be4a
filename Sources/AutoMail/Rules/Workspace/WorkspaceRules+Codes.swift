import Diagnostics

/// AM001–AM004: the workspace folder and its files (reported by the loader).
public extension DiagnosticCode {
    /// `AM001`: the workspace has no `automail.yaml`.
    static let notAWorkspace: DiagnosticCode = "AM001"
    /// `AM002`: a workspace file cannot be read.
    static let unreadableFile: DiagnosticCode = "AM002"
    /// `AM003`: a file in a workspace folder is not read: its name is not `NAME.yaml`.
    static let misnamedFile: DiagnosticCode = "AM003"
    /// `AM004`: the workspace has more files or bytes than the limits.
    static let workspaceTooLarge: DiagnosticCode = "AM004"
}
