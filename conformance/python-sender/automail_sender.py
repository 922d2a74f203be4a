"""A sender for automail rule bundles, written from docs/bundle-format.md and docs/signing.md alone.

It imports nothing from automail: python-liquid renders the templates and `cryptography` checks Ed25519
signatures, as a team running its own sending service in Python would do. It exists to prove that the
bundle's contract is language-neutral: `run_kit.py` runs it on the conformance kit.

    key = load_public_key(open("ci.pub", "rb").read())      # or None: the signature is not checked
    bundle = load_bundle(open("bundle.json", "rb").read(), key)
    decision = evaluate(bundle, event)        # the decision as a JSON-ready dict

Refusals raise `Refused(code, message)`; an event that cannot be evaluated raises
`EvaluationFailed(code, message)`. The codes are those of conformance/README.md.
"""

import bisect
import base64
import functools
import hashlib
import json
import re
import unicodedata

import liquid
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_public_key

SUPPORTED_FORMAT = 2
SIGNATURE_PREFIX = b"automail-bundle-signature-v1\n"
EMAIL_CHANNEL = "email"


class Refused(Exception):
    """The bundle is refused. `code`: syntax, unsupported_format, digest_mismatch, malformed, unsigned,
    signature_malformed, wrong_key or bad_signature."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class EvaluationFailed(Exception):
    """The event cannot be evaluated. `code`: render or send_time_out_of_range."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


# --- Strict JSON (bundle-format.md, "Reading a bundle", step 1) ----------------------------------------


class _StrictJSONError(ValueError):
    pass


def _refuse_duplicates(pairs):
    """No key twice in an object, comparing keys after unescaping and Unicode normalisation (NFC): `é` and
    `e` + U+0301 are the same key."""
    result = {}
    seen = set()
    for key, value in pairs:
        normalised = unicodedata.normalize("NFC", key)
        if normalised in seen:
            raise _StrictJSONError(f"the key {key!r} is repeated")
        seen.add(normalised)
        result[key] = value
    return result


def _refuse_float(text):
    raise _StrictJSONError(f"{text} is not an integer")


def _refuse_constant(text):
    raise _StrictJSONError(f"{text} is not JSON")


MAXIMUM_DEPTH = 256


def _check_values(value):
    """Integers within 64 bits, no lone surrogate in any string (keys included), arrays and objects nested
    at most MAXIMUM_DEPTH deep."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            depth += 1
            if depth > MAXIMUM_DEPTH:
                raise _StrictJSONError(f"nesting deeper than {MAXIMUM_DEPTH} levels")
        if isinstance(item, bool) or item is None:
            continue
        if isinstance(item, int):
            if not -(2**63) <= item < 2**63:
                raise _StrictJSONError(f"{item} does not fit in 64 bits")
        elif isinstance(item, str):
            if any("\ud800" <= c <= "\udfff" for c in item):
                raise _StrictJSONError("a string holds a lone surrogate")
        elif isinstance(item, list):
            stack.extend((child, depth) for child in item)
        elif isinstance(item, dict):
            stack.extend((key, depth) for key in item)
            stack.extend((child, depth) for child in item.values())


def parse_strict_json(data):
    """One JSON document, UTF-8 without byte order mark, integers only (64 bits), no repeated key, no lone
    surrogate. Raises ValueError."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise _StrictJSONError("the document starts with a byte order mark")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _StrictJSONError(f"not UTF-8: {error}") from None
    try:
        value = json.loads(
            text, object_pairs_hook=_refuse_duplicates, parse_float=_refuse_float, parse_constant=_refuse_constant
        )
    except RecursionError:
        raise _StrictJSONError(f"nesting deeper than {MAXIMUM_DEPTH} levels") from None
    _check_values(value)
    return value


# --- Digest and signature (bundle-format.md "Digest", signing.md "The bytes signed") ---------------------


