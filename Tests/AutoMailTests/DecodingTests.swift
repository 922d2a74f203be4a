import Diagnostics
import Testing
import YAMLSource

@testable import AutoMail

/// Parses `yaml` with the real YAML layer; the decoding tests assume it parses cleanly.
func parseYAML(_ yaml: String, file: String = "test.yaml") -> YAMLNode {
    let result = YAMLParser.parse(SourceFile(path: file, text: yaml))
    #expect(result.diagnostics.isEmpty, "test YAML does not parse: \(result.diagnostics.map(\.message))")
    return result.root ?? YAMLNode(.scalar(YAMLScalar(text: "", style: .plain)), range: .startOf(file: file))
}

/// One diagnostic as `CODE line:col-line:col message`, the form the expectations are written in.
func summary(_ diagnostic: Diagnostic) -> String {
    let where_ = diagnostic.range.map { "\($0.start)-\($0.end)" } ?? "-"
    return "\(diagnostic.code) \(where_) \(diagnostic.message)"
}

/// Decodes `yaml` with `decode` and returns the diagnostics in reporting order.
func diagnostics<T>(_ yaml: String, _ decode: (YAMLNode, String, inout DiagnosticBag) -> T) -> (T, [Diagnostic]) {
    var bag = DiagnosticBag()
    let value = decode(parseYAML(yaml), "test.yaml", &bag)
    return (value, bag.sorted())
}

func manifestDiagnostics(_ yaml: String) -> [Diagnostic] {
    diagnostics(yaml) { WorkspaceDecoder.decodeManifest($0, file: $1, into: &$2) }.1
}

func questionnaireDiagnostics(_ yaml: String) -> [Diagnostic] {
    diagnostics(yaml) { WorkspaceDecoder.decodeQuestionnaire($0, file: $1, into: &$2) }.1
}

func templateDiagnostics(_ yaml: String) -> [Diagnostic] {
    diagnostics(yaml) { WorkspaceDecoder.decodeTemplate($0, file: $1, into: &$2) }.1
}

func triggerDiagnostics(_ yaml: String) -> ([Trigger], [Diagnostic]) {
    diagnostics(yaml) { WorkspaceDecoder.decodeTriggers($0, file: $1, into: &$2) }
}

@Suite("Decoding: structure")
struct DecodingStructureTests {
    @Test func misspeltRequiredKeyIsReportedOnceAsUnknownWithTheFix() {
        let (_, found) = triggerDiagnostics(
            """
            triggers:
              - id: welcome
                when:
                  task: call-back
                tempalte: welcome
            """)
        #expect(found.map(summary) == ["AM201 5:5-5:13 unknown key `tempalte` in trigger `welcome`"])
        #expect(found.first?.help == "did you mean `template`?")
    }

    @Test func unknownKeyWithNothingCloseListsTheAllowedKeys() {
        let found = questionnaireDiagnostics(
            """
            id: door
            title: Door
            colour: red
            questions:
              - id: name
                type: open_text
                label: Name?
            """)
        #expect(found.map(summary) == ["AM201 3:1-3:7 unknown key `colour` in questionnaire `door`"])
        #expect(found.first?.help == "remove it; the keys allowed here are `id`, `title`, `questions`")
    }

    @Test func missingKeyPointsAtTheParentKey() {
        let found = manifestDiagnostics(
            """
            id: lyon
            name: Lyon
            locales: [fr]
            sending_domains: [example.org]
            legal:
              publisher: Association
              privacy_url: https://example.org/privacy
              data_origin:
                fr: Vous avez parlé avec nous.
            footer:
              fr: Pied de page
            """)
        #expect(found.map(summary) == ["AM202 5:1-5:6 missing key `postal_address` in `legal`"])
        #expect(found.first?.help == "add `postal_address: 12 rue de la République, 69001 Lyon, France`")
    }

    @Test func missingKeyInAListItemNamesTheItem() {
        let found = manifestDiagnostics(
            minimalManifest + """

                senders:
                  - id: equipe
                    name: Équipe
                """)
        #expect(found.map(summary) == ["AM202 14:5-14:7 missing key `address` in sender `equipe`"])
        #expect(found.first?.help == "add `address: team@example.org`")
    }

