import BundleFormat

/// The emit stage: the lowered workspace to the bundle's canonical JSON bytes and digest
/// (``BundleEmitter``), either whole in memory or streamed into a ``BundleSink`` template by template.
enum EmitStage {
    /// Lowers the whole bundle content, then writes it into `result` (`bundle`, `bundleContent`,
    /// `bundleDigest`): what `check`'s previews and `diff` read.
    static func inMemory(
        _ lowering: inout BundleLowering, into result: inout CompilationResult, timings: inout PhaseTimings
    ) {
        let clock = ContinuousClock()
        var mark = clock.now
        let content = lowering.lower()
        timings.lower += clock.now - mark
        mark = clock.now
        let (bundle, digest) = BundleEmitter.emitWithDigest(content)
        result.bundle = bundle
        result.bundleContent = .object(content)
        result.bundleDigest = digest
        timings.emit += clock.now - mark
    }

    /// Lowers and writes the bundle into `sink` as it goes (signed with `signingKey` when given), and
    /// records its digest in `result`. Lowering and writing are interleaved: all of it counts as lowering.
    static func streamed<Sink: BundleSink>(
        _ lowering: inout BundleLowering, into sink: inout Sink, signingKey: BundlePrivateKey?,
        result: inout CompilationResult, timings: inout PhaseTimings
    ) throws(BundleSigningError) {
        let clock = ContinuousClock()
        let mark = clock.now
        defer { timings.lower += clock.now - mark }
        result.bundleDigest = try lowering.emit(into: &sink, signingKey: signingKey)
    }
}
