import Dispatch

/// How far a compilation has got, for a front end that shows progress while a large workspace is
/// checked or built. The compiler only counts, once per batch of files or templates; it never prints.
/// Another thread reads ``snapshot`` whenever it likes.
public final class CompilationProgress: Sendable {
    /// The counts at one moment.
    public struct Snapshot: Sendable, Hashable {
        /// Files parsed and decoded so far, of ``files``.
        public var filesRead = 0
        /// The workspace's files (0 until the compiler has them).
        public var files = 0
        /// Templates checked and rendered into the bundle so far, of ``templates`` (a build only).
        public var templatesRendered = 0
        /// The templates a build renders (0 until it starts rendering them, and in a check).
        public var templates = 0

        /// Nothing counted yet.
        public init() {}
    }

    private let queue = DispatchQueue(label: "automail.progress")
    // Written only on `queue`: the class is Sendable because every access goes through it.
    nonisolated(unsafe) private var counts = Snapshot()

    /// A progress counter at zero.
    public init() {}

    /// The counts now.
    public var snapshot: Snapshot { queue.sync { counts } }

    func update(_ change: (inout Snapshot) -> Void) {
        queue.sync { change(&counts) }
    }
}

/// A ``CompilationProgress`` is one counter shared by reference: two options are equal when they share it.
extension CompilationProgress: Hashable {
    public static func == (lhs: CompilationProgress, rhs: CompilationProgress) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
