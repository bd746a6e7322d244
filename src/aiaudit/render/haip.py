"""A starting draft of the OECD HAIP report: the audit's answers, notes and evidence laid out along its 7 sections.

Organisations that signed up to the G7 Hiroshima code of conduct report yearly to the OECD through
the HAIP Reporting Framework. This draft puts, under each of its 7 sections, what the audit
already says: the items that cite the section (``G7-HAIP-RF-n``) or one of the code-of-conduct
actions the catalog maps to it (an inferred mapping, marked unverified in the catalog), with their
notes and evidence, and lists the gaps: items of the section not met, partly met or unanswered.
It is a draft for people to edit, not a submission.
"""

from __future__ import annotations

import json

from markupsafe import Markup

from ..audit.evaluation import Evaluation, ItemResult
from ..i18n import messages, t
from ..library.catalog import clause_index
from ..records import record
from ..text import md_escape
from .notes import render_notes
from .options import ReportOptions

#: HAIP section → the code-of-conduct actions the catalog maps to it (G7-HAIP-RF-n notes; inferred, unverified).
SECTIONS: dict[str, tuple[str, ...]] = {
    "G7-HAIP-RF-1": ("G7-COC-01",),
    "G7-HAIP-RF-2": ("G7-COC-06", "G7-COC-11"),
    "G7-HAIP-RF-3": ("G7-COC-03",),
    "G7-HAIP-RF-4": ("G7-COC-02", "G7-COC-04", "G7-COC-05"),
    "G7-HAIP-RF-5": ("G7-COC-07",),
    "G7-HAIP-RF-6": ("G7-COC-08",),
    "G7-HAIP-RF-7": ("G7-COC-09", "G7-COC-10"),
}
#: Statuses whose answers make the body of a section; the others are its gaps.
_BODY = ("met", "partial")


@record
class Section:
    """One HAIP section: its clause, the answered items that speak to it, and its gaps."""

    clause_id: str
    related: tuple[str, ...]
    answers: tuple[ItemResult, ...]
    gaps: tuple[ItemResult, ...]


def sections(evaluation: Evaluation) -> list[Section]:
    """The 7 sections with the applicable items that cite them or their mapped actions (each item once per section)."""
    out = []
    for clause_id, actions in SECTIONS.items():
        wanted = {clause_id, *actions}
        mine = [r for r in evaluation.applicable if wanted & set(r.item.refs) and not r.justified_na]
        out.append(
            Section(
                clause_id,
                actions,
                tuple(r for r in mine if r.status in _BODY),
                tuple(r for r in mine if r.status not in _BODY),
            )
        )
    return out


def _evidence(r: ItemResult) -> list[str]:
    return [e.label for e in r.answer.evidence] if r.answer is not None else []


def render_markdown(evaluation: Evaluation, lang: str, options: ReportOptions | None = None) -> bytes:
    """The HAIP draft as Markdown: one heading per section, the answers as paragraphs, the gaps as a checklist."""
    catalog = clause_index()
    audit = evaluation.audit
    out = [
        f"# {md_escape(t('haip.title', lang, system=audit.system_name))}",
        "",
        f"> {md_escape(t('haip.intro', lang))}",
        "",
    ]
    for section in sections(evaluation):
        clause = catalog[section.clause_id]
        out += [
            f"## {md_escape(clause.cite)}: {md_escape(clause.title.get(lang))}",
            "",
            f"*{md_escape(clause.summary.get(lang))}*",
            "",
        ]
        if not section.answers:
            out += [md_escape(t("haip.nothing_yet", lang)), ""]
        for r in section.answers:
            notes = " ".join((r.answer.notes if r.answer else "").split())
            status = t(f"status.{r.status}", lang)
            out.append(f"**{md_escape(r.item.question.get(lang))}** ({r.item.id}, {md_escape(status)})")
            out.append("")
            if notes:
                out += [md_escape(notes), ""]
            evidence = _evidence(r)
            if evidence:
                out += [f"{md_escape(t('haip.evidence', lang))}: " + ", ".join(f"`{md_escape(e)}`" for e in evidence), ""]
        if section.gaps:
            out += [f"### {md_escape(t('haip.gaps', lang, n=len(section.gaps)))}", ""]
            for r in section.gaps:
                status = t(f"status.{r.status}", lang)
                out.append(f"- [ ] {r.item.id} ({md_escape(status)}): {md_escape(r.item.question.get(lang))}")
            out.append("")
    out += ["---", "", md_escape(t("haip.mapping_note", lang))]
    return ("\n".join(out) + "\n").encode("utf-8")


def render_html(evaluation: Evaluation, lang: str, options: ReportOptions | None = None) -> bytes:
    """The HAIP draft as a self-contained HTML page (autoescaped; notes through the safe Markdown renderer)."""
    from .templating import environment

    catalog = clause_index()
    context = {
        "lang": lang,
        "m": messages(lang),
        "title": t("haip.title", lang, system=evaluation.audit.system_name),
        "intro": t("haip.intro", lang),
        "note": t("haip.mapping_note", lang),
        "sections": [
            {
                "clause": catalog[s.clause_id],
                "answers": [
                    {
                        "id": r.item.id,
                        "question": r.item.question.get(lang),
                        "status": r.status,
                        "notes": render_notes(r.answer.notes) if r.answer and r.answer.notes else Markup(""),
                        "evidence": _evidence(r),
                    }
                    for r in s.answers
                ],
                "gaps": [{"id": r.item.id, "question": r.item.question.get(lang), "status": r.status} for r in s.gaps],
            }
            for s in sections(evaluation)
        ],
        "t": lambda key, **kw: t(key, lang, **kw),
    }
    return environment().get_template("haip.html").render(**context).encode("utf-8")


def render_json(evaluation: Evaluation, lang: str, options: ReportOptions | None = None) -> bytes:
    """The HAIP draft's content as JSON, for other tools."""
    payload = {
        "kind": "haip-draft",
        "lang": lang,
        "system": evaluation.audit.system_name,
        "sections": [
            {
                "id": s.clause_id,
                "related": list(s.related),
                "answers": [
                    {"item": r.item.id, "status": r.status, "notes": r.answer.notes if r.answer else "", "evidence": _evidence(r)}
                    for r in s.answers
                ],
                "gaps": [{"item": r.item.id, "status": r.status} for r in s.gaps],
            }
            for s in sections(evaluation)
        ],
    }
    return (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


#: Output format of the draft → renderer.
FORMATS = {"md": render_markdown, "html": render_html, "json": render_json}
