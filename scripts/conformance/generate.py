#!/usr/bin/env python3
"""Generates the conformance kit (conformance/) from its sources, with the reference implementation.

    python3 scripts/conformance/generate.py --automail .build/debug/automail          # rewrite the kit
    python3 scripts/conformance/generate.py --automail .build/debug/automail --check  # compare, write nothing

1. Builds the bundles of conformance/workspaces/ with `automail build --revision conformance-kit`
   (`purpose` also signed with conformance/keys/test-key.key, given through the environment).
2. Derives from them the bundles a builder never writes (tampered, forged, format 2, a newer minor
   version, strict-JSON violations, a missing template): see DERIVED below.
3. Expands each case of scripts/conformance/cases.yaml into a full event, runs `automail simulate
   --format json` on it and writes conformance/cases/NNN-name.json with the decision it prints (or the
   refusal or evaluation error the case expects, checked against what simulate says). Every event and
   decision must validate against schemas/event.schema.json and schemas/decision.schema.json.

With --check, everything is generated into a temporary folder and compared with the committed kit: any
difference, missing or extra file is listed and the exit status is 1. Tests/CLITests/ConformanceKitTests.swift
runs this check, so the kit cannot drift from the workspaces, the definitions or the evaluator.
"""

import argparse
import copy
import filecmp
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KIT = os.path.join(ROOT, "conformance")
DEFINITIONS = os.path.join(ROOT, "scripts", "conformance", "cases.yaml")
REVISION = "conformance-kit"
ABSENT = "$absent"

# What `automail simulate` writes on stderr for each refusal or evaluation error code (a sanity check of
# the definitions; the Swift test checks the codes through the runtime's error types).
MESSAGES = {
    "syntax": re.compile(r"\.json:\d+:\d+: "),
    "unsupported_format": re.compile(r"the bundle has format \d+"),
    "digest_mismatch": re.compile(r"digest does not match its content"),
    "malformed": re.compile(r"\.json: at (/|the top level)"),
    "unsigned": re.compile(r"the bundle is not signed"),
    "signature_malformed": re.compile(r"malformed `signature`"),
    "wrong_key": re.compile(r"wrong key: "),
    "bad_signature": re.compile(r"bad signature: "),
    "send_time_out_of_range": re.compile(r"after the year 9999"),
    "render": re.compile(r"cannot render: "),
    "invalid_address": re.compile(r"invalid_address: "),
    "invalid_unsubscribe_url": re.compile(r"invalid_unsubscribe_url: "),
    "unsafe_header": re.compile(r"unsafe_header: "),
}


def canonical(content):
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def with_digest(bundle):
    """The bundle with `digest` recomputed from its content (docs/bundle-format.md, Digest)."""
    content = {k: v for k, v in bundle.items() if k not in ("digest", "signature")}
    result = dict(bundle)
    result["digest"] = "sha256:" + hashlib.sha256(canonical(content)).hexdigest()
    return result


def pretty(value):
    """Sorted keys, two-space indent, final newline: the layout of `automail build`."""
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def run(command, environment=None):
    # "Now" for the checks that compare with today: fixed, so that the kit's 2026 elections are not
    # reported as past (warnings only: the bundles are the same either way).
    environment = dict(environment or os.environ, SOURCE_DATE_EPOCH="1768435200")
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=environment, timeout=300)


def build_bundles(automail, out):
    bundles = os.path.join(out, "bundles")
    os.makedirs(bundles, exist_ok=True)
    for name in ("purpose", "channel", "timing"):
        built = run([automail, "build", f"conformance/workspaces/{name}", "--revision", REVISION,
                     "-o", os.path.join(bundles, f"{name}.bundle.json")])
        if built.returncode != 0:
            sys.exit(f"error: automail build {name} failed:\n{built.stderr}")
    with open(os.path.join(KIT, "keys", "test-key.key"), encoding="ascii") as file:
        environment = dict(os.environ, AUTOMAIL_CONFORMANCE_KEY=file.read())
    signed = run([automail, "build", "conformance/workspaces/purpose", "--revision", REVISION,
                  "--sign", "env:AUTOMAIL_CONFORMANCE_KEY", "-o", os.path.join(bundles, "purpose.signed.bundle.json")],
                 environment)
    if signed.returncode != 0:
        sys.exit(f"error: automail build --sign failed:\n{signed.stderr}")


