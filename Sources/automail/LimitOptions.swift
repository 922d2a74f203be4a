import ArgumentParser
import AutoMail
import YAMLSource

/// `--max-file-size`, `--max-files`, `--max-workspace-size`: the limits that bound what a workspace can
/// make `check` and `build` read (see SECURITY.md).
struct LimitOptions: ParsableArguments {
    @Option(help: "Refuse files larger than this (AM110): bytes, or with K, M, G (powers of 1024). Default 16M.")
    var maxFileSize: ByteSize = ByteSize(bytes: LoadLimits.default.maxFileBytes)

    @Option(help: "Read at most this many files (AM004). Default 100000.")
    var maxFiles: Int = LoadLimits.default.maxFiles

    @Option(help: "Stop reading once the files add up to this size (AM004). Default 256M.")
    var maxWorkspaceSize: ByteSize = ByteSize(bytes: LoadLimits.default.maxTotalBytes)

    /// The loader's limits.
    var loadLimits: LoadLimits {
        LoadLimits(maxFileBytes: maxFileSize.bytes, maxFiles: maxFiles, maxTotalBytes: maxWorkspaceSize.bytes)
    }

    /// The YAML layer's limits.
    var yamlLimits: YAMLLimits {
        YAMLLimits(maxFileBytes: maxFileSize.bytes)
    }

    func validate() throws {
        guard maxFiles >= 1 else { throw ValidationError("--max-files must be at least 1") }
    }
}

/// A size in bytes, written `1048576`, `512K`, `16M` or `1G` (powers of 1024, optional `iB`/`B`).
struct ByteSize: ExpressibleByArgument, Sendable {
    var bytes: Int

    init(bytes: Int) { self.bytes = bytes }

    init?(argument: String) {
        var text = Substring(argument.uppercased())
        for suffix in ["IB", "B"] where text.hasSuffix(suffix) {
            text = text.dropLast(suffix.count)
            break
        }
        var multiplier = 1
        if let last = text.last, let shift = ["K": 10, "M": 20, "G": 30][String(last)] {
            multiplier = 1 << shift
            text = text.dropLast()
        }
        guard let value = Int(text), value > 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { return nil }
        bytes = product
    }

    var defaultValueDescription: String {
        if bytes % (1 << 20) == 0 { return "\(bytes >> 20)M" }
        return "\(bytes)"
    }
}
