#!/usr/bin/env python3
"""Runs the automail conformance kit against this Python sender.

    python3 conformance/python-sender/run_kit.py conformance/

Prints one line per case (`ok` or `FAIL` and the first difference) and a total; exits 1 on any
mismatch, 2 when the kit cannot be read. The case format is described in conformance/README.md.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import automail_sender  # noqa: E402


def first_difference(expected, actual, pointer=""):
    """The JSON Pointer of the first place where two JSON values differ, with both values; None if equal."""
    if type(expected) is not type(actual):
        return pointer or "/", expected, actual
    if isinstance(expected, dict):
        for key in sorted(set(expected) | set(actual)):
            if key not in expected or key not in actual:
                return f"{pointer}/{key}", expected.get(key, "<absent>"), actual.get(key, "<absent>")
            found = first_difference(expected[key], actual[key], f"{pointer}/{key}")
            if found:
                return found
        return None
    if isinstance(expected, list):
        for index, (a, b) in enumerate(zip(expected, actual)):
            found = first_difference(a, b, f"{pointer}/{index}")
            if found:
                return found
        if len(expected) != len(actual):
            return f"{pointer}/length", len(expected), len(actual)
        return None
    return None if expected == actual else (pointer or "/", expected, actual)


def outcome_of(kit, case, cache):
    """What this sender answers for a case, in the form of the case's `expected`."""
    key_path = case.get("public_key")
    cache_key = (case["bundle"], key_path)
    if cache_key not in cache:
        with open(os.path.join(kit, case["bundle"]), "rb") as file:
            data = file.read()
        public_key = None
        if key_path is not None:
            with open(os.path.join(kit, key_path), "rb") as file:
                public_key = automail_sender.load_public_key(file.read())
        try:
            cache[cache_key] = automail_sender.load_bundle(data, public_key)
        except automail_sender.Refused as refusal:
            cache[cache_key] = refusal
    bundle = cache[cache_key]
    if isinstance(bundle, automail_sender.Refused):
        return {"refused": bundle.code}, bundle.message
    try:
        return {"decision": automail_sender.evaluate(bundle, case["event"])}, None
    except automail_sender.EvaluationFailed as failure:
        return {"error": failure.code}, failure.message


def short(value):
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 160 else text[:157] + "..."


def main(arguments):
    if len(arguments) != 1:
        print("usage: run_kit.py KIT_FOLDER", file=sys.stderr)
        return 2
    kit = arguments[0]
    folder = os.path.join(kit, "cases")
    try:
        names = sorted(name for name in os.listdir(folder) if name.endswith(".json"))
    except OSError as error:
        print(f"error: cannot read {folder}: {error}", file=sys.stderr)
        return 2
    if not names:
        print(f"error: no case in {folder}", file=sys.stderr)
        return 2
    cache = {}
    mismatches = 0
    for name in names:
        with open(os.path.join(folder, name), encoding="utf-8") as file:
            case = json.load(file)
        actual, detail = outcome_of(kit, case, cache)
        difference = first_difference(case["expected"], actual)
        if difference is None:
            print(f"ok    {name[:-5]}")
            continue
        mismatches += 1
        pointer, want, got = difference
        print(f"FAIL  {name[:-5]}: at {pointer}: expected {short(want)}, got {short(got)}")
        if detail:
            print(f"      ({detail})")
    print(f"{len(names)} cases: {len(names) - mismatches} passed, {mismatches} mismatches")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