def derive_tampered(signed):
    bundle = copy.deepcopy(signed)
    bundle["templates"]["merci-soutien"]["locales"]["fr"]["subject"] = "Faites un don, {{ contact.firstname }} !"
    return bundle


def derive_minor(channel):
    """format_minor 9 and what a later minor version may add: unknown members at every level (one holding
    a control character), a new header, a new kind of event key."""
    bundle = copy.deepcopy(channel)
    bundle["format_minor"] = 9
    bundle["audit"] = {"built_by": "ci\u001fjob 42", "reviewers": ["ana", "li"]}
    bundle["locales"]["fallbacks"] = {"es": ["en"]}
    bundle["senders"]["_noreply"]["display"] = {"avatar": "https://tenants.example.org/logo.png"}
    template = bundle["templates"]["repair-help"]
    template["category"] = "service"
    for locale, content in template["locales"].items():
        content["amp"] = None
        content["headers"]["X-Campaign"] = "{{ workspace.id }}/repair-help/" + locale
    bundle["triggers"]["visit:door/knocked"] = [
        {"trigger": "visit-knocked", "template": "meeting-invite", "priority": 999, "delay_seconds": 0,
         "quiet_hours": "defer", "blackouts": "defer", "frequency_cap": "count", "channel": "email"}
    ]
    for actions in bundle["triggers"].values():
        for action in actions:
            action["send_window"] = {"from": "21:00", "to": "08:00"}
    return with_digest(bundle)


def derive_missing_template(purpose):
    bundle = copy.deepcopy(purpose)
    bundle["triggers"]["task:inviter"][0]["template"] = "invitation-2027"
    return with_digest(bundle)


def derive_format_3(purpose):
    bundle = copy.deepcopy(purpose)
    bundle["format"] = 3
    bundle["format_minor"] = 0
    return with_digest(bundle)


def derive_format_1(purpose):
    """A 1.1 bundle as format 1.1 wrote it (no `timing`, no timing members in actions, its text part wrapped
    for the 1.x contract): a reader of format 2 refuses it."""
    bundle = copy.deepcopy(purpose)
    bundle["format"] = 1
    bundle["format_minor"] = 1
    del bundle["timing"]
    for actions in bundle["triggers"].values():
        for action in actions:
            for member in ("quiet_hours", "blackouts", "frequency_cap", "active_from", "active_until"):
                action.pop(member, None)
    return with_digest(bundle)


def derive_minor_absent(channel):
    bundle = copy.deepcopy(channel)
    del bundle["format_minor"]
    return with_digest(bundle)


def derive_deep(channel):
    """An unknown member nested 257 deep (the top-level object counts): over the strict reader's 256."""
    bundle = copy.deepcopy(channel)
    value = "bottom"
    for _ in range(256):
        value = [value]
    bundle["annotations"] = value
    return with_digest(bundle)


def text_with_duplicate_key(channel_text):
    """A second `priority` member in the first action: the text is no longer one unambiguous document."""
    return channel_text.replace('"priority": 50,', '"priority": 50,\n        "priority": 5000,', 1)


def text_with_fraction(channel_text):
    return channel_text.replace('"priority": 50,', '"priority": 50.0,', 1)


