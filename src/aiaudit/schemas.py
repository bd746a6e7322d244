"""The JSON Schemas shipped in the package, one per kind, with an offline registry for ``$ref``."""

from __future__ import annotations

import math
import os
import re
from functools import cache

from .cache import Store, files_signature
from .diagnostics import Diagnostic
from .i18n import Msg
from .loading import Document
from .paths import PACKAGE_DIR
from .text import lazy_pattern

#: Kinds with a schema; ``common`` only holds shared definitions.
KINDS = ("checklist", "audit", "framework", "policy", "rubric", "report")
_FOLDER = PACKAGE_DIR / "schemas"
#: Self-contained schemas (see :func:`inlined`), kept with marshal in the user's cache: a command that
#: checks one kind of file neither reads nor decodes the other schemas (nor imports ``json``).
_INLINED = Store("schemas", code=("schemas.py",), limit=16, plain=True)


def _schema_files() -> dict[str, str]:
    return {
        entry.name.split(".")[0]: entry.read_text(encoding="utf-8")
        for entry in _FOLDER.iterdir()
        if entry.name.endswith(".schema.json")
    }


@cache
def _all() -> dict[str, dict]:
    import json

    return {name: json.loads(text) for name, text in _schema_files().items()}


@cache
def _kinds() -> tuple[str, ...]:
    names = (entry.name.split(".")[0] for entry in os.scandir(_FOLDER) if entry.name.endswith(".schema.json"))
    return tuple(sorted(name for name in names if name != "common"))


def available_kinds() -> list[str]:
    return list(_kinds())


def schema(kind: str) -> dict:
    """The JSON Schema of ``kind``."""
    return _all()[kind]


def _rewrite_refs(node, rewrite):
    if isinstance(node, dict):
        return {k: (rewrite(v) if k == "$ref" else _rewrite_refs(v, rewrite)) for k, v in node.items()}
    if isinstance(node, list):
        return [_rewrite_refs(v, rewrite) for v in node]
    return node


@cache
def inlined(kind: str) -> dict:
    """The schema of ``kind`` with the shared definitions copied in: one self-contained document."""
    signature = files_signature([_FOLDER / f"{kind}.schema.json", _FOLDER / "common.schema.json"])
    return _INLINED.keep(f"{kind}-{signature}" if signature else None, dict, lambda: _inline(kind))


def _inline(kind: str) -> dict:
    import json

    prefix = "common.json#/$defs/"
    doc = _rewrite_refs(schema(kind), lambda ref: "#/$defs/common-" + ref[len(prefix) :] if ref.startswith(prefix) else ref)
    common = _rewrite_refs(
        _all()["common"]["$defs"], lambda ref: "#/$defs/common-" + ref[len("#/$defs/") :] if ref.startswith("#/$defs/") else ref
    )
    if json.dumps(doc).find("#/$defs/common-") >= 0:
        doc.setdefault("$defs", {}).update({f"common-{k}": v for k, v in common.items()})
    return doc


def schema_text(kind: str) -> str:
    """The schema of ``kind`` as text, self-contained so editors need one file."""
    import json

    return json.dumps(inlined(kind), ensure_ascii=False, indent=2) + "\n"


@cache
def _fast(kind: str):
    """A compiled validator (jsonschema-rs) for the valid-file fast path."""
    import jsonschema_rs

    # The inlined schema has no external $ref, so nothing is ever resolved over the network.
    return jsonschema_rs.validator_for(inlined(kind))


def is_valid(kind: str, data) -> bool:
    """Whether ``data`` is valid for ``kind`` (compiled validator; invalid files then go through :func:`validator`)."""
    return _fast(kind).is_valid(data)


@cache
def _registry():
    from referencing import Registry, Resource

    # An explicit registry: unknown $refs fail instead of being fetched from the network.
    return Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in _all().values())


@cache
def validator(kind: str):
    """A reusable pure-Python validator for ``kind`` (built once); it gives every error with its path.

    It must agree with the compiled validator on every input (``tests/core/test_schema_agreement.py``),
    so it follows the same rules where Python's defaults differ: patterns use ECMA-262 semantics
    (``$`` only at the very end, ``\\d`` only ASCII digits) and NaN and infinities are not numbers.
    """
    return _validator_class()(schema(kind), registry=_registry())


@cache
def _validator_class():
    from jsonschema import Draft202012Validator, ValidationError
    from jsonschema.validators import extend

    def pattern(validator, patrn, instance, schema):
        if validator.is_type(instance, "string") and not _ecma_pattern(patrn).search(instance):
            yield ValidationError(f"{instance!r} does not match {patrn!r}")

    checker = Draft202012Validator.TYPE_CHECKER.redefine_many({"number": _is_number, "integer": _is_integer})
    return extend(Draft202012Validator, validators={"pattern": pattern}, type_checker=checker)


