"""Evaluate an audit: applicability, the scoring model, findings and the framework crosswalk.

Scoring model (documented in docs/scoring.md):

* status values: met = 1, partial = 0.5, not_met = 0, unanswered = 0;
* ``na`` with a justification note leaves the item out of the denominator; ``na`` without one
  counts as 0 (a gap);
* an item's weight is its checklist ``weight`` × its severity factor
  (critical 4, high 3, medium 2, low 1);
* a score is 100 × Σ(weight × value) / Σ(weight) over the applicable, scored items of a group:
  the whole audit, a section, a principle, or a framework (items referring to any of its clauses);
* findings are the applicable items that are not_met, partial, unanswered, or na without a
  justification, ordered by severity, then weight, then id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..library.conditions import applies
from ..model import PRINCIPLES, SEVERITIES, STATUSES, Answer, Audit, Item, Section

STATUS_VALUE = {"met": 1.0, "partial": 0.5, "not_met": 0.0, "unanswered": 0.0, "na": 0.0}
SEVERITY_FACTOR = {"critical": 4, "high": 3, "medium": 2, "low": 1}


@dataclass(frozen=True)
class ItemResult:
    """One item of the audit, evaluated."""

    item: Item
    section: Section
    applicable: bool
    answer: Answer | None
    status: str  # the answer's status, "unanswered" when there is none

    @property
    def justified_na(self) -> bool:
        return self.status == "na" and self.answer is not None and bool(self.answer.notes.strip())

    @property
    def scored(self) -> bool:
        """Whether the item counts in the denominator."""
        return self.applicable and not self.justified_na

    @property
    def weight(self) -> float:
        return self.item.weight * SEVERITY_FACTOR[self.item.severity]

    @property
    def value(self) -> float:
        return STATUS_VALUE[self.status]

    @property
    def is_finding(self) -> bool:
        return self.scored and self.status != "met"


@dataclass(frozen=True)
class Score:
    """A weighted score over a group of items, with status counts."""

    earned: float
    possible: float
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def percent(self) -> float | None:
        """0–100, or None when nothing in the group is scored."""
        return round(100.0 * self.earned / self.possible, 1) if self.possible else None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def answered(self) -> int:
        return self.total - self.counts.get("unanswered", 0)


def score(results: Iterable[ItemResult]) -> Score:
    """The score of the applicable items among ``results``."""
    earned = possible = 0.0
    counts: Counter[str] = Counter({s: 0 for s in STATUSES})
    for r in results:
        if not r.applicable:
            continue
        counts[r.status] += 1
        if r.scored:
            earned += r.weight * r.value
            possible += r.weight
    return Score(earned, possible, dict(counts))


@dataclass(frozen=True)
class CrosswalkRow:
    """One framework clause and the audit's items that refer to it."""

    clause_id: str
    items: tuple[ItemResult, ...]


@dataclass(frozen=True)
class Evaluation:
    """Everything a report, gate or grade needs, computed once from an audit."""

    audit: Audit
    results: tuple[ItemResult, ...]

    @property
    def applicable(self) -> tuple[ItemResult, ...]:
        return tuple(r for r in self.results if r.applicable)

    @property
    def overall(self) -> Score:
        return score(self.results)

    def by_section(self) -> dict[str, Score]:
        out: dict[str, list[ItemResult]] = {}
        for r in self.results:
            out.setdefault(r.section.id, []).append(r)
        return {k: score(v) for k, v in out.items()}

    def by_principle(self) -> dict[str, Score]:
        return {p: score(r for r in self.results if r.item.principle == p) for p in PRINCIPLES}

    def by_framework(self) -> dict[str, Score]:
        """Scores per framework id, for every framework an applicable item refers to."""
        from ..library.catalog import framework_of

        groups: dict[str, list[ItemResult]] = {}
        for r in self.results:
            for fw_id in sorted({fw.id for ref in r.item.refs if (fw := framework_of(ref)) is not None}):
                groups.setdefault(fw_id, []).append(r)
        return {k: score(v) for k, v in sorted(groups.items())}

    def by_severity(self) -> dict[str, Counter]:
        """Status counts per severity, over applicable items."""
        out = {s: Counter({st: 0 for st in STATUSES}) for s in SEVERITIES}
        for r in self.applicable:
            out[r.item.severity][r.status] += 1
        return out

    @property
    def findings(self) -> tuple[ItemResult, ...]:
        """Applicable items not met, ordered by severity, then weight (heaviest first), then id."""
        order = {s: n for n, s in enumerate(SEVERITIES)}
        return tuple(
            sorted(
                (r for r in self.results if r.is_finding),
                key=lambda r: (order[r.item.severity], -r.weight, r.value, r.item.id),
            )
        )

    def crosswalk(self, framework_id: str) -> list[CrosswalkRow]:
        """Every clause of a framework with the applicable items that refer to it (empty: a gap)."""
        from ..library.catalog import frameworks

        fw = frameworks()[framework_id]
        rows = []
        for clause in fw.clauses:
            rows.append(CrosswalkRow(clause.id, tuple(r for r in self.applicable if clause.id in r.item.refs)))
        return rows


def evaluate(audit: Audit) -> Evaluation:
    """Evaluate every item of the audit's checklists against its system profile and answers."""
    results = []
    checklist_applies = {c.id: applies(c.applies_when, audit.system) for c in audit.checklists}
    for section in audit.sections:
        for item in section.items:
            applicable = checklist_applies.get(item.origin, True) and applies(item.applies_when, audit.system)
            answer = audit.answers.get(item.id)
            status = answer.status if answer is not None else "unanswered"
            results.append(ItemResult(item, section, applicable, answer, status))
    return Evaluation(audit, tuple(results))