def derive_bundles(out):
    """The bundles no build writes, from those it does (each documented in conformance/README.md)."""
    bundles = os.path.join(out, "bundles")

    def read(name):
        with open(os.path.join(bundles, name), encoding="utf-8") as file:
            return file.read()

    def write(name, text):
        with open(os.path.join(bundles, name), "w", encoding="utf-8", newline="\n") as file:
            file.write(text)

    purpose = json.loads(read("purpose.bundle.json"))
    signed = json.loads(read("purpose.signed.bundle.json"))
    channel_text = read("channel.bundle.json")
    channel = json.loads(channel_text)
    tampered = derive_tampered(signed)
    write("purpose.tampered.bundle.json", pretty(tampered))
    forged = with_digest(tampered)
    write("purpose.forged.bundle.json", pretty(forged))
    malformed_signature = copy.deepcopy(signed)
    malformed_signature["signature"]["value"] = malformed_signature["signature"]["value"].rstrip("=")
    write("purpose.signature-unpadded.bundle.json", pretty(malformed_signature))
    write("purpose.format-3.bundle.json", pretty(derive_format_3(purpose)))
    write("purpose.format-1.bundle.json", pretty(derive_format_1(purpose)))
    write("format-3-minimal.bundle.json", pretty({"format": 3, "digest": "computed differently in format 3"}))
    write("purpose.missing-template.bundle.json", pretty(derive_missing_template(purpose)))
    write("channel.minor-9.bundle.json", pretty(derive_minor(channel)))
    write("channel.minor-absent.bundle.json", pretty(derive_minor_absent(channel)))
    # Compact: pretty-printed, 257 levels of indentation would weigh 170 kB.
    write("channel.deep.bundle.json", canonical(derive_deep(channel)).decode("utf-8") + "\n")
    duplicate = text_with_duplicate_key(channel_text)
    fraction = text_with_fraction(channel_text)
    if duplicate == channel_text or fraction == channel_text:
        sys.exit("error: the channel bundle no longer has the action these derivations edit")
    write("channel.duplicate-key.bundle.json", duplicate)
    write("channel.fraction.bundle.json", fraction)


def _pointer_parts(pointer):
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer.split("/")[1:]]


def _parent(document, pointer):
    parts = _pointer_parts(pointer)
    node = document
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    return node, (int(last) if isinstance(node, list) and last != "-" else last)


