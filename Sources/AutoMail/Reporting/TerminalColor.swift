/// The one table of terminal colours (SGR escape sequences) the human formats use: diagnostics
/// (``HumanReporter``) and the bundle diff's terminal report. Painting is off unless the front end
/// says the output is a colour terminal, so a file or a pipe never receives an escape sequence.
package enum TerminalColor: String, Sendable, CaseIterable {
    case bold = "\u{1B}[1m"
    case red = "\u{1B}[31m"
    case green = "\u{1B}[32m"
    case yellow = "\u{1B}[33m"
    case cyan = "\u{1B}[36m"
    case boldRed = "\u{1B}[1;31m"
    case boldGreen = "\u{1B}[1;32m"
    case boldYellow = "\u{1B}[1;33m"
    case boldBlue = "\u{1B}[1;34m"
    case boldCyan = "\u{1B}[1;36m"

    /// The sequence that ends any colour.
    public static let reset = "\u{1B}[0m"

    /// `text` in this colour when `enabled`, else `text` unchanged.
    public func paint(_ text: String, enabled: Bool) -> String {
        enabled ? rawValue + text + Self.reset : text
    }
}
