/// XXH64, the 64-bit xxHash of Yann Collet (https://github.com/Cyan4973/xxHash, `doc/xxhash_spec.md`):
/// the checksum of a template cache entry (``TemplateCache``).
///
/// It detects an entry damaged by accident (a torn write, a flipped bit, a truncation) as a SHA-256 would,
/// about 20 times cheaper. Neither would stop a forger: an unkeyed digest is recomputed by whoever changes the
/// bytes, which is why the cache is integrity-checked and never authenticated. Checked against the reference
/// implementation's values in `TemplateCacheTests`.
enum XXH64 {
    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    /// The XXH64 of `bytes` with `seed`.
    static func hash(_ bytes: some Collection<UInt8>, seed: UInt64 = 0) -> UInt64 {
        if let hash = bytes.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0), seed: seed) }) {
            return hash
        }
        return Array(bytes).withUnsafeBytes { hash($0, seed: seed) }
    }

    /// The XXH64 of `bytes` with `seed`.
    ///
    /// Every load reads 8, 4 or 1 bytes at an offset `at` with `at + size <= bytes.count`: the stripes stop
    /// 32 bytes before the end, the words 8 before it, the half word 4 before it.
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let count = bytes.count
        var at = 0
        var hash: UInt64
        if count >= 32 {
            var v1 = seed &+ prime1 &+ prime2
            var v2 = seed &+ prime2
            var v3 = seed
            var v4 = seed &- prime1
            while count - at >= 32 {
                v1 = round(v1, word(bytes, at))
                v2 = round(v2, word(bytes, at + 8))
                v3 = round(v3, word(bytes, at + 16))
                v4 = round(v4, word(bytes, at + 24))
                at += 32
            }
            hash = rotate(v1, 1) &+ rotate(v2, 7) &+ rotate(v3, 12) &+ rotate(v4, 18)
            hash = merge(hash, v1)
            hash = merge(hash, v2)
            hash = merge(hash, v3)
            hash = merge(hash, v4)
        } else {
            hash = seed &+ prime5
        }
        hash &+= UInt64(count)
        while count - at >= 8 {
            hash ^= round(0, word(bytes, at))
            hash = rotate(hash, 27) &* prime1 &+ prime4
            at += 8
        }
        if count - at >= 4 {
            let half = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
            hash ^= UInt64(half) &* prime1
            hash = rotate(hash, 23) &* prime2 &+ prime3
            at += 4
        }
        while at < count {
            hash ^= UInt64(bytes[at]) &* prime5
            hash = rotate(hash, 11) &* prime1
            at += 1
        }
        hash ^= hash >> 33
        hash &*= prime2
        hash ^= hash >> 29
        hash &*= prime3
        hash ^= hash >> 32
        return hash
    }

    @inline(__always)
    private static func word(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self))
    }

    @inline(__always)
    private static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }

    @inline(__always)
    private static func round(_ accumulator: UInt64, _ input: UInt64) -> UInt64 {
        rotate(accumulator &+ input &* prime2, 31) &* prime1
    }

    @inline(__always)
    private static func merge(_ accumulator: UInt64, _ value: UInt64) -> UInt64 {
        (accumulator ^ round(0, value)) &* prime1 &+ prime4
    }
}
