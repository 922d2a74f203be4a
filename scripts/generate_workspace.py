#!/usr/bin/env python3
"""Writes a realistic automail workspace of a chosen size, for benchmarks and scale tests.

Standard library only, deterministic: the same arguments and `--seed` always write the same bytes.

    python3 scripts/generate_workspace.py --size L --out bench-workspaces/L
    python3 scripts/generate_workspace.py --size L --errors 10000 --out bench-workspaces/L-errors

Sizes (templates / questionnaires / triggers / locales, about):
    S    8 /     3 /     24 / 2     the examples' size (~45 KB)
    M    2,000 /   200 /  5,000 / 3   ~5 MB
    L    20,000 / 2,000 / 50,000 / 3  ~50 MB
Each count can be overridden (--templates, --questionnaires, --triggers, --locales).

The layout is the real one (automail.yaml, questionnaires/, templates/, triggers/), the shape is the
examples' (workspace-examples/lyon-municipales): purpose consent, custom contact fields, senders, Markdown
bodies with Liquid (`default` filters, `if`/`else` on custom fields), per-template footer overrides,
answer, support-level and task triggers with delays and once-per-contact windows. Without `--errors`
the workspace checks clean: every template is used, and triggers that can fire in one encounter
never tie on priority (answer triggers get distinct priorities within their questionnaire in
0...949, support levels 950...979, tasks 980...1000).

`--errors N` then sprinkles N problems, cycling through every kind in ERROR_KINDS (so N >= the number
of kinds gives each kind at least once); each injection is meant to yield one diagnostic. The
kinds and counts applied are printed on stderr (and with --manifest-json to a file).
"""

import argparse
import json
import os
import random
import shutil
import sys

SIZES = {
    "S": dict(templates=8, questionnaires=3, triggers=24, locales=2),
    "M": dict(templates=2000, questionnaires=200, triggers=5000, locales=3),
    "L": dict(templates=20000, questionnaires=2000, triggers=50000, locales=3),
}

LOCALES = ["fr", "en", "de", "es"]

ERROR_KINDS = [
    "unknown_key",          # AM201 `subjet:` in a template locale / `prioritee:` in a trigger
    "unknown_template",     # AM301 a trigger's template misspelt (did-you-mean)
    "unknown_answer",       # AM305 a trigger's answer misspelt
    "unknown_questionnaire",  # AM303
    "bad_address",          # AM501 a sender whose address is not an addr-spec
    "misspelt_merge_tag",   # AM607 `{{ contact.fristname }}`
    "priority_tie",         # AM702 a second template on an event at the same priority
    "duplicate_id",         # AM310 a trigger id used twice
    "missing_locale",       # AM601 a template without one of the workspace locales
    "liquid_syntax",        # AM605 `{% if %}` without `{% endif %}`
    "raw_html",             # AM608 raw HTML in a body
    "footer_unsubscribe",   # AM401 a footer override without the unsubscribe link
    "bad_duration",         # AM207 `delay: 2 hours`
    "duplicate_key",        # YAML duplicate key
    "unknown_sender",       # AM302 a template's sender misspelt
    "unknown_task",         # AM307
    "empty_subject",        # AM603
    "malformed_id",         # AM204 an id with capitals
]

# --------------------------------------------------------------------------------------------------
# Text pools, per locale.

