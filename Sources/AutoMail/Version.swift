extension Compiler {
    /// The compiler's version: what `automail --version` prints, recorded in every bundle and SARIF report.
    /// A build from source reports this value; `scripts/release.sh VERSION` builds a copy of the committed
    /// source in which this one line says the release's version (docs/releasing.md), so the working tree
    /// and a normal `swift build` never change.
    public static let version = "0.1.0"
}
