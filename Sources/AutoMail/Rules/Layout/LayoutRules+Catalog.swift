import Diagnostics

extension RuleCatalog {
    /// A small valid custom layout for the examples.
    static let exampleLayout = """
        <body style="margin:0;background:#f4f4f5;">
        <table role="presentation" width="100%"><tr><td style="padding:24px;font-family:Arial,sans-serif;">
        <p style="font-weight:bold;">{{ workspace.name }}</p>
        {{ content }}
        <div style="font-size:12px;color:#6b7280;">{{ footer }}</div>
        </td></tr></table>
        </body>

        """

    /// The base manifest naming `layouts/email.html` as its layout.
    static let manifestWithLayout = edit("automail.yaml", ["consent:\n": "layout: layouts/email.html\nconsent:\n"])

    /// AM615–AM617: the custom layout file.
    static let layoutRules: [RuleDescription] = [
        RuleDescription(
            code: .unknownLayout, severity: .error,
            summary: "the layout file named by `layout` does not exist",
            explanation: #"""
                `layout:` in `automail.yaml` names an HTML file of the workspace's `layouts/` folder
                that wraps every email instead of automail's default layout. The file must exist: a
                missing layout would otherwise silently fall back to the default look.

                ```yaml
                layout: layouts/email.html
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("automail.yaml", ["consent:\n": "layout: «layouts/emial.html»\nconsent:\n"])
                        .merging(["layouts/email.html": exampleLayout]) { $1 }),
                // The layout named without its folder: the help gives its path.
                RuleExample(
                    triggers: true,
                    files: edit("automail.yaml", ["consent:\n": "layout: «email»\nconsent:\n"])
                        .merging(["layouts/email.html": exampleLayout]) { $1 }),
                RuleExample(triggers: false, files: files(manifestWithLayout, ["layouts/email.html": exampleLayout])),
            ]),
        RuleDescription(
            code: .layoutSlots, severity: .error,
            summary: "a layout does not have exactly one `{{ content }}` slot, or hides a slot",
            explanation: #"""
                A layout holds the markup of the email's `<body>`. Its `{{ content }}` slot receives the
                template's body, exactly once; an optional `{{ footer }}` slot receives the footer with
                the legal mentions (without it, the footer follows the content, so it is never lost).
                Neither may be hidden from a reader on any path: not in a comment, a hidden or
                styled-away element (`display:none`, zero font size…), or a condition on the contact.

                ```html
                <body><table role="presentation" width="100%"><tr><td>
                {{ content }}
                <div style="font-size:12px">{{ footer }}</div>
                </td></tr></table></body>
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: files(
                        manifestWithLayout,
                        [
                            "layouts/email.html": exampleLayout.replacingFirst(
                                "{{ content }}\n", with: "{{ content }}\n«{{ content }}»\n")
                        ])),
                RuleExample(
                    triggers: true,
                    files: files(
                        manifestWithLayout,
                        [
                            "layouts/email.html": exampleLayout.replacingFirst(
                                "color:#6b7280;\">{{ footer }}", with: "color:#6b7280;display:none\">«{{ footer }}»")
                        ])),
                RuleExample(triggers: false, files: files(manifestWithLayout, ["layouts/email.html": exampleLayout])),
            ]),
        RuleDescription(
            code: .unsafeLayoutHTML, severity: .error,
            suppressibility: .unsafe,
            summary: "a layout holds active content (script, event handler, `javascript:` URL…)",
            explanation: #"""
                A layout is static HTML. Scripts, `<iframe>`, `<form>`, `<object>`, `<embed>`,
                `<meta>`, `<link>` and `<base>` elements, `on…=` event-handler attributes and
                `javascript:`, `vbscript:` or `data:` URLs are refused: email clients strip or block
                them, spam filters penalise them, and a bundle that a sender trusts must not carry them.
                Use inline styles and plain links. The decision is made on the HTML readers get: the
                layout is rendered along every path through its Liquid (contact, body and footer as
                markers) and held to an allow-list of email HTML elements and attributes, with URLs
                limited to `http`, `https`, `mailto`, `tel` and `cid` once character references are
                decoded. So `<scr{% if true %}ipt{% endif %}>`, `jav&#x61;script:` or an `onerror` split
                from its `=` by a line break are refused too (where the source names them, else at its start).
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: files(
                        manifestWithLayout,
                        [
                            "layouts/email.html": exampleLayout.replacingFirst(
                                "</body>", with: "«<script»>track()</script>\n</body>")
                        ])),
                RuleExample(
                    triggers: true,
                    files: files(
                        manifestWithLayout,
                        [
                            "layouts/email.html": exampleLayout.replacingFirst(
                                "<p style", with: "<p «onclick»=\"x()\" style")
                        ])),
                RuleExample(
                    triggers: true,
                    files: files(
                        manifestWithLayout,
                        [
                            "layouts/email.html": "«»"
                                + exampleLayout.replacingFirst(
                                    "</body>",
                                    with:
                                        "<scr{% if true %}ipt{% endif %}>track()</scr{% if true %}ipt{% endif %}>\n</body>"
                                )
                        ])),
                RuleExample(
                    triggers: true,
                    files: files(
                        manifestWithLayout,
                        [
                            "layouts/email.html": "«»"
                                + exampleLayout.replacingFirst(
                                    "</body>", with: "<a href=\"jav&#x61;script:track()\">x</a>\n</body>")
                        ])),
                RuleExample(
                    triggers: true,
                    files: files(
                        manifestWithLayout,
                        [
                            "layouts/email.html": exampleLayout.replacingFirst(
                                "<p style=", with: "<p «onclick»\n=\"x()\" style=")
                        ])),
                RuleExample(triggers: false, files: files(manifestWithLayout, ["layouts/email.html": exampleLayout])),
            ]),
    ]
}

extension String {
    /// `self` with the first occurrence of `old` replaced by `new` (unchanged when absent).
    fileprivate func replacingFirst(_ old: String, with new: String) -> String {
        guard let range = range(of: old) else { return self + "\n<!-- \(RuleCatalog.editNotFoundMarker) -->" }
        var copy = self
        copy.replaceSubrange(range, with: new)
        return copy
    }
}
