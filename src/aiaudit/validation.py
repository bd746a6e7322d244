"""Validate any aiaudit file: detect its kind, check it against its schema, then its meaning."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from .diagnostics import Diagnostic, DiagnosticError
from .i18n import Msg
from .loading import DEFAULT_MAX_BYTES, Document, load_file
from .records import record
from .schemas import available_kinds, schema_diagnostics


@record
class Options:
    max_bytes: int = DEFAULT_MAX_BYTES
    allow_outside_evidence: bool = False


@record
class FileResult:
    """The outcome of validating one file."""

    path: str
    kind: str | None
    diagnostics: tuple[Diagnostic, ...]


@record
class Kind:
    """A file kind: its name (the top-level ``kind:``) and the check that gives a document's diagnostics.

    ``check(doc, options)`` returns every diagnostic beyond loading, schema errors included. The
    table of kinds is assembled by the caller (the CLI), so this core module imports no feature.
    """

    name: str
    check: Callable[[Document, Options], list[Diagnostic]]


def validate_file(path: str | Path, kinds: Mapping[str, Kind], options: Options | None = None) -> FileResult:
    """Validate one file of any of ``kinds``; never raises for bad input."""
    options = options or Options()
    name = str(path)
    try:
        doc = load_file(path, max_bytes=options.max_bytes, name=name)
    except DiagnosticError as exc:
        return FileResult(name, None, tuple(exc.diagnostics))
    kind = doc.data.get("kind")
    if not isinstance(kind, str) or kind not in kinds or kind not in available_kinds():
        known = ", ".join(k for k in kinds if k in available_kinds())
        if "kind" in doc.data:
            problem = doc.diagnostic("E107", Msg("schema.unknown_kind", kind=repr(kind), known=known), ("kind",))
        else:
            problem = doc.diagnostic("E107", Msg("schema.missing_kind", known=known))
        return FileResult(name, None, (problem,))
    return FileResult(name, kind, tuple(sorted(set(kinds[kind].check(doc, options)))))


def schema_only(doc: Document, options: Options) -> list[Diagnostic]:
    """The check of kinds that have no meaning beyond their schema (JSON reports)."""
    return schema_diagnostics(doc, doc.data["kind"])
