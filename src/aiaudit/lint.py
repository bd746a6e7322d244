"""Lint a resolved checklist against the frameworks catalog: references resolve, every item cites a clause."""

from __future__ import annotations

from .diagnostics import Diagnostic
from .library import clause_index
from .loading import Document
from .model import Checklist


def lint_checklist(checklist: Checklist, doc: Document) -> list[Diagnostic]:
    """E306 for a reference not in the catalog, E307 for an item without references (own items only)."""
    clauses = clause_index()
    out: list[Diagnostic] = []
    own = _own_item_paths(doc)
    for item in checklist.items:
        where = own.get(item.id)
        if where is None:
            continue  # included items are linted in their own checklist
        if not item.refs:
            out.append(doc.diagnostic("E307", f"item {item.id} refers to no framework clause", where + ("refs",)))
        for n, ref in enumerate(item.refs):
            if ref not in clauses:
                out.append(
                    doc.diagnostic(
                        "E306", f"item {item.id}: clause {ref!r} is not in the frameworks catalog", where + ("refs", n)
                    )
                )
    return out


def _own_item_paths(doc: Document) -> dict[str, tuple]:
    return {
        item["id"]: ("sections", s, "items", i)
        for s, section in enumerate(doc.data.get("sections", []))
        for i, item in enumerate(section.get("items", []))
    }