TEXT = {
    "fr": dict(
        hello=['Bonjour {{ contact.firstname | default: "à vous" }},', 'Chère, cher {{ contact.firstname | default: "ami·e" }},',
               'Bonjour {{ contact.firstname | default: "" }} {{ contact.surname | default: "" }},'],
        subject=['Merci {{ contact.firstname | default: "à vous" }} !', 'Des nouvelles de {{ workspace.name }}',
                 'Votre quartier, nos propositions', 'Rendez-vous {{ contact.quartier | default: "près de chez vous" }}',
                 'On compte sur vous, {{ contact.firstname | default: "vraiment" }}'],
        sentences=["Merci d'avoir pris le temps d'échanger avec nos bénévoles.",
                   "Notre programme pour le logement propose de plafonner les loyers et de rénover les écoles.",
                   "Les transports en commun gratuits le week-end, c'est possible : voici comment.",
                   "Chaque samedi matin, une équipe fait du **porte-à-porte** dans votre quartier.",
                   "Nous organisons une réunion publique la semaine prochaine, ouverte à toutes et à tous.",
                   "Vous pouvez aussi nous rejoindre pour une soirée de phoning le mardi.",
                   "La campagne ne vit que des dons de personnes comme vous.",
                   "Un arbre planté dans chaque rue : c'est notre engagement pour l'été.",
                   "Pensez à vérifier votre inscription sur les listes électorales.",
                   "Nous répondons à toutes les questions posées par les habitantes et les habitants."],
        bullets=["un **café-débat** le jeudi soir", "une *balade urbaine* le dimanche", "un atelier d'écriture du programme",
                 "la permanence du local, du lundi au vendredi", "une formation d'une heure pour les nouveaux bénévoles"],
        link=["[le programme complet](https://{domain}/programme)", "[l'agenda des bénévoles](https://{domain}/agenda)",
              "[faire un don](https://{domain}/don)", "[établir une procuration](https://{domain}/procuration)"],
        ifq=("{% if contact.quartier %}\nL'équipe de {{ contact.quartier }} vous contactera bientôt.\n{% else %}\n"
             "Une personne de l'équipe vous contactera bientôt.\n{% endif %}"),
        sign=["L'équipe de campagne", "L'équipe mobilisation", "Camille, pour {{ workspace.name }}"],
        origin="Vous recevez cet email car vous avez échangé avec un ou une bénévole et accepté d'être recontacté·e.",
        footer=("{{ legal.data_origin }}\n\nPublié par {{ legal.publisher }}, {{ legal.postal_address }}. Vous pouvez "
                "vous opposer à ces emails : [vos données et vos droits]({{ legal.privacy_url }}).\n\n"
                "[Se désinscrire]({{ unsubscribe_url }})\n"),
        override="Cet email vous est envoyé au titre de l'appel aux dons de la campagne.\n\n",
    ),
    "en": dict(
        hello=['Hello {{ contact.firstname | default: "there" }},', 'Dear {{ contact.firstname | default: "friend" }},',
               'Hi {{ contact.firstname | default: "" }} {{ contact.surname | default: "" }},'],
        subject=['Thank you {{ contact.firstname | default: "so much" }}!', 'News from {{ workspace.name }}',
                 'Your neighbourhood, our proposals', 'See you {{ contact.quartier | default: "near you" }}',
                 'We count on you, {{ contact.firstname | default: "really" }}'],
        sentences=["Thank you for taking the time to talk with our volunteers.",
                   "Our housing plan caps rents and renovates every school in the city.",
                   "Free public transport at weekends is possible: here is how.",
                   "Every Saturday morning a team goes **door-knocking** in your neighbourhood.",
                   "We hold a public meeting next week, open to everyone.",
                   "You can also join a phone-bank evening on Tuesdays.",
                   "The campaign runs only on donations from people like you.",
                   "A tree planted in every street: that is our pledge for the summer.",
                   "Remember to check that you are registered to vote.",
                   "We answer every question residents ask us."],
        bullets=["a **coffee debate** on Thursday evening", "an *urban walk* on Sunday", "a workshop to write the programme",
                 "the office's open hours, Monday to Friday", "a one-hour training for new volunteers"],
        link=["[the full programme](https://{domain}/programme)", "[the volunteers' calendar](https://{domain}/agenda)",
              "[donate](https://{domain}/don)", "[vote by proxy](https://{domain}/procuration)"],
        ifq=("{% if contact.quartier %}\nThe {{ contact.quartier }} team will be in touch soon.\n{% else %}\n"
             "Someone from the team will be in touch soon.\n{% endif %}"),
        sign=["The campaign team", "The volunteer team", "Camille, for {{ workspace.name }}"],
        origin="You are receiving this email because you spoke with a volunteer and agreed to be contacted.",
        footer=("{{ legal.data_origin }}\n\nPublished by {{ legal.publisher }}, {{ legal.postal_address }}. You can "
                "object to these emails: [your data and your rights]({{ legal.privacy_url }}).\n\n"
                "[Unsubscribe]({{ unsubscribe_url }})\n"),
        override="This email is sent as part of the campaign's fundraising.\n\n",
    ),
    "de": dict(
        hello=['Hallo {{ contact.firstname | default: "zusammen" }},', 'Liebe:r {{ contact.firstname | default: "Freund:in" }},',
               'Guten Tag {{ contact.firstname | default: "" }} {{ contact.surname | default: "" }},'],
        subject=['Danke {{ contact.firstname | default: "schön" }}!', 'Neues von {{ workspace.name }}',
                 'Ihr Viertel, unsere Vorschläge', 'Bis bald {{ contact.quartier | default: "in Ihrer Nähe" }}',
                 'Wir zählen auf Sie, {{ contact.firstname | default: "wirklich" }}'],
        sentences=["Danke, dass Sie sich Zeit für unsere Freiwilligen genommen haben.",
                   "Unser Wohnungsplan deckelt die Mieten und saniert jede Schule der Stadt.",
                   "Kostenloser Nahverkehr am Wochenende ist möglich: so geht es.",
                   "Jeden Samstagmorgen ist ein Team **von Tür zu Tür** in Ihrem Viertel unterwegs.",
                   "Nächste Woche findet eine öffentliche Versammlung statt, offen für alle.",
                   "Sie können auch dienstags bei einem Telefonabend mitmachen.",
                   "Die Kampagne lebt nur von Spenden von Menschen wie Ihnen.",
                   "Ein Baum in jeder Straße: das ist unser Versprechen für den Sommer.",
                   "Denken Sie daran, Ihre Eintragung im Wählerverzeichnis zu prüfen.",
                   "Wir beantworten jede Frage der Bewohnerinnen und Bewohner."],
        bullets=["eine **Kaffeedebatte** am Donnerstagabend", "ein *Stadtspaziergang* am Sonntag", "eine Programmwerkstatt",
                 "die Sprechstunde im Büro, Montag bis Freitag", "eine einstündige Schulung für neue Freiwillige"],
        link=["[das ganze Programm](https://{domain}/programme)", "[den Kalender der Freiwilligen](https://{domain}/agenda)",
              "[spenden](https://{domain}/don)", "[Briefwahl](https://{domain}/procuration)"],
        ifq=("{% if contact.quartier %}\nDas Team {{ contact.quartier }} meldet sich bald.\n{% else %}\n"
             "Jemand aus dem Team meldet sich bald.\n{% endif %}"),
        sign=["Das Kampagnenteam", "Das Freiwilligenteam", "Camille, für {{ workspace.name }}"],
        origin="Sie erhalten diese E-Mail, weil Sie mit einer freiwilligen Person gesprochen und zugestimmt haben.",
        footer=("{{ legal.data_origin }}\n\nHerausgegeben von {{ legal.publisher }}, {{ legal.postal_address }}. Sie können "
                "widersprechen: [Ihre Daten und Rechte]({{ legal.privacy_url }}).\n\n"
                "[Abmelden]({{ unsubscribe_url }})\n"),
        override="Diese E-Mail gehört zum Spendenaufruf der Kampagne.\n\n",
    ),
    "es": dict(
        hello=['Hola {{ contact.firstname | default: "a todos" }},', 'Querida/o {{ contact.firstname | default: "amiga/o" }},',
               'Buenos días {{ contact.firstname | default: "" }} {{ contact.surname | default: "" }},'],
        subject=['¡Gracias {{ contact.firstname | default: "de verdad" }}!', 'Noticias de {{ workspace.name }}',
                 'Tu barrio, nuestras propuestas', 'Nos vemos {{ contact.quartier | default: "cerca de ti" }}',
                 'Contamos contigo, {{ contact.firstname | default: "de verdad" }}'],
        sentences=["Gracias por dedicar tiempo a hablar con nuestro voluntariado.",
                   "Nuestro plan de vivienda limita los alquileres y renueva todas las escuelas.",
                   "El transporte público gratuito los fines de semana es posible: así lo haremos.",
                   "Cada sábado por la mañana un equipo va **puerta a puerta** por tu barrio.",
                   "La semana que viene celebramos una reunión pública abierta a todo el mundo.",
                   "También puedes unirte a una tarde de llamadas los martes.",
                   "La campaña vive solo de donaciones de personas como tú.",
                   "Un árbol en cada calle: ese es nuestro compromiso para el verano.",
                   "Recuerda comprobar tu inscripción en el censo electoral.",
                   "Respondemos a todas las preguntas del vecindario."],
        bullets=["un **café-debate** el jueves por la tarde", "un *paseo urbano* el domingo", "un taller del programa",
                 "el horario del local, de lunes a viernes", "una formación de una hora para el nuevo voluntariado"],
        link=["[el programa completo](https://{domain}/programme)", "[la agenda del voluntariado](https://{domain}/agenda)",
              "[donar](https://{domain}/don)", "[votar por correo](https://{domain}/procuration)"],
        ifq=("{% if contact.quartier %}\nEl equipo de {{ contact.quartier }} te contactará pronto.\n{% else %}\n"
             "Alguien del equipo te contactará pronto.\n{% endif %}"),
        sign=["El equipo de campaña", "El equipo de voluntariado", "Camille, por {{ workspace.name }}"],
        origin="Recibes este correo porque hablaste con una persona voluntaria y aceptaste ser contactada.",
        footer=("{{ legal.data_origin }}\n\nPublicado por {{ legal.publisher }}, {{ legal.postal_address }}. Puedes "
                "oponerte a estos correos: [tus datos y tus derechos]({{ legal.privacy_url }}).\n\n"
                "[Darse de baja]({{ unsubscribe_url }})\n"),
        override="Este correo forma parte de la campaña de donaciones.\n\n",
    ),
}