def canonical_bytes(content):
    """Keys sorted by code point, no whitespace, minimal escapes, UTF-8 (signing.md says Python's json.dumps
    with these arguments writes exactly that)."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def compute_digest(document):
    content = {k: v for k, v in document.items() if k not in ("digest", "signature")}
    return "sha256:" + hashlib.sha256(canonical_bytes(content)).hexdigest()


def key_id_of(public_key):
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "sha256:" + hashlib.sha256(raw).hexdigest()[:16]


def verify_signature(document, digest, public_key):
    """signing.md, "Verifying, step by step", steps 3 to 6 (the digest was checked already)."""
    if "signature" not in document:
        raise Refused("unsigned", "the bundle is not signed")
    signature = document["signature"]  # `null` included: present, so its shape is checked
    if not isinstance(signature, dict) or set(signature) != {"algorithm", "key_id", "value"}:
        raise Refused("signature_malformed", "`signature` must be an object of algorithm, key_id and value")
    if signature["algorithm"] != "ed25519":
        raise Refused("signature_malformed", "`signature.algorithm` is not ed25519")
    key_id = signature["key_id"]
    if not isinstance(key_id, str) or not re.fullmatch(r"sha256:[0-9a-f]{16}", key_id):
        raise Refused("signature_malformed", "`signature.key_id` is not sha256: and 16 hex digits")
    value = signature["value"]
    try:
        raw = base64.b64decode(value, validate=True) if isinstance(value, str) else b""
    except ValueError:
        raw = b""
    if len(raw) != 64 or base64.b64encode(raw).decode("ascii") != value:
        raise Refused("signature_malformed", "`signature.value` is not the padded base64 of 64 bytes")
    if key_id != key_id_of(public_key):
        raise Refused("wrong_key", f"signed by key_id {key_id}, not by {key_id_of(public_key)}")
    try:
        public_key.verify(raw, SIGNATURE_PREFIX + digest.encode("ascii"))
    except InvalidSignature:
        raise Refused("bad_signature", "the signature does not verify") from None


def load_public_key(pem):
    key = load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


# --- Reading the members (bundle-format.md "Reading a bundle", steps 4 and 5) -----------------------------


class _Reader:
    """Typed access to the members, with a JSON Pointer in every refusal."""

    def __init__(self, value, pointer=""):
        self.value = value
        self.pointer = pointer

    def fail(self, message):
        raise Refused("malformed", f"at {self.pointer or '/'}: {message}")

    def member(self, name, required=True):
        if not isinstance(self.value, dict):
            self.fail("expected an object")
        escaped = name.replace("~", "~0").replace("/", "~1")
        if name not in self.value:
            if required:
                self.fail(f"the member `{name}` is missing")
            return None
        return _Reader(self.value[name], f"{self.pointer}/{escaped}")

    def string(self):
        if not isinstance(self.value, str):
            self.fail("expected a string")
        return self.value

    def integer(self):
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            self.fail("expected an integer")
        return self.value

    def boolean(self):
        if not isinstance(self.value, bool):
            self.fail("expected a boolean")
        return self.value

    def items(self):
        if not isinstance(self.value, list):
            self.fail("expected an array")
        return [_Reader(item, f"{self.pointer}/{index}") for index, item in enumerate(self.value)]

    def members(self):
        if not isinstance(self.value, dict):
            self.fail("expected an object")
        return [(name, self.member(name)) for name in self.value]


# --- Liquid (bundle-format.md "Rendering", "The Liquid subset") ------------------------------------------


class RenderFailure(Exception):
    """A value the bundle format says no engine may print: the evaluation fails (`render`)."""


def liquid_string(value):
    """How a filter reads a value as a string: nil empty, booleans `true`/`false`, integers in decimal, an
    empty array `[]`; a non-empty array or object fails (engines print them differently)."""
    if value is None or liquid.is_undefined(value):
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, list) and not value:
        return "[]"
    if isinstance(value, dict) and not value:
        return "{}"
    raise RenderFailure(f"{type(value).__name__} cannot be read as a string")


_RUBY_WHITESPACE = " \t\n\v\f\r\0"


def _string_filter(original, keep_nil=False):
    """`original` with its input and arguments read as strings by `liquid_string`."""

    @functools.wraps(original)  # keeps python-liquid's markers (`with_environment`...)
    def wrapped(value, *arguments, **keywords):
        if keep_nil and value is None:
            return None
        return original(liquid_string(value), *(liquid_string(a) for a in arguments), **keywords)

    return wrapped


def _truncate(value, length=50, ellipsis="..."):
    if value is None or liquid.is_undefined(value):
        return None
    text, ellipsis = liquid_string(value), liquid_string(ellipsis)
    if isinstance(length, str):
        length = int(length)
    if len(text) <= length:
        return text
    return text[: max(0, length - len(ellipsis))] + ellipsis


def _downcase(text):
    """Each character's own lowercase mapping, without context: `Σ` is always `σ` (Python's `str.lower`
    writes `ς` at the end of a word)."""
    return "".join(c.lower() for c in text)


def _capitalize(text):
    """The first character's titlecase mapping, then the rest downcased as above."""
    return text[:1].title() + _downcase(text[1:]) if text else text


_ENTITY = re.compile(r"&(?:[A-Za-z]+|#[0-9]+);")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}


def _escape_once(text):
    """Like `escape`, but an `&` that starts an entity (`&name;` or `&#digits;`) is kept."""
    out = []
    for index, c in enumerate(text):
        if c == "&" and _ENTITY.match(text, index):
            out.append(c)
        else:
            out.append(_ESCAPES.get(c, c))
    return "".join(out)


def _size(value):
    if liquid.is_undefined(value):
        return 0
    if isinstance(value, (str, list, dict)):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        raise RenderFailure("the size of a number differs between engines")
    return 0


