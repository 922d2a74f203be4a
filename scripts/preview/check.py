#!/usr/bin/env python3
"""Checks automail previews with independent tools, as a sender and a mail client would see them.

Usage: check.py FOLDER, where FOLDER holds `bundle.json` (a bundle automail built) and `cases.json`:
a list of {template, locale, contact, unsubscribe_url, subject, html, text, eml} (eml: a file name in
FOLDER) written by automail's preview. For every case:

1. python-liquid renders the bundle's `subject`, `html`, `text` and header templates with the context a
   sender builds (`globals[locale]`, `contact`, `unsubscribe_url`), the text re-wrapped by the rule of
   bundle-format.md (the Python conformance sender's `wrap_text`); the result must equal automail's
   preview byte for byte, and no text line is over 78 characters unless it is one unbreakable word.
2. Python's `email` package parses the .eml: headers, multipart/alternative, both parts decoded.
3. Python's `html.parser` parses the HTML part: balanced elements, one title, no script, images with alt.

Prints one summary line and exits 1 on any failure.
"""
import email
import email.policy
import json
import os
import sys
from html.parser import HTMLParser

from liquid import Environment

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "conformance", "python-sender"))
from automail_sender import wrap_text  # noqa: E402  (bundle-format.md, "The text part's lines")

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class StrictHTML(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems, self.titles, self.in_title, self.title = [], [], 0, False, ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.problems.append("a <script> element")
        if any(name.startswith("on") for name in attributes):
            self.problems.append(f"an event handler on <{tag}>")
        for name in ("href", "src"):
            if (attributes.get(name) or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"a javascript: URL on <{tag}>")
        if tag == "img" and not attributes.get("alt"):
            self.problems.append("an image without alt")
        if tag == "title":
            self.titles += 1
            self.in_title = True
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data):
        if self.in_title:
            self.title += data


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"at {i}: automail {a[max(0, i - 30):i + 30]!r} python-liquid {b[max(0, i - 30):i + 30]!r}"
    return f"lengths {len(a)} and {len(b)}"


def main():
    folder = sys.argv[1]
    with open(os.path.join(folder, "bundle.json"), encoding="utf-8") as f:
        bundle = json.load(f)
    with open(os.path.join(folder, "cases.json"), encoding="utf-8") as f:
        cases = json.load(f)
    env = Environment(autoescape=False)
    failures, checks = [], 0
    for case in cases:
        name = f"{case['template']} ({case['locale']}, {case['contact'].get('firstname', '<no first name>')!r})"
        content = bundle["templates"][case["template"]]["locales"][case["locale"]]
        context = dict(bundle["globals"][case["locale"]])
        context["contact"] = case["contact"]
        context["unsubscribe_url"] = case["unsubscribe_url"]
        rendered = {part: env.from_string(content[part]).render(**context) for part in ("subject", "html", "text")}
        rendered["text"] = wrap_text(rendered["text"])
        for line in case["text"].split("\n"):
            checks += 1
            words = line.lstrip(" >").split()
            if words and words[0] in ("-",) or (words and words[0][:-1].isdigit() and words[0].endswith(".")):
                words = words[1:]
            if len(line) > 78 and len(words) > 1:
                failures.append(f"{name}: a text line of {len(line)} characters that could break: {line[:60]}…")
        headers = {k: env.from_string(v).render(**context) for k, v in content["headers"].items()}
        for part in ("subject", "html", "text"):
            checks += 1
            if rendered[part] != case[part]:
                failures.append(f"{name}: python-liquid renders the {part} differently, {first_difference(case[part], rendered[part])}")

        with open(os.path.join(folder, case["eml"]), "rb") as f:
            raw = f.read()
        message = email.message_from_bytes(raw, policy=email.policy.default)
        sender = bundle["senders"][bundle["templates"][case["template"]]["sender"]]
        expectations = {
            "Subject": case["subject"],
            "List-Unsubscribe": headers["List-Unsubscribe"],
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "MIME-Version": "1.0",
        }
        if "reply_to" in sender:
            expectations["Reply-To"] = sender["reply_to"]
        for header, expected in expectations.items():
            checks += 1
            if str(message.get(header)) != expected:
                failures.append(f"{name}: .eml header {header} is {message.get(header)!r}, expected {expected!r}")
        checks += 1
        frm = message["From"].addresses[0] if message["From"] else None
        if frm is None or (frm.display_name, frm.addr_spec) != (sender["from"]["name"], sender["from"]["address"]):
            failures.append(f"{name}: .eml From is {message['From']!r}, expected {sender['from']!r}")
        for header in ("Date", "Message-ID", "To"):
            checks += 1
            if message.get(header) is None:
                failures.append(f"{name}: .eml has no {header}")
        checks += 1
        if message.get_content_type() != "multipart/alternative" or message.defects:
            failures.append(f"{name}: .eml is {message.get_content_type()} with defects {message.defects}")
        parts = {part.get_content_type(): part for part in message.iter_parts()}
        for mime, expected in (("text/plain", case["text"]), ("text/html", case["html"])):
            checks += 1
            part = parts.get(mime)
            if part is None or part.get_content_charset() != "utf-8":
                failures.append(f"{name}: .eml has no UTF-8 {mime} part")
                continue
            body = part.get_content().replace("\r\n", "\n")
            if body != expected:
                failures.append(f"{name}: .eml {mime} part differs, {first_difference(expected, body)}")
        for line in raw.split(b"\r\n"):
            if len(line) > 78 and not line.startswith(b"Content-Type"):
                failures.append(f"{name}: .eml line longer than 78: {line[:80]!r}")
                break

        parser = StrictHTML()
        parser.feed(case["html"])
        parser.close()
        checks += 1
        problems = list(parser.problems)
        if parser.stack:
            problems.append(f"unclosed {parser.stack}")
        if parser.titles != 1 or parser.title != case["subject"]:
            problems.append(f"title {parser.title!r} is not the subject {case['subject']!r}")
        if problems:
            failures.append(f"{name}: HTML part: {'; '.join(problems)}")
    for failure in failures:
        print("FAIL", failure)
    print(f"preview check: {len(cases)} emails, {checks} checks, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
