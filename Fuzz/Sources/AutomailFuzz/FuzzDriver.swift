import CFuzzDriver
import Foundation

/// The fuzz targets of the one binary, chosen by the environment variable `AUTOMAIL_FUZZ_TARGET`
/// (scripts/fuzz/run.sh sets it from its first argument). One binary keeps one release build with the
/// sanitizers for every target.
enum FuzzTarget: String, CaseIterable {
    /// A workspace through the compiler and the human reporter (WorkspaceTarget.swift).
    case workspace
    /// A bundle file through the runtime's reader, then its templates rendered (BundleTarget.swift).
    case bundle
    /// An event file against a fixed valid bundle, as `simulate --render --eml` (EventTarget.swift).
    case event
    /// A template body through Markdown, Liquid and preview's page (RenderTarget.swift).
    case render

    /// The target named by `AUTOMAIL_FUZZ_TARGET`; `workspace` when it is unset.
    static let selected: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["AUTOMAIL_FUZZ_TARGET"] ?? "workspace"
        guard let target = FuzzTarget(rawValue: name) else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("AUTOMAIL_FUZZ_TARGET=\(name): not one of \(names)\n".utf8))
            exit(2)
        }
        return target
    }()

    /// Runs one input through the target.
    func run(_ bytes: [UInt8]) {
        switch self {
        case .workspace: WorkspaceTarget.run(bytes)
        case .bundle: BundleTarget.run(bytes)
        case .event: EventTarget.run(bytes)
        case .render: RenderTarget.run(bytes)
        }
    }
}

/// libFuzzer's entry point: runs the bytes through the selected target. Any crash, sanitizer report,
/// hang, out-of-memory or broken invariant (a trap) is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func automailFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzTarget.selected.run(bytes)
    return 0
}

/// Stops the fuzzer on a broken invariant, so that it records the input.
func trap(_ message: String) -> Never {
    FileHandle.standardError.write(Data("automail-fuzz: invariant broken: \(message)\n".utf8))
    preconditionFailure(message)
}

/// The executable's `main`, as SwiftPM names it for an executable target built with
/// `-parse-as-library`: prepares the selected target (its fixed inputs are read once, here), then runs
/// libFuzzer's driver (its own `main` is not linked).
@_cdecl("AutomailFuzz_main")
public func automailFuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    switch FuzzTarget.selected {
    case .workspace: break
    case .bundle: BundleTarget.prepare()
    case .event: EventTarget.prepare()
    case .render: RenderTarget.prepare()
    }
    var count = argc
    var arguments = argv
    return withUnsafeMutablePointer(to: &count) { countPointer in
        withUnsafeMutablePointer(to: &arguments) { argumentsPointer in
            LLVMFuzzerRunDriver(countPointer, argumentsPointer) { data, size in
                automailFuzzTestOneInput(data, size)
            }
        }
    }
}