TOPICS = ["logement", "transports", "ecoles", "climat", "sante", "culture", "sport", "securite", "emploi",
          "commerce", "velo", "parcs", "eau", "energie", "seniors", "jeunesse", "associations", "marches"]
ACTIONS = ["merci", "invitation", "relance", "bienvenue", "rappel", "appel", "info", "confirmation", "suivi"]
QUESTION_LABELS = ["Soutenez-vous la liste ?", "Serez-vous présent·e le jour du vote ?", "Quels sujets comptent pour vous ?",
                   "Aimeriez-vous donner un coup de main ?", "Souhaitez-vous être recontacté·e ?", "Comment avez-vous connu la liste ?"]
ANSWER_WORDS = ["oui", "non", "peut-etre", "ne-sait-pas", "logement", "transports", "ecoles", "climat", "porte-a-porte",
                "tractage", "phoning", "assesseur", "plus-tard", "jamais", "souvent", "parfois"]
SUPPORT_LEVELS = ["opposant", "indecis", "sympathisant", "soutien_fort", "donateur", "membre_equipe"]
TASKS = ["rappeler", "inviter_reunion", "envoyer_procuration", "accueillir_benevole", "relancer_don", "former_benevole",
         "inviter_phoning", "inviter_tractage", "remercier", "inviter_apero", "proposer_assesseur", "envoyer_programme"]
