import AutoMail
import AutomailRuntime
import BundleFormat
import BundleModel
import Foundation

/// The `event` target: what `automail simulate --render --eml` does with an event file, against one of
/// a few fixed valid bundles. The first byte chooses the bundle (`0`, `1`, … in ``bundleSources``
/// order, any other byte modulo their number), the rest is the event JSON. The event is decoded and
/// evaluated; the decision is written as JSON and as the human report with the message; the email
/// sent, if any, is checked (``EmailInvariants/checkSent(_:contactAddress:)``) and written as a `.eml`,
/// which is checked too.
enum EventTarget {
    /// The bundles, relative to the repository root (`AUTOMAIL_FUZZ_ROOT`, else the current folder): a
    /// workspace example compiled at start-up, or a conformance bundle file.
    static let bundleSources = [
        "workspace-examples/lyon-municipales",
        "workspace-examples/riverside-tenants",
        "conformance/bundles/purpose.bundle.json",
        "conformance/bundles/channel.bundle.json",
    ]

    nonisolated(unsafe) static var bundles: [RuntimeBundle] = []

    /// Loads (or compiles) every bundle of ``bundleSources``; exits when one does not load.
    static func prepare() {
        let root = ProcessInfo.processInfo.environment["AUTOMAIL_FUZZ_ROOT"] ?? "."
        for source in bundleSources {
            let path = root + "/" + source
            var bytes: [UInt8]?
            if source.hasSuffix(".json") {
                bytes = FileManager.default.contents(atPath: path).map { Array($0) }
            } else if let loaded = try? WorkspaceLoader.load(root: path) {
                bytes = Compiler.build(loaded.files, options: BuildOptions(revision: "fuzz")).bundle
            }
            guard let bytes, let bundle = try? RuntimeBundle.load(bytes) else {
                FileHandle.standardError.write(Data("automail-fuzz: cannot load the bundle of `\(path)`\n".utf8))
                exit(2)
            }
            bundles.append(bundle)
        }
    }

    /// The bundle chosen by the first byte.
    static func bundle(for selector: UInt8) -> RuntimeBundle {
        let count = bundles.count
        return bundles[((Int(selector) - Int(UInt8(ascii: "0"))) % count + count) % count]
    }

    /// Runs one input.
    static func run(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let rules = bundle(for: selector)
        guard let event = try? RuntimeEvent.decode(Array(bytes.dropFirst())) else { return }
        let decision: Decision
        do {
            decision = try rules.evaluate(event)
        } catch {
            return
        }
        _ = JSONWriter(pretty: true).write(decision.json)
        EmailInvariants.checkTerminal(DecisionReport.text(decision, event: event, detail: .messageWithHTML))
        guard let email = decision.email else { return }
        EmailInvariants.checkSent(email.message, contactAddress: event.contact.email)
        let eml = EMLWriter.write(email.message, date: email.sendAt.seconds, messageID: decision.messageID)
        EmailInvariants.checkEML(
            eml, templateHeaders: email.message.headers.map(\.name), hasReplyTo: email.message.replyTo != nil)
    }
}