def _is_number(checker, instance) -> bool:
    if isinstance(instance, bool):
        return False
    if isinstance(instance, float):
        return math.isfinite(instance)
    return isinstance(instance, int)


def _is_integer(checker, instance) -> bool:
    if isinstance(instance, float):
        return math.isfinite(instance) and instance.is_integer()
    return isinstance(instance, int) and not isinstance(instance, bool)


#: A backslash escape, a character class, or a bare ``$``.
_PATTERN_TOKENS = lazy_pattern(r"\\.|\[(?:\\.|[^\]\\])*\]|\$", re.DOTALL)


@cache
def _ecma_pattern(pattern: str) -> re.Pattern:
    """A schema ``pattern`` compiled with ECMA-262 meaning, as the compiled validator reads it."""
    translated = _PATTERN_TOKENS.sub(lambda m: r"\Z" if m.group(0) == "$" else m.group(0), pattern)
    return re.compile(translated, re.ASCII)


_TYPE_NAMES = {dict: "mapping", list: "list", str: "string", bool: "boolean", int: "integer", float: "number", type(None): "null"}


def _short(value: object, limit: int = 60) -> str:
    return _clip(repr(value), limit)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def schema_diagnostics(doc: Document, kind: str) -> list[Diagnostic]:
    """Validate ``doc`` against the schema of ``kind``; every error located at its line and column.

    Valid files (the common case) take a compiled fast path; only invalid ones pay for the
    pure-Python validator, which reports every error with its path.
    """
    if is_valid(kind, doc.data):
        return []
    out: list[Diagnostic] = []
    for error in validator(kind).iter_errors(doc.data):
        out.extend(_convert(doc, error))
    if not out:  # the two validators disagree: never let the file pass without a word
        out.append(doc.diagnostic("E205", Msg("schema.mismatch")))
    return sorted(set(out))


def _convert(doc: Document, error) -> list[Diagnostic]:
    path = tuple(error.absolute_path)
    keyword = error.validator
    if keyword in ("oneOf", "anyOf") and error.context:
        # Show the most useful of the alternatives' errors rather than "not valid under any".
        deep = [e for e in error.context if len(e.absolute_path) > len(path) or e.validator == "additionalProperties"]
        # When the value names the required key of exactly one alternative (e.g. `not:` in a
        # condition), that alternative is the one the author meant: report only its errors.
        if isinstance(error.instance, dict):
            meant = [
                n
                for n, alt in enumerate(error.validator_value)
                if isinstance(alt, dict) and alt.get("required") and set(alt["required"]) <= set(error.instance)
            ]
            if len(meant) == 1:
                chosen = [e for e in error.context if e.relative_schema_path and e.relative_schema_path[0] == meant[0]]
                deep = [e for e in chosen if len(e.absolute_path) > len(path) or e.validator != "required"] or deep
        if deep:
            from jsonschema.exceptions import best_match

            return _convert(doc, best_match(deep))
    if keyword == "type":
        if isinstance(error.instance, float) and not math.isfinite(error.instance):
            return [doc.diagnostic("E204", Msg("schema.not_finite", value=repr(error.instance)), path)]
        return [doc.diagnostic("E201", _type_message(error.validator_value, error.instance), path)]
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        out = []
        for key in error.instance:
            if key not in allowed:
                import difflib

                hint = difflib.get_close_matches(key, allowed, n=1)
                if hint:
                    message = Msg("schema.unknown_key_hint", key=repr(key), hint=repr(hint[0]))
                elif allowed:
                    message = Msg("schema.unknown_key_allowed", key=repr(key), allowed=", ".join(allowed))
                else:
                    message = Msg("schema.unknown_key", key=repr(key))
                out.append(doc.diagnostic("E202", message, path + (key,), key=True))
        return out
    if keyword == "required":
        missing = [k for k in error.validator_value if isinstance(error.instance, dict) and k not in error.instance]
        return [doc.diagnostic("E203", Msg("schema.missing_key", key=repr(k)), path) for k in missing] or [
            doc.diagnostic("E203", Msg("schema.other", error=_clip(error.message, 200)), path)
        ]
    if keyword == "enum":
        choices = ", ".join(map(str, error.validator_value))
        return [doc.diagnostic("E204", Msg("schema.enum", value=_short(error.instance), choices=choices), path)]
    if keyword == "const":
        message = Msg("schema.const", expected=repr(error.validator_value), value=_short(error.instance))
        return [doc.diagnostic("E204", message, path)]
    if keyword == "pattern":
        message = Msg("schema.pattern", value=_short(error.instance), pattern=error.validator_value)
        return [doc.diagnostic("E204", message, path)]
    if keyword == "propertyNames":
        message = Msg("schema.key_name", key=_short(error.instance))
        return [doc.diagnostic("E204", message, path + (error.instance,), key=True)]
    if keyword in ("oneOf", "anyOf"):
        return [doc.diagnostic("E205", _alternatives_message(error), path)]
    value_message = _value_message(keyword, error.validator_value, error.instance)
    if value_message is not None:
        return [doc.diagnostic("E204", value_message, path)]
    return [doc.diagnostic("E205", Msg("schema.other", error=_clip(error.message, 200)), path)]


