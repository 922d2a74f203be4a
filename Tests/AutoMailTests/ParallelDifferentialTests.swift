import Synchronization
import TestSupport
import Testing

@testable import AutoMail

/// `Parallel.map` and `Parallel.forEachInOrder` against their serial definitions, for random counts,
/// windows, thread counts and uneven work: the same values in the same order, the consumer never
/// called twice at once, never more than the window computed ahead of it, the work alongside run once.
struct ParallelDifferentialTests {
    /// Work that takes longer for some indices than for others, so the threads finish out of order.
    static func work(_ index: Int, seed: Int) -> String {
        var value = UInt64(truncatingIfNeeded: index &* 31 &+ seed)
        for _ in 0..<((index &* 7919 &+ seed) % 13 == 0 ? 20_000 : 50) {
            value = value &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        }
        return "\(index):\(value >> 40)"
    }

    @Test func mapIsTheSerialMap() {
        var random = SplitMix64(state: 24)
        for _ in 0..<200 {
            let count = random.next(300)
            let parallelism = 1 + random.next(5)
            let seed = random.next(1_000)
            let parallel = Parallel.map(count, parallelism: parallelism) { Self.work($0, seed: seed) }
            #expect(parallel == (0..<count).map { Self.work($0, seed: seed) }, "\(count), \(parallelism) threads")
        }
    }

    /// What the consumer saw, and whether a rule was broken.
    struct Record {
        var consumed: [(Int, String)] = []
        var consuming = false
        var overlapped = false
        var aheadOfWindow = false
        var alongside = 0
    }

    @Test func forEachInOrderIsTheSerialLoop() {
        var random = SplitMix64(state: 19)
        for _ in 0..<300 {
            let count = random.next(random.next(2) == 0 ? 8 : 400)
            let parallelism = 1 + random.next(5)
            let window = random.next(3) == 0 ? Int.max : 1 + random.next(40)
            let seed = random.next(1_000)
            let record = Mutex(Record())
            Parallel.forEachInOrder(count, parallelism: parallelism, window: window) {
                record.withLock { $0.alongside += 1 }
            } _: { index in
                record.withLock { record in
                    // Taken only below the count consumed (so far) plus the window.
                    if index - record.consumed.count >= window { record.aheadOfWindow = true }
                }
                return Self.work(index, seed: seed)
            } consume: { index, value in
                record.withLock { record in
                    if record.consuming { record.overlapped = true }
                    record.consuming = true
                }
                record.withLock { record in
                    record.consumed.append((index, value))
                    record.consuming = false
                }
            }
            let seen = record.withLock { $0 }
            let expected = (0..<count).map { ($0, Self.work($0, seed: seed)) }
            let context = "\(count) values, \(parallelism) threads, window \(window)"
            #expect(seen.consumed.map(\.0) == expected.map(\.0), "\(context)")
            #expect(seen.consumed.map(\.1) == expected.map(\.1), "\(context)")
            #expect(!seen.overlapped, "\(context)")
            #expect(!seen.aheadOfWindow, "\(context)")
            #expect(seen.alongside == 1, "\(context): the work alongside runs once")
        }
    }
}