# Unicode's White_Space property (what `blank` calls whitespace).
_WHITE_SPACE = set("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                   "\u200a\u2028\u2029\u202f\u205f\u3000")


def _is_blank(value):
    """`== blank`: nil (or undefined), false, a string of White_Space only, an empty array or object."""
    if value is None or value is False or liquid.is_undefined(value):
        return True
    if isinstance(value, str):
        return all(c in _WHITE_SPACE for c in value)
    return isinstance(value, (list, dict)) and not value


def _plain(value):
    if liquid.is_undefined(value):
        return None
    return value.__liquid__() if hasattr(value, "__liquid__") else value


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _plain_equal(left, right):
    """`==` between values: same kind and value; numbers by value; arrays item by item; objects member by
    member. Different kinds are never equal (`1 == "1"` and `1 == true` are false)."""
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if _is_number(left) and _is_number(right):
        return left == right
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(_plain_equal(a, b) for a, b in zip(left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_plain_equal(left[k], right[k]) for k in left)
    return False


def _equal(left, right):
    logical = liquid.builtin.expressions.logical
    left, right = _plain(left), _plain(right)
    if isinstance(right, (logical.Blank, logical.Empty)):
        left, right = right, left
    if isinstance(left, (logical.Blank, logical.Empty)):
        if isinstance(right, (logical.Blank, logical.Empty)):
            return False  # `blank == blank` is false, as in Liquid
        if isinstance(left, logical.Blank):
            return _is_blank(right)
        return isinstance(right, (str, list, dict)) and not right
    return _plain_equal(left, right)


def _order(left, right):
    """-1, 0 or 1 for two numbers or two strings (code point order); None (every comparison false) for
    other kinds; a string against a number fails."""
    left, right = _plain(left), _plain(right)
    if _is_number(left) and _is_number(right) or isinstance(left, str) and isinstance(right, str):
        return (left > right) - (left < right)
    if isinstance(left, str) and _is_number(right) or _is_number(left) and isinstance(right, str):
        raise RenderFailure("a string cannot be compared with a number")
    return None


def _contains(_token, left, right):
    left, right = _plain(left), _plain(right)
    if right is None or right is False:
        return False
    if isinstance(left, str):
        try:
            return liquid_string(right) in left
        except RenderFailure:
            return False
    if isinstance(left, list):
        return any(_plain_equal(item, right) for item in left)
    if isinstance(left, dict):
        return isinstance(right, str) and right in left
    return False


def _patch_comparisons():
    """python-liquid's `==`, `<`, `<=` and `contains` (module functions) replaced by the bundle format's:
    python-liquid says `nil != blank` and `false != blank`, `1 contains "a"` fails, `"a" <= 1` is false,
    `1 < true` compares numbers; the bundle format (like Shopify's Liquid with ActiveSupport and LiquidJS for
    `blank`) says otherwise."""
    logical = liquid.builtin.expressions.logical
    if getattr(logical, "automail_patched", False):
        return

    def lt(_token, left, right):
        order = _order(left, right)
        return order is not None and order < 0

    def le(left, right):
        order = _order(left, right)
        return order is not None and order <= 0

    logical._eq = _equal
    logical._lt = lt
    logical._le = le
    logical._contains = _contains
    liquid.builtin.tags.case_tag._eq = _equal
    logical.automail_patched = True


class _Context(liquid.RenderContext):
    """`.size`, `.first` and `.last` as the bundle format says: the size of a string (code points), an array
    or an object, nil for anything else but a number (which fails); `first`/`last` of an array, nil for
    anything else but a non-empty object (whose `first` fails)."""

    def get_item(self, obj, key):
        key = _plain(key)
        if key in ("size", "first", "last") and not (isinstance(obj, dict) and key in obj):
            obj = _plain(obj)
            if key == "size":
                if isinstance(obj, (str, list, dict)):
                    return len(obj)
                if _is_number(obj):
                    raise RenderFailure("the size of a number differs between engines")
                return None
            if isinstance(obj, list):
                return (obj[0] if key == "first" else obj[-1]) if obj else None
            if key == "first" and isinstance(obj, dict) and obj:
                raise RenderFailure("the first member of an object differs between engines")
            return None
        return super().get_item(obj, key)


# The tags and filters of "The Liquid subset": anything else is malformed at load, even in a part that
# is never rendered (python-liquid knows more of both).
SUPPORTED_TAGS = {"if", "unless", "case", "assign", "capture", "comment"}
# Each filter: the number of positional arguments it takes (low, high) and its keywords.
FILTER_ARITY = {
    "default": (0, 1, {"allow_false"}), "upcase": (0, 0, set()), "downcase": (0, 0, set()),
    "capitalize": (0, 0, set()), "strip": (0, 0, set()), "lstrip": (0, 0, set()), "rstrip": (0, 0, set()),
    "escape": (0, 0, set()), "escape_once": (0, 0, set()), "append": (1, 1, set()), "prepend": (1, 1, set()),
    "replace": (1, 2, set()), "replace_first": (1, 2, set()), "remove": (1, 1, set()),
    "remove_first": (1, 1, set()), "truncate": (0, 2, set()), "size": (0, 0, set()),
    "strip_newlines": (0, 0, set()), "newline_to_br": (0, 0, set()), "url_encode": (0, 0, set()),
}
SUPPORTED_FILTERS = set(FILTER_ARITY)


def _filters_of(parsed):
    """Every filter of a parsed template (name, positional count, keyword names)."""
    context = liquid.RenderContext(parsed)
    keyword_argument = liquid.builtin.expressions.filtered.KeywordArgument

    def nodes(children):
        for node in children:
            yield node
            yield from nodes(node.children(context, include_partials=False))

    def expressions(expression):
        yield expression
        for child in expression.children():
            yield from expressions(child)

    for node in nodes(parsed.nodes):
        for top in node.expressions():
            for expression in expressions(top):
                for applied in getattr(expression, "filters", None) or []:
                    keywords = {a.name for a in applied.args if isinstance(a, keyword_argument)}
                    yield applied.name, len(applied.args) - len(keywords), keywords


_ASCII_WHITESPACE = " \t\n\r\v\f"


def _patch_whitespace_control():
    """`{%-`, `-%}`, `{{-` and `-}}` strip ASCII whitespace only (space, tab, LF, CR, VT, FF); python-liquid
    strips with `str.strip()`, which also removes a no-break space or U+3000. Its lexer is recompiled with the
    bundle format's set."""
    lex = liquid.lex
    if getattr(lex, "automail_patched", False):
        return
    import inspect
    import textwrap

    source = textwrap.dedent(inspect.getsource(lex._tokenize_template))
    for call in ("lstrip", "rstrip"):
        if source.count(f"value = value.{call}()") != 1:
            raise RuntimeError("python-liquid's lexer changed: check whitespace control")
        source = source.replace(f"value = value.{call}()", f"value = value.{call}({_ASCII_WHITESPACE!r})")
    exec(compile(source, lex.__file__, "exec"), lex.__dict__)
    lex.get_lexer.cache_clear()  # lexers made before hold the old function
    lex.automail_patched = True


def _environment():
    _patch_comparisons()
    _patch_whitespace_control()
    environment = liquid.Environment(autoescape=False)
    for name in list(environment.tags):
        if name not in SUPPORTED_TAGS and name not in ("output", "content", "illegal"):
            del environment.tags[name]
    filters = environment.filters
    for name in ("upcase", "escape", "append", "prepend", "replace", "replace_first", "remove", "remove_first",
                 "strip_newlines", "newline_to_br"):
        filters[name] = _string_filter(filters[name])
    filters["downcase"] = lambda value: _downcase(liquid_string(value))
    filters["capitalize"] = lambda value: _capitalize(liquid_string(value))
    filters["escape_once"] = lambda value: _escape_once(liquid_string(value))
    # python-liquid writes `'` as `&#x27;`; the bundle format (like Ruby Liquid and LiquidJS) as `&#39;`.
    # After `escape` every `&` of the value is `&amp;`, so `&#x27;` can only be the apostrophe.
    escape = filters["escape"]

    @functools.wraps(escape)  # keeps python-liquid's markers (`with_environment`...)
    def escape_apostrophe(value, *arguments, **keywords):
        return str(escape(value, *arguments, **keywords)).replace("&#x27;", "&#39;")

    filters["escape"] = escape_apostrophe
    filters["url_encode"] = _string_filter(filters["url_encode"], keep_nil=True)
    filters["strip"] = lambda value: liquid_string(value).strip(_RUBY_WHITESPACE)
    filters["lstrip"] = lambda value: liquid_string(value).lstrip(_RUBY_WHITESPACE)
    filters["rstrip"] = lambda value: liquid_string(value).rstrip(_RUBY_WHITESPACE)
    filters["truncate"] = _truncate
    filters["size"] = _size
    return environment


_ENVIRONMENT = _environment()


def _parse_liquid(reader):
    """Every part parses as Liquid (step 4); the parsed template is kept for rendering."""
    source = reader.string()
    try:
        parsed = _ENVIRONMENT.from_string(source)
    except liquid.exceptions.LiquidError as error:
        reader.fail(f"the Liquid does not parse: {error}")
    unknown = sorted(set(parsed.analyze().filters) - SUPPORTED_FILTERS)
    if unknown:
        reader.fail(f"the filter `{unknown[0]}` is not in the Liquid subset")
    for name, positional, keywords in _filters_of(parsed):
        low, high, allowed = FILTER_ARITY[name]
        if not low <= positional <= high or not keywords <= allowed:
            reader.fail(f"the filter `{name}` takes {low} to {high} arguments, not {positional}")
    parsed.context_class = _Context
    return parsed


def _read_members(root):
    bundle = {}
    bundle["digest"] = root.member("digest").string()
    minor = root.member("format_minor", required=False)
    if minor is not None and minor.integer() < 0:
        minor.fail("`format_minor` must not be negative")
    revision = root.member("revision", required=False)
    if revision is not None:
        revision.string()
    workspace = root.member("workspace")
    bundle["workspace_id"] = workspace.member("id").string()
    workspace.member("name").string()

    locales_node = root.member("locales")
    default_node = locales_node.member("default")
    default = default_node.string()
    locales = []
    for item in locales_node.member("all").items():
        locale = item.string()
        if locale in locales:
            item.fail(f"the locale `{locale}` is listed twice")
        locales.append(locale)
    if not locales or locales[0] != default:
        default_node.fail("the default locale must be the first of `locales.all`")
    bundle["default_locale"] = default
    bundle["locales"] = locales

    consent = root.member("consent")
    mode_node = consent.member("mode")
    mode = mode_node.string()
    if mode not in ("channel", "purpose"):
        mode_node.fail(f"unknown consent mode `{mode}`")
    purposes = []
    if mode == "purpose":
        for item in consent.member("purposes").items():
            purpose = item.member("id").string()
            if purpose in purposes:
                item.fail(f"the purpose `{purpose}` is listed twice")
            purposes.append(purpose)
    bundle["mode"] = mode

    senders = {}
    for sender_id, node in root.member("senders").members():
        from_node = node.member("from")
        reply_to = node.member("reply_to", required=False)
        senders[sender_id] = {
            "from": {"name": from_node.member("name").string(), "address": from_node.member("address").string()},
            "reply_to": reply_to.string() if reply_to is not None else None,
        }
    default_sender = root.member("default_sender")
    if default_sender.string() not in senders:
        default_sender.fail("`default_sender` is not a key of `senders`")
    bundle["senders"] = senders

    globals_node = root.member("globals")
    globals_by_locale = {}
    for locale, node in globals_node.members():
        if not isinstance(node.value, dict):
            node.fail("expected an object")
        globals_by_locale[locale] = node.value
    for locale in locales:
        if locale not in globals_by_locale:
            globals_node.fail(f"the locale `{locale}` has no globals")
    bundle["globals"] = globals_by_locale

    for item in root.member("variables").items():
        item.member("name").string()
        item.member("type").string()
        required = item.member("required", required=False)
        if required is not None:
            required.boolean()

    templates = {}
    for template_id, node in root.member("templates").members():
        sender_node = node.member("sender")
        if sender_node.string() not in senders:
            sender_node.fail("the sender is not a key of `senders`")
        purpose = None
        if mode == "purpose":
            purpose_node = node.member("purpose")
            purpose = purpose_node.string()
            if purpose not in purposes:
                purpose_node.fail(f"`{purpose}` is not a purpose of `consent.purposes`")
        locales_of_template = {}
        content_node = node.member("locales")
        for locale, content in content_node.members():
            if locale not in locales:
                content.fail(f"the locale `{locale}` is not one of `locales.all`")
            headers = {name: _parse_liquid(value) for name, value in content.member("headers").members()}
            locales_of_template[locale] = {
                "subject": _parse_liquid(content.member("subject")),
                "html": _parse_liquid(content.member("html")),
                "text": _parse_liquid(content.member("text")),
                "headers": headers,
            }
        if default not in locales_of_template:
            content_node.fail("the template has no content in the default locale")
        templates[template_id] = {
            "sender": sender_node.string(),
            "purpose": purpose,
            "locales": locales_of_template,
        }
    bundle["templates"] = templates

    triggers = {}
    seen = set()
    for key, node in root.member("triggers").members():
        actions = []
        for item in node.items():
            trigger_node = item.member("trigger")
            trigger = trigger_node.string()
            if trigger in seen:
                trigger_node.fail(f"the trigger `{trigger}` appears twice")
            seen.add(trigger)
            template_node = item.member("template")
            if template_node.string() not in templates:
                template_node.fail("the template is not a key of `templates`")
            delay_node = item.member("delay_seconds")
            if delay_node.integer() < 0:
                delay_node.fail("`delay_seconds` must not be negative")
            once_node = item.member("once_per_contact_seconds", required=False)
            once = None
            if once_node is not None:
                once = once_node.integer()
                if once < -1:
                    once_node.fail("`once_per_contact_seconds` is -1 or more")
            active = {}
            for name in ("active_from", "active_until"):
                node_of_time = item.member(name, required=False)
                active[name] = _utc_instant(node_of_time) if node_of_time is not None else None
            if active["active_from"] is not None and active["active_until"] is not None \
                    and active["active_until"] <= active["active_from"]:
                item.fail("`active_until` must be after `active_from`")
            policies = {}
            for name in ("quiet_hours", "blackouts"):
                policy_node = item.member(name)
                policies[name] = policy_node.string()
                if policies[name] not in ("defer", "drop", "ignore"):
                    policy_node.fail(f"expected defer, drop or ignore, found `{policies[name]}`")
            cap_node = item.member("frequency_cap")
            if cap_node.string() not in ("count", "exempt"):
                cap_node.fail("expected count or exempt")
            actions.append(
                {
                    "trigger": trigger,
                    "template": template_node.string(),
                    "priority": item.member("priority").integer(),
                    "delay_seconds": delay_node.integer(),
                    "once_per_contact_seconds": once,
                    **active,
                    **policies,
                    "cap_exempt": cap_node.string() == "exempt",
                }
            )
        triggers[key] = actions
    bundle["triggers"] = triggers
    bundle["timing"] = _read_timing(root.member("timing"))
    return bundle


def _utc_instant(node):
    """An instant as bundles write them: RFC 3339 in UTC with `Z`."""
    text = node.string()
    try:
        seconds = parse_time(text)
    except ValueError:
        node.fail(f"`{text}` is not a date-time")
    if format_time(seconds) != text:
        node.fail(f"`{text}` is not written in UTC like 2026-03-14T23:00:00Z")
    return seconds


def _read_timing(node):
    """`timing` (bundle-format.md, "Members"): zones, quiet hours, the cap, blackouts."""
    zone_node = node.member("time_zone")
    node.member("tzdata").string()
    zones = {}
    for name, transitions_node in node.member("zones").members():
        transitions = []
        for item in transitions_node.items():
            pair = item.items()
            if len(pair) != 2:
                item.fail("a transition is [instant, offset]")
            instant, offset = pair[0].integer(), pair[1].integer()
            if transitions and instant <= transitions[-1][0]:
                item.fail("instants must increase")
            if abs(offset) > 26 * 3600:
                item.fail("an offset is within 26 hours")
            transitions.append((instant, offset))
        if not transitions:
            transitions_node.fail("a zone has at least one transition")
        zones[name] = transitions
    if zone_node.string() not in zones:
        zone_node.fail("`time_zone` is not a key of `zones`")
    quiet = None
    quiet_node = node.member("quiet_hours", required=False)
    if quiet_node is not None:
        start, end = quiet_node.member("start_seconds").integer(), quiet_node.member("end_seconds").integer()
        if not (0 <= start < 86400 and 0 <= end < 86400) or start == end:
            quiet_node.fail("quiet hours are two different seconds of the day")
        quiet = (start, end)
    cap = None
    cap_node = node.member("frequency_cap", required=False)
    if cap_node is not None:
        cap = (cap_node.member("emails").integer(), cap_node.member("window_seconds").integer())
        if cap[0] < 1 or cap[1] < 1:
            cap_node.fail("`emails` and `window_seconds` are at least 1")
    blackouts = []
    blackouts_node = node.member("blackouts")
    if len(blackouts_node.items()) > 100:
        blackouts_node.fail("at most 100 blackouts")
    for item in blackouts_node.items():
        start, end = _utc_instant(item.member("from")), _utc_instant(item.member("until"))
        if start >= end:
            item.fail("a blackout's `from` is before its `until`")
        if blackouts and start < blackouts[-1][0]:
            item.fail("blackouts are sorted by `from`")
        blackouts.append((start, end, item.member("reason").string()))
    return {"time_zone": zone_node.string(), "zones": zones, "quiet_hours": quiet, "cap": cap, "blackouts": blackouts}


def load_bundle(data, public_key=None):
    """Reads a bundle: parse strictly, check `format`, verify the digest (and the signature when a public
    key is given), read the members. Returns a dict the evaluation uses; raises Refused."""
    try:
        document = parse_strict_json(data)
    except ValueError as error:
        raise Refused("syntax", str(error)) from None
    if not isinstance(document, dict):
        raise Refused("malformed", "at /: expected an object")
    root = _Reader(document)
    if root.member("format").integer() != SUPPORTED_FORMAT:
        raise Refused("unsupported_format", f"format {document['format']}; this reader supports 2")
    declared = root.member("digest").string()
    computed = compute_digest(document)
    if declared != computed:
        raise Refused("digest_mismatch", f"declared {declared}, computed {computed}")
    if public_key is not None:
        verify_signature(document, computed, public_key)
    return _read_members(root)


# --- Time (bundle-format.md "Timestamps") ---------------------------------------------------------------

_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:(Z)|([+-])(\d{2}):(\d{2}))")
_EARLIEST = -62135596800  # 0001-01-01T00:00:00Z
_LATEST = 253402300799  # 9999-12-31T23:59:59Z


def _days_from_civil(year, month, day):
    year -= month <= 2
    era = (year if year >= 0 else year - 399) // 400
    yoe = year - era * 400
    doy = (153 * (month - 3 if month > 2 else month + 9) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil_from_days(days):
    z = days + 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (month <= 2), month, day


def parse_time(text):
    """Seconds since 1970-01-01T00:00:00Z of an RFC 3339 date-time with whole seconds."""
    match = _TIMESTAMP.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"{text!r} is not a date-time")
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days_in_month = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    if not (1 <= year and 1 <= month <= 12 and 1 <= day <= days_in_month[month - 1]):
        raise ValueError(f"{text!r} is not a date")
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"{text!r} is not a time")
    offset = 0
    if match.group(8):
        offset_hours, offset_minutes = int(match.group(9)), int(match.group(10))
        if offset_hours > 23 or offset_minutes > 59:
            raise ValueError(f"{text!r} has a bad offset")
        offset = (offset_hours * 3600 + offset_minutes * 60) * (-1 if match.group(8) == "-" else 1)
    seconds = _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset
    if not _EARLIEST <= seconds <= _LATEST:
        raise ValueError(f"{text!r} is outside years 0001 to 9999")
    return seconds


