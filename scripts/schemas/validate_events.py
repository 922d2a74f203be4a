#!/usr/bin/env python3
"""Validate automail events and decisions against their JSON Schemas.

Usage:
    python3 scripts/schemas/validate_events.py --event FILE... --decision FILE...

Each event file is validated against schemas/event.schema.json, each decision file (the output of
`automail simulate --format json`) against schemas/decision.schema.json; both schemas are checked as
draft-07 schemas first.

Prints one line per problem (`file: /pointer: message`), then `N passed, N failed`.
Exit status: 0 when every file passed, 1 otherwise.

Needs jsonschema (`pip install jsonschema`, or Debian's python3-jsonschema).
"""
import argparse
import json
import os
import sys

try:
    from jsonschema import Draft7Validator
except ImportError as exc:  # pragma: no cover
    sys.exit(f"validate_events.py: {exc.name} is missing: pip install jsonschema")

SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas")


def validator(name):
    with open(os.path.join(SCHEMAS, f"{name}.schema.json"), encoding="utf-8") as handle:
        schema = json.load(handle)
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def pointer(path):
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def main():
    parser = argparse.ArgumentParser(description="Validate automail events and decisions against schemas/.")
    parser.add_argument("--event", nargs="*", default=[], help="event files")
    parser.add_argument("--decision", nargs="*", default=[], help="decision files (simulate --format json)")
    arguments = parser.parse_args()
    passed = failed = 0
    for name, files in (("event", arguments.event), ("decision", arguments.decision)):
        check = validator(name)
        for path in files:
            try:
                with open(path, encoding="utf-8") as handle:
                    document = json.load(handle)
            except (OSError, ValueError) as error:
                print(f"{path}: {error}")
                failed += 1
                continue
            errors = sorted(check.iter_errors(document), key=lambda e: list(e.absolute_path))
            for error in errors:
                print(f"{path}: {pointer(error.absolute_path) or '/'}: {error.message}")
            if errors:
                failed += 1
            else:
                passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
