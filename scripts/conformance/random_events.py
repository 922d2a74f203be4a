#!/usr/bin/env python3
"""Writes random events over the conformance kit's bundles, for a differential check of a sender
against the reference evaluator (Tests/CLITests/ConformanceDifferentialTests.swift).

    python3 scripts/conformance/random_events.py --seed 2026 --count 400 > events.jsonl

One JSON object a line: {"bundle": "bundles/<file>", "event": {...}}, the bundle path relative to
conformance/. The same seed always gives the same lines (Python's `random.Random` with an integer seed is
stable across versions for the calls used here). Every event is valid (schemas/event.schema.json); their
values aim at the edges: contacts with and without address, consent and unsubscriptions of every kind,
history entries at and around window boundaries or in the future, locales in odd spellings, hostile or
unusual contact values (markup, quotes, entities, Unicode case mappings, non-ASCII spaces, numbers,
booleans, arrays), times with offsets and near the ends of the calendar.
"""

import argparse
import json
import os
import random
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KIT = os.path.join(ROOT, "conformance")
BUNDLES = ["purpose.bundle.json", "channel.bundle.json", "channel.minor-9.bundle.json", "timing.bundle.json",
           "timing.night.bundle.json"]
# Contact zones: the bundle's own, one it lacks, absent.
ZONES = ["Europe/Paris", "America/Martinique", "Pacific/Noumea", "Asia/Tokyo", "UTC", None]
# Minutes around a boundary (a blackout's ends, a transition, quiet hours' ends) an event or send falls at.
NEAR = [0, 1, -1, 30, -30, 59, -59, 60, -60, 90, -90, 120, -120, 180, -180, 24 * 60, -24 * 60]

STRINGS = [
    "Camille", "Zoë", "O'Brien", "<script>alert(1)</script>", 'say "hi"', "Tom & Jerry", "&#x27;", "&amp;",
    "", " ", "  padded  ", "\u00a0nbsp\u00a0", "\u3000wide\u3000", "\tTab\n", "line\nbreak", "ǆemal", "straße",
    "ﬁne", "İstanbul", "ΣΑΣ", "e\u0301cole", "😀 emoji", "ÉLODIE", "mIxEd CaSe", "x" * 70, "{{ not liquid }}",
    "{% raw %}", "a\u0000b", "18", "-", "CROIX-ROUSSE et Plateau de la Croix",
    "Cam\u202eille", "a\u200db", "\u2764\ufe0f", "tag\U000e0041", "sep\u2028x", "=?UTF-8?B?c2VjdXJpdHk=?=",
]
OTHER_VALUES = [None, 0, 18, 42, -7, 9223372036854775807, True, False, [], ["soir"], ["soir", "week-end"], ["<b>", "'"]]
# Values some templates test (`case`, `contains`, comparisons), given half of the time to those fields.
FIELD_VALUES = {
    "building": ["Tower A", "Tower B", "Annex", "Tower", "tower a", "Tower A ", 0],
    "rent": [900, 901, 1500, 1501, 0, -1, "1500", None],
    "interests": [["repairs"], ["rent", "repairs"], ["Repairs"], [], "repairs", ["repairs", ""]],
    "unit": ["", " ", "\u00a0", "12-B#", "&eacute;&#39;&#x27;&amp", "a-b-c", [], None],
    "lease_end": ["2026-09-30", "line\nbreak\r\nend", ""],
    "age": [18, "18", 17, None],
    "disponibilites": [["soir"], [], ["soir", "week-end"], "soir"],
}
LOCALES = [
    "fr", "en", "pt-BR", "es", "FR", "En", "en-GB", "en_gb", "EN-us", "pt", "pt_br", "PT-BR", "pt-PT", "es-MX",
    "es_419", "de", "de-DE", "fr-", "-fr", "fr--CA", "zh-Hant-TW", "\uff26\uff32", "", None, "en ", "ES",
]
URLS = [
    "https://example.org/u?c=1&sig=2", "https://example.org/u?n='2'&x=\"3\"", "https://example.org/<u>",
    "https://example.org/unsubscribe", "mailto:stop@example.org?subject=stop&body=please",
    "https://example.org/u?c=1\r\nX-Injected: 1", "https://example.org/u\n", "HTTPS://Example.org:8443/u#x",
    "https://user@example.org/u", "https://example.org/u?x=%2", "https://example.org/ü", "https://:443/u",
    "http://example.org/u", "https://example.org/u?ok=%41&s='1'",
]
EMAILS = ["camille@example.org", "sam+tag@example.org", "o'brien@example.org"] * 4 + ["", None] + [
    "camille@example.org\r\nBcc: evil@example.com", "camille@example.org\nBcc: evil@example.com",
    "sam@example.org>, evil@example.com", "a b@example.org", "zoë@exämple.org", "a..b@example.org",
    "@example.org", "a@", "a@-example.org", "x" * 65 + "@example.org", " camille@example.org",
]
CHANNELS = ["email", "sms", "phone", "Email"]
OFFSETS = ["Z", "+01:00", "-05:00", "+14:00", "-12:00", "+05:45", "+00:00", "-00:00"]
WINDOW_DELTAS = [0, 1, -1, 60, 3600, 86400, 7 * 86400, 14 * 86400, 30 * 86400, 30 * 86400 - 1, 30 * 86400 + 1,
                 7 * 86400 - 1, 14 * 86400 + 1, 400 * 86400]