def format_time(seconds):
    days, second_of_day = divmod(seconds, 86400)
    year, month, day = _civil_from_days(days)
    hour, rest = divmod(second_of_day, 3600)
    minute, second = divmod(rest, 60)
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z"


# --- Evaluating an event (bundle-format.md "Evaluating an event") -----------------------------------------


def event_keys(encounter):
    keys = []
    for answer in encounter.get("answers") or []:
        keys.append(f"answer:{answer['questionnaire']}/{answer['question']}/{answer['answer']}")
    if encounter.get("support_level") is not None:
        keys.append(f"support_level:{encounter['support_level']}")
    for task in encounter.get("tasks") or []:
        keys.append(f"task:{task}")
    unique = []
    for key in keys:
        if key not in unique:
            unique.append(key)
    return unique


def _has_address(contact):
    return contact.get("email") not in (None, "")


def _stop(bundle, action, template, contact, now):
    """The first rule of step 3 that stops the candidate: (outcome, extra members), or None."""
    start, end = action["active_from"], action["active_until"]
    if (start is not None and now < start) or (end is not None and now >= end):
        return ("inactive", {"active_from": format_time(start) if start is not None else None,
                             "active_until": format_time(end) if end is not None else None})
    if not _has_address(contact):
        return ("no_address", {})
    consent = contact.get("consent") or {}
    unsubscribed = contact.get("unsubscribed") or {}
    unsubscribed_purposes = unsubscribed.get("purposes") or []
    if bundle["mode"] == "channel":
        if EMAIL_CHANNEL not in (consent.get("channels") or []):
            return ("no_consent", {})
        if unsubscribed.get("all") is True or len(unsubscribed_purposes) > 0:
            return ("unsubscribed", {})
    else:
        purpose = template["purpose"]
        if EMAIL_CHANNEL not in ((consent.get("purposes") or {}).get(purpose) or []):
            return ("no_consent", {})
        if unsubscribed.get("all") is True or purpose in unsubscribed_purposes:
            return ("unsubscribed", {})
    window = action["once_per_contact_seconds"]
    if window is not None:
        counting = [
            parse_time(entry["at"])
            for entry in contact.get("history") or []
            if entry.get("trigger") == action["trigger"] or entry.get("template") == action["template"]
        ]
        if counting:
            latest = max(counting)
            if window == -1 or now - latest < window:
                return ("once_per_contact", {"last_sent": format_time(latest)})
    cap = bundle["timing"]["cap"]
    if cap is not None and not action["cap_exempt"]:
        counted = sum(1 for entry in contact.get("history") or [] if now - parse_time(entry["at"]) < cap[1])
        if counted >= cap[0]:
            return ("frequency_cap", {"counted": counted})
    return None


