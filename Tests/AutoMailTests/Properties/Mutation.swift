import Foundation

/// A change to a valid workspace after which some contact may lose a mandatory mention (or the subject,
/// or the body). Each is applied to one effective footer, body or subject: a template's footer override
/// where it has one, else the manifest footer of that locale.
enum Mutation: String, CaseIterable, Sendable {
    /// `{% unless contact.<text> == "x" %}[…]({{ unsubscribe_url }}){% endunless %}`.
    case unlessAroundUnsubscribe
    /// `{% unless contact.<number> > 100 %}[…]({{ unsubscribe_url }}){% endunless %}`.
    case unlessNumberAroundUnsubscribe
    /// `{% case contact.<choice> %}{% when "x" %}{% else %}[…]({{ unsubscribe_url }}){% endcase %}`.
    case caseAroundUnsubscribe
    /// `{% if contact.firstname %}[…]({{ legal.privacy_url }}){% endif %}`.
    case ifAroundPrivacy
    /// `{% capture hidden %}{{ legal.publisher }}{% endcapture %}`, never printed.
    case capturePublisherNeverPrinted
    /// `{% comment %}{{ legal.postal_address }}{% endcomment %}`.
    case commentAroundPostalAddress
    /// `<!-- {{ legal.data_origin }} -->`.
    case htmlCommentAroundDataOrigin
    /// `[]({{ unsubscribe_url }})`: a link without text.
    case emptyUnsubscribeText
    /// `{% assign legal = "" %}` at the top of a body.
    case assignLegalInBody
    /// `{% capture unsubscribe_url %}https://…{% endcapture %}` at the top of a body.
    case captureUnsubscribeInBody
    /// `{% unless contact.<tags> contains "x" %}[…]({{ unsubscribe_url }}){% endunless %}`.
    case tagsGuardAroundUnsubscribe
    /// `{% if contact.firstname.size < 20 %}[…]({{ unsubscribe_url }}){% endif %}`: gone for a long first name.
    case sizeGuardAroundUnsubscribe
    /// `{% if unsubscribe_url contains "invalid" %}…{% endif %}`: a link shown only to a checker's placeholder URL.
    case guardOnUnsubscribeURL
    /// `[…]({{ unsubscribe_url | truncate: 60 }})`: a broken link for a long URL.
    case truncatedUnsubscribeURL
    /// `[{{ contact.firstname }}]({{ unsubscribe_url }})`: a link without text for a contact without a first name.
    case unsubscribeTextOnlyFirstname
    /// `![…]({{ unsubscribe_url }})`: an image, not a link.
    case unsubscribeAsImage
    /// `![{{ legal.publisher }}](https://…/logo.png)`: the publisher only in an image's alternative text.
    case publisherOnlyInImageAlt
    /// An empty body.
    case emptyBody
    /// A subject that is only `{{ contact.firstname }}`.
    case subjectOnlyFirstname

    /// `workspace` changed by this mutation at a random template and locale, or `nil` when it does not apply.
    func apply(to workspace: GeneratedWorkspace, random: inout SeededGenerator) -> GeneratedWorkspace? {
        var w = workspace
        let template = w.templateIDs[Int(random.next() % UInt64(w.templateIDs.count))]
        let locale = w.locales[Int(random.next() % UInt64(w.locales.count))]
        guard var content = w.templates[template]?[locale] else { return nil }
        let f = w.fields
        var footer = content.footer ?? w.footers[locale] ?? ""
        let unsubscribeLink = #/\[[^\]\n]*\]\(\{\{ unsubscribe_url \}\}\)/#
        let privacyLink = #/\[[^\]\n]*\]\(\{\{ legal\.privacy_url \}\}\)/#
        func wrap(_ pattern: some RegexComponent<Substring>, _ before: String, _ after: String) {
            footer = footer.replacing(pattern) { before + $0.output + after }
        }
        switch self {
        case .unlessAroundUnsubscribe:
            wrap(unsubscribeLink, "{% unless contact.\(f.text) == \"x\" %}", "{% endunless %}")
        case .unlessNumberAroundUnsubscribe:
            wrap(unsubscribeLink, "{% unless contact.\(f.number) > 100 %}", "{% endunless %}")
        case .caseAroundUnsubscribe:
            wrap(unsubscribeLink, "{% case contact.\(f.choice) %}{% when \"x\" %}{% else %}", "{% endcase %}")
        case .ifAroundPrivacy: wrap(privacyLink, "{% if contact.firstname %}", "{% endif %}")
        case .capturePublisherNeverPrinted:
            footer = footer.replacing(
                "{{ legal.publisher }}", with: "{% capture hidden %}{{ legal.publisher }}{% endcapture %}")
        case .commentAroundPostalAddress:
            footer = footer.replacing(
                "{{ legal.postal_address }}", with: "{% comment %}{{ legal.postal_address }}{% endcomment %}")
        case .htmlCommentAroundDataOrigin:
            footer = footer.replacing("{{ legal.data_origin }}", with: "<!-- {{ legal.data_origin }} -->")
        case .emptyUnsubscribeText: footer = footer.replacing(unsubscribeLink) { _ in "[]({{ unsubscribe_url }})" }
        case .tagsGuardAroundUnsubscribe:
            wrap(unsubscribeLink, "{% unless contact.\(f.tags) contains \"x\" %}", "{% endunless %}")
        case .sizeGuardAroundUnsubscribe: wrap(unsubscribeLink, "{% if contact.firstname.size < 20 %}", "{% endif %}")
        case .guardOnUnsubscribeURL:
            wrap(unsubscribeLink, "{% if unsubscribe_url contains \"invalid\" %}", "{% endif %}")
        case .truncatedUnsubscribeURL:
            footer = footer.replacing("({{ unsubscribe_url }})", with: "({{ unsubscribe_url | truncate: 60 }})")
        case .unsubscribeTextOnlyFirstname:
            footer = footer.replacing(unsubscribeLink) { _ in "[{{ contact.firstname }}]({{ unsubscribe_url }})" }
        case .unsubscribeAsImage: footer = footer.replacing(unsubscribeLink) { "!" + $0.output }
        case .publisherOnlyInImageAlt:
            footer = footer.replacing(
                "{{ legal.publisher }}", with: "![{{ legal.publisher }}](https://example-prop.org/logo.png)")
        case .assignLegalInBody: content.body = "{% assign legal = \"\" %}\n\n" + content.body
        case .captureUnsubscribeInBody:
            content.body =
                "{% capture unsubscribe_url %}https://evil.example/keep-sending{% endcapture %}\n\n" + content.body
        case .emptyBody: content.body = ""
        case .subjectOnlyFirstname: content.subject = "{{ contact.firstname }}"
        }
        if content.footer != nil {
            content.footer = footer
        } else {
            w.footers[locale] = footer
        }
        w.templates[template]?[locale] = content
        w.rewrite()
        return w
    }
}
