import Diagnostics

/// AM410 and AM411: in purpose mode every template names the purpose it serves; in channel mode
/// none does.
enum ConsentRules {
    static func check(_ workspace: Workspace, into bag: inout DiagnosticBag) {
        guard let manifest = workspace.manifest else { return }
        switch manifest.consent.effectiveMode {
        case .purpose:
            let purposes = manifest.consent.purposes.map { "`\($0.id.value)`" }.joined(separator: ", ")
            for template in workspace.templates where template.purpose == nil {
                bag.report(
                    .missingPurpose, "template `\(template.id.value)` has no consent `purpose`",
                    at: template.id.range,
                    notes: manifest.consent.mode.map { [DiagnosticNote("consent is per purpose here", at: $0.range)] }
                        ?? [],
                    help: purposes.isEmpty
                        ? "add `purpose: <id>` naming one of `consent.purposes`"
                        : "add `purpose:` with one of \(purposes): only contacts who consented to it receive the email")
            }
        case .channel:
            for template in workspace.templates {
                guard let purpose = template.purpose else { continue }
                bag.report(
                    .purposeWithoutPurposeMode,
                    "template `\(template.id.value)` names purpose `\(purpose.value)` but consent is per channel",
                    at: purpose.range,
                    help: "remove `purpose`, or set `consent.mode: purpose` and declare the purposes in `automail.yaml`"
                )
            }
        }
    }
}
