import AutoMail
import Diagnostics
import Foundation
import Testing

/// Every input the fuzzer (Fuzz/, docs/fuzzing.md) found crashing or hanging, kept in
/// Fixtures/fuzz-regressions in its encoding (`automail.yaml`, then `#@@ PATH` lines starting files):
/// each must compile to diagnostics, quickly.
@Suite struct FuzzRegressionTests {
    static let folder = Fixtures.root.appendingPathComponent("fuzz-regressions")

    static var inputs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
    }

    /// The files an input encodes (the fuzzer's `FuzzInput.files`).
    static func files(_ bytes: [UInt8]) -> [SourceFile] {
        let marker = Array("\n#@@ ".utf8)
        var files: [SourceFile] = []
        var path = "automail.yaml"
        var start = 0
        var index = 0
        while index + marker.count <= bytes.count {
            if bytes[index..<(index + marker.count)].elementsEqual(marker) {
                files.append(SourceFile(path: path, bytes: Array(bytes[start..<index])))
                var end = index + marker.count
                while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                path = String(decoding: bytes[(index + marker.count)..<end], as: UTF8.self)
                start = min(end + 1, bytes.count)
                index = start
            } else {
                index += 1
            }
        }
        files.append(SourceFile(path: path, bytes: Array(bytes[start...])))
        return files
    }

    /// Each finding compiles to diagnostics (no crash). The fuzzer's own bound was 10 s an input; here a
    /// hang guard of 60 s of this thread's CPU time (each takes well under a second), so that a busy
    /// machine, which stretches wall time, cannot fail it.
    @Test(arguments: inputs)
    func compilesToDiagnosticsWithoutHanging(_ name: String) throws {
        let bytes = Array(try Data(contentsOf: Self.folder.appendingPathComponent(name)))
        func cpu() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }
        let start = cpu()
        let result = Compiler.build(Self.files(bytes), options: BuildOptions(revision: "fuzz"))
        #expect(cpu() - start < 60, "\(name) took over 60 s of CPU: a hang")
        #expect(!result.hasErrors || result.bundle == nil)
    }
}
