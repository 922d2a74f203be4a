#!/usr/bin/env python3
"""Checks a JSON example of the documentation (Tests/CLITests/DocumentationExampleTests.swift).

    check_json_example.py [--outline] [--schema SCHEMA] FILE

Without --outline, FILE must be JSON and, with --schema, valid against SCHEMA (draft-07).
With --outline, FILE is an outline of a document: `// comments` and `…` standing for members or items
left out are allowed. They are removed, then every member that is shown must be one the schema allows,
with a value of the right kind; what is left out (required members, patterns of elided values) is not
asked for. Prints nothing and exits 0 when the example holds; else prints why and exits 1.
"""
import argparse
import json
import re
import sys

ELISION = "\x00"


def strip_outline(text):
    """The outline as JSON: comments dropped, `"…": "…"` members and bare `…` elisions removed."""
    text = re.sub(r'"…"\s*:\s*"…"\s*,?', "", text)
    out, index, in_string = [], 0, False
    while index < len(text):
        char = text[index]
        if in_string:
            out.append(char)
            if char == "\\":
                out.append(text[index + 1])
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            out.append(char)
        elif text.startswith("//", index):
            while index < len(text) and text[index] != "\n":
                index += 1
            continue
        elif char == "…":
            out.append(ELISION)
        else:
            out.append(char)
        index += 1
    text = "".join(out)
    text = re.sub(r",\s*" + ELISION, "", text)
    text = re.sub(ELISION + r"\s*,?", "", text)
    return re.sub(r",(\s*[}\]])", r"\1", text)


RELAXED = {"required", "minItems", "minProperties", "minLength", "pattern", "format", "propertyNames", "not"}
NAMED = {"properties", "patternProperties", "definitions", "$defs"}


def relax(schema, named=False):
    """The schema without what an outline may leave out or elide (`named`: a map of names to schemas)."""
    if isinstance(schema, dict):
        return {
            key: relax(value, key in NAMED and not named)
            for key, value in schema.items()
            if named or key not in RELAXED
        }
    if isinstance(schema, list):
        return [relax(value) for value in schema]
    return schema


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--outline", action="store_true")
    parser.add_argument("--schema")
    parser.add_argument("file")
    arguments = parser.parse_args()
    text = open(arguments.file, encoding="utf-8").read()
    if arguments.outline:
        text = strip_outline(text)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        print(f"not JSON{' once the outline is stripped' if arguments.outline else ''}: {error}\n{text}")
        return 1
    if arguments.schema:
        import jsonschema

        schema = json.load(open(arguments.schema, encoding="utf-8"))
        if arguments.outline:
            schema = relax(schema)
        errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(document), key=lambda e: list(e.path))
        for error in errors:
            print(f"/{'/'.join(str(part) for part in error.path)}: {error.message}")
        if errors:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