def _noncanonical_base64(value):
    """The same bytes in base64 whose unused bits (before the `==`) are not zero: a decoder that is not
    strict accepts it, a canonical one does not."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    assert value.endswith("==")
    last = value[-3]
    return value[:-3] + alphabet[alphabet.index(last) | 0x0F] + "=="


def derive_by_definition(out, file, definition):
    """A bundle of `bundles:` in cases.yaml with a `derive:` block: `from` (a bundle already written),
    then, in this order, `remove` (JSON Pointers), `set` (pointer: value; `-` appends to an array),
    `copy` (to-pointer: from-pointer), `nest` (pointer: depth, a string wrapped in that many arrays),
    `signature_value: noncanonical`; the digest recomputed (`digest: keep` keeps it, `digest: uppercase`
    writes it in uppercase); written pretty (`layout: unsorted`: keys in the order of the edits); then
    `replace` ([old, new] pairs on the text, where a lone surrogate escape stands for a raw byte) or `text`
    (the whole file)."""
    bundles = os.path.join(out, "bundles")
    with open(os.path.join(bundles, definition["from"]), encoding="utf-8") as source:
        bundle = json.load(source)
    for pointer in definition.get("remove") or []:
        parent, key = _parent(bundle, pointer)
        del parent[key]
    for pointer, value in (definition.get("set") or {}).items():
        parent, key = _parent(bundle, pointer)
        if key == "-":
            parent.append(copy.deepcopy(value))
        else:
            parent[key] = copy.deepcopy(value)
    for target, origin in (definition.get("copy") or {}).items():
        source_parent, source_key = _parent(bundle, origin)
        parent, key = _parent(bundle, target)
        value = copy.deepcopy(source_parent[source_key])
        if key == "-":
            parent.append(value)
        else:
            parent[key] = value
    for pointer, depth in (definition.get("nest") or {}).items():
        value = "bottom"
        for _ in range(depth):
            value = [value]
        parent, key = _parent(bundle, pointer)
        parent[key] = value
    if definition.get("signature_value") == "noncanonical":
        bundle["signature"]["value"] = _noncanonical_base64(bundle["signature"]["value"])
    digest = definition.get("digest", "recompute")
    if digest != "keep" and "digest" in bundle:
        bundle["digest"] = with_digest(bundle)["digest"]
        if digest == "uppercase":
            bundle["digest"] = "sha256:" + bundle["digest"][len("sha256:"):].upper()
    if definition.get("layout") == "unsorted":
        text = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
    else:
        text = pretty(bundle)
    for old, new in definition.get("replace") or []:
        if old not in text:
            sys.exit(f"error: {file}: `{old}` is not in the derived text")
        text = text.replace(old, new, 1)
    if "text" in definition:
        text = definition["text"]
    with open(os.path.join(bundles, file), "wb") as target:
        target.write(text.encode("utf-8", "surrogateescape"))


def merge(base, overlay):
    """`overlay` merged into a copy of `base`: objects member by member, `$absent` removes a member."""
    result = copy.deepcopy(base)
    for key, value in overlay.items():
        if value == ABSENT:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def check_expectations(name, expect, decision):
    """The definition's `expect` against the reference's decision: a list of problems."""
    problems = []
    email = decision.get("email")
    if "sent" in expect:
        sent = email["trigger"] if email else None
        if sent != expect["sent"]:
            problems.append(f"sent {sent}, the definition expects {expect['sent']}")
    outcomes = {candidate["trigger"]: candidate["outcome"] for candidate in decision["candidates"]}
    for trigger, outcome in (expect.get("outcomes") or {}).items():
        if outcomes.get(trigger) != outcome:
            problems.append(f"{trigger} is {outcomes.get(trigger)}, the definition expects {outcome}")
    if "send_at" in expect and (email or {}).get("send_at") != expect["send_at"]:
        problems.append(f"send_at is {(email or {}).get('send_at')}, the definition expects {expect['send_at']}")
    if "deferrals" in expect and [d["reason"] for d in (email or {}).get("deferrals") or []] != expect["deferrals"]:
        problems.append(f"deferrals are {(email or {}).get('deferrals')}, the definition expects {expect['deferrals']}")
    for member in ("locale", "locale_match"):
        if member in expect and (email or {}).get(member) != expect[member]:
            problems.append(f"{member} is {(email or {}).get(member)}, the definition expects {expect[member]}")
    return [f"{name}: {problem}" for problem in problems]


def load_schema(name):
    with open(os.path.join(ROOT, "schemas", name), encoding="utf-8") as file:
        schema = json.load(file)
    return jsonschema.Draft7Validator(schema)


def schema_problems(name, validator, value):
    return [f"{name}: {error.message} at /{'/'.join(map(str, error.absolute_path))}"
            for error in validator.iter_errors(value)]


def generate_cases(automail, out, definitions):
    events_schema, decisions_schema = load_schema("event.schema.json"), load_schema("decision.schema.json")
    cases_folder = os.path.join(out, "cases")
    os.makedirs(cases_folder, exist_ok=True)
    problems = []
    names = set()
    with tempfile.TemporaryDirectory() as scratch:
        for index, case in enumerate(definitions["cases"], start=1):
            name = f"{index:03d}-{case['name']}"
            if case["name"] in names:
                problems.append(f"{name}: the name is used twice")
            names.add(case["name"])
            bundle = definitions["bundles"][case["bundle"]]
            event = merge(definitions["base_events"][bundle["base"]], case.get("event") or {})
            problems += schema_problems(f"{name}: the event", events_schema, event)
            bundle_path = f"bundles/{bundle['file']}"
            key_path = f"keys/{definitions['keys'][case['public_key']]}" if case.get("public_key") else None
            event_file = os.path.join(scratch, name + ".json")
            with open(event_file, "w", encoding="utf-8") as file:
                json.dump(event, file, ensure_ascii=False)
            command = [automail, "simulate", "--bundle", os.path.join(out, bundle_path), "--event", event_file,
                       "--format", "json"]
            if key_path:
                command += ["--key", os.path.join(KIT, key_path)]
            result = run(command)
            expect = case.get("expect") or {}
            failure = expect.get("refused") or expect.get("error")
            if failure:
                pattern = MESSAGES.get(failure)
                if result.returncode != 1 or pattern is None or not pattern.search(result.stderr):
                    problems.append(f"{name}: expected `{failure}`, simulate said (status {result.returncode}): "
                                    f"{result.stderr.strip() or result.stdout[:200]}")
                    continue
                expected = {"refused": failure} if "refused" in expect else {"error": failure}
            else:
                if result.returncode != 0:
                    problems.append(f"{name}: simulate failed (status {result.returncode}): {result.stderr.strip()}")
                    continue
                decision = json.loads(result.stdout)
                problems += check_expectations(name, expect, decision)
                problems += schema_problems(f"{name}: the decision", decisions_schema, decision)
                expected = {"decision": decision}
            document = {
                "description": " ".join(case["description"].split()),
                "bundle": bundle_path,
                "public_key": key_path,
                "event": event,
                "expected": expected,
            }
            with open(os.path.join(cases_folder, name + ".json"), "w", encoding="utf-8", newline="\n") as file:
                file.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return problems


GENERATED = ("bundles", "cases")


def same_but_signature(a, b):
    """On macOS, swift-crypto signs with CryptoKit, whose Ed25519 signatures are randomised
    (docs/signing.md): there, two bundles that differ only in `signature.value` are the same."""
    if sys.platform != "darwin":
        return False
    try:
        with open(a, encoding="utf-8") as first, open(b, encoding="utf-8") as second:
            x, y = json.load(first), json.load(second)
    except ValueError:
        return False
    for bundle in (x, y):
        if isinstance(bundle, dict) and isinstance(bundle.get("signature"), dict):
            bundle["signature"].pop("value", None)
    return x == y


def compare(generated, committed):
    """Differences between two kits' generated folders, as messages."""
    messages = []
    for folder in GENERATED:
        new = set(os.listdir(os.path.join(generated, folder)))
        old_folder = os.path.join(committed, folder)
        old = set(os.listdir(old_folder)) if os.path.isdir(old_folder) else set()
        for name in sorted(new - old):
            messages.append(f"{folder}/{name}: missing from the kit")
        for name in sorted(old - new):
            messages.append(f"{folder}/{name}: in the kit but no longer generated")
        for name in sorted(new & old):
            a, b = os.path.join(generated, folder, name), os.path.join(old_folder, name)
            if not filecmp.cmp(a, b, shallow=False) and not same_but_signature(a, b):
                messages.append(f"{folder}/{name}: differs from what the generator writes now")
    return messages


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--automail", default=os.path.join(ROOT, ".build", "debug", "automail"),
                        help="the automail executable (default: .build/debug/automail)")
    parser.add_argument("--check", action="store_true", help="compare with the committed kit, write nothing")
    arguments = parser.parse_args()
    automail = os.path.abspath(arguments.automail)
    with open(DEFINITIONS, encoding="utf-8") as file:
        definitions = yaml.safe_load(file)
    with tempfile.TemporaryDirectory() as out:
        build_bundles(automail, out)
        derive_bundles(out)
        for bundle in definitions["bundles"].values():
            if "derive" in bundle:
                derive_by_definition(out, bundle["file"], bundle["derive"])
        problems = generate_cases(automail, out, definitions)
        if problems:
            print("\n".join(f"error: {problem}" for problem in problems), file=sys.stderr)
            return 1
        count = len(definitions["cases"])
        if arguments.check:
            differences = compare(out, KIT)
            if differences:
                print("\n".join(differences))
                print("the kit is stale: run python3 scripts/conformance/generate.py and commit the result")
                return 1
            print(f"the kit is up to date: {count} cases")
            return 0
        for folder in GENERATED:
            shutil.rmtree(os.path.join(KIT, folder), ignore_errors=True)
            shutil.copytree(os.path.join(out, folder), os.path.join(KIT, folder))
        print(f"wrote {count} cases and {len(os.listdir(os.path.join(KIT, 'bundles')))} bundles to conformance/")
        return 0


if __name__ == "__main__":
    sys.exit(main())