    @Test func wrongTypeNamesWhatWasFound() {
        let found = manifestDiagnostics(
            """
            id: lyon
            name:
              first: Lyon
            locales: fr
            sending_domains: [example.org]
            """ + minimalManifestTail)
        #expect(
            found.map(summary) == [
                "AM203 3:3-3:14 expected a string for `name`, found a mapping",
                "AM203 4:10-4:12 expected a sequence for `locales`, found a string",
            ])
        #expect(found.first?.help == "write `name: Lyon en commun 2026`")
    }

    @Test func aPlainNumberIsAcceptedAsAString() throws {
        let (manifest, found) = diagnostics(minimalManifest.replacingFirst("name: Lyon", with: "name: 2026")) {
            WorkspaceDecoder.decodeManifest($0, file: $1, into: &$2)
        }
        #expect(found.isEmpty)
        #expect(manifest.name?.value == "2026")
    }

    @Test func malformedIDIsReportedAndKeptWithASuggestion() {
        let (triggers, found) = triggerDiagnostics(
            """
            triggers:
              - id: Bienvenue Soutien
                when:
                  support_level: supporter
                template: bienvenue
            """)
        #expect(found.map(summary) == ["AM204 2:9-2:26 malformed id `Bienvenue Soutien` for `id`"])
        #expect(
            found.first?.help
                == "ids use lowercase letters, digits, `_` and `-`, start with a letter or digit and have at most 64 characters: try `bienvenue-soutien`"
        )
        #expect(triggers.first?.id.value == "Bienvenue Soutien")
    }

    @Test func anItemWithoutIDIsKeptWithAnEmptyID() {
        let (triggers, found) = triggerDiagnostics(
            """
            triggers:
              - when:
                  task: call-back
                template: bienvenue
            """)
        #expect(found.map(summary) == ["AM202 2:5-2:9 missing key `id` in trigger"])
        #expect(triggers.count == 1)
        #expect(
            triggers.first?.id
                == Located(
                    "",
                    at: SourceRange(
                        file: "test.yaml", start: SourcePosition(line: 2, column: 5),
                        end: SourcePosition(line: 4, column: 24))))
        #expect(
            triggers.first?.event
                == .task(
                    Located(
                        "call-back",
                        at: SourceRange(
                            file: "test.yaml", start: SourcePosition(line: 3, column: 13),
                            end: SourcePosition(line: 3, column: 22)))))
    }

    @Test func badEnumValueSuggestsTheClosestValue() {
        let found = questionnaireDiagnostics(
            """
            id: door
            title: Door
            questions:
              - id: support
                type: single-choice
                label: Support?
                answers:
                  - id: yes
                    label: Yes
            """)
        #expect(found.map(summary) == ["AM205 5:11-5:24 invalid value `single-choice` for `type`"])
        #expect(found.first?.help == "did you mean `single_choice`?")
        #expect(
            found.first?.notes.map(\.message) == [
                "`type` is one of `single_choice`, `checkbox`, `open_text`, `number`, `date`, `email`, `phone`"
            ])
    }

    @Test func badLocaleSuggestsTheFixedForm() {
        let found = manifestDiagnostics(minimalManifest.replacingFirst("locales: [fr]", with: "locales: [fr, pt_br]"))
        #expect(found.map(summary) == ["AM206 3:15-3:20 malformed locale `pt_br` in `locales`"])
        #expect(
            found.first?.help
                == "locales are a lowercase language code with an optional uppercase region, like `fr` or `pt-BR`: try `pt-BR`"
        )
    }

    @Test func badLocaleKeyInALocalizedMapping() {
        let found = manifestDiagnostics(
            minimalManifest.replacingFirst("  fr: Pied de page", with: "  FR: Pied de page"))
        #expect(found.map(summary) == ["AM206 12:3-12:5 malformed locale `FR` in `footer`"])
    }

    @Test func answersOnAnOpenTextQuestionAreRefused() {
        let found = questionnaireDiagnostics(
            """
            id: door
            title: Door
            questions:
              - id: comment
                type: open_text
                label: Comment?
                answers:
                  - id: yes
                    label: Yes
              - id: support
                type: checkbox
                label: Support?
            """)
        #expect(
            found.map(summary) == [
                "AM211 7:5-7:12 `open_text` questions have no answers",
                "AM211 11:11-11:19 `checkbox` question `support` needs at least one answer",
            ])
        #expect(found.first?.help == "remove `answers` or change `type` to `single_choice` or `checkbox`")
    }

    @Test func purposesAreRefusedInChannelMode() {
        let found = manifestDiagnostics(
            minimalManifest + """

                consent:
                  mode: channel
                  purposes:
                    - id: mobilisation
                      label: Mobilisation
                """)
        #expect(found.map(summary) == ["AM212 15:3-15:11 `purposes` are only allowed in `purpose` consent mode"])
        #expect(found.first?.help == "write `mode: purpose` in `consent` or remove `purposes`")
    }

    @Test func purposeModeNeedsPurposes() {
        let found = manifestDiagnostics(
            minimalManifest + """

                consent:
                  mode: purpose
                """)
        #expect(found.map(summary) == ["AM212 14:9-14:16 `purpose` consent mode needs at least one purpose"])
    }

    @Test func templateLocalesAreDecodedWithTheirTexts() throws {
        let (template, found) = diagnostics(
            """
            id: bienvenue
            locales:
              fr:
                subject: Merci !
                body: |
                  Bonjour,
                  merci.
                fotter: x
            """
        ) { WorkspaceDecoder.decodeTemplate($0, file: $1, into: &$2) }
        #expect(found.map(summary) == ["AM201 8:5-8:11 unknown key `fotter` in locale `fr` of template `bienvenue`"])
        #expect(found.first?.help == "did you mean `footer`?")
        let fr = try #require(template?.locales.first)
        #expect(fr.subject?.text == "Merci !")
        #expect(fr.body?.text == "Bonjour,\nmerci.\n")
        #expect(template?.localesRange?.start == SourcePosition(line: 2, column: 1))
    }

    @Test func aRootThatIsNotAMappingIsReported() {
        var bag = DiagnosticBag()
        let root = parseYAML("- a\n- b")
        #expect(WorkspaceDecoder.decodeQuestionnaire(root, file: "q.yaml", into: &bag) == nil)
        #expect(
            bag.sorted().map(summary) == ["AM203 1:1-2:4 expected a mapping at the top of `q.yaml`, found a sequence"])
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}

/// A manifest with every required key and nothing else (12 lines).
let minimalManifest = """
    id: lyon
    name: Lyon
    locales: [fr]
    sending_domains: [example.org]
    """ + minimalManifestTail

let minimalManifestTail = """

    legal:
      publisher: Association
      postal_address: 1 rue X, Lyon
      privacy_url: https://example.org/privacy
      data_origin:
        fr: Vous avez parlé avec nous.
    footer:
      fr: Pied de page
    """