# --- Local time (bundle-format.md "Local time", step 3.7) -------------------------------------------------


def _offset(zone, seconds):
    """The offset in force at `seconds`: that of the last transition at or before it (the first before all)."""
    index = bisect.bisect_right([instant for instant, _ in zone], seconds) - 1
    return zone[max(index, 0)][1]


def _next_transition(zone, seconds):
    for instant, _ in zone:
        if instant > seconds:
            return instant
    return None


def _is_quiet(quiet, second):
    start, end = quiet
    return start <= second < end if start < end else (second >= start or second < end)


def _quiet_end(quiet, zone, seconds):
    """The first instant at or after `seconds` whose local time is not quiet."""
    instant = seconds
    while True:
        second = (instant + _offset(zone, instant)) % 86400
        if not _is_quiet(quiet, second):
            return instant
        candidate = instant + (quiet[1] - second) % 86400
        following = _next_transition(zone, instant)
        if following is not None and following < candidate:
            instant = following
            continue
        return candidate


def _send_time(timing, action, now, zone):
    """("at", send_at, deferrals), ("dropped", outcome, extra) or ("out_of_range",)."""
    send_at = now + action["delay_seconds"]
    if send_at > _LATEST:
        return ("out_of_range",)
    deferrals = []
    while True:
        if action["blackouts"] != "ignore":
            blackout = next((b for b in timing["blackouts"] if b[0] <= send_at < b[1]), None)
            if blackout is not None:
                if action["blackouts"] == "drop":
                    return ("dropped", "blackout", {"until": format_time(blackout[1]), "reason": blackout[2]})
                deferrals.append({"reason": "blackout", "from": format_time(send_at), "until": format_time(blackout[1]),
                                  "blackout": blackout[2]})
                send_at = blackout[1]
                continue
        quiet = timing["quiet_hours"]
        if action["quiet_hours"] != "ignore" and quiet is not None \
                and _is_quiet(quiet, (send_at + _offset(zone, send_at)) % 86400):
            end = _quiet_end(quiet, zone, send_at)
            if end > _LATEST:
                return ("out_of_range",)
            if action["quiet_hours"] == "drop":
                return ("dropped", "quiet_hours", {"until": format_time(end)})
            deferrals.append({"reason": "quiet_hours", "from": format_time(send_at), "until": format_time(end),
                              "blackout": None})
            send_at = end
            continue
        return ("at", send_at, deferrals)


