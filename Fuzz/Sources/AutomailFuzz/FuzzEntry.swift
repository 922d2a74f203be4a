import AutoMail
import CFuzzDriver
import Diagnostics

/// libFuzzer's entry point: decodes a workspace from the bytes, builds it and renders its diagnostics
/// the way `automail check` does. Any crash, sanitizer report, hang or out-of-memory is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func automailFuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let files = FuzzInput.files(bytes)
    let result = Compiler.build(files, options: BuildOptions(revision: "fuzz"))
    let sources = Dictionary(files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    let reporter = HumanReporter(useColor: false, sources: sources)
    _ = reporter.render(result.diagnostics)
    _ = reporter.summary(result.diagnostics)
    // A bundle is written only without errors; a workspace with errors must never yield one.
    if result.hasErrors, result.bundle != nil { trap("a bundle was emitted despite errors") }
    return 0
}

/// Stops the fuzzer on a broken invariant, so that it records the input.
private func trap(_ message: StaticString) -> Never {
    preconditionFailure("\(message)")
}

/// The executable's `main`, as SwiftPM names it for an executable target built with
/// `-parse-as-library`: runs libFuzzer's driver (its own `main` is not linked).
@_cdecl("AutomailFuzz_main")
public func automailFuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
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