def days_from_civil(year, month, day):
    year -= month <= 2
    era = (year if year >= 0 else year - 399) // 400
    yoe = year - era * 400
    doy = (153 * (month - 3 if month > 2 else month + 9) + 2) // 5 + day - 1
    return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468


def civil_from_days(days):
    z = days + 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


EARLIEST = days_from_civil(1, 1, 1) * 86400
LATEST = days_from_civil(9999, 12, 31) * 86400 + 86399


def written(seconds, offset):
    """`seconds` (UTC) as an RFC 3339 date-time with this offset; None when its local date is outside
    years 0001 to 9999."""
    shift = 0
    if offset not in ("Z",):
        sign = -1 if offset[0] == "-" else 1
        shift = sign * (int(offset[1:3]) * 3600 + int(offset[4:6]) * 60)
    local = seconds + shift
    days, second = divmod(local, 86400)
    year, month, day = civil_from_days(days)
    if not 1 <= year <= 9999:
        return None
    text = f"{year:04d}-{month:02d}-{day:02d}T{second // 3600:02d}:{second % 3600 // 60:02d}:{second % 60:02d}"
    return text + offset


def any_time(rng, seconds):
    for _ in range(8):
        text = written(seconds, rng.choice(OFFSETS))
        if text is not None:
            return text
    return written(seconds, "Z")


def timing_time(rng, bundle):
    """A time near what the timing rules turn on: a blackout's start or end, a zone transition, the
    quiet hours' start or end (local), minus a delay of the bundle so that the send time lands there."""
    timing = bundle["timing"]
    delays = sorted({action["delay_seconds"] for actions in bundle["triggers"].values() for action in actions})
    marks = [moment for blackout in timing["blackouts"] for moment in (blackout["from"], blackout["until"])]
    points = [parse_utc(moment) for moment in marks]
    for transitions in timing["zones"].values():
        points += [instant for instant, _ in transitions if 1767225600 <= instant < 1798761600]  # 2026
    quiet = timing.get("quiet_hours")
    if quiet:
        day = days_from_civil(2026, 1, 1) * 86400 + rng.randrange(365) * 86400
        for zone_offset in (3600, 7200, -4 * 3600, 11 * 3600, 0):
            points += [day + quiet["start_seconds"] - zone_offset, day + quiet["end_seconds"] - zone_offset]
    point = rng.choice(points) if points else days_from_civil(2026, 3, 2) * 86400
    return point + rng.choice(NEAR) * 60 - rng.choice(delays or [0])