def contact_zone(timing, requested):
    """The zone of local times: the contact's when the bundle has it, else the workspace's."""
    if requested is not None and requested in timing["zones"]:
        return requested, "contact"
    return timing["time_zone"], ("workspace" if requested is None else "workspace_fallback")


def _normalise_locale(locale):
    return "".join(c.lower() if "A" <= c <= "Z" else ("-" if c == "_" else c) for c in locale)


def choose_locale(bundle, template, requested):
    """Step 5: (locale, match)."""
    if requested in (None, ""):
        return bundle["default_locale"], "default"
    wanted = _normalise_locale(requested)
    available = [locale for locale in bundle["locales"] if locale in template["locales"]]
    for locale in available:
        if _normalise_locale(locale) == wanted:
            return locale, "exact"
    if "-" in wanted:
        language = wanted.split("-", 1)[0]
        for locale in available:
            if _normalise_locale(locale) == language:
                return locale, "language"
    return bundle["default_locale"], "default"


_FORBIDDEN_RANGES = [
    (0x00, 0x1F), (0x7F, 0x9F), (0xAD, 0xAD), (0x34F, 0x34F), (0x61C, 0x61C), (0x115F, 0x1160), (0x180E, 0x180E),
    (0x200B, 0x200B), (0x200E, 0x200F), (0x2028, 0x2029), (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F),
    (0x3164, 0x3164), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xE0000, 0xE007F),
]
_SPACES = {0xA0, 0x1680, 0x202F, 0x205F, 0x3000} | set(range(0x2000, 0x200B))
_ATEXT = set("!#$%&'*+-/=?^_`{|}~")
_URI_CHARACTERS = set("-._~:/?#[]@!$&'()*+,;=")


