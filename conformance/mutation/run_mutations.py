#!/usr/bin/env python3
"""The kit's mutation score: how many deliberate deviations of the Python sender the kit catches.

    python3 conformance/mutation/run_mutations.py conformance/            # the score, one line a mutation
    python3 conformance/mutation/run_mutations.py conformance/ --minimum 95

Each mutation of `mutations.py` breaks one rule of docs/bundle-format.md or docs/signing.md in
conformance/python-sender/automail_sender.py by replacing one piece of its text (which must occur exactly
once: a mutation that no longer applies is an error, so the list cannot silently rot). The mutated sender is
loaded as a fresh module and run over every case of the kit in this process; the mutation is **caught**
when at least one case answers differently from `expected` (or the sender raises). The last line is the
score, as conformance/README.md prints it; with --minimum the exit status is 1 below that percentage.
"""

import argparse
import json
import os
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
SENDER = os.path.join(HERE, "..", "python-sender", "automail_sender.py")
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "python-sender"))

import liquid  # noqa: E402

from mutations import MUTATIONS  # noqa: E402

# python-liquid as it is before any sender patches it (run_kit imports the sender, so it comes after).
_LOGICAL = liquid.builtin.expressions.logical
_ORIGINAL = {name: getattr(_LOGICAL, name) for name in ("_eq", "_lt", "_le", "_contains")}
_ORIGINAL_CASE_EQ = liquid.builtin.tags.case_tag._eq
_ORIGINAL_TOKENIZE = liquid.lex._tokenize_template

from run_kit import first_difference  # noqa: E402


def _fresh_module(source, name):
    """The sender's source loaded as a new module, with python-liquid's comparisons as they were before any
    sender patched them (the sender patches them once per process)."""
    for attribute, function in _ORIGINAL.items():
        setattr(_LOGICAL, attribute, function)
    liquid.builtin.tags.case_tag._eq = _ORIGINAL_CASE_EQ
    _LOGICAL.automail_patched = False
    liquid.lex._tokenize_template = _ORIGINAL_TOKENIZE
    liquid.lex.automail_patched = False
    liquid.lex.get_lexer.cache_clear()
    module = types.ModuleType(name)
    module.__file__ = SENDER
    exec(compile(source, SENDER, "exec"), module.__dict__)
    return module


def _outcome(sender, kit, case, cache):
    """What `sender` answers for a case, in the form of `expected` (as run_kit.py computes it)."""
    cache_key = (case["bundle"], case.get("public_key"))
    if cache_key not in cache:
        with open(os.path.join(kit, case["bundle"]), "rb") as file:
            data = file.read()
        public_key = None
        if case.get("public_key") is not None:
            with open(os.path.join(kit, case["public_key"]), "rb") as file:
                public_key = sender.load_public_key(file.read())
        try:
            cache[cache_key] = sender.load_bundle(data, public_key)
        except sender.Refused as refusal:
            cache[cache_key] = refusal
    bundle = cache[cache_key]
    if isinstance(bundle, sender.Refused):
        return {"refused": bundle.code}
    try:
        return {"decision": sender.evaluate(bundle, case["event"])}
    except sender.EvaluationFailed as failure:
        return {"error": failure.code}


def first_catch(sender, kit, cases):
    """The first case (name, detail) on which `sender` does not answer `expected`; None when it passes all."""
    cache = {}
    for name, case in cases:
        try:
            actual = _outcome(sender, kit, case, cache)
        except Exception as error:  # noqa: BLE001 - a sender that crashes on a case fails it
            return name, f"raised {type(error).__name__}"
        difference = first_difference(case["expected"], actual)
        if difference is not None:
            return name, f"at {difference[0]}"
    return None


def main(arguments):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kit", help="the kit folder (conformance/)")
    parser.add_argument("--minimum", type=float, default=None, help="exit 1 when the score is below this %%")
    options = parser.parse_args(arguments)
    folder = os.path.join(options.kit, "cases")
    cases = []
    for name in sorted(n for n in os.listdir(folder) if n.endswith(".json")):
        with open(os.path.join(folder, name), encoding="utf-8") as file:
            cases.append((name[:-5], json.load(file)))
    with open(SENDER, encoding="utf-8") as file:
        source = file.read()

    unmutated = first_catch(_fresh_module(source, "automail_sender_unmutated"), options.kit, cases)
    if unmutated is not None:
        print(f"error: the unmutated sender fails {unmutated[0]} ({unmutated[1]}): fix it first", file=sys.stderr)
        return 2
    names = set()
    stale = []
    caught = 0
    for mutation in MUTATIONS:
        name = mutation["name"]
        if name in names:
            stale.append(f"{name}: the name is used twice")
        names.add(name)
        mutated = source
        for old, new in mutation["edits"]:
            if mutated.count(old) != 1:
                stale.append(f"{name}: {old!r} occurs {mutated.count(old)} times in automail_sender.py, not once")
                break
            mutated = mutated.replace(old, new)
        else:
            catch = first_catch(_fresh_module(mutated, f"automail_sender_{len(names)}"), options.kit, cases)
            if catch is None:
                print(f"MISSED  {name}  ({mutation['rule']})")
            else:
                caught += 1
                print(f"caught  {name}  by {catch[0]} {catch[1]}")
    _fresh_module(source, "automail_sender_restored")
    if stale:
        print("\n".join(f"error: {message}" for message in stale), file=sys.stderr)
        return 2
    total = len(MUTATIONS)
    score = 100.0 * caught / total
    print(f"mutation score: {caught} of {total} mutations caught by {len(cases)} cases ({score:.1f} %)")
    if options.minimum is not None and score < options.minimum:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
