#!/usr/bin/env python3
"""Evaluates many events with this Python sender, for differential checks against the reference.

    python3 conformance/python-sender/evaluate_events.py conformance/ events.jsonl

Reads one JSON object a line, {"bundle": "<path under the kit>", "event": {...}, "public_key": optional
path}, and prints one JSON line per input line, in order: {"decision": {...}}, {"refused": CODE} or
{"error": CODE} (the forms of a case's `expected`, conformance/README.md).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from run_kit import outcome_of  # noqa: E402


def main(arguments):
    if len(arguments) != 2:
        print("usage: evaluate_events.py KIT_FOLDER EVENTS.jsonl", file=sys.stderr)
        return 2
    kit, path = arguments
    cache = {}
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                outcome, _ = outcome_of(kit, json.loads(line), cache)
                sys.stdout.write(json.dumps(outcome, ensure_ascii=False, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