def is_forbidden_in_header(character):
    """What a header value may not hold (bundle-format.md, "What a header may hold")."""
    code = ord(character)
    return any(low <= code <= high for low, high in _FORBIDDEN_RANGES)


def _ascii_alphanumeric(character):
    return character.isascii() and character.isalnum()


def _other_character(character):
    code = ord(character)
    return code >= 0xA0 and not is_forbidden_in_header(character) and code not in _SPACES


def is_address(address):
    """An addr-spec a message may be sent to: dot-atom local part, domain labels."""
    if len(address) > 254 or address.count("@") != 1:
        return False
    local, domain = address.split("@")
    if not 1 <= len(local) <= 64 or not domain:
        return False
    for atom in local.split("."):
        if not atom or not all(_ascii_alphanumeric(c) or c in _ATEXT or _other_character(c) for c in atom):
            return False
    for label in domain.split("."):
        if not 1 <= len(label) <= 63 or label[0] == "-" or label[-1] == "-":
            return False
        if not all(_ascii_alphanumeric(c) or c == "-" or _other_character(c) for c in label):
            return False
    return True


def is_unsubscribe_url(url):
    """An absolute https URI of RFC 3986 characters, with a host and no user information."""
    prefix = "https://"
    if len(url) <= len(prefix) or "".join(c.lower() if "A" <= c <= "Z" else c for c in url[:len(prefix)]) != prefix:
        return False
    index = 0
    while index < len(url):
        character = url[index]
        if character == "%":
            digits = url[index + 1:index + 3]
            if len(digits) != 2 or not all(c in "0123456789abcdefABCDEF" for c in digits):
                return False
            index += 3
            continue
        if not (_ascii_alphanumeric(character) or character in _URI_CHARACTERS):
            return False
        index += 1
    rest = url[len(prefix):]
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if "@" in authority:
        return False
    return authority.split(":", 1)[0] != ""


def check_headers(message):
    """Every rendered header value: the subject, the headers in name order, the To display name."""
    values = [("subject", message["subject"])]
    values += [(name, message["headers"][name]) for name in sorted(message["headers"])]
    values.append(("to.name", message["to"]["name"]))
    for field, value in values:
        for offset, character in enumerate(value):
            if is_forbidden_in_header(character):
                raise EvaluationFailed("unsafe_header", f"{field} holds U+{ord(character):04X} at {offset}")


MAXIMUM_LENGTH = 4_000_000
TEXT_WIDTH = 78


