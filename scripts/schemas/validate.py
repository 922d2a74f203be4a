#!/usr/bin/env python3
"""Validate automail workspaces and bundles against the JSON Schemas in schemas/.

Usage:
    python3 scripts/schemas/validate.py --workspace DIR... --bundle FILE...

Each YAML file of a workspace is validated against the schema its location names:
    automail.yaml          -> schemas/automail.schema.json
    questionnaires/*.yaml  -> schemas/questionnaire.schema.json
    templates/*.yaml       -> schemas/template.schema.json
    triggers/*.yaml        -> schemas/triggers.schema.json
Each bundle JSON file is validated against schemas/bundle.schema.json, and its `digest` is
recomputed independently of the compiler (`check_digest`, docs/bundle-format.md#digest).

YAML is read with PyYAML's safe loader, restricted to the YAML 1.2 core schema the compiler uses
(`yes`, `no`, `on`, `off` and dates stay strings); anchors, aliases, tags, multi-document files,
duplicate keys and `.yml` files are reported, as the compiler refuses them.

Prints one line per problem (`file:line:column: message`), then `N passed, N failed`.
Exit status: 0 when every file passed, 1 otherwise.

Needs PyYAML and jsonschema (`pip install pyyaml jsonschema`, or Debian's python3-yaml and
python3-jsonschema).
"""
import argparse
import hashlib
import json
import os
import re
import sys

try:
    import yaml
    from jsonschema import Draft7Validator
    from jsonschema.exceptions import SchemaError
except ImportError as exc:  # pragma: no cover
    sys.exit(f"validate.py: {exc.name} is missing: pip install pyyaml jsonschema")

SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "schemas")
FOLDERS = {"questionnaires": "questionnaire", "templates": "template", "triggers": "triggers"}


# --------------------------------------------------------------------------- YAML 1.2 core schema
class CoreLoader(yaml.SafeLoader):
    """PyYAML's safe loader with the YAML 1.2 core schema's implicit types, refusing duplicate keys."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, (str, int, float, bool)) or key is None:
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r} (first at line {seen[key].line + 1})",
                        key_node.start_mark)
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


CoreLoader.yaml_implicit_resolvers = {}
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"))
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+.0123456789"))


def _core_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)


def _core_float(loader, node):
    text = loader.construct_scalar(node).lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    return float(text)


def _core_bool(loader, node):
    return loader.construct_scalar(node).lower() == "true"


CoreLoader.add_constructor("tag:yaml.org,2002:int", _core_int)
CoreLoader.add_constructor("tag:yaml.org,2002:float", _core_float)
CoreLoader.add_constructor("tag:yaml.org,2002:bool", _core_bool)


def refused_constructs(text):
    """Anchors, aliases, explicit tags and extra documents, which the compiler refuses."""
    problems = []
    documents = 0
    for event in yaml.parse(text, Loader=CoreLoader):
        mark = event.start_mark
        where = (mark.line + 1, mark.column + 1)
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents == 2:
                problems.append((where, "multi-document files are refused"))
        elif isinstance(event, yaml.AliasEvent):
            problems.append((where, f"alias *{event.anchor} is refused"))
        elif isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if event.anchor is not None:
                problems.append((where, f"anchor &{event.anchor} is refused"))
            if event.tag is not None:  # PyYAML leaves tag None unless one is written
                problems.append((where, f"tag {event.tag} is refused"))
    return problems


def locate(node, path):
    """The composed node at a JSON path, or the deepest node found on the way."""
    for step in path:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == step:
                    node = value_node
                    break
            else:
                return node
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
        else:
            return node
    return node


def describe(error):
    path = "/".join(str(p) for p in error.absolute_path)
    message = error.message
    if error.validator == "not" and error.validator_value == {"required": ["answers"]}:
        message = "'answers' is only allowed for single_choice and checkbox questions"
    elif error.validator == "not" and error.validator_value == {"required": ["purposes"]}:
        message = "'purposes' is only allowed when consent.mode is purpose"
    elif error.validator in ("minProperties", "maxProperties") and \
            set(error.schema.get("properties", {})) == {"answer", "support_level", "task"}:
        message = "'when' needs exactly one of answer, support_level, task"
    if len(message) > 300:
        message = message[:297] + "..."
    return f"{message} (at /{path})" if path else message


# --------------------------------------------------------------------------- bundle digest
def canonical_digest(bundle):
    """`sha256:<hex>` of the canonical form of `bundle` without `digest` and `signature`
    (docs/bundle-format.md):
    keys sorted by code point, no insignificant whitespace, minimal escaping (Python's json with
    ensure_ascii=False escapes exactly `"`, `\\`, \\b, \\f, \\n, \\r, \\t and other controls as
    \\u00XX), integers only."""
    rest = {key: value for key, value in bundle.items() if key not in ("digest", "signature")}
    canonical = json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_digest(bundle):
    """Problems with the bundle's digest: none when it matches the recomputed one."""
    if not isinstance(bundle, dict) or not isinstance(bundle.get("digest"), str):
        return []  # the schema reports a missing or mistyped digest
    floats = []

    def find_floats(value, path):
        if isinstance(value, float):
            floats.append("/" + "/".join(path))
        elif isinstance(value, dict):
            for key, item in value.items():
                find_floats(item, path + [key])
        elif isinstance(value, list):
            for index, item in enumerate(value):
                find_floats(item, path + [str(index)])

    find_floats(bundle, [])
    if floats:
        return [((0, 0), f"the canonical form has integers only: non-integer number at {floats[0]}")]
    expected = canonical_digest(bundle)
    if bundle["digest"] != expected:
        return [((0, 0), f"digest {bundle['digest']} does not match the canonical form's {expected}")]
    return []


