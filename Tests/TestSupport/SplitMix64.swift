/// A deterministic generator of test inputs (SplitMix64): the same seed gives the same sequence on every
/// machine and every run, so a generated case that fails always reproduces.
public struct SplitMix64: Sendable {
    /// The generator's state; the seed to start from.
    public var state: UInt64

    /// A generator starting from `state`.
    public init(state: UInt64) {
        self.state = state
    }

    /// A number in `0..<bound` (`bound` > 0).
    public mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