PURPOSES = ["mobilisation", "information", "dons", "evenements"]
SENDERS = ["equipe", "camille-roux", "mobilisation", "dons"]


# --------------------------------------------------------------------------------------------------
# A tiny YAML writer: mappings are lists of (key, value) pairs so that error injection can add
# unknown or duplicate keys; strings pick a style that round-trips.

class Mapping(list):
    """An ordered mapping written in block style; duplicates allowed on purpose."""


class Flow(list):
    """A sequence written in flow style (`[fr, en]`)."""


PLAIN_OK = set("abcdefghijklmnopqrstuvwxyz0123456789_-./@")


def scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    s = value
    if (s and all(c in PLAIN_OK for c in s) and s[0].isalnum() and any(c.isalpha() for c in s)
            and s not in ("null", "true", "false", "y", "n")):
        return s
    return "'" + s.replace("'", "''") + "'"


def emit(value, indent, out):
    pad = " " * indent
    if isinstance(value, Mapping):
        for key, item in value:
            write_entry(pad, key + ":", item, indent, out)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, Mapping) and item:
                first = True
                for key, sub in item:
                    prefix = pad + ("- " if first else "  ")
                    write_entry(prefix, key + ":", sub, indent + 2, out)
                    first = False
            else:
                write_entry(pad + "-", "", item, indent, out, sequence_item=True)


def write_entry(prefix, key, value, indent, out, sequence_item=False):
    head = prefix + ("" if sequence_item else key)
    if isinstance(value, Flow):
        out.append(head + " [" + ", ".join(scalar(v) for v in value) + "]\n")
    elif isinstance(value, Mapping) or (isinstance(value, list)):
        out.append(head + "\n")
        emit(value, indent + 2, out)
    elif isinstance(value, str) and "\n" in value:
        chomp = "" if value.endswith("\n") and not value.endswith("\n\n") else "-"
        out.append(head + " |" + chomp + "\n")
        for line in value.rstrip("\n").split("\n"):
            out.append((" " * (indent + 2) + line).rstrip() + "\n" if line else "\n")
    else:
        out.append(head + " " + scalar(value) + "\n")


