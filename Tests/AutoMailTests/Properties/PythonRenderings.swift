import AutomailRuntime
import BundleFormat
import Foundation

/// The renderings of a run, rendered again by the Python sender (python-liquid) in one process at the
/// end, each compared byte for byte with the runtime's.
struct PythonRenderings {
    /// The most renderings compared by one Python process (the fixed seeds make a few hundred: one process).
    static let batchLimit = 5000

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "automail-properties-\(UUID().uuidString)")
    var bundles: [String: JSONValue] = [:]
    var renderings: [JSONValue] = []
    var expected: [(seed: UInt64, known: [String], what: String, email: RenderedEmail)] = []

    mutating func add(bundle bytes: [UInt8]) -> String {
        let name = "b\(bundles.count)"
        let path = folder.appendingPathComponent("\(name).json")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? Data(bytes).write(to: path)
        bundles[name] = .string(path.path)
        return name
    }

    mutating func add(
        seed: UInt64, known: [String], bundle: String, template: String, locale: String, contact: GeneratedContact,
        email: RenderedEmail
    ) {
        renderings.append(
            .object([
                "bundle": .string(bundle), "template": .string(template), "locale": .string(locale),
                "contact": contact.json,
            ]))
        expected.append((seed, known, "\(template) (\(locale)), contact \(contact.summary)", email))
    }

    /// Runs the Python sender once over every rendering and reports each difference.
    func compare(_ report: (UInt64, [String], String) -> Void) throws {
        guard !renderings.isEmpty else { return }
        defer { try? FileManager.default.removeItem(at: folder) }
        let batch = folder.appendingPathComponent("batch.json")
        try Data(
            JSONWriter(pretty: false).write(.object(["bundles": .object(bundles), "renderings": .array(renderings)]))
        )
        .write(to: batch)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "conformance/python-sender/render_emails.py", batch.path]
        process.currentDirectoryURL = Fixtures.repositoryRoot
        let output = folder.appendingPathComponent("out.jsonl")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let errors = folder.appendingPathComponent("err.txt")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        let lines = String(decoding: try Data(contentsOf: output), as: UTF8.self).split(separator: "\n")
        guard process.terminationStatus == 0, lines.count == expected.count else {
            report(
                0, [],
                "render_emails.py exited \(process.terminationStatus) with \(lines.count) of \(expected.count) lines: "
                    + String(decoding: (try? Data(contentsOf: errors)) ?? Data(), as: UTF8.self).suffix(2000))
            return
        }
        for (line, reference) in zip(lines, expected) {
            let answer = try JSONParser().parse(String(line))
            guard case .object(let members) = answer else { continue }
            if let error = members["error"] ?? members["refused"] {
                report(reference.seed, reference.known, "\(reference.what): python-liquid fails: \(error)")
                continue
            }
            var headers: [String: String] = [:]
            if case .object(let list)? = members["headers"] {
                for (name, value) in list { if case .string(let v) = value { headers[name] = v } }
            }
            let ours = Dictionary(uniqueKeysWithValues: reference.email.headers.map { ($0.name, $0.value) })
            for (part, mine) in [
                ("subject", reference.email.subject), ("html", reference.email.html), ("text", reference.email.text),
            ] {
                guard case .string(let theirs)? = members[part] else { continue }
                if theirs != mine {
                    report(
                        reference.seed, reference.known,
                        "\(reference.what): python-liquid renders the \(part) differently: \(Self.difference(mine, theirs))"
                    )
                }
            }
            if headers != ours {
                report(
                    reference.seed, reference.known,
                    "\(reference.what): python-liquid renders the headers \(headers), the runtime \(ours)")
            }
        }
    }

    static func difference(_ a: String, _ b: String) -> String {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        var i = 0
        while i < min(x.count, y.count), x[i] == y[i] { i += 1 }
        func around(_ s: [Unicode.Scalar]) -> String {
            var out = ""
            out.unicodeScalars.append(contentsOf: s[max(0, i - 40)..<min(s.count, i + 40)])
            return out.debugDescription
        }
        return "at scalar \(i): runtime \(around(x)), python-liquid \(around(y))"
    }
}
