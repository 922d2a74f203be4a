import Foundation

/// "Now" for the checks that compare with today (AM904, AM905): `SOURCE_DATE_EPOCH` when set to a
/// number of seconds (reproducible builds' convention), else the clock. These checks are warnings and
/// never change the bundle's bytes.
enum ReferenceTime {
    static func now() -> Int {
        if let text = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = Int(text) {
            return seconds
        }
        return Int(Date().timeIntervalSince1970)
    }
}