def dump(value, schema, header=""):
    out = ["# yaml-language-server: $schema=../../schemas/%s.schema.json\n" % schema if schema == "automail"
           else "# yaml-language-server: $schema=../../../schemas/%s.schema.json\n" % schema]
    if header:
        out.append(header)
    emit(value, 0, out)
    return "".join(out)


# --------------------------------------------------------------------------------------------------

def misspell(rng, word):
    """A near miss of `word` (one adjacent swap or one substitution), never `word` itself."""
    if len(word) >= 4:
        i = rng.randrange(1, len(word) - 2)
        if word[i] != word[i + 1]:
            return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    i = rng.randrange(len(word))
    c = "x" if word[i] != "x" else "z"
    return word[:i] + c + word[i + 1:]


class Generator:
    def __init__(self, args):
        self.rng = random.Random(args.seed)
        self.n_templates = args.templates
        self.n_questionnaires = args.questionnaires
        self.n_triggers = args.triggers
        self.locales = LOCALES[: args.locales]
        self.domain = "campagne-%d.fr" % args.seed
        self.errors = args.errors
        self.applied = {}

    # -- model ---------------------------------------------------------------------------------------

    def manifest(self):
        m = Mapping()
        m.append(("id", "campagne-nationale"))
        m.append(("name", "Campagne nationale 2026"))
        m.append(("locales", Flow(self.locales)))
        m.append(("sending_domains", [self.domain]))
        senders = []
        for s in SENDERS:
            entry = Mapping([("id", s), ("name", "Campagne nationale, " + s), ("address", s + "@" + self.domain)])
            if s == "equipe":
                entry.append(("reply_to", "contact@" + self.domain))
            senders.append(entry)
        m.append(("senders", senders))
        m.append(("default_sender", "equipe"))
        m.append(("legal", Mapping([
            ("publisher", "Association Campagne nationale 2026"),
            ("postal_address", "12 rue de la République, 69001 Lyon, France"),
            ("privacy_url", "https://%s/donnees-personnelles" % self.domain),
            ("data_origin", Mapping([(loc, TEXT[loc]["origin"]) for loc in self.locales])),
        ])))
        m.append(("footer", Mapping([(loc, TEXT[loc]["footer"]) for loc in self.locales])))
        m.append(("consent", Mapping([("mode", "purpose"), ("purposes", [
            Mapping([("id", p), ("label", "Finalité " + p)]) for p in PURPOSES])])))
        m.append(("contact_fields", [
            Mapping([("id", "quartier"), ("type", "single_response"), ("label", "Quartier")]),
            Mapping([("id", "benevole_disponible"), ("type", "checkbox"), ("label", "Disponible pour du bénévolat")]),
            Mapping([("id", "age"), ("type", "number"), ("label", "Âge")]),
            Mapping([("id", "bureau_de_vote"), ("type", "short_text"), ("label", "Bureau de vote")]),
            Mapping([("id", "date_contact"), ("type", "date"), ("label", "Date du premier contact")]),
        ]))
        m.append(("support_levels", [Mapping([("id", l), ("label", l.replace("_", " ").capitalize())])
                                     for l in SUPPORT_LEVELS]))
        m.append(("tasks", [Mapping([("id", t), ("label", t.replace("_", " ").capitalize())]) for t in TASKS]))
        return m

    def questionnaire(self, index):
        rng = self.rng
        qid = "q%04d-%s" % (index, rng.choice(TOPICS))
        questions = []
        choice = []  # (question id, [answer ids], single?)
        n_choice = rng.randint(4, 6)
        for k in range(n_choice):
            single = k % 2 == 0
            answers = rng.sample(ANSWER_WORDS, rng.randint(3, 6))
            question_id = "question_%d" % (k + 1)
            questions.append(Mapping([
                ("id", question_id), ("type", "single_choice" if single else "checkbox"),
                ("label", rng.choice(QUESTION_LABELS)),
                ("answers", [Mapping([("id", a), ("label", a.replace("-", " ").capitalize())]) for a in answers]),
            ]))
            choice.append((question_id, answers, single))
        questions.append(Mapping([("id", "remarques"), ("type", "open_text"), ("label", "Remarques libres")]))
        questions.append(Mapping([("id", "email"), ("type", "email"), ("label", "Adresse email")]))
        doc = Mapping([("id", qid), ("title", "Questionnaire %d : %s" % (index, rng.choice(TOPICS))),
                       ("questions", questions)])
        return qid, doc, choice

    def body(self, loc):
        rng = self.rng
        t = TEXT[loc]
        parts = [rng.choice(t["hello"])]
        parts.append(" ".join(rng.sample(t["sentences"], rng.randint(2, 3))))
        if rng.random() < 0.6:
            parts.append("\n".join("- " + b for b in rng.sample(t["bullets"], rng.randint(2, 3))))
        parts.append(" ".join(rng.sample(t["sentences"], rng.randint(1, 2))) + " "
                     + rng.choice(t["link"]).format(domain=self.domain) + ".")
        if rng.random() < 0.4:
            parts.append(t["ifq"])
        parts.append(rng.choice(t["sign"]))
        return "\n\n".join(parts) + "\n"

    def template(self, index):
        rng = self.rng
        tid = "t%05d-%s-%s" % (index, rng.choice(ACTIONS), rng.choice(TOPICS))
        doc = Mapping([("id", tid)])
        if rng.random() < 0.3:
            doc.append(("sender", rng.choice(SENDERS[1:])))
        purpose = rng.choice(PURPOSES)
        doc.append(("purpose", purpose))
        override = rng.random() < 0.1
        locales = Mapping()
        for loc in self.locales:
            content = Mapping([("subject", rng.choice(TEXT[loc]["subject"])), ("body", self.body(loc))])
            if override:
                content.append(("footer", TEXT[loc]["override"] + TEXT[loc]["footer"]))
            locales.append((loc, content))
        doc.append(("locales", locales))
        return tid, doc

    def build(self):
        rng = self.rng
        self.manifest_doc = self.manifest()
        self.questionnaires = [self.questionnaire(i + 1) for i in range(self.n_questionnaires)]
        self.templates = [self.template(i + 1) for i in range(self.n_templates)]
        template_ids = [tid for tid, _ in self.templates]
        order = list(range(len(template_ids)))
        rng.shuffle(order)
        cursor = [0]

        def next_template():
            tid = template_ids[order[cursor[0] % len(order)]]
            cursor[0] += 1
            return tid

        # Levels and tasks: each task once (all can fire together: distinct priorities 980...),
        # each level one or two triggers (distinct within the level, 950...979).
        lt = []
        n_special = min(len(TASKS) + len(SUPPORT_LEVELS), max(0, self.n_triggers // 10))
        priority = 1000
        for task in TASKS[: max(0, n_special - len(SUPPORT_LEVELS))]:
            lt.append(self.trigger("tache-" + task, Mapping([("task", task)]), next_template(), priority))
            priority -= 1
        for k, level in enumerate(SUPPORT_LEVELS[: n_special]):
            lt.append(self.trigger("niveau-" + level.replace("_", "-"), Mapping([("support_level", level)]),
                                   next_template(), 979 - k))
        remaining = self.n_triggers - len(lt)
        # Answer triggers, spread over the questionnaires; distinct priorities within one.
        per = [remaining // max(1, self.n_questionnaires)] * self.n_questionnaires
        for i in range(remaining - sum(per)):
            per[i % len(per)] += 1
        self.trigger_files = []
        serial = 0
        for (qid, _, choice), count in zip(self.questionnaires, per):
            events = [(q, a) for q, answers, _ in choice for a in answers]
            priorities = rng.sample(range(0, 950, 5), min(count, 190))
            while len(priorities) < count:
                priorities.append(rng.randrange(950))  # cannot happen below 190 triggers a questionnaire
            triggers = []
            used = set()
            for k in range(count):
                q, a = events[k % len(events)]
                tid = next_template()
                while (q, a, tid) in used:
                    tid = next_template()
                used.add((q, a, tid))
                serial += 1
                triggers.append(self.trigger("r%06d-%s" % (serial, a), Mapping([("answer", "%s/%s/%s" % (qid, q, a))]),
                                             tid, priorities[k]))
            self.trigger_files.append(("triggers/%s.yaml" % qid, triggers))
        if lt:
            self.trigger_files.append(("triggers/niveaux-et-taches.yaml", lt))

    def trigger(self, tid, when, template, priority):
        rng = self.rng
        t = Mapping([("id", tid), ("when", when), ("template", template), ("priority", priority)])
        if rng.random() < 0.5:
            t.append(("delay", rng.choice(["30m", "1h", "2h", "1d", "3d"])))
        t.append(("once_per_contact", rng.choice(["forever", "7d", "14d", "30d"])))
        return t

    # -- errors --------------------------------------------------------------------------------------

    def inject(self):
        rng = self.rng
        if self.errors <= 0:
            return
        answer_files = [f for f in self.trigger_files if f[0] != "triggers/niveaux-et-taches.yaml"]
        templates = [doc for _, doc in self.templates]
        used_templates = set()
        used_triggers = set()

        def fresh_template():
            for _ in range(1000):
                doc = rng.choice(templates)
                if id(doc) not in used_templates:
                    used_templates.add(id(doc))
                    return doc
            return rng.choice(templates)

        def fresh_trigger():
            for _ in range(1000):
                triggers = rng.choice(answer_files)[1]
                t = rng.choice(triggers)
                # Only the generated answer triggers: not those added by an earlier injection.
                if id(t) not in used_triggers and get(t, "when") and get(get(t, "when"), "answer"):
                    used_triggers.add(id(t))
                    return triggers, t
            triggers = rng.choice(answer_files)[1]
            return triggers, triggers[0]

        def get(mapping, key):
            for k, v in mapping:
                if k == key:
                    return v
            return None

        def put(mapping, key, value):
            for i, (k, _) in enumerate(mapping):
                if k == key:
                    mapping[i] = (key, value)
                    return

        def first_locale(doc):
            return get(get(doc, "locales"), self.locales[0])

        template_ids = {tid for tid, _ in self.templates}
        serial = [0]
        for n in range(self.errors):
            kind = ERROR_KINDS[n % len(ERROR_KINDS)]
            self.applied[kind] = self.applied.get(kind, 0) + 1
            if kind == "unknown_key":
                if n % 2:
                    first_locale(fresh_template()).append(("subjet", "Bonjour"))
                else:
                    fresh_trigger()[1].append(("prioritee", 3))
            elif kind == "unknown_template":
                _, t = fresh_trigger()
                name = misspell(rng, get(t, "template"))
                while name in template_ids:
                    name = misspell(rng, name)
                put(t, "template", name)
            elif kind == "unknown_answer":
                _, t = fresh_trigger()
                when = get(t, "when")
                q, qu, a = get(when, "answer").split("/")
                put(when, "answer", "%s/%s/%s" % (q, qu, a + "zz"))
            elif kind == "unknown_questionnaire":
                _, t = fresh_trigger()
                when = get(t, "when")
                q, qu, a = get(when, "answer").split("/")
                put(when, "answer", "%s/%s/%s" % (q + "-old", qu, a))
            elif kind == "bad_address":
                serial[0] += 1
                get(self.manifest_doc, "senders").append(Mapping([
                    ("id", "extra-%d" % serial[0]), ("name", "Relais %d" % serial[0]),
                    ("address", "relais%d.%s" % (serial[0], self.domain))]))
            elif kind == "misspelt_merge_tag":
                loc = first_locale(fresh_template())
                put(loc, "body", get(loc, "body").replace("{{ contact.firstname", "{{ contact.fristname", 1)
                    if "{{ contact.firstname" in get(loc, "body") else "{{ contact.fristname }}\n" + get(loc, "body"))
            elif kind == "priority_tie":
                triggers, t = fresh_trigger()
                other = get(t, "template")
                while other == get(t, "template"):
                    other = rng.choice(self.templates)[0]
                serial[0] += 1
                triggers.append(Mapping([("id", "tie-%d" % serial[0]), ("when", Mapping(get(t, "when"))),
                                         ("template", other), ("priority", get(t, "priority"))]))
            elif kind == "duplicate_id":
                triggers, t = fresh_trigger()
                _, victim = fresh_trigger()
                put(victim, "id", get(t, "id"))
            elif kind == "missing_locale":
                doc = fresh_template()
                locs = get(doc, "locales")
                del locs[len(locs) - 1]
            elif kind == "liquid_syntax":
                loc = first_locale(fresh_template())
                put(loc, "body", get(loc, "body") + "\n{% if contact.age %}\nÀ bientôt !\n")
            elif kind == "raw_html":
                loc = first_locale(fresh_template())
                put(loc, "body", get(loc, "body") + "\n<div class=\"promo\">Offre spéciale</div>\n")
            elif kind == "footer_unsubscribe":
                loc = first_locale(fresh_template())
                footer = TEXT[self.locales[0]]["footer"]
                cut = footer[: footer.rindex("\n\n")] + "\n"
                put(loc, "footer", cut) if get(loc, "footer") is not None else loc.append(("footer", cut))
            elif kind == "bad_duration":
                _, t = fresh_trigger()
                t.append(("delay", "2 hours")) if get(t, "delay") is None else put(t, "delay", "2 hours")
            elif kind == "duplicate_key":
                _, t = fresh_trigger()
                t.append(("once_per_contact", "7d"))
            elif kind == "unknown_sender":
                doc = fresh_template()
                if get(doc, "sender") is None:
                    doc.insert(1, ("sender", "equpe"))
                else:
                    put(doc, "sender", misspell(rng, get(doc, "sender")))
            elif kind == "unknown_task":
                # One template and a priority no other trigger uses (985), so that no tie comes with it.
                triggers, _ = fresh_trigger()
                serial[0] += 1
                triggers.append(Mapping([("id", "tache-%d" % serial[0]), ("when", Mapping([("task", "rapeller")])),
                                         ("template", self.templates[0][0]), ("priority", 985)]))
            elif kind == "empty_subject":
                put(first_locale(fresh_template()), "subject", " ")
            elif kind == "malformed_id":
                _, t = fresh_trigger()
                put(t, "id", get(t, "id").upper())

    # -- output --------------------------------------------------------------------------------------

    def write(self, out):
        if os.path.exists(out):
            if not os.path.exists(os.path.join(out, "automail.yaml")):
                sys.exit("generate_workspace: %s exists and is not a workspace; not overwriting" % out)
            shutil.rmtree(out)
        for folder in ("questionnaires", "templates", "triggers"):
            os.makedirs(os.path.join(out, folder))
        total = 0

        def put(path, text):
            nonlocal total
            data = text.encode("utf-8")
            total += len(data)
            with open(os.path.join(out, path), "wb") as f:
                f.write(data)

        put("automail.yaml", dump(self.manifest_doc, "automail", "# Generated by scripts/generate_workspace.py.\n"))
        for qid, doc, _ in self.questionnaires:
            put("questionnaires/%s.yaml" % qid, dump(doc, "questionnaire"))
        for tid, doc in self.templates:
            put("templates/%s.yaml" % tid, dump(doc, "template"))
        for path, triggers in self.trigger_files:
            put(path, dump(Mapping([("triggers", triggers)]), "triggers"))
        return total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=sorted(SIZES), default="S")
    parser.add_argument("--out", required=True, help="the workspace folder to write (replaced if it is one)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--errors", type=int, default=0, help="sprinkle this many errors, of every kind")
    parser.add_argument("--templates", type=int)
    parser.add_argument("--questionnaires", type=int)
    parser.add_argument("--triggers", type=int)
    parser.add_argument("--locales", type=int, choices=[1, 2, 3, 4])
    parser.add_argument("--manifest-json", help="also write the counts and error kinds applied as JSON here")
    args = parser.parse_args()
    for key, value in SIZES[args.size].items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.templates < 1 or args.questionnaires < 1 or args.triggers < args.templates:
        sys.exit("generate_workspace: need at least one template and questionnaire, and a trigger for every template")
    gen = Generator(args)
    gen.build()
    gen.inject()
    total = gen.write(args.out)
    files = 1 + len(gen.questionnaires) + len(gen.templates) + len(gen.trigger_files)
    summary = dict(size=args.size, seed=args.seed, bytes=total, files=files, templates=args.templates,
                   questionnaires=args.questionnaires, triggers=args.triggers, locales=gen.locales,
                   errors=args.errors, error_kinds=gen.applied)
    print("generate_workspace: %s: %d files, %.1f MB, %d errors" % (args.out, files, total / 1e6, args.errors),
          file=sys.stderr)
    if args.manifest_json:
        with open(args.manifest_json, "w") as f:
            json.dump(summary, f, indent=2, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