# --------------------------------------------------------------------------- checks
class Run:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.validators = {}

    def validator(self, name):
        if name not in self.validators:
            path = os.path.join(SCHEMAS, name + ".schema.json")
            with open(path, encoding="utf-8") as f:
                schema = json.load(f)
            Draft7Validator.check_schema(schema)
            self.validators[name] = Draft7Validator(schema)
        return self.validators[name]

    def report(self, path, problems):
        for (line, column), message in problems:
            print(f"{path}:{line}:{column}: {message}" if line else f"{path}: {message}")
        if problems:
            self.failed += 1
        else:
            self.passed += 1

    def yaml_file(self, path, schema_name):
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as exc:
            return self.report(path, [((0, 0), f"cannot read: {exc}")])
        try:
            problems = refused_constructs(text)
            root = yaml.compose(text, Loader=CoreLoader) if not problems else None
            data = yaml.load(text, Loader=CoreLoader) if not problems else None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            where = (mark.line + 1, mark.column + 1) if mark else (0, 0)
            return self.report(path, [(where, f"YAML: {getattr(exc, 'problem', None) or exc}")])
        if not problems:
            for error in sorted(self.validator(schema_name).iter_errors(data),
                                key=lambda e: [str(p) for p in e.absolute_path]):
                node = locate(root, list(error.absolute_path)) if root is not None else None
                where = (node.start_mark.line + 1, node.start_mark.column + 1) if node else (1, 1)
                problems.append((where, describe(error)))
        self.report(path, sorted(problems))

    def workspace(self, folder):
        manifest = os.path.join(folder, "automail.yaml")
        if not os.path.isfile(manifest):
            return self.report(folder, [((0, 0), "no automail.yaml: not a workspace root")])
        self.yaml_file(manifest, "automail")
        for sub, schema_name in FOLDERS.items():
            directory = os.path.join(folder, sub)
            if not os.path.isdir(directory):
                continue
            for name in sorted(os.listdir(directory)):
                path = os.path.join(directory, name)
                if not os.path.isfile(path):
                    continue
                if name.endswith(".yml"):
                    self.report(path, [((0, 0), "'.yml' is refused: rename the file to '.yaml'")])
                elif name.endswith(".yaml"):
                    self.yaml_file(path, schema_name)

    def bundle(self, path):
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            return self.report(path, [((0, 0), f"cannot read JSON: {exc}")])
        problems = [((0, 0), describe(e)) for e in
                    sorted(self.validator("bundle").iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])]
        problems += check_digest(data)
        self.report(path, problems)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Validate automail workspaces and bundles against schemas/.")
    parser.add_argument("--workspace", nargs="+", default=[], metavar="DIR", help="workspace folders")
    parser.add_argument("--bundle", nargs="+", default=[], metavar="FILE", help="bundle JSON files")
    args = parser.parse_args(argv)
    if not args.workspace and not args.bundle:
        parser.error("give at least one --workspace or --bundle")
    run = Run()
    try:
        for name in ("automail", "questionnaire", "template", "triggers", "bundle"):
            run.validator(name)
    except (OSError, ValueError, SchemaError) as exc:
        print(f"{SCHEMAS}: invalid schema: {exc}")
        return 1
    for folder in args.workspace:
        run.workspace(folder)
    for path in args.bundle:
        run.bundle(path)
    print(f"{run.passed} passed, {run.failed} failed")
    return 1 if run.failed else 0


if __name__ == "__main__":
    sys.exit(main())
