#!/usr/bin/env python3
"""Renders scripts/liquid/cases.yaml with python-liquid and writes Tests/LiquidTests/Fixtures/cases.json.

Usage: pip install python-liquid pyyaml && python3 scripts/liquid/generate.py
Every case records python-liquid's output, or `"invalid": true` when python-liquid raises; a case
marked `invalid: true` in cases.yaml must raise, and one that is not must render.
"""
import json
import pathlib
import sys

import liquid
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCE = ROOT / "scripts" / "liquid" / "cases.yaml"
TARGET = ROOT / "Tests" / "LiquidTests" / "Fixtures" / "cases.json"


def main() -> int:
    env = liquid.Environment()
    cases = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    out = []
    problems = []
    for case in cases:
        entry = {"name": case["name"], "template": case["template"], "data": case.get("data") or {}}
        try:
            entry["result"] = env.from_string(case["template"]).render(**entry["data"])
            if case.get("invalid"):
                problems.append(f"{case['name']}: expected an error, python-liquid rendered {entry['result']!r}")
        except liquid.exceptions.LiquidError as error:
            entry["invalid"] = True
            if not case.get("invalid"):
                problems.append(f"{case['name']}: python-liquid raised {error}")
        out.append(entry)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    TARGET.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {len(out)} cases to {TARGET.relative_to(ROOT)} (python-liquid {liquid.__version__})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
