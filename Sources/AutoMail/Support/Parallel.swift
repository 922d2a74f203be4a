import Dispatch

/// Maps indices to values on several threads, returning the values in index order, so a caller that
/// merges them in that order gets the same result whatever the number of threads.
enum Parallel {
    /// `(0..<count).map(transform)`, computed on up to `parallelism` threads. `transform` must
    /// depend only on its index (and on values it only reads).
    static func map<T>(_ count: Int, parallelism: Int, _ transform: (Int) -> T) -> [T] {
        guard parallelism > 1, count > 1 else { return (0..<count).map(transform) }
        return withoutActuallyEscaping(transform) { transform in
            let slots = Slots<T>(count: count)
            let work = Work(transform)
            // `parallelism` workers, each taking every `workers`-th index: never more threads than asked.
            let workers = min(parallelism, count)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for index in stride(from: worker, to: count, by: workers) {
                    slots.store(work.transform(index), at: index)
                }
            }
            return slots.take()
        }
    }

    /// The transform, shared by the workers: callers promise it only reads shared state.
    private final class Work<T>: @unchecked Sendable {
        let transform: (Int) -> T
        init(_ transform: @escaping (Int) -> T) { self.transform = transform }
    }

    /// One slot per index, each initialised once by the worker that computed it.
    private final class Slots<T>: @unchecked Sendable {
        private let buffer: UnsafeMutableBufferPointer<T>
        private let count: Int

        init(count: Int) {
            self.count = count
            buffer = .allocate(capacity: count)
        }

        deinit {
            buffer.deinitialize()
            buffer.deallocate()
        }

        /// Initialises slot `index`; no two calls share an index.
        func store(_ value: T, at index: Int) {
            buffer.initializeElement(at: index, to: value)
        }

        /// Every value, in index order (once every slot is stored).
        func take() -> [T] {
            Array(buffer)
        }
    }
}