def wrap_text(text):
    """The Rendering section's wrapping rule (format 2): a rendered line longer than 78 code points keeps
    its prefix (leading spaces and `>`, then a list marker `- ` or `N. ` whose width in spaces starts the
    continuation lines), its words (split at U+0020) are refilled greedily joined by one
    space, continuation lines repeat the prefix; a word longer than a line stands alone, whole."""
    out = []
    for line in text.split("\n"):
        if len(line) <= TEXT_WIDTH:
            out.append(line)
            continue
        stripped = line.lstrip(" >")
        prefix = line[: len(line) - len(stripped)]
        marker = re.match(r"- |[0-9]+\. ", stripped)
        current, has_word = prefix, False
        if marker:  # a list item: its continuation lines are indented by the marker's width
            current, stripped = prefix + marker.group(0), stripped[marker.end():]
            prefix += " " * marker.end()
        for word in (w for w in stripped.split(" ") if w):
            if has_word and len(current) + 1 + len(word) > TEXT_WIDTH:
                out.append(current)
                current, has_word = prefix, False
            current += (" " if has_word else "") + word
            has_word = True
        out.append(current)
    return "\n".join(out)


def render_email(bundle, template_id, locale, contact):
    """The Rendering section: subject, html, text and headers with Liquid, auto-escaping off."""
    template = bundle["templates"][template_id]
    content = template["locales"][locale]
    context = dict(bundle["globals"][locale])
    fields = dict(contact.get("fields") or {})
    if contact.get("email") is not None:
        fields["mail"] = contact["email"]
    context["contact"] = fields
    context["unsubscribe_url"] = contact["unsubscribe_url"]

    def render(parsed, where):
        try:
            text = parsed.render(**context)
        except (liquid.exceptions.LiquidError, RenderFailure) as error:
            raise EvaluationFailed("render", f"{where}: {error}") from None
        if len(text) > MAXIMUM_LENGTH:  # each part on its own (a capture's own bound is not checked here)
            raise EvaluationFailed("render", f"{where}: longer than {MAXIMUM_LENGTH} code points")
        return text

    pointer = f"/templates/{template_id}/locales/{locale}"
    headers = {name: render(value, f"{pointer}/headers/{name}") for name, value in content["headers"].items()}
    sender = bundle["senders"][template["sender"]]
    names = [fields.get(name) for name in ("firstname", "surname")]
    to_name = " ".join(name for name in names if isinstance(name, str) and name != "")
    return {
        "from": dict(sender["from"]),
        "reply_to": sender["reply_to"],
        "to": {"name": to_name, "address": contact.get("email") or ""},
        "subject": render(content["subject"], f"{pointer}/subject"),
        "headers": headers,
        "text": wrap_text(render(content["text"], f"{pointer}/text")),
        "html": render(content["html"], f"{pointer}/html"),
    }


def evaluate(bundle, event):
    """The decision for one event (a dict parsed from the event JSON), as the JSON-ready dict of
    bundle-format.md "The decision"."""
    now = parse_time(event["time"])
    contact = event["contact"]
    keys = []
    candidates = []
    for key in event_keys(event.get("encounter") or {}):
        actions = bundle["triggers"].get(key, [])
        keys.append({"key": key, "triggers": [action["trigger"] for action in actions]})
        candidates.extend((key, action) for action in actions)
    # Priority descending, then trigger id in code point order (Python compares str by code point).
    candidates.sort(key=lambda pair: (-pair[1]["priority"], pair[1]["trigger"]))

    listed = []
    winner = None
    winner_time = None
    zone_name, zone_source = contact_zone(bundle["timing"], contact.get("time_zone"))
    zone = bundle["timing"]["zones"][zone_name]
    for key, action in candidates:
        template = bundle["templates"][action["template"]]
        stopped = _stop(bundle, action, template, contact, now)
        send_time = None
        if stopped is None:
            send_time = _send_time(bundle["timing"], action, now, zone)
            if send_time[0] == "dropped":
                stopped = (send_time[1], send_time[2])
        entry = {
            "trigger": action["trigger"],
            "template": action["template"],
            "key": key,
            "priority": action["priority"],
            "purpose": template["purpose"],
            "delay_seconds": action["delay_seconds"],
            "once_per_contact_seconds": action["once_per_contact_seconds"],
        }
        if stopped is not None:
            entry["outcome"] = stopped[0]
            entry.update(stopped[1])
        elif winner is None:
            winner = action
            winner_time = send_time
            entry["outcome"] = "sent"
        else:
            entry["outcome"] = "lower_priority"
            entry["outranked_by"] = winner["trigger"]
        listed.append(entry)

    email = None
    if winner is not None:
        if winner_time[0] != "at":
            raise EvaluationFailed("send_time_out_of_range", f"{winner['trigger']} would send after the year 9999")
        send_at, deferrals = winner_time[1], winner_time[2]
        template = bundle["templates"][winner["template"]]
        locale, match = choose_locale(bundle, template, contact.get("locale"))
        if not is_address(contact.get("email") or ""):
            raise EvaluationFailed("invalid_address", "the contact's email is not an addr-spec")
        if not is_unsubscribe_url(contact["unsubscribe_url"]):
            raise EvaluationFailed("invalid_unsubscribe_url", "the unsubscribe_url is not an absolute https URI")
        message = render_email(bundle, winner["template"], locale, contact)
        check_headers(message)
        email = {
            "trigger": winner["trigger"],
            "template": winner["template"],
            "locale": locale,
            "locale_match": match,
            "delay_seconds": winner["delay_seconds"],
            "send_at": format_time(send_at),
            **message,
            "record": {"trigger": winner["trigger"], "template": winner["template"], "at": format_time(send_at)},
            "deferrals": deferrals,
        }
    return {
        "format": 2,
        "time_zone": {"name": zone_name, "source": zone_source},
        "bundle": {"workspace": bundle["workspace_id"], "digest": bundle["digest"]},
        "time": format_time(now),
        "keys": keys,
        "candidates": listed,
        "email": email,
    }
