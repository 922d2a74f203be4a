import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Maps indices to values on several threads, returning the values in index order, so a caller that
/// merges them in that order gets the same result whatever the number of threads.
///
/// Indices are handed out one at a time to whichever thread is free (a shared counter, not a fixed
/// split), so one slow index does not leave the other threads idle.
enum Parallel {
    /// `(0..<count).map(transform)`, computed on up to `parallelism` threads. `transform` must
    /// depend only on its index (and on values it only reads).
    static func map<T>(_ count: Int, parallelism: Int, _ transform: (Int) -> T) -> [T] {
        guard parallelism > 1, count > 1 else { return (0..<count).map(transform) }
        return withoutActuallyEscaping(transform) { transform in
            let slots = Slots<T>(count: count)
            let work = Work(transform)
            let next = Lock(guarding: 0)
            // Never more threads than asked, each taking the next index not yet taken.
            DispatchQueue.concurrentPerform(iterations: min(parallelism, count)) { _ in
                while true {
                    let index = next.withLock { next in
                        defer { next += 1 }
                        return next
                    }
                    guard index < count else { return }
                    slots.store(work.transform(index), at: index)
                }
            }
            return slots.take()
        }
    }

    /// Computes `transform` of every index of `0..<count` on up to `parallelism` threads and hands each
    /// value to `consume` in index order, one call at a time: `consume` of index `i` happens after
    /// `consume` of `i - 1` has returned, so it may write into state of the caller's (an output stream)
    /// as a serial loop would. Its calls may run on any of the threads, never two at once.
    ///
    /// There is no barrier: while one thread consumes, the others go on computing the next indices, at
    /// most `window` indices ahead of the last one consumed, so at most `window` values are ever held.
    /// With one thread it is `for i in 0..<count { consume(i, transform(i)) }`, the definition.
    ///
    /// `alongside`, when given, runs once, before that loop on one thread, else on the first thread to
    /// start while the others begin on the indices: work the caller needs only after they are all consumed.
    static func forEachInOrder<T>(
        _ count: Int, parallelism: Int, window: Int, alongside: (() -> Void)? = nil, _ transform: (Int) -> T,
        consume: (Int, T) -> Void
    ) {
        guard parallelism > 1, count > 1 else {
            alongside?()
            for index in 0..<count { consume(index, transform(index)) }
            return
        }
        withoutActuallyEscaping(transform) { transform in
            withoutActuallyEscaping(consume) { consume in
                let pipeline = Pipeline(count: count, window: max(1, window), transform: transform, consume: consume)
                let extra = Extra(alongside)
                DispatchQueue.concurrentPerform(iterations: min(parallelism, count)) { _ in
                    extra.runOnce()
                    pipeline.run()
                }
            }
        }
    }

    /// Work run once by whichever thread asks first.
    private final class Extra: @unchecked Sendable {
        private let taken = Lock(guarding: false)
        private let work: (() -> Void)?

        init(_ work: (() -> Void)?) { self.work = work }

        func runOnce() {
            guard let work,
                !taken.withLock({ taken in
                    defer { taken = true }; return taken
                })
            else { return }
            work()
        }
    }

    /// The shared state of ``forEachInOrder(_:parallelism:window:_:consume:)``.
    ///
    /// Every thread runs ``run()``: it consumes the next value in order when it is ready and no other
    /// thread is consuming, else computes the next index not yet taken when the window allows it, else
    /// waits for either to change. Everything but the transform's and the consumer's own work happens
    /// under `condition`'s mutex; the closures only read shared state (`transform`) or are serialised
    /// by the `consuming` flag (`consume`), which is why the class can be `@unchecked Sendable`.
    private final class Pipeline<T>: @unchecked Sendable {
        let count: Int
        let window: Int
        let transform: (Int) -> T
        let consume: (Int, T) -> Void
        let condition = Condition()
        // Guarded by `condition`.
        /// Value `i` waits in `ready[i % window]` from the moment it is computed until it is consumed: an
        /// index is taken only below `consumed + window`, so the slot's previous value was consumed.
        var ready: [T?]
        /// The next index to compute.
        var taken = 0
        /// How many values were consumed (the next index to consume).
        var consumed = 0
        /// Whether a thread is consuming (outside the mutex).
        var consuming = false

        init(count: Int, window: Int, transform: @escaping (Int) -> T, consume: @escaping (Int, T) -> Void) {
            self.count = count
            self.window = min(window, count)
            self.transform = transform
            self.consume = consume
            ready = Array(repeating: nil, count: self.window)
        }

        func run() {
            condition.lock()
            while consumed < count {
                let slot = consumed % window
                if !consuming, let value = ready[slot] {
                    // Consume every value ready in order, letting the others compute meanwhile.
                    ready[slot] = nil
                    consuming = true
                    let index = consumed
                    condition.unlock()
                    consume(index, value)
                    condition.lock()
                    consumed += 1
                    consuming = false
                    condition.broadcast()
                } else if taken < count, taken - consumed < window {
                    let index = taken
                    taken += 1
                    condition.unlock()
                    let value = transform(index)
                    condition.lock()
                    ready[index % window] = value
                    if index == consumed { condition.broadcast() }
                } else {
                    condition.wait()
                }
            }
            condition.unlock()
        }
    }

    /// A value behind a mutex.
    private final class Lock<Value>: @unchecked Sendable {
        private let condition = Condition()
        // Guarded by `condition`.
        private var value: Value

        init(guarding value: Value) { self.value = value }

        func withLock<R>(_ body: (inout Value) -> R) -> R {
            condition.lock()
            defer { condition.unlock() }
            return body(&value)
        }
    }

    /// A pthread mutex and condition variable, allocated once so they never move.
    private final class Condition: @unchecked Sendable {
        private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private let variable = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

        init() {
            mutex.initialize(to: pthread_mutex_t())
            variable.initialize(to: pthread_cond_t())
            pthread_mutex_init(mutex, nil)
            pthread_cond_init(variable, nil)
        }

        deinit {
            pthread_cond_destroy(variable)
            pthread_mutex_destroy(mutex)
            variable.deallocate()
            mutex.deallocate()
        }

        func lock() { pthread_mutex_lock(mutex) }
        func unlock() { pthread_mutex_unlock(mutex) }
        /// Waits, the mutex held, until another thread broadcasts (or spuriously: callers re-check).
        func wait() { pthread_cond_wait(variable, mutex) }
        func broadcast() { pthread_cond_broadcast(variable) }
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
