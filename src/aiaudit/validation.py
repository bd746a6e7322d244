"""Validate any aiaudit file: detect its kind, check it against its schema, then its meaning."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, DiagnosticError
from .i18n import Msg
from .loading import DEFAULT_MAX_BYTES, Document, load_file
from .schemas import available_kinds, schema_diagnostics

#: Per kind, the function ("module:function") that returns a document's diagnostics beyond loading.
#: Each takes ``(doc, options)`` and returns a list of diagnostics, schema errors included.
CHECKS = {
    "audit": "aiaudit.validation:_audit_checks",
    "checklist": "aiaudit.validation:_checklist_checks",
    "framework": "aiaudit.library.lint:framework_checks",
    "policy": "aiaudit.policy.load:check_document",
    "rubric": "aiaudit.grading.rubric:rubric_checks",
    "report": "aiaudit.validation:_schema_only",  # JSON reports (`aiaudit report -o report.json`)
}


@dataclass(frozen=True)
class Options:
    max_bytes: int = DEFAULT_MAX_BYTES
    allow_outside_evidence: bool = False


@dataclass(frozen=True)
class FileResult:
    """The outcome of validating one file."""

    path: str
    kind: str | None
    diagnostics: tuple[Diagnostic, ...]


def validate_file(path: str | Path, options: Options = Options()) -> FileResult:
    """Validate one file of any kind; never raises for bad input."""
    name = str(path)
    try:
        doc = load_file(path, max_bytes=options.max_bytes, name=name)
    except DiagnosticError as exc:
        return FileResult(name, None, tuple(exc.diagnostics))
    kind = doc.data.get("kind")
    if not isinstance(kind, str) or kind not in CHECKS or kind not in available_kinds():
        known = ", ".join(k for k in CHECKS if k in available_kinds())
        if "kind" in doc.data:
            problem = doc.diagnostic("E107", Msg("schema.unknown_kind", kind=repr(kind), known=known), ("kind",))
        else:
            problem = doc.diagnostic("E107", Msg("schema.missing_kind", known=known))
        return FileResult(name, None, (problem,))
    module, func = CHECKS[kind].split(":")
    check = getattr(importlib.import_module(module), func)
    return FileResult(name, kind, tuple(sorted(set(check(doc, options)))))


def _schema_only(doc: Document, options: Options) -> list[Diagnostic]:
    return schema_diagnostics(doc, doc.data["kind"])


def _checklist_checks(doc: Document, options: Options) -> list[Diagnostic]:
    from .library.checklists import checklist_from_document

    checklist, problems = checklist_from_document(doc)
    if checklist is not None:
        try:
            from .library.lint import lint_checklist  # the library's lint, when present
        except ImportError:  # pragma: no cover
            return problems
        problems = problems + lint_checklist(checklist, doc)
    return problems


def _audit_checks(doc: Document, options: Options) -> list[Diagnostic]:
    from .audit.load import audit_from_document

    _, problems = audit_from_document(doc, allow_outside=options.allow_outside_evidence, max_bytes=options.max_bytes)
    return problems
