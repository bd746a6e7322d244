"""The rubric's measures, one small function each, and the late penalty.

Every measure takes an :class:`~aiaudit.evaluation.Evaluation` and a criterion and returns a
:class:`Measured`: an exact ratio 0..1 (a :class:`~fractions.Fraction`) and the items where points
were lost. Only *applicable* items count (``evaluation.ItemResult.applicable``). The criterion earns
``points × ratio``, rounded half-up to 0.01.

* ``answered_ratio`` (completeness): applicable items whose status is not ``unanswered`` ÷ applicable
  items. No applicable item: 0.
* ``evidence_present_ratio``: among applicable items with ``evidence: required`` answered ``met`` or
  ``partial``, the share with at least one evidence file that exists inside the audit's folder (URLs
  count only with ``accept_urls: true``; they cannot be checked offline). When no such item is
  claimed: 1 if no applicable item requires evidence, else 0 (nothing was shown).
* ``justified_ratio``: among applicable items answered ``na``, ``not_met`` or ``partial``, the share
  whose note has at least ``min_note_chars`` characters (Unicode characters after collapsing
  whitespace, so Korean and English count alike; at least 1). None to justify: 1, or 0 when no
  applicable item is answered at all (an untouched template earns nothing).
* ``framework_coverage``: the mean, over the criterion's ``frameworks`` (default: every framework
  an applicable item refers to), of answered ÷ applicable items referring to that framework; a
  listed framework that no applicable item refers to counts 0.
* ``classification_present``: the share of ``schemes`` (default ``[eu_ai_act]``) that the audit
  records: ``system.classification.eu_ai_act.category`` (or ``system.risk_tier`` other than
  ``unknown``), ``system.classification.kr_ai_basic_act.categories`` (non-empty).
* ``manual``: no ratio; the points come from the overrides file (0 until graded).
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from ..audit import evidence as ev_paths
from ..audit.evaluation import Evaluation
from .rubric import Criterion, Late

CLAIMS = ("met", "partial")
NEEDS_JUSTIFICATION = ("na", "not_met", "partial")


@dataclass(frozen=True)
class Lost:
    """Where points were lost: a subject (item id, framework id or scheme), a reason key and its arguments."""

    subject: str
    reason: str  # the message key is grading.lost.<reason>
    args: tuple[tuple[str, str], ...] = ()

    def message_args(self) -> dict[str, str]:
        return dict(self.args)


@dataclass(frozen=True)
class Measured:
    ratio: Fraction | None  # None for manual criteria
    numerator: Fraction
    denominator: int
    lost: tuple[Lost, ...] = ()


def note_length(text: str | None) -> int:
    """Characters of a note after collapsing whitespace."""
    return len(" ".join((text or "").split()))


def _ratio(num, den: int, empty: Fraction) -> Fraction:
    return Fraction(num) / den if den else empty


def answered_ratio(ev: Evaluation, criterion: Criterion) -> Measured:
    applicable = ev.applicable
    lost = tuple(Lost(r.item.id, "unanswered") for r in applicable if r.status == "unanswered")
    answered = len(applicable) - len(lost)
    return Measured(_ratio(answered, len(applicable), Fraction(0)), Fraction(answered), len(applicable), lost)


def evidence_present_ratio(ev: Evaluation, criterion: Criterion) -> Measured:
    folder = Path(ev.audit.name).parent
    required = [r for r in ev.applicable if r.item.evidence == "required"]
    claimed = [r for r in required if r.status in CLAIMS]
    lost: list[Lost] = []
    present = 0
    for r in claimed:
        problem = _evidence_problem(r.answer.evidence if r.answer else (), folder, criterion.accept_urls)
        if problem is None:
            present += 1
        else:
            lost.append(Lost(r.item.id, problem[0], problem[1]))
    if not claimed:
        if not required:
            return Measured(Fraction(1), Fraction(0), 0)
        return Measured(Fraction(0), Fraction(0), 0, (Lost("", "no_claims", (("count", str(len(required))),)),))
    return Measured(Fraction(present, len(claimed)), Fraction(present), len(claimed), tuple(lost))


def _evidence_problem(entries, folder: Path, accept_urls: bool) -> tuple[str, tuple] | None:
    """None when some evidence entry counts; else (reason, args) for the first problem found."""
    if not entries:
        return "no_evidence", ()
    first: tuple[str, tuple] | None = None
    for entry in entries:
        if entry.path is not None:
            try:
                target = ev_paths.resolve(folder, entry.path, allow_outside=False)
            except ev_paths.EvidenceOutside:
                first = first or ("evidence_outside", (("path", entry.path),))
                continue
            if target.is_file():
                return None
            first = first or ("evidence_missing", (("path", entry.path),))
        elif entry.url is not None:
            if accept_urls:
                return None
            first = first or ("url_only", (("url", entry.url),))
    return first or ("no_evidence", ())


def justified_ratio(ev: Evaluation, criterion: Criterion) -> Measured:
    minimum = max(1, criterion.min_note_chars)
    considered = [r for r in ev.applicable if r.status in NEEDS_JUSTIFICATION]
    lost = []
    for r in considered:
        length = note_length(r.answer.notes if r.answer else "")
        if length < minimum:
            args = (("status", r.status), ("chars", str(length)), ("min", str(minimum)))
            lost.append(Lost(r.item.id, "no_note" if length == 0 else "short_note", args))
    justified = len(considered) - len(lost)
    # Nothing to justify earns the points, unless nothing was answered at all (an empty template).
    answered = any(r.status != "unanswered" for r in ev.applicable)
    if not considered and not answered:
        return Measured(Fraction(0), Fraction(0), 0, (Lost("", "nothing_answered"),))
    return Measured(_ratio(justified, len(considered), Fraction(1)), Fraction(justified), len(considered), tuple(lost))


def framework_coverage(ev: Evaluation, criterion: Criterion) -> Measured:
    from ..library.catalog import framework_of

    scores = ev.by_framework()
    wanted = criterion.frameworks or tuple(fw for fw, s in scores.items() if s.total)
    if not wanted:
        return Measured(Fraction(0), Fraction(0), 0, (Lost("", "no_framework"),))
    unanswered: dict[str, list[str]] = {fw: [] for fw in wanted}
    for r in ev.applicable:
        if r.status != "unanswered":
            continue
        for fw_id in sorted({fw.id for ref in r.item.refs if (fw := framework_of(ref)) is not None}):
            if fw_id in unanswered:
                unanswered[fw_id].append(r.item.id)
    total = Fraction(0)
    lost = []
    for fw_id in wanted:
        s = scores.get(fw_id)
        if s is None or not s.total:
            lost.append(Lost(fw_id, "framework_absent"))
            continue
        total += Fraction(s.answered, s.total)
        if s.answered < s.total:
            args = (("answered", str(s.answered)), ("total", str(s.total)), ("items", ", ".join(unanswered[fw_id])))
            lost.append(Lost(fw_id, "framework_partial", args))
    return Measured(total / len(wanted), total, len(wanted), tuple(lost))


def classification_present(ev: Evaluation, criterion: Criterion) -> Measured:
    system = ev.audit.system
    classification = system.get("classification") or {}
    present = 0
    lost = []
    for scheme in criterion.schemes:
        if _has_scheme(scheme, system, classification):
            present += 1
        else:
            lost.append(Lost(scheme, "no_classification"))
    return Measured(Fraction(present, len(criterion.schemes)), Fraction(present), len(criterion.schemes), tuple(lost))


def _has_scheme(scheme: str, system: dict, classification: dict) -> bool:
    entry = classification.get(scheme) or {}
    if scheme == "eu_ai_act":
        return bool(entry.get("category")) or system.get("risk_tier") not in (None, "", "unknown")
    if scheme == "kr_ai_basic_act":
        return bool(entry.get("categories"))
    return False  # pragma: no cover - the schema allows only the two schemes


def manual(ev: Evaluation | None, criterion: Criterion) -> Measured:
    return Measured(None, Fraction(0), 0)


MEASURES = {
    "answered_ratio": answered_ratio,
    "evidence_present_ratio": evidence_present_ratio,
    "justified_ratio": justified_ratio,
    "framework_coverage": framework_coverage,
    "classification_present": classification_present,
    "manual": manual,
}


def measure(ev: Evaluation, criterion: Criterion) -> Measured:
    """Apply the criterion's measure to an evaluation."""
    return MEASURES[criterion.measure](ev, criterion)


def points_for(criterion: Criterion, ratio: Fraction) -> Decimal:
    """``points × ratio``, rounded half-up to 0.01 (exact arithmetic: the same on every machine)."""
    cents = math.floor(Fraction(criterion.points) * ratio * 100 + Fraction(1, 2))
    return Decimal(cents).scaleb(-2)


# --- late penalty ---------------------------------------------------------------------------------


def days_late(late: Late, submitted: _dt.datetime | None) -> int:
    """Started days after deadline + grace (0 when on time, or when the deadline or submission time is unknown)."""
    if late.deadline is None or submitted is None:
        return 0
    over = submitted - late.deadline - _dt.timedelta(minutes=late.grace_minutes)
    if over <= _dt.timedelta(0):
        return 0
    return math.ceil(over / _dt.timedelta(days=1))


def late_penalty(late: Late, days: int) -> Decimal:
    """``penalty_per_day × days``, capped at ``max_penalty``."""
    penalty = late.penalty_per_day * days
    if late.max_penalty is not None:
        penalty = min(penalty, late.max_penalty)
    return penalty
