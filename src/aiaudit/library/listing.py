"""Views of the library for the command line: checklists and frameworks listed, shown and covered.

Every view returns text (plain ``text``, GitHub ``md`` or ``json``); the CLI decides where it goes.
JSON output is language-independent (texts as ``{en, ko}``); text and Markdown use ``lang``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, DiagnosticError, UsageError
from ..i18n import Msg, t
from ..loading import DEFAULT_MAX_BYTES
from ..model import Checklist, Framework, Item, Text
from ..records import record
from ..text import md_escape, one_line, pad, percent, width
from .builtins import builtin_checklist_ids, builtin_checklist_path
from .catalog import frameworks
from .checklists import builtin_checklist, load_checklist
from .coverage import Coverage, referenced_frameworks
from .lint import looks_like_id, target_coverages

FORMATS = ("text", "md", "json")


def resolve_checklist(source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Checklist:
    """A checklist by built-in id or path; an unknown id names the built-ins instead of "no such file"."""
    if builtin_checklist_path(source) is None and not Path(source).exists() and looks_like_id(source):
        known = ", ".join(builtin_checklist_ids()) or "-"
        raise UsageError(Msg("browse.no_checklist", checklist=repr(source), known=known))
    return load_checklist(source, max_bytes=max_bytes)


# --- checklists list ---------------------------------------------------------------------------


@record
class Listed:
    """One built-in checklist in ``checklists list``; ``problem`` is set when it does not load."""

    id: str
    checklist: Checklist | None
    problem: Diagnostic | None = None


def builtin_listing() -> list[Listed]:
    """Every built-in checklist, loaded (a broken one keeps its first diagnostic as ``problem``)."""
    out = []
    for cid in builtin_checklist_ids():
        try:
            out.append(Listed(cid, builtin_checklist(cid)))
        except DiagnosticError as exc:
            errors = [d for d in exc.diagnostics if d.severity == "error"] or exc.diagnostics
            out.append(Listed(cid, None, errors[0] if errors else None))
    return out


def _includes(checklist: Checklist) -> list[str]:
    """The checklists whose items this one includes, in first-seen order."""
    seen: list[str] = []
    for item in checklist.items:
        if item.origin != checklist.id and item.origin not in seen:
            seen.append(item.origin)
    return seen


def render_checklist_list(listing: list[Listed], fmt: str, lang: str) -> str:
    """``aiaudit checklists list``: id, version, counts, coverage of the frameworks it targets, title."""
    if fmt == "json":
        return _json({"checklists": [_listed_json(entry, lang) for entry in listing]})
    headers = [t(f"library.col.{k}", lang) for k in ("id", "version", "items", "sections", "title", "frameworks")]
    full = [e for e in listing if e.checklist is None or e.checklist.module is None]
    modules = [e for e in listing if e.checklist is not None and e.checklist.module is not None]
    out = _checklist_rows(full, headers, fmt, lang)
    if modules:
        heading = t("library.list.modules", lang)
        out += ("\n" if fmt == "text" else "\n") + (f"## {heading}\n\n" if fmt == "md" else f"{heading}\n")
        out += _checklist_rows(modules, headers, fmt, lang, reasons=True)
    return out


def _checklist_rows(listing: list[Listed], headers: list[str], fmt: str, lang: str, reasons: bool = False) -> str:
    rows = []
    for entry in listing:
        c = entry.checklist
        if c is None:
            rows.append([entry.id, "", "", "", t("library.list.invalid", lang), ""])
            continue
        targets = target_coverages(c)
        label = (lambda fw: fw.short.get(lang)) if fmt == "md" else (lambda fw: fw.id)
        fws = ", ".join(f"{label(cov.framework)} {cov.covered}/{cov.total}" for cov in targets)
        title = c.title.get(lang)
        if _includes(c):
            title += " " + t("library.list.includes", lang, ids=", ".join(_includes(c)))
        if reasons and c.applies_when is not None:
            title += " " + t("library.list.when", lang, condition=condition_text(c.applies_when))
        rows.append([c.id, c.version, str(len(c.items)), str(len(c.sections)), title, fws])
    return _table(headers, rows, fmt, align="llrrll")


def _listed_json(entry: Listed, lang: str) -> dict[str, Any]:
    c = entry.checklist
    if c is None:
        return {"id": entry.id, "error": entry.problem.format(lang) if entry.problem else None}
    return {
        "id": c.id,
        "module": c.module is not None,
        "reason": _text(c.module["reason"]) if c.module is not None else None,
        "version": c.version,
        "title": _text(c.title),
        "description": _text(c.description),
        "items": len(c.items),
        "sections": len(c.sections),
        "includes": _includes(c),
        "frameworks": [fw.id for fw in referenced_frameworks(c)],
        "targets": [{"framework": cov.framework.id, "covered": cov.covered, "total": cov.total} for cov in target_coverages(c)],
        "source": c.source,
    }


# --- checklists show ---------------------------------------------------------------------------


def render_checklist(checklist: Checklist, fmt: str, lang: str, full: bool = False, section: str | None = None) -> str:
    """``aiaudit checklists show``: sections and items with severity, references and conditions."""
    known = [s.id for s in checklist.sections]
    if section is not None and section not in known:
        raise UsageError(Msg("library.show.no_section", id=checklist.id, section=section, known=", ".join(known)))
    sections = [s for s in checklist.sections if section is None or s.id == section]
    if fmt == "json":
        return _json(
            {
                "id": checklist.id,
                "version": checklist.version,
                "title": _text(checklist.title),
                "description": _text(checklist.description),
                "source": checklist.source,
                "sha256": checklist.sha256,
                "applies_when": checklist.applies_when,
                "items": sum(len(s.items) for s in sections),
                "sections": [
                    {
                        "id": s.id,
                        "principle": s.principle,
                        "title": _text(s.title),
                        "description": _text(s.description),
                        "items": [_item_json(i) for i in s.items],
                    }
                    for s in sections
                ],
            }
        )
    count = sum(len(s.items) for s in sections)
    summary = t("library.show.summary", lang, items=count, sections=len(sections), version=checklist.version)
    fws = ", ".join(f"{fw.short.get(lang)}" for fw in referenced_frameworks(checklist))
    lines: list[str] = []
    if fmt == "md":
        lines += [
            f"# {md_escape(checklist.title.get(lang))} (`{checklist.id}`)",
            "",
            md_escape(checklist.description.get(lang)),
            "",
        ]
        lines.append(f"{summary}  ")
        if fws:
            lines.append(f"{t('library.show.frameworks', lang)}: {md_escape(fws)}  ")
        if checklist.applies_when:
            lines.append(f"{t('library.show.applies_when', lang)}: `{condition_text(checklist.applies_when)}`  ")
        for s in sections:
            lines += ["", f"## {md_escape(s.title.get(lang))} (`{s.id}`)", ""]
            if s.description is not None:
                lines += [md_escape(s.description.get(lang)), ""]
            for item in s.items:
                sev = t(f"severity.{item.severity}", lang)
                lines.append(f"- **{item.id}** ({sev}) {md_escape(item.question.get(lang))}  ")
                lines.append(f"  {t('library.show.refs', lang)}: {', '.join(f'`{r}`' for r in item.refs)}")
                if item.applies_when:
                    lines[-1] += "  "
                    lines.append(f"  {t('library.show.applies_when', lang)}: `{condition_text(item.applies_when)}`")
                if full:
                    lines[-1] += "  "
                    lines.append(f"  {t('library.show.guidance', lang)}: {md_escape(item.guidance.get(lang))}  ")
                    lines.append(f"  {t('library.show.remediation', lang)}: {md_escape(item.remediation.get(lang))}")
        return "\n".join(lines) + "\n"
    lines += [f"{checklist.title.get(lang)} ({checklist.id} {checklist.version})", checklist.description.get(lang), summary]
    if fws:
        lines.append(f"{t('library.show.frameworks', lang)}: {fws}")
    if checklist.applies_when:
        lines.append(f"{t('library.show.applies_when', lang)}: {condition_text(checklist.applies_when)}")
    id_width = max((len(i.id) for s in sections for i in s.items), default=0)
    sev_width = max(width(t(f"severity.{s}", lang)) for s in ("critical", "high", "medium", "low"))
    indent = " " * (2 + id_width + 2 + sev_width + 2)
    for s in sections:
        principle = t("principle." + s.principle, lang)
        lines += ["", t("library.show.section", lang, title=s.title.get(lang), id=s.id, principle=principle, items=len(s.items))]
        for item in s.items:
            sev = pad(t(f"severity.{item.severity}", lang), sev_width)
            lines.append(f"  {item.id.ljust(id_width)}  {sev}  {one_line(item.question.get(lang))}")
            lines.append(f"{indent}{t('library.show.refs', lang)}: {', '.join(item.refs)}")
            if item.applies_when:
                lines.append(f"{indent}{t('library.show.applies_when', lang)}: {condition_text(item.applies_when)}")
            if full:
                lines.append(f"{indent}{t('library.show.guidance', lang)}: {one_line(item.guidance.get(lang))}")
                lines.append(f"{indent}{t('library.show.remediation', lang)}: {one_line(item.remediation.get(lang))}")
    return "\n".join(lines) + "\n"


def _item_json(item: Item) -> dict[str, Any]:
    return {
        "id": item.id,
        "question": _text(item.question),
        "guidance": _text(item.guidance),
        "remediation": _text(item.remediation),
        "severity": item.severity,
        "weight": item.weight,
        "evidence": item.evidence,
        "principle": item.principle,
        "refs": list(item.refs),
        "applies_when": item.applies_when,
        "tags": list(item.tags),
        "origin": item.origin,
    }


def condition_text(condition: Any) -> str:
    """An ``applies_when`` condition on one line: ``all(system.regions intersects [EU], not(...))``."""
    if condition is None:
        return ""
    for combinator in ("all", "any"):
        if combinator in condition:
            return f"{combinator}({', '.join(condition_text(c) for c in condition[combinator])})"
    if "not" in condition:
        return f"not({condition_text(condition['not'])})"
    op = next((k for k in condition if k != "field"), "")
    value = condition.get(op)
    shown = "[" + ", ".join(map(_scalar, value)) + "]" if isinstance(value, list) else _scalar(value)
    return f"{condition.get('field')} {op} {shown}"


def _scalar(value: Any) -> str:
    return json.dumps(value) if isinstance(value, bool) else str(value)


# --- checklists coverage -----------------------------------------------------------------------


def render_coverage(cov: Coverage, fmt: str, lang: str, gaps_only: bool = False) -> str:
    """``aiaudit checklists coverage ID --framework F``: each clause with the items covering it."""
    fw = cov.framework
    rows = [r for r in cov.rows if not (gaps_only and r.covered)]
    if fmt == "json":
        return _json(
            {
                "checklist": cov.checklist.id,
                "checklist_version": cov.checklist.version,
                "framework": fw.id,
                "prefix": fw.prefix,
                "total": cov.total,
                "covered": cov.covered,
                "percent": cov.percent,
                "gaps": [c.id for c in cov.gaps],
                "unknown_refs": list(cov.unknown_refs),
                "clauses": [
                    {
                        "id": r.clause.id,
                        "cite": r.clause.cite,
                        "group": r.clause.group,
                        "title": _text(r.clause.title),
                        "verified": r.clause.verified,
                        "covered": r.covered,
                        "items": [i.id for i in r.items],
                    }
                    for r in rows
                ],
            }
        )
    headline = t(
        "library.coverage.headline",
        lang,
        checklist=cov.checklist.id,
        framework=fw.short.get(lang),
        covered=cov.covered,
        total=cov.total,
        percent=percent(cov.percent),
        gaps=len(cov.gaps),
    )
    gap = t("library.coverage.gap", lang)
    headers = [t(f"library.col.{k}", lang) for k in ("clause", "cite", "title", "covered_by")]
    table_rows = []
    unverified = False
    for r in rows:
        mark = "" if r.clause.verified else "*"
        unverified = unverified or not r.clause.verified
        items = ", ".join(i.id for i in r.items) if r.items else f"— {gap}"
        table_rows.append([r.clause.id + mark, r.clause.cite or r.clause.group, r.clause.title.get(lang), items])
    out = []
    if fmt == "md":
        out += [f"**{md_escape(headline)}**", ""]
    else:
        out += [headline, ""]
    out.append(_table(headers, table_rows, fmt).rstrip("\n"))
    notes = []
    if unverified:
        notes.append(t("library.coverage.unverified", lang))
    if cov.unknown_refs:
        notes.append(t("library.coverage.unknown_refs", lang, refs=", ".join(cov.unknown_refs)))
    if notes:
        out.append("")
        out += [f"{n}  " if fmt == "md" else n for n in notes]
    return "\n".join(out) + "\n"


def render_coverage_summary(checklist: Checklist, coverages: list[Coverage], fmt: str, lang: str) -> str:
    """``aiaudit checklists coverage ID`` without ``--framework``: one row per framework."""
    if fmt == "json":
        return _json(
            {
                "checklist": checklist.id,
                "checklist_version": checklist.version,
                "frameworks": [
                    {
                        "framework": c.framework.id,
                        "total": c.total,
                        "covered": c.covered,
                        "percent": c.percent,
                        "gaps": [g.id for g in c.gaps],
                    }
                    for c in coverages
                ],
            }
        )
    headers = [t(f"library.col.{k}", lang) for k in ("framework", "clauses", "covered", "percent", "gaps")]
    rows = [[c.framework.short.get(lang), str(c.total), str(c.covered), percent(c.percent), str(len(c.gaps))] for c in coverages]
    head = t("library.coverage.summary", lang, checklist=checklist.id, items=len(checklist.items))
    head = f"**{md_escape(head)}**" if fmt == "md" else head
    return head + "\n\n" + _table(headers, rows, fmt, align="lrrrr")


# --- frameworks --------------------------------------------------------------------------------


def render_framework_list(fmt: str, lang: str) -> str:
    """``aiaudit frameworks list``: id, prefix, clause counts and title of each framework."""
    catalog = list(frameworks().values())
    if fmt == "json":
        return _json(
            {
                "frameworks": [
                    {
                        "id": fw.id,
                        "prefix": fw.prefix,
                        "title": _text(fw.title),
                        "short": _text(fw.short),
                        "edition": fw.edition,
                        "source": fw.source,
                        "clauses": len(fw.clauses),
                        "unverified": sum(not c.verified for c in fw.clauses),
                    }
                    for fw in catalog
                ]
            }
        )
    headers = [t(f"library.col.{k}", lang) for k in ("id", "prefix", "clauses", "unverified", "title")]
    rows = [
        [fw.id, fw.prefix, str(len(fw.clauses)), str(sum(not c.verified for c in fw.clauses)), fw.title.get(lang)]
        for fw in catalog
    ]
    return _table(headers, rows, fmt, align="llrrl")


def render_framework(fw: Framework, fmt: str, lang: str) -> str:
    """``aiaudit frameworks show ID``: every clause with its citation, title, date and verified flag."""
    if fmt == "json":
        return _json(
            {
                "id": fw.id,
                "prefix": fw.prefix,
                "title": _text(fw.title),
                "short": _text(fw.short),
                "edition": fw.edition,
                "source": fw.source,
                "dates": list(fw.dates),
                "clauses": [
                    {
                        "id": c.id,
                        "cite": c.cite,
                        "group": c.group,
                        "title": _text(c.title),
                        "summary": _text(c.summary),
                        "verified": c.verified,
                        "applies_from": c.applies_from,
                        "source": c.source,
                        "note": _text(c.note),
                    }
                    for c in fw.clauses
                ],
            }
        )
    headers = [t(f"library.col.{k}", lang) for k in ("clause", "cite", "title", "applies_from")]
    rows = [[c.id + ("" if c.verified else "*"), c.cite or c.group, c.title.get(lang), c.applies_from or ""] for c in fw.clauses]
    head = [fw.title.get(lang), f"{fw.edition}" if fw.edition else "", fw.source]
    head = [h for h in head if h]
    count = t("library.frameworks.count", lang, clauses=len(fw.clauses), unverified=sum(not c.verified for c in fw.clauses))
    out = (
        [f"# {md_escape(head[0])} (`{fw.id}`)", "", *[f"{md_escape(h)}  " for h in head[1:]], count, ""]
        if fmt == "md"
        else [*head, count, ""]
    )
    out.append(_table(headers, rows, fmt).rstrip("\n"))
    if any(not c.verified for c in fw.clauses):
        out += ["", t("library.coverage.unverified", lang)]
    return "\n".join(out) + "\n"


# --- helpers -----------------------------------------------------------------------------------


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _text(text: Text | None) -> dict[str, str] | None:
    return None if text is None else {"en": text.en, "ko": text.ko}


def _table(headers: list[str], rows: list[list[str]], fmt: str, align: str = "") -> str:
    """A plain-text table aligned for the terminal, or a GitHub Markdown table."""
    align = align.ljust(len(headers), "l")
    if fmt == "md":
        rule = ["---:" if a == "r" else "---" for a in align]
        lines = ["| " + " | ".join(md_escape(h) for h in headers) + " |", "| " + " | ".join(rule) + " |"]
        lines += ["| " + " | ".join(md_escape(c) for c in row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    cells = [[one_line(c) for c in row] for row in rows]
    widths = [max([width(h)] + [width(r[n]) for r in cells]) for n, h in enumerate(headers)]
    last = len(headers) - 1

    def line(values: list[str]) -> str:
        parts = [pad(v, widths[n], right=align[n] == "r") if n < last or align[n] == "r" else v for n, v in enumerate(values)]
        return "  ".join(parts).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    return "\n".join(out) + "\n"
