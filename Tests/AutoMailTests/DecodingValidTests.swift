import Diagnostics
import Testing
import YAMLSource

@testable import AutoMail

/// The examples of docs/workspace-format.md decode without a diagnostic and fill the model.
@Suite("Decoding: valid files")
struct DecodingValidTests {
    @Test func fullManifest() throws {
        let (manifest, found) = diagnostics(
            """
            # yaml-language-server: $schema=../../schemas/automail.schema.json
            id: lyon-2026
            name: Lyon en commun 2026
            locales: [fr, en]
            sending_domains: [lyon-en-commun.fr]
            senders:
              - id: equipe
                name: Lyon en commun
                address: equipe@lyon-en-commun.fr
                reply_to: contact@lyon-en-commun.fr
            default_sender: equipe
            legal:
              publisher: Association Lyon en commun
              postal_address: 12 rue de la République, 69001 Lyon, France
              privacy_url: https://lyon-en-commun.fr/donnees
              data_origin:
                fr: Vous recevez cet email car vous avez échangé avec un de nos bénévoles.
                en: You receive this email because you talked with one of our volunteers.
            footer:
              fr: |
                {{ legal.publisher }}, {{ legal.postal_address }}. {{ legal.data_origin }}
                [Vos données]({{ legal.privacy_url }}) · [Se désinscrire]({{ unsubscribe_url }})
              en: |
                {{ legal.publisher }}. [Unsubscribe]({{ unsubscribe_url }})
            consent:
              mode: purpose
              purposes:
                - id: mobilisation
                  label: Mobilisation bénévole
            contact_fields:
              - id: quartier
                type: single_response
                label: Quartier
            support_levels:
              - id: supporter
                label: Sympathisant
            tasks:
              - id: rappeler
                label: Rappeler
            """
        ) { WorkspaceDecoder.decodeManifest($0, file: $1, into: &$2) }
        #expect(found.map(summary) == [])
        #expect(manifest.id?.value == "lyon-2026")
        #expect(manifest.locales.map(\.value) == ["fr", "en"])
        #expect(manifest.sendingDomains.map(\.value) == ["lyon-en-commun.fr"])
        let sender = try #require(manifest.senders.first)
        #expect(sender.id.value == "equipe")
        #expect(sender.replyTo?.value == "contact@lyon-en-commun.fr")
        #expect(manifest.defaultSender?.value == "equipe")
        #expect(manifest.legal?.privacyURL?.value == "https://lyon-en-commun.fr/donnees")
        #expect(manifest.legal?.dataOrigin.map(\.locale.value) == ["fr", "en"])
        #expect(manifest.footers.map(\.locale.value) == ["fr", "en"])
        #expect(manifest.footers.last?.text.text == "{{ legal.publisher }}. [Unsubscribe]({{ unsubscribe_url }})\n")
        #expect(manifest.consent.effectiveMode == .purpose)
        #expect(manifest.consent.purposes.map(\.id.value) == ["mobilisation"])
        #expect(manifest.contactFields.first?.type?.value == .singleResponse)
        #expect(manifest.supportLevels?.map(\.id.value) == ["supporter"])
        #expect(manifest.tasks.map(\.label?.value) == ["Rappeler"])
    }

    @Test func absentSupportLevelsMeanTheDefaults() {
        let (manifest, found) = diagnostics(minimalManifest) {
            WorkspaceDecoder.decodeManifest($0, file: $1, into: &$2)
        }
        #expect(found.isEmpty)
        #expect(manifest.supportLevels == nil)
        #expect(manifest.consent.mode == nil)
    }

    @Test func fullQuestionnaire() throws {
        let (questionnaire, found) = diagnostics(
            """
            id: porte-a-porte
            title: Porte-à-porte printemps
            questions:
              - id: soutien
                type: single_choice
                label: Soutenez-vous la liste ?
                answers:
                  - id: oui
                    label: Oui
                  - id: non
                    label: Non
              - id: commentaire
                type: open_text
                label: Un commentaire ?
            """
        ) { WorkspaceDecoder.decodeQuestionnaire($0, file: $1, into: &$2) }
        #expect(found.map(summary) == [])
        let q = try #require(questionnaire)
        #expect(q.id.value == "porte-a-porte")
        #expect(q.title?.value == "Porte-à-porte printemps")
        #expect(q.questions.map(\.id.value) == ["soutien", "commentaire"])
        #expect(q.questions.map(\.type?.value) == [.singleChoice, .openText])
        #expect(q.questions.first?.answers.map(\.id.value) == ["oui", "non"])
    }

    @Test func fullTemplate() throws {
        let (template, found) = diagnostics(
            """
            id: bienvenue
            sender: equipe
            purpose: mobilisation
            locales:
              fr:
                subject: 'Merci {{ contact.firstname | default: "à vous" }} !'
                body: |
                  Bonjour {{ contact.firstname | default: "à vous" }}, ...
                footer: |
                  Pied de page
              en:
                subject: Thank you!
                body: |
                  Hello
            """
        ) { WorkspaceDecoder.decodeTemplate($0, file: $1, into: &$2) }
        #expect(found.map(summary) == [])
        let t = try #require(template)
        #expect(t.id.value == "bienvenue")
        #expect(t.sender?.value == "equipe")
        #expect(t.purpose?.value == "mobilisation")
        #expect(t.locales.map(\.locale.value) == ["fr", "en"])
        #expect(t.locales.first?.subject?.text == "Merci {{ contact.firstname | default: \"à vous\" }} !")
        #expect(t.locales.first?.footer?.text == "Pied de page\n")
        #expect(t.locales.last?.footer == nil)
    }

    @Test func fullTriggers() throws {
        let (triggers, found) = triggerDiagnostics(
            """
            triggers:
              - id: bienvenue-soutien
                when:
                  answer: porte-a-porte/soutien/oui
                template: bienvenue
                delay: 2h
                once_per_contact: 30d
              - id: rappel
                when:
                  task: rappeler
                template: rappel
                once_per_contact: forever
              - id: sympathisant
                when:
                  support_level: supporter
                template: bienvenue
            """)
        #expect(found.map(summary) == [])
        #expect(triggers.map(\.id.value) == ["bienvenue-soutien", "rappel", "sympathisant"])
        #expect(
            triggers.map { $0.event?.key } == [
                "answer:porte-a-porte/soutien/oui", "task:rappeler", "support_level:supporter",
            ])
        #expect(triggers.first?.eventRange?.start == SourcePosition(line: 4, column: 7))
        #expect(triggers.first?.delaySeconds?.value == 7_200)
        #expect(triggers.map { $0.oncePerContact?.value } == [.window(seconds: 2_592_000), .forever, nil])
        #expect(triggers.allSatisfy { $0.file == "test.yaml" && $0.priority == nil })
    }
}
