import Diagnostics

extension RuleCatalog {
    /// AM501–AM506: sender addresses, the From domain, header values and sending domains.
    static let senderRules: [RuleDescription] = [
        RuleDescription(
            code: .invalidAddress, severity: .error,
            suppressibility: .unsafe,
            summary: "a sender or reply-to address is not a plain `local@domain` address",
            explanation: #"""
                `address` and `reply_to` take a bare RFC 5321/5322 address in its dot-atom form:
                `team@lyonvote.fr`. Display names (`Team <team@…>`), comments, quoted local parts and
                IP-literal domains are legal somewhere, but mail systems disagree on them and they are
                the usual vehicles of header tricks. The display name goes in `name`.

                ```yaml
                senders:
                  - id: team
                    name: Base team
                    address: team@lyonvote.fr
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("automail.yaml", ["address: team@lyonvote.fr": "address: «team.lyonvote.fr»"])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "automail.yaml",
                        [
                            "reply_to: contact@lyonvote.fr": "reply_to: «Base team <contact@lyonvote.fr>»"
                        ])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .unverifiedFromDomain, severity: .error,
            suppressibility: .unsafe,
            summary: "a sender's From domain is not a sending domain",
            explanation: #"""
                The From domain must be one of `sending_domains`, the domains whose SPF and DKIM records
                the sending service controls. Gmail and Yahoo (2024 bulk-sender rules) require the From
                domain to be aligned with SPF or DKIM (DMARC); mail from any other domain is rejected or
                lands in spam, and sending as someone else's domain is spoofing.

                ```yaml
                sending_domains: [lyonvote.fr]
                senders:
                  - id: team
                    address: team@lyonvote.fr
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("automail.yaml", ["address: team@lyonvote.fr": "address: «team@lyonvote.eu»"])),
                RuleExample(
                    triggers: false,
                    files: edit(
                        "automail.yaml",
                        [
                            "sending_domains: [lyonvote.fr]": "sending_domains: [lyonvote.fr, lyonvote.eu]",
                            "address: team@lyonvote.fr": "address: team@lyonvote.eu",
                        ])),
            ]),
        RuleDescription(
            code: .headerInjection, severity: .error,
            suppressibility: .unsafe,
            summary: "a header value contains a line break or a control character",
            explanation: #"""
                Sender names and subjects become email headers. A line break (CR or LF) in a header
                value ends the header, and whatever follows becomes a new header: `Bcc:` to anyone,
                or a forged `Reply-To:` (header injection). Other control characters are rejected or
                mangled by mail servers. Write the value on one line; in YAML, a plain scalar or a
                folded `>-` scalar has no trailing line break. A subject is checked as it renders on
                every path: a global (`legal.data_origin` as a `|` block) that brings a line break is
                reported at the subject; the sender refuses a contact's. An RFC 2047 encoded word
                (`=?UTF-8?B?…?=`) is refused too: clients show it decoded, as reviewers did not read it.

                ```yaml
                name: Base team
                subject: We will call you back
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "automail.yaml",
                        [
                            "name: Base team": #"name: «"Base team\r\nBcc: everyone@lyonvote.be"»"#
                        ])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back": "subject: We will«\t»call you back"
                        ])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back": "subject: «=?UTF-8?B?V2Ugd2lsbCBjYWxs?= you back»"
                        ])),
                RuleExample(
                    triggers: true,
                    files: files(
                        edit(
                            "templates/callback.yaml",
                            [
                                "subject: We will call you back": "subject: «'Welcome {{ legal.data_origin }}'»"
                            ]),
                        edit(
                            "automail.yaml",
                            [
                                "    en: You met one of our volunteers.":
                                    "    en: |\n      You met one of our volunteers.\n      Bcc: all@lyonvote.be"
                            ]))),
                RuleExample(
                    triggers: false,
                    files: edit(
                        "templates/callback.yaml",
                        [
                            "subject: We will call you back": "subject: 'Welcome {{ legal.data_origin }}'"
                        ])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .addressInDisplayName, severity: .error,
            suppressibility: .unsafe,
            summary: "a sender's display name contains `@`, `<`, `>` or an encoded word",
            explanation: #"""
                Mail clients show the From display name, often instead of the address. A name such as
                `Support <security@bank.example>` makes the email look like it comes from an address
                it does not come from: a classic phishing trick, and one that spam filters punish. The
                same goes for an RFC 2047 encoded word (`=?UTF-8?B?c2VjdXJpdHlAcGF5cGFsLmNvbQ==?=`), which
                clients decode and show as `security@paypal.com`: write the name as it reads, automail
                encodes it.
                DMARC aligns the real From domain, not what the name claims. Write a plain name; the
                address goes in `address`.

                ```yaml
                name: Lyon en commun
                address: equipe@lyon-en-commun.fr
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("automail.yaml", ["name: Base team": #"name: «"Support <security@bank.example>"»"#])),
                RuleExample(
                    triggers: true,
                    files: edit("automail.yaml", ["name: Base team": "name: «team@lyonvote.fr»"])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "automail.yaml", ["name: Base team": "name: «=?UTF-8?B?c2VjdXJpdHlAcGF5cGFsLmNvbQ==?=»"])),
                RuleExample(triggers: false, files: [:]),
            ]),
        RuleDescription(
            code: .noreplyReplyTo, severity: .warning,
            summary: "a reply-to address is a no-reply mailbox",
            explanation: #"""
                `reply_to` exists so that contacts who answer reach a person. A `noreply@` reply-to
                sends their answers nowhere: a contact who writes "please remove me" is not heard,
                which fails the spirit of GDPR art. 21 and CAN-SPAM opt-out handling, and mailbox
                providers count unanswerable senders against reputation. Give a mailbox someone reads,
                or omit `reply_to` so replies go to the From address.

                ```yaml
                reply_to: contact@lyonvote.fr
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("automail.yaml", ["reply_to: contact@lyonvote.fr": "reply_to: «noreply@lyonvote.fr»"])),
                RuleExample(
                    triggers: false,
                    files: edit("automail.yaml", ["    reply_to: contact@lyonvote.fr\n": ""])),
            ]),
        RuleDescription(
            code: .invalidSendingDomain, severity: .error,
            suppressibility: .unsafe,
            summary: "a sending domain is not a valid host name",
            explanation: #"""
                `sending_domains` lists the domains mail is sent from, as DNS knows them: ASCII host
                names with at least two labels, internationalised names in punycode (`xn--…`). A URL, an
                address or a Unicode name cannot be matched against SPF, DKIM and DMARC records, so no
                sender could be verified against it.

                ```yaml
                sending_domains: [lyonvote.fr, xn--lyon-nergie-fbb.fr]
                ```
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit(
                        "automail.yaml", ["sending_domains: [lyonvote.fr]": "sending_domains: [«https://lyonvote.fr»]"])
                ),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "automail.yaml",
                        [
                            "sending_domains: [lyonvote.fr]": "sending_domains: [lyonvote.fr, «lyon-énergie.fr»]"
                        ])),
                RuleExample(
                    triggers: false,
                    files: edit(
                        "automail.yaml",
                        [
                            "sending_domains: [lyonvote.fr]": "sending_domains: [lyonvote.fr, xn--lyon-nergie-fbb.fr]"
                        ])),
            ]),
        RuleDescription(
            code: .lookAlikeDomain, severity: .error,
            suppressibility: .unsafe,
            summary: "a domain of the workspace looks like another one, or mixes scripts",
            explanation: #"""
                A sending, From or Reply-To domain that can be mistaken for another domain of the
                workspace is how a phishing address slips past review: `lyonv0te.fr` next to `lyonvote.fr`,
                or `xn--lynvote-bjg.fr`, shown as `lyоnvote.fr` with a Cyrillic `а`. automail compares
                skeletons (Unicode TR39): punycode decoded, Cyrillic and Greek look-alikes read as Latin,
                `0`, `1`, `rn`, `vv`, `cl` read as `o`, `l`, `m`, `w`, `d`; a decoded label mixing Cyrillic
                or Greek with another script is refused too.
                Use the very same domain everywhere: `reply_to: contact@lyonvote.fr`.
                """#,
            examples: [
                RuleExample(
                    triggers: true,
                    files: edit("automail.yaml", ["reply_to: contact@lyonvote.fr": "reply_to: «contact@lyonv0te.fr»"])),
                RuleExample(
                    triggers: true,
                    files: edit(
                        "automail.yaml",
                        [
                            "sending_domains: [lyonvote.fr]": "sending_domains: [lyonvote.fr, «xn--lynvote-bjg.fr»]"
                        ])),
                RuleExample(
                    triggers: false,
                    files: edit("automail.yaml", ["reply_to: contact@lyonvote.fr": "reply_to: contact@lyonvote.be"])),
            ]),
    ]
}
