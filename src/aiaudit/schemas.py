"""The JSON Schemas shipped in the package, one per kind, with an offline registry for ``$ref``."""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import resources

from .diagnostics import Diagnostic
from .loading import Document

#: Kinds with a schema; ``common`` only holds shared definitions.
KINDS = ("checklist", "audit", "framework", "policy", "rubric", "report")


def _schema_files() -> dict[str, str]:
    folder = resources.files("aiaudit").joinpath("schemas")
    return {
        entry.name.split(".")[0]: entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".schema.json")
    }


@cache
def _all() -> dict[str, dict]:
    return {name: json.loads(text) for name, text in _schema_files().items()}


def available_kinds() -> list[str]:
    return sorted(k for k in _all() if k != "common")


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
    return json.dumps(inlined(kind), ensure_ascii=False, indent=2) + "\n"


@cache
def _fast(kind: str):
    """A compiled validator (jsonschema-rs) for the valid-file fast path, or None where it is unavailable."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - the pure-Python path still validates everything
        return None
    # The inlined schema has no external $ref, so nothing is ever resolved over the network.
    return jsonschema_rs.validator_for(inlined(kind))


def is_valid(kind: str, data) -> bool:
    """Whether ``data`` is valid for ``kind``: fast (compiled) when possible."""
    fast = _fast(kind)
    return fast.is_valid(data) if fast is not None else not any(True for _ in validator(kind).iter_errors(data))


@cache
def _registry():
    from referencing import Registry, Resource

    # An explicit registry: unknown $refs fail instead of being fetched from the network.
    return Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in _all().values())


@cache
def validator(kind: str):
    """A reusable pure-Python validator for ``kind`` (built once); it gives every error with its path."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(kind), registry=_registry())


_TYPE_NAMES = {dict: "mapping", list: "list", str: "string", bool: "boolean", int: "integer", float: "number", type(None): "null"}
_VALUE_KEYWORDS = {
    "enum",
    "const",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "format",
    "minProperties",
    "maxProperties",
}


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
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
    return sorted(set(out))


def _convert(doc: Document, error) -> list[Diagnostic]:
    path = tuple(error.absolute_path)
    keyword = error.validator
    if keyword in ("oneOf", "anyOf") and error.context:
        # Show the most useful of the alternatives' errors rather than "not valid under any".
        deep = [e for e in error.context if len(e.absolute_path) > len(path) or e.validator == "additionalProperties"]
        if deep:
            from jsonschema.exceptions import best_match

            return _convert(doc, best_match(deep))
    if keyword == "type":
        expected = error.validator_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        got = _TYPE_NAMES.get(type(error.instance), type(error.instance).__name__)
        return [doc.diagnostic("E201", f"expected {expected}, got {got} {_short(error.instance, 40)}", path)]
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(error.schema.get("properties", {}))
        out = []
        for key in error.instance:
            if key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                tip = f"; did you mean {hint[0]!r}?" if hint else (f"; allowed: {', '.join(allowed)}" if allowed else "")
                out.append(doc.diagnostic("E202", f"unknown key {key!r}{tip}", path + (key,), key=True))
        return out
    if keyword == "required":
        missing = [k for k in error.validator_value if isinstance(error.instance, dict) and k not in error.instance]
        return [doc.diagnostic("E203", f"missing required key {k!r}", path) for k in missing] or [
            doc.diagnostic("E203", error.message, path)
        ]
    if keyword == "enum":
        choices = ", ".join(map(str, error.validator_value))
        return [doc.diagnostic("E204", f"{_short(error.instance)} is not one of: {choices}", path)]
    if keyword == "const":
        return [doc.diagnostic("E204", f"expected {error.validator_value!r}, got {_short(error.instance)}", path)]
    if keyword == "pattern":
        return [doc.diagnostic("E204", f"{_short(error.instance)} does not match the pattern {error.validator_value}", path)]
    if keyword == "propertyNames":
        return [
            doc.diagnostic("E204", f"key {_short(error.instance)} is not a valid id here", path + (error.instance,), key=True)
        ]
    if keyword in _VALUE_KEYWORDS:
        return [doc.diagnostic("E204", _short(error.message, 200), path)]
    return [doc.diagnostic("E205", _short(error.message, 200), path)]