def parse_utc(text):
    year, month, day = int(text[0:4]), int(text[5:7]), int(text[8:10])
    return days_from_civil(year, month, day) * 86400 + int(text[11:13]) * 3600 + int(text[14:16]) * 60 + int(text[17:19])


def event_time(rng, bundle=None):
    if bundle is not None and "timing" in bundle and rng.random() < 0.7:
        return timing_time(rng, bundle)
    roll = rng.random()
    if roll < 0.03:
        return LATEST - rng.choice([0, 60, 900, 3600, 86400 * 2])
    if roll < 0.05:
        return EARLIEST + rng.choice([0, 3600, 86400 * 40])
    base = days_from_civil(2026, 3, 2) * 86400 + 18 * 3600
    return base + rng.randrange(-400 * 86400, 400 * 86400)


def value(rng, name):
    if name in FIELD_VALUES and rng.random() < 0.5:
        return rng.choice(FIELD_VALUES[name])
    return rng.choice(STRINGS) if rng.random() < 0.7 else rng.choice(OTHER_VALUES)


def maybe(rng, member, make, target, absent=0.3):
    if rng.random() >= absent:
        target[member] = make()


def sample(rng, items, most):
    return [rng.choice(items) for _ in range(rng.randrange(most + 1))]


def channels(rng):
    """Mostly consent to email; sometimes another channel, a misspelt one, or none."""
    found = ["email"] if rng.random() < 0.9 else []
    return found + sample(rng, CHANNELS[1:], 1)


def random_event(rng, bundle):
    keys = list(bundle["triggers"])
    answers = [key[len("answer:"):].split("/") for key in keys if key.startswith("answer:")]
    levels = [key[len("support_level:"):] for key in keys if key.startswith("support_level:")] + ["unknown_level"]
    tasks = [key[len("task:"):] for key in keys if key.startswith("task:")] + ["unknown-task"]
    actions = [action for key in keys for action in bundle["triggers"][key]]
    triggers = [action["trigger"] for action in actions] + ["old-trigger"]
    templates = list(bundle["templates"]) + ["old-template"]
    purposes = [purpose["id"] for purpose in bundle["consent"].get("purposes", [])] + ["newsletter"]
    fields = sorted({variable["name"][len("contact."):] for variable in bundle["variables"]
                     if variable["name"].startswith("contact.") and variable["name"] != "contact.mail"})
    windows = sorted({action.get("once_per_contact_seconds", 0) for action in actions} - {-1}) or [0]
    cap = (bundle.get("timing") or {}).get("frequency_cap")
    if cap:
        windows.append(cap["window_seconds"])

    now = event_time(rng, bundle)
    encounter = {}
    if rng.random() < 0.8:
        chosen = sample(rng, answers + [["porte-a-porte", "sujets", "logement"]], 4)
        encounter["answers"] = [{"questionnaire": q, "question": qq, "answer": a} for q, qq, a in chosen]
    maybe(rng, "support_level", lambda: rng.choice(levels + [None]), encounter, 0.5)
    maybe(rng, "tasks", lambda: sample(rng, tasks, 3), encounter, 0.5)

    contact = {"unsubscribe_url": rng.choice(URLS)}
    maybe(rng, "email", lambda: rng.choice(EMAILS), contact, 0.1)
    maybe(rng, "locale", lambda: rng.choice(LOCALES), contact, 0.2)
    maybe(rng, "time_zone", lambda: rng.choice(ZONES), contact, 0.5)
    contact_fields = {}
    for name in ["firstname", "surname"] + fields:
        maybe(rng, name, lambda: value(rng, name), contact_fields, 0.4)
    if contact_fields or rng.random() < 0.5:
        contact["fields"] = contact_fields
    consent = {}
    maybe(rng, "channels", lambda: channels(rng), consent, 0.15)
    maybe(rng, "purposes", lambda: {p: channels(rng) for p in purposes if rng.random() < 0.9}, consent, 0.1)
    if consent or rng.random() < 0.5:
        contact["consent"] = consent
    if rng.random() < 0.15:
        unsubscribed = {}
        maybe(rng, "all", lambda: rng.random() < 0.3, unsubscribed)
        maybe(rng, "purposes", lambda: sample(rng, purposes, 2), unsubscribed)
        contact["unsubscribed"] = unsubscribed
    if rng.random() < 0.4:
        history = []
        for _ in range(rng.randrange(1, 6 if cap else 5)):
            entry = {}
            roll = rng.random()
            if roll < 0.8:
                entry["trigger"] = rng.choice(triggers)
            if roll > 0.4 or "trigger" not in entry:
                entry["template"] = rng.choice(templates)
            delta = rng.choice(windows) + rng.choice(WINDOW_DELTAS) * rng.choice([1, -1, 0])
            at = min(max(now - delta, EARLIEST), LATEST)
            entry["at"] = any_time(rng, at)
            history.append(entry)
        contact["history"] = history
    if "timing" in bundle and rng.random() < 0.6:
        # A contact every earlier rule lets through, so that the timing rules decide.
        contact.update(email="camille@example.org", unsubscribe_url=URLS[0])
        contact["consent"] = {"channels": ["email"], "purposes": {p: ["email"] for p in purposes}}
        contact.pop("unsubscribed", None)
        contact.pop("fields", None)
    return {"time": any_time(rng, now), "encounter": encounter, "contact": contact}


