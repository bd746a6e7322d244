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
from dataclasses import field
from functools import cached_property

from ..library.conditions import applies
from ..model import PRINCIPLES, SEVERITIES, STATUSES, Answer, Audit, Clause, Framework, Item, Section
from ..records import record
from .applicability import ClauseApplicability, Standing, SystemFacts, clause_applicability, facts, framework_standing

STATUS_VALUE = {"met": 1.0, "partial": 0.5, "not_met": 0.0, "unanswered": 0.0, "na": 0.0}
SEVERITY_FACTOR = {"critical": 4, "high": 3, "medium": 2, "low": 1}


@record
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


@record
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


@record
class CrosswalkRow:
    """One framework clause: whether it binds the system, and the audit's applicable items that refer to it."""

    clause: Clause
    applicability: ClauseApplicability
    items: tuple[ItemResult, ...]

    @property
    def clause_id(self) -> str:
        return self.clause.id


@record
class FrameworkStanding:
    """How the audited system stands against one framework.

    ``scope`` says whether the framework reaches the system at all; when it does, ``score`` is the
    coverage of its applicable clauses: each clause that binds the system counts once, with the
    weighted score of the applicable items that address it, and 0 when no item does (voluntary
    frameworks: every clause that is not informational). A readiness figure, never a statement
    of compliance.
    """

    framework: Framework
    scope: Standing
    rows: tuple[CrosswalkRow, ...]
    score: Score | None

    @property
    def applicable(self) -> tuple[CrosswalkRow, ...]:
        return tuple(r for r in self.rows if r.applicability.applies)

    @property
    def not_applicable(self) -> tuple[CrosswalkRow, ...]:
        return tuple(r for r in self.rows if not r.applicability.applies and r.applicability.determined)

    @property
    def undetermined(self) -> tuple[CrosswalkRow, ...]:
        return tuple(r for r in self.rows if not r.applicability.determined)

    @property
    def covered(self) -> int:
        """Applicable clauses cited by at least one applicable item."""
        return sum(1 for r in self.applicable if r.items)


@record
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

    @cached_property
    def facts(self) -> SystemFacts:
        """What applicability knows about the system (profile and classification)."""
        return facts(self.audit.system)

    @cached_property
    def _cited(self) -> tuple[dict[str, list[ItemResult]], tuple[str, ...]]:
        """The results citing each clause id, and the ids of the frameworks the items cite (sorted)."""
        from ..library.catalog import framework_id_of

        cited: dict[str, list[ItemResult]] = {}
        for r in self.results:
            for ref in r.item.refs:
                cited.setdefault(ref, []).append(r)
        referenced = tuple(sorted({fw_id for ref in cited if (fw_id := framework_id_of(ref)) is not None}))
        return cited, referenced

    @cached_property
    def _standing_memo(self) -> dict[str, FrameworkStanding]:
        return {}

    def standing(self, fw_id: str) -> FrameworkStanding:
        """One cited framework's standing, computed when first asked for (a command that needs only
        the laws' scope does not weigh every clause of every framework)."""
        memo = self._standing_memo
        found = memo.get(fw_id)
        if found is None:
            from ..library.catalog import frameworks

            cited = self._cited[0]
            fw = frameworks()[fw_id]
            scope = self.scope(fw_id)
            rows = tuple(
                CrosswalkRow(
                    clause,
                    clause_applicability(clause, fw, self.facts, scope),
                    tuple(r for r in cited.get(clause.id, ()) if r.applicable),
                )
                for clause in fw.clauses
            )
            found = memo[fw_id] = FrameworkStanding(fw, scope, rows, _clause_score(rows) if scope.reaches else None)
        return found

    def undetermined_count(self, fw_id: str) -> int:
        """How many clauses of a framework wait for a classification (what ``status`` shows per law),
        without weighing its clauses' items."""
        found = self._standing_memo.get(fw_id)
        if found is not None:
            return len(found.undetermined)
        scope = self.scope(fw_id)
        if not scope.reaches:  # a framework out of scope decides every clause: none waits
            return 0
        from ..library.catalog import frameworks

        fw = frameworks()[fw_id]
        return sum(1 for clause in fw.clauses if not clause_applicability(clause, fw, self.facts, scope).determined)

    def cited_frameworks(self) -> tuple[str, ...]:
        """Ids of the frameworks the audit's items cite, sorted."""
        return self._cited[1]

    def standings(self) -> dict[str, FrameworkStanding]:
        """Every framework the audit's items cite, with its scope, its clauses' applicability and its score."""
        return {fw_id: self.standing(fw_id) for fw_id in self.cited_frameworks()}

    def by_framework(self) -> dict[str, Score]:
        """Scores per framework id, for every framework that reaches the system and has applicable, cited clauses."""
        return {k: s.score for k, s in self.standings().items() if s.score is not None}

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
        """Every clause of a framework, whether it binds the system, and the applicable items that refer to it."""
        if framework_id in self.cited_frameworks():
            return list(self.standing(framework_id).rows)
        from ..library.catalog import frameworks

        fw = frameworks()[framework_id]
        scope = self.scope(framework_id)
        return [CrosswalkRow(c, clause_applicability(c, fw, self.facts, scope), ()) for c in fw.clauses]

    def scope(self, framework_id: str) -> Standing:
        """Whether a framework of the catalog reaches the system (cited by the audit's items or not)."""
        memo = self._scope_memo
        found = memo.get(framework_id)
        if found is None:
            from ..library.catalog import frameworks

            found = memo[framework_id] = framework_standing(frameworks()[framework_id], self.facts)
        return found

    @cached_property
    def _scope_memo(self) -> dict[str, Standing]:
        return {}


def _clause_score(rows: tuple[CrosswalkRow, ...]) -> Score | None:
    """Coverage of applicable clauses: each clause that binds the system counts once, with the weighted
    score of the applicable items that address it (0 when none does); clauses whose items are all
    justified not applicable are left out. The status counts are those of the items involved."""
    earned = possible = 0.0
    counted: dict[str, ItemResult] = {}
    for row in rows:
        if not row.applicability.applies:
            continue
        for r in row.items:
            counted.setdefault(r.item.id, r)
        if not row.items:
            possible += 1
            continue
        clause = score(row.items)
        if clause.possible:
            earned += clause.earned / clause.possible
            possible += 1
    if not possible:
        return None
    counts = score(counted.values()).counts
    return Score(earned, possible, counts)


def evaluate(audit: Audit) -> Evaluation:
    """Evaluate every item of the audit's checklists against its system profile and answers."""
    results = []
    # An item is in force when a checklist of the audit that carries it applies (a module that does
    # not fit the profile carries nothing, even items it included from elsewhere).
    in_force: set[str] = set()
    for checklist in audit.checklists:
        if applies(checklist.applies_when, audit.system):
            in_force.update(item.id for item in checklist.items)
    for section in audit.sections:
        for item in section.items:
            applicable = item.id in in_force and applies(item.applies_when, audit.system)
            answer = audit.answers.get(item.id)
            status = answer.status if answer is not None else "unanswered"
            results.append(ItemResult(item, section, applicable, answer, status))
    return Evaluation(audit, tuple(results))
