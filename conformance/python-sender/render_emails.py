#!/usr/bin/env python3
"""Renders many emails with this Python sender, for differential checks against the reference.

    python3 conformance/python-sender/render_emails.py BATCH.json

BATCH.json is {"bundles": {"NAME": "<bundle path>"}, "renderings": [{"bundle": "NAME", "template": ID,
"locale": L, "contact": {"fields": {...}, "email": optional, "unsubscribe_url": URL}}]}. Each bundle is
loaded once (digest verified); prints one JSON line per rendering, in order: {"subject", "html", "text",
"headers"} as `render_email` gives them, {"refused": MESSAGE} when the bundle does not load, or
{"error": MESSAGE} when the email does not render. One process renders a whole batch: the property tests
(Tests/AutoMailTests/Properties) call it once a run.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import automail_sender  # noqa: E402


def main(arguments):
    if len(arguments) != 1:
        print("usage: render_emails.py BATCH.json", file=sys.stderr)
        return 2
    with open(arguments[0], encoding="utf-8") as f:
        batch = json.load(f)
    bundles = {}
    for name, path in batch["bundles"].items():
        with open(path, "rb") as f:
            data = f.read()
        try:
            bundles[name] = automail_sender.load_bundle(data)
        except automail_sender.Refused as refusal:
            bundles[name] = refusal
    out = sys.stdout
    for rendering in batch["renderings"]:
        bundle = bundles[rendering["bundle"]]
        if isinstance(bundle, Exception):
            answer = {"refused": str(bundle)}
        else:
            try:
                email = automail_sender.render_email(
                    bundle, rendering["template"], rendering["locale"], rendering["contact"])
                answer = {key: email[key] for key in ("subject", "html", "text", "headers")}
            except automail_sender.EvaluationFailed as error:
                answer = {"error": str(error)}
        out.write(json.dumps(answer, ensure_ascii=False, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
