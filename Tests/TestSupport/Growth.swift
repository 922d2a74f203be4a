#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// CPU seconds `body` takes on this thread: unlike wall time, not stretched by tests running beside it.
public func threadCPUSeconds(_ body: () -> Void) -> Double {
    func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
    let start = now()
    body()
    return now() - start
}

/// Linearity measured as a ratio within one run, never as an absolute time: the same work on an input
/// and on one `factor` times larger, each timed a few times (the fastest kept), compared per unit of
/// input. A busy or slow machine stretches both sizes alike and leaves the ratio near 1 for linear work,
/// while quadratic work makes it about `factor`.
public struct Growth: CustomStringConvertible {
    /// Seconds per unit at the small size and at the large one (fastest of the repeats).
    public var small: Double
    public var large: Double

    /// How much more each unit costs at the large size than at the small one.
    public var perUnitRatio: Double { small > 0 ? large / small : 1 }

    public var description: String {
        "per unit \(small * 1e9) ns at the small size, \(large * 1e9) ns at the large: ratio \(perUnitRatio)"
    }

    /// Times `run` on `make(size)` and `make(size * factor)`; `units` measures an input (its UTF-8 length
    /// by default), so an input whose length grows faster than its size parameter is still compared per
    /// byte. `run` returns a value that is checked by the caller's `check`, so the work cannot be skipped.
    public static func measure(
        size: Int, factor: Int = 4, repeats: Int = 3,
        make: (Int) -> String, units: (String) -> Int = { $0.utf8.count },
        run: (String) -> Int
    ) -> (growth: Growth, results: [Int]) {
        var perUnit: [Double] = []
        var results: [Int] = []
        for n in [size, size * factor] {
            let input = make(n)
            var fastest = Double.infinity
            var result = 0
            for _ in 0..<repeats {
                let seconds = threadCPUSeconds { result = run(input) }
                fastest = min(fastest, seconds)
            }
            results.append(result)
            perUnit.append(fastest / Double(max(1, units(input))))
        }
        return (Growth(small: perUnit[0], large: perUnit[1]), results)
    }
}
