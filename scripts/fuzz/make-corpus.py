#!/usr/bin/env python3
"""Writes a fuzz target's seed corpus. Usage: make-corpus.py OUTPUT_DIR [TARGET=workspace]

workspace: one input per example workspace and per invalid fixture. An input is `automail.yaml`, then
each other file after a line `#@@ PATH` (see Fuzz/Sources/AutomailFuzz/FuzzInput.swift). An invalid
fixture is laid over the `base` fixture, as the tests do.
bundle: every bundle file of conformance/bundles and of the test fixtures, as is.
event: the event of every conformance case and of every workspace example, after the byte that chooses
its bundle in EventTarget.bundleSources (`0` lyon-municipales, `1` riverside-tenants, `2` the
conformance purpose bundle, `3` the channel one); each event also once for each other bundle.
render: the body of every locale of every template of the example workspaces and test fixtures.
"""
import glob
import json
import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
FIXTURES = os.path.join(ROOT, "Tests", "AutoMailTests", "Fixtures")


def read_workspace(folder):
    files = {}
    for base, _, names in os.walk(folder):
        for name in names:
            if not name.endswith(".yaml"):
                continue
            full = os.path.join(base, name)
            with open(full, "rb") as handle:
                files[os.path.relpath(full, folder).replace(os.sep, "/")] = handle.read()
    return files


def encode(files):
    out = files.get("automail.yaml", b"")
    for path in sorted(files):
        if path != "automail.yaml":
            out += b"\n#@@ " + path.encode() + b"\n" + files[path]
    return out


def bundle_seeds():
    """Every bundle file: the conformance ones (signed, forged, tampered, deep...) and the fixtures'."""
    paths = sorted(glob.glob(os.path.join(ROOT, "conformance", "bundles", "*.json")))
    paths += sorted(glob.glob(os.path.join(ROOT, "Tests", "*", "Fixtures", "**", "*.bundle.json"), recursive=True))
    seeds = {}
    for path in paths:
        with open(path, "rb") as handle:
            seeds["bundle-" + os.path.basename(path)] = handle.read()
    return seeds


# The bundles of EventTarget.bundleSources, in order: what the first byte of an event input chooses.
EVENT_BUNDLES = ["lyon-municipales", "riverside-tenants", "purpose.bundle.json", "channel.bundle.json"]


def event_seeds():
    """(bundle index, name, event bytes) of every event, each for its own bundle then for the others."""
    events = []
    for path in sorted(glob.glob(os.path.join(ROOT, "conformance", "cases", "*.json"))):
        with open(path, "rb") as handle:
            case = json.load(handle)
        if "event" not in case:
            continue
        bundle = os.path.basename(case.get("bundle", ""))
        own = EVENT_BUNDLES.index(bundle) if bundle in EVENT_BUNDLES else 3 if bundle.startswith("channel") else 2
        text = json.dumps(case["event"], ensure_ascii=False, indent=2).encode()
        events.append((own, "case-" + os.path.basename(path)[:-5], text))
    for index, name in enumerate(EVENT_BUNDLES[:2]):
        for path in sorted(glob.glob(os.path.join(ROOT, "workspace-examples", name, "events", "*.json"))):
            with open(path, "rb") as handle:
                events.append((index, name + "-" + os.path.basename(path)[:-5], handle.read()))
    seeds = {}
    for own, name, text in events:
        for index in range(len(EVENT_BUNDLES)):
            suffix = "" if index == own else "-on-" + str(index)
            seeds["event-" + name + suffix] = bytes([ord("0") + index]) + text
    return seeds


def render_seeds():
    """Every template body (Markdown with Liquid) of the examples and fixtures, as is."""
    import yaml  # PyYAML: only this target's seeds need it

    seeds = {}
    paths = sorted(glob.glob(os.path.join(ROOT, "workspace-examples", "*", "templates", "*.yaml")))
    paths += sorted(glob.glob(os.path.join(FIXTURES, "**", "templates", "*.yaml"), recursive=True))
    for path in paths:
        try:
            with open(path, "rb") as handle:
                template = yaml.safe_load(handle)
            locales = template.get("locales", {})
        except Exception:  # an invalid fixture: its YAML is the workspace target's business
            continue
        for locale, content in (locales.items() if isinstance(locales, dict) else []):
            body = content.get("body") if isinstance(content, dict) else None
            if isinstance(body, str) and body:
                name = os.path.relpath(path, ROOT).replace(os.sep, "-")[:-5] + "-" + str(locale)
                seeds["body-" + name] = body.encode()
    return seeds


def main():
    output = sys.argv[1]
    target = sys.argv[2] if len(sys.argv) > 2 else "workspace"
    os.makedirs(output, exist_ok=True)
    if target in ("bundle", "event", "render"):
        encoded = {"bundle": bundle_seeds, "event": event_seeds, "render": render_seeds}[target]()
        for name, data in encoded.items():
            with open(os.path.join(output, name), "wb") as handle:
                handle.write(data)
        print(f"{len(encoded)} {target} seeds in {output}")
        return
    seeds = {}
    examples = os.path.join(ROOT, "workspace-examples")
    for name in sorted(os.listdir(examples)):
        seeds["example-" + name] = read_workspace(os.path.join(examples, name))
    base = read_workspace(os.path.join(FIXTURES, "base"))
    seeds["fixture-base"] = base
    seeds["fixture-kitchen-sink"] = read_workspace(os.path.join(FIXTURES, "kitchen-sink"))
    invalid = os.path.join(FIXTURES, "invalid")
    for name in sorted(os.listdir(invalid)):
        seeds["invalid-" + name] = {**base, **read_workspace(os.path.join(invalid, name))}
    encoded = {name: encode(files) for name, files in seeds.items()}
    # Every regression (already encoded): the classes of hostile input found so far, so that the
    # fuzzer mutates from them (extreme integers, thousands of findings in one text, millions of
    # per-node YAML errors, ...).
    regressions = os.path.join(FIXTURES, "fuzz-regressions")
    for name in sorted(os.listdir(regressions)):
        with open(os.path.join(regressions, name), "rb") as handle:
            encoded["regression-" + name] = handle.read()
    for name, data in encoded.items():
        with open(os.path.join(output, name), "wb") as handle:
            handle.write(data)
    print(f"{len(encoded)} seeds in {output}")


if __name__ == "__main__":
    main()
