#!/usr/bin/env python3
"""Writes the fuzzer's seed corpus: one input per example workspace and per invalid fixture.

An input is `automail.yaml`, then each other file after a line `#@@ PATH` (see
Fuzz/Sources/AutomailFuzz/FuzzInput.swift). An invalid fixture is laid over the `base` fixture, as the
tests do. Usage: make-corpus.py OUTPUT_DIR
"""
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


def main():
    output = sys.argv[1]
    os.makedirs(output, exist_ok=True)
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