def _type_message(expected: object, instance: object) -> Msg:
    """E201: the expected type(s) and the value found, named in YAML terms."""
    got = _TYPE_NAMES.get(type(instance), type(instance).__name__)
    value = _short(instance, 40)
    if isinstance(expected, list) and len(expected) == 1:
        expected = expected[0]
    if isinstance(expected, list):
        return Msg("schema.type_any", types=", ".join(expected), got=got, value=value)
    make = _TYPE_MSGS.get(str(expected))
    if make is None:  # pragma: no cover - every JSON Schema type is in the table
        return Msg("schema.type_any", types=str(expected), got=got, value=value)
    return make(got, value)


#: One catalog entry per expected type, so that the Korean text names the type in Korean.
_TYPE_MSGS = {
    "string": lambda got, value: Msg("schema.type_string", got=got, value=value),
    "integer": lambda got, value: Msg("schema.type_integer", got=got, value=value),
    "number": lambda got, value: Msg("schema.type_number", got=got, value=value),
    "boolean": lambda got, value: Msg("schema.type_boolean", got=got, value=value),
    "array": lambda got, value: Msg("schema.type_array", got=got, value=value),
    "object": lambda got, value: Msg("schema.type_object", got=got, value=value),
    "null": lambda got, value: Msg("schema.type_null", got=got, value=value),
}


def _alternatives_message(error) -> Msg:
    """E205 for oneOf/anyOf whose alternatives only differ by a required key: name the keys."""
    alternatives = error.validator_value if isinstance(error.validator_value, list) else []
    keys = [k for alt in alternatives if isinstance(alt, dict) and set(alt) == {"required"} for k in alt["required"]]
    if keys and len(keys) == len(alternatives):
        names = ", ".join(keys)
        if error.context:  # no alternative matched
            return Msg("schema.needs_one_of", keys=names)
        return Msg("schema.only_one_of", keys=names)  # several matched (oneOf)
    if error.context or error.validator == "anyOf":
        return Msg("schema.no_alternative", value=_short(error.instance))
    return Msg("schema.several_alternatives", value=_short(error.instance))


#: Range, length and size keywords: (catalog key, whether the message shows the value or a count).
_BOUND_MSGS = {
    "minLength": ("schema.min_length", "value"),
    "maxLength": ("schema.max_length", "value"),
    "minimum": ("schema.minimum", "value"),
    "maximum": ("schema.maximum", "value"),
    "exclusiveMinimum": ("schema.exclusive_minimum", "value"),
    "exclusiveMaximum": ("schema.exclusive_maximum", "value"),
    "minItems": ("schema.min_items", "count"),
    "maxItems": ("schema.max_items", "count"),
    "minProperties": ("schema.min_properties", "count"),
    "maxProperties": ("schema.max_properties", "count"),
}


def _value_message(keyword: str, limit: object, instance: object) -> Msg | None:
    """E204 for range, length and size keywords, in our words rather than the validator's."""
    value = _short(instance)
    size = len(instance) if isinstance(instance, (str, list, dict)) else 0
    if keyword in ("minLength", "minItems", "minProperties") and limit == 1 and size == 0:
        return Msg("schema.empty")
    if keyword in _BOUND_MSGS:
        key, what = _BOUND_MSGS[keyword]
        if what == "value":
            return Msg(key, value=value, limit=limit, length=size)  # messages use the fields they need
        return Msg(key, count=size, limit=limit)
    if keyword == "uniqueItems":
        return Msg("schema.unique_items", duplicates=", ".join(_duplicates(instance)))
    if keyword == "format":
        return Msg("schema.format", value=value, format=str(limit))
    return None


def _duplicates(values: object) -> list[str]:
    """The values a list holds more than once, each shown once."""
    seen: list[object] = []
    out: list[str] = []
    for value in values if isinstance(values, list) else ():
        shown = _short(value, 40)
        if value in seen and shown not in out:
            out.append(shown)
        seen.append(value)
    return out
