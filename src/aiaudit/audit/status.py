"""How far an audit is filled in: per-section progress, unanswered critical items, and the next item to answer.

The model behind ``aiaudit status`` and the order ``aiaudit fill`` walks in. An item counts as
*answered* when it is applicable to the system profile and its status is anything but
``unanswered``; items that do not apply are counted apart and never asked.
"""

from __future__ import annotations

from typing import Any

from ..i18n import t
from ..library.checklists import modules_not_included
from ..model import Audit, Text
from ..records import record
from ..text import pad, width
from .evaluation import Evaluation, ItemResult, evaluate


@record
class SectionProgress:
    id: str
    title: Text
    answered: int
    applicable: int

    @property
    def done(self) -> bool:
        return self.answered == self.applicable


@record
class Progress:
    """The fill-in state of one audit."""

    audit: Audit
    results: tuple[ItemResult, ...]
    sections: tuple[SectionProgress, ...]
    evaluation: Evaluation

    @property
    def applicable(self) -> int:
        return sum(s.applicable for s in self.sections)

    @property
    def answered(self) -> int:
        return sum(s.answered for s in self.sections)

    @property
    def not_applicable(self) -> int:
        return sum(not r.applicable for r in self.results)

    @property
    def percent(self) -> float:
        return round(100.0 * self.answered / self.applicable, 1) if self.applicable else 100.0

    @property
    def pending(self) -> tuple[ItemResult, ...]:
        """Applicable, unanswered items in checklist order: what ``fill`` asks next."""
        return tuple(r for r in self.results if r.applicable and r.status == "unanswered")

    @property
    def unanswered_critical(self) -> tuple[ItemResult, ...]:
        return tuple(r for r in self.pending if r.item.severity == "critical")

    @property
    def next(self) -> ItemResult | None:
        return self.pending[0] if self.pending else None

    def to_dict(self, lang: str) -> dict[str, Any]:
        """The JSON form of ``aiaudit status --format json`` (texts in ``lang``)."""
        classification = self.audit.system.get("classification") or {}

        def item(r: ItemResult) -> dict[str, Any]:
            return {
                "id": r.item.id,
                "section": r.section.id,
                "severity": r.item.severity,
                "question": r.item.question.get(lang),
            }

        return {
            "audit": self.audit.name,
            "system": self.audit.system_name,
            "answered": self.answered,
            "applicable": self.applicable,
            "not_applicable": self.not_applicable,
            "percent": self.percent,
            "complete": self.answered == self.applicable,
            "risk_tier": self.audit.system.get("risk_tier", "unknown"),
            "classified": bool(classification),
            "sections": [
                {"id": s.id, "title": s.title.get(lang), "answered": s.answered, "applicable": s.applicable}
                for s in self.sections
            ],
            "laws": [
                {"framework": name.get(lang), "scope": status, "undetermined": n} for name, status, n in laws(self.evaluation)
            ],
            "modules_not_included": [c.id for c in modules_not_included(self.audit)],
            "unanswered_critical": [item(r) for r in self.unanswered_critical],
            "next": item(self.next) if self.next is not None else None,
        }


def progress(audit: Audit) -> Progress:
    """The progress of an audit, from the same evaluation reports and gates use."""
    evaluation = evaluate(audit)
    results = evaluation.results
    by_section: dict[str, list] = {}
    for r in results:
        if r.applicable:
            by_section.setdefault(r.section.id, []).append(r)
    sections = []
    for section in audit.sections:
        mine = by_section.get(section.id, [])
        if not mine:
            continue
        answered = sum(r.status != "unanswered" for r in mine)
        sections.append(SectionProgress(section.id, section.title, answered, len(mine)))
    return Progress(audit, results, tuple(sections), evaluation)


def _bar(done: int, total: int, width: int = 20) -> str:
    filled = round(width * done / total) if total else width
    return "#" * filled + "-" * (width - filled)


def laws(evaluation: Evaluation) -> list[tuple[Text, str, int]]:
    """Each binding law the audit's items cite: its short name, whether it reaches the system, and how many
    of its clauses wait for a classification."""
    from ..library.catalog import frameworks

    catalog = frameworks()
    laws = [fw_id for fw_id in evaluation.cited_frameworks() if fw_id in catalog.binding]
    return [(catalog[fw_id].short, evaluation.scope(fw_id).status, evaluation.undetermined_count(fw_id)) for fw_id in laws]


def format_text(p: Progress, lang: str, verdict=None) -> str:
    """The text form of ``aiaudit status``; ``verdict`` (from the policy engine) is shown first when given."""
    lines = [t("progress.header", lang, path=p.audit.name, name=p.audit.system_name)]
    if verdict is not None:
        lines.append(t("progress.verdict", lang, verdict=verdict.headline, policy=verdict.policy))
        lines += [f"  - {m.text(lang)}" for m in verdict.reasons[:5]]
    lines.append(
        t("progress.overall", lang, answered=p.answered, applicable=p.applicable, percent=f"{p.percent:g}", na=p.not_applicable)
    )
    classification = p.audit.system.get("classification") or {}
    if classification:
        eu_block = classification.get("eu_ai_act") or {}
        eu = eu_block.get("category")
        eu = t(f"classify.category.{eu}", lang) if eu else "-"
        if eu_block.get("in_scope") is False:
            eu += " " + t("progress.reference_only", lang)
        kr = (classification.get("kr_ai_basic_act") or {}).get("categories") or []
        kr = ", ".join(t(f"classify.kr_category.{c}", lang) for c in kr) or "-"
        lines.append(t("progress.classified", lang, eu=eu, kr=kr))
    else:
        lines.append(t("progress.unclassified", lang, path=p.audit.name))
    reach = [
        t(f"progress.law.{status}", lang, law=name.get(lang), n=waiting)
        + (" " + t("progress.law.waiting", lang, n=waiting) if waiting else "")
        for name, status, waiting in laws(p.evaluation)
    ]
    if reach:
        lines.append(t("progress.laws", lang, laws="; ".join(reach)))
    for module in modules_not_included(p.audit):
        lines.append(t("progress.module_not_included", lang, id=module.id, title=module.title.get(lang), n=module.item_count))
    columns = max((width(s.title.get(lang)) for s in p.sections), default=10)
    lines.append("")
    for s in p.sections:
        title = pad(s.title.get(lang), columns)
        lines.append(f"  {title}  {s.answered:>3}/{s.applicable:<3} [{_bar(s.answered, s.applicable)}]")
    lines.append("")
    critical = p.unanswered_critical
    if critical:
        lines.append(t("progress.critical", lang, count=len(critical)))
        for r in critical:
            lines.append(f"  - {r.item.id}: {r.item.question.get(lang)}")
    else:
        lines.append(t("progress.no_critical", lang))
    if p.next is not None:
        lines.append(t("progress.next", lang, item=p.next.item.id, question=p.next.item.question.get(lang)))
        lines.append(t("progress.resume", lang, path=p.audit.name))
    else:
        lines.append(t("progress.done", lang))
    return "\n".join(lines)