REPLACEMENTS = [None, 0, -1, -2, 1, "", "x", "fr", "zz-unknown", [], {}, True, {"id": "x"}, ["fr"]]


def nodes(value, path=()):
    """Every (path, value) of a JSON tree, the root first."""
    yield path, value
    if isinstance(value, dict):
        for key in sorted(value):
            yield from nodes(value[key], path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nodes(item, path + (index,))


def mutate(rng, bundle):
    """A copy of `bundle` with one member removed or replaced by a value of another kind (never `format`,
    `digest` or `signature`), its digest recomputed: what step 4 of "Reading a bundle" must judge."""
    import copy
    import hashlib
    result = copy.deepcopy(bundle)
    candidates = [path for path, _ in nodes(result) if path and path[0] not in ("format", "digest", "signature")]
    path = rng.choice(candidates)
    parent = result
    for step in path[:-1]:
        parent = parent[step]
    if isinstance(parent, dict) and rng.random() < 0.4:
        del parent[path[-1]]
    else:
        parent[path[-1]] = rng.choice(REPLACEMENTS)
    content = {k: v for k, v in result.items() if k not in ("digest", "signature")}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    result["digest"] = "sha256:" + hashlib.sha256(canonical).hexdigest()
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--mutated-bundles", metavar="DIR",
                        help="also write one bundle a line with one member removed or changed into DIR, the "
                             "line naming it by its absolute path")
    arguments = parser.parse_args()
    rng = random.Random(arguments.seed)
    bundles = {}
    for name in BUNDLES:
        with open(os.path.join(KIT, "bundles", name), encoding="utf-8") as file:
            bundles[name] = json.load(file)
    for index in range(arguments.count):
        name = rng.choice(BUNDLES)
        line = {"bundle": f"bundles/{name}", "event": random_event(rng, bundles[name])}
        if arguments.mutated_bundles:
            path = os.path.join(os.path.abspath(arguments.mutated_bundles), f"mutated-{index:04d}.json")
            with open(path, "w", encoding="utf-8") as file:
                file.write(json.dumps(mutate(rng, bundles[name]), ensure_ascii=False, indent=1) + "\n")
            line["bundle"] = path
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
