import Diagnostics

/// The stable codes the YAML layer reports. Every code keeps its meaning once released.
extension DiagnosticCode {
    /// `AM101`: the file is not well-formed YAML (libyaml's syntax error).
    public static let yamlSyntax: DiagnosticCode = "AM101"
    /// `AM102`: a mapping defines the same key twice.
    public static let yamlDuplicateKey: DiagnosticCode = "AM102"
    /// `AM103`: anchors (`&a`) and aliases (`*a`) are refused.
    public static let yamlAnchorOrAlias: DiagnosticCode = "AM103"
    /// `AM104`: the merge key `<<` is refused.
    public static let yamlMergeKey: DiagnosticCode = "AM104"
    /// `AM105`: a file holds more than one YAML document.
    public static let yamlMultipleDocuments: DiagnosticCode = "AM105"
    /// `AM106`: the file is not valid UTF-8 (including UTF-16 files, overlong forms and surrogates).
    public static let yamlInvalidUTF8: DiagnosticCode = "AM106"
    /// `AM107`: the file contains a NUL byte.
    public static let yamlNulByte: DiagnosticCode = "AM107"
    /// `AM108`: explicit tags (`!!str`, `!custom`) are refused.
    public static let yamlTag: DiagnosticCode = "AM108"
    /// `AM109`: collections are nested deeper than `YAMLLimits.maxDepth`.
    public static let yamlTooDeep: DiagnosticCode = "AM109"
    /// `AM110`: the file is larger than `YAMLLimits.maxFileBytes`.
    public static let yamlFileTooLarge: DiagnosticCode = "AM110"
    /// `AM111`: a mapping key is a mapping or a sequence.
    public static let yamlComplexKey: DiagnosticCode = "AM111"
    /// `AM112`: an invisible or bidirectional-control character (see `HiddenCharacters`).
    public static let yamlHiddenCharacter: DiagnosticCode = "AM112"
    /// `AM113`: an unquoted value starts with `{{` or `{%` (Liquid), which YAML reads as a flow mapping.
    public static let yamlUnquotedLiquid: DiagnosticCode = "AM113"
}
