#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Liquid
import MailRendering
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

/// What the template rules work out on one template that later steps need again, keyed by source
/// text: each Markdown text converted once (`RenderedMarkdown`, with ``TemplateRules/keepsRenderings``),
/// the variables each Liquid text reads (for the lowering) and each parsed Liquid text (for the
/// rendering rules). Kept for one template at a time.
struct MarkdownRenderings {
    var markdown: [TextKey: RenderedMarkdown] = [:]
    var reads: [TextKey: Set<String>] = [:]
    var liquid: [TextKey: LiquidTemplate] = [:]
}

/// A text as a dictionary key compared and hashed by its UTF-8 bytes.
///
/// `String`'s own `==` and hash go through Unicode normalization, which for bodies of several
/// kilobytes cost more than the lookups they serve; and two bodies that differ only in normalization
/// are different sources, so must not share a conversion. The hash reads the length and at most
/// 128 bytes at each end: the dictionaries hold a template's few texts, where that tells them apart,
/// and equality compares every byte.
struct TextKey: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: TextKey, rhs: TextKey) -> Bool {
        var (left, right) = (lhs.text, rhs.text)
        return left.withUTF8 { l in
            right.withUTF8 { r in
                guard l.count == r.count else { return false }
                guard let a = l.baseAddress, let b = r.baseAddress else { return true }
                return memcmp(a, b, l.count) == 0
            }
        }
    }

    func hash(into hasher: inout Hasher) {
        var text = self.text
        text.withUTF8 { bytes in
            hasher.combine(bytes.count)
            let raw = UnsafeRawBufferPointer(bytes)
            guard raw.count > 256 else { return hasher.combine(bytes: raw) }
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: raw.prefix(128)))
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: raw.suffix(128)))
        }
    }
}
