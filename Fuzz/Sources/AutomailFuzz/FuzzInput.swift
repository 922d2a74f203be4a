import Diagnostics

/// How the fuzzer's bytes encode a workspace.
///
/// The bytes before the first marker are `automail.yaml`. A marker is a line `#@@ PATH` (after a
/// newline); the bytes after it, up to the next marker, are the file at `PATH`. The seed corpus
/// (scripts/fuzz/make-corpus.py) writes the example workspaces this way, so that the fuzzer starts
/// from valid workspaces and mutates their files, names and number.
enum FuzzInput {
    /// The marker that starts a file, after a newline.
    static let marker: [UInt8] = Array("\n#@@ ".utf8)

    /// The files the bytes encode, paths relative to the workspace root.
    static func files(_ bytes: [UInt8]) -> [SourceFile] {
        var files: [SourceFile] = []
        var path = "automail.yaml"
        var start = 0
        var index = 0
        while index + marker.count <= bytes.count {
            if bytes[index..<(index + marker.count)].elementsEqual(marker) {
                files.append(SourceFile(path: path, bytes: Array(bytes[start..<index])))
                let nameStart = index + marker.count
                var nameEnd = nameStart
                while nameEnd < bytes.count, bytes[nameEnd] != UInt8(ascii: "\n") { nameEnd += 1 }
                path = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
                start = min(nameEnd + 1, bytes.count)
                index = start
            } else {
                index += 1
            }
        }
        files.append(SourceFile(path: path, bytes: Array(bytes[start...])))
        return files
    }
}
