import Diagnostics

extension RuleCatalog {
    /// AM001–AM004: the workspace's files. AM002, AM003 and AM004 are reported by the loader, which reads the
    /// disk, not by `Compiler.check`: the example test writes their examples to a folder and loads it.
    static let workspaceRules: [RuleDescription] = [
        RuleDescription(
            code: .notAWorkspace, severity: .error,
            summary: "the workspace has no `automail.yaml`",
            explanation: #"""
                `automail.yaml` marks the root of a workspace: it declares the locales, the sending domains,
                the senders and the legal block every template depends on. Without it nothing can be
                checked, and automail will not guess a root from the other folders.

                Run automail from the workspace root (or pass its path), or create the manifest:

                ```yaml
                id: lyon-2026
                name: Lyon en commun 2026
                locales: [fr, en]
                sending_domains: [lyon-en-commun.fr]
                ```
                `automail init` writes a complete starting manifest.
                """#,
            examples: [
                RuleExample(triggers: true, files: ["automail.yaml": ""]),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .unreadableFile, severity: .error,
            summary: "a workspace file cannot be read",
            explanation: #"""
                A `.yaml` file of the workspace exists but could not be read: permissions, a broken
                symbolic link, a folder named like a file, or a link pointing outside the workspace.
                automail reports it instead of skipping it, because a template or a trigger that is
                silently left out changes which emails are sent.

                Fix the permissions (`chmod a+r templates/welcome.yaml`), replace the link by the file
                itself, or move the file out of `questionnaires/`, `templates/` and `triggers/`.

                This rule comes from the loader, which reads the disk: it has no example run through
                `Compiler.check`.
                """#,
            examples: []),
        RuleDescription(
            code: .misnamedFile, severity: .error,
            summary: "a file in a workspace folder is not read: its name is not `NAME.yaml`",
            explanation: #"""
                automail reads only `.yaml` files directly inside `questionnaires/`, `templates/` and
                `triggers/`; anything else there is reported, not skipped, since a template or trigger
                silently left out changes which emails are sent and a name can look right in a review:
                `welcome.yml`, `welcome.YAML`, `welcome.yaml ` (a trailing space), a zero-width space
                after `.yaml`, `welcome.уaml` (a Cyrillic `у`), `welcome.yaml.bak`, `notes.txt`, a
                subfolder. Invisible characters are shown escaped (`\u{200B}`). Names starting with `.`
                are hidden and ignored; one starting with an invisible character is not hidden.

                ```sh
                git mv templates/welcome.yml templates/welcome.yaml
                ```

                This rule comes from the loader, which reads the disk, not from `Compiler.check`: its
                examples are tested by writing them to a folder and loading it.
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: files(
                        ["templates/welcome.yaml": ""],
                        ["templates/welcome.yml": "«»" + (baseWorkspace["templates/welcome.yaml"] ?? "")])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .workspaceTooLarge, severity: .error,
            summary: "the workspace has more files or bytes than the limits",
            explanation: #"""
                A workspace holds at most 100,000 files and 256 MiB of YAML (`--max-files` and
                `--max-workspace-size` change the limits; `--max-file-size`, 16 MiB by default, bounds each
                file, AM110). A national organisation's workspace (20,000 templates, 50,000 triggers, about
                50 MB) fits; past the limits, a pull request could make `check` and `build` take many
                minutes and gigabytes of memory in CI. The files past the limit, in path order, are not read.

                Remove what does not belong in the workspace, or raise the limit on the command line:

                ```
                automail check --max-files 500000 --max-workspace-size 1G
                ```

                Its triggering example would need 100,000 files: the command-line tests cover it (with a lower `--max-files`).
                """#,
            examples: [
                RuleExample(triggers: false, files: [:])
            ]),
    ]
}
