import Diagnostics

/// AM615–AM617: layouts.
public extension DiagnosticCode {
    /// `AM615`: the layout file named by `layout` does not exist.
    static let unknownLayout: DiagnosticCode = "AM615"
    /// `AM616`: a layout does not have exactly one `{{ content }}` slot, or hides a slot.
    static let layoutSlots: DiagnosticCode = "AM616"
    /// `AM617`: a layout holds active content (script, event handler, `javascript:` URL…).
    static let unsafeLayoutHTML: DiagnosticCode = "AM617"
}
