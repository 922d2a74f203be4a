import BundleFormat
import Foundation
import Testing

/// The strict reader is linear (issue 14 item 10): it used to copy an open array or object on every
/// item, so 60,000 zeros took seconds and a 1 MB array minutes. Measured as the ratio of two sizes in
/// the same run, never as an absolute time: 4 times the items cost about 4 times as long, not 16.
@Suite(.serialized) struct JSONParserScaleTests {
    static func seconds(_ text: String) throws -> Double {
        let bytes = Array(text.utf8)
        // CPU time of this thread: a busy machine stretches wall time, hardly this.
        func now() -> Double {
            var time = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
            return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
        }
        var best = Double.infinity
        for _ in 0..<3 {
            let start = now()
            _ = try JSONParser().parse(bytes)
            best = min(best, now() - start)
        }
        return best
    }

    /// Documents of `n` items: one array, one object, an array of small objects, nested arrays.
    static let shapes: [(name: String, make: @Sendable (Int) -> String)] = [
        ("array of zeros", { n in "[" + Array(repeating: "0", count: n).joined(separator: ",") + "]" }),
        ("object", { n in "{" + (0..<n).map { "\"k\($0)\":0" }.joined(separator: ",") + "}" }),
        ("array of objects", { n in "[" + Array(repeating: #"{"a":[1,"x"]}"#, count: n).joined(separator: ",") + "]" }),
        (
            "an array in an object in an array",
            { n in "[{\"a\":[" + Array(repeating: "true", count: n).joined(separator: ",") + "]}]" }
        ),
    ]

    @Test(arguments: shapes.indices)
    func readingIsLinear(_ shape: Int) throws {
        let (name, make) = Self.shapes[shape]
        let n = 50_000
        let small = try Self.seconds(make(n))
        let large = try Self.seconds(make(4 * n))
        #expect(large / max(small, 1e-6) < 9, "\(name): \(small) s for \(n) items, \(large) s for \(4 * n)")
    }

    @Test func aLargeArrayReadsBackWhole() throws {
        let value = try JSONParser().parse("[" + Array(repeating: "0", count: 200_000).joined(separator: ",") + "]")
        guard case .array(let items) = value else {
            throw JSONParseError(message: "not an array", line: 0, column: 0, offset: 0)
        }
        #expect(items.count == 200_000)
        #expect(
            try JSONParser().parse(#"{"a": [1, {"b": [2, 3]}], "c": {}}"#)
                == .object(["a": .array([.int(1), .object(["b": .array([.int(2), .int(3)])])]), "c": .object([:])]))
        #expect(throws: JSONParseError.self) { try JSONParser().parse(#"{"a": 1, "a": 2}"#) }
    }
}
