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
  whose note is a real reason of at least ``min_note_chars`` visible characters (invisible
  characters and whitespace runs do not count, so Korean and English count alike; at least 1): not
  a placeholder (``N/A``, ``TBD``) nor a note copied onto four or more of these items. The rule is
  :mod:`aiaudit.audit.justification`, the same one ``validate`` applies to ``na`` answers. None to
  justify: 1, or 0 when no applicable item is answered at all (an untouched template earns nothing).
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
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from ..audit import evidence as ev_paths
from ..audit.evaluation import Evaluation
from ..audit.justification import BOILERPLATE, MISSING, PLACEHOLDER, SHORT, judge
from ..i18n import Msg
from ..records import record
from ..text import visible_length
from .rubric import Criterion, Late

CLAIMS = ("met", "partial")
#: Why a note is not a justification → the ``grading.lost.*`` message that says so.
_UNJUSTIFIED = {MISSING: "no_note", SHORT: "short_note", PLACEHOLDER: "placeholder_note", BOILERPLATE: "boilerplate_note"}
NEEDS_JUSTIFICATION = ("na", "not_met", "partial")


@record
class Lost:
    """Where points were lost: a subject (item id, framework id or scheme), why, and how to name the subject."""

    subject: str
    message: Msg
    label: object = None  # the subject as shown (a Msg or a bilingual Text); None: the subject itself

    @property
    def reason(self) -> str:
        """Why, as a short name: ``short_note``, ``evidence_missing``, ..."""
        return self.message.key.removeprefix("grading.lost.")

    @property
    def args(self) -> dict:
        return self.message.args


def lost(subject: str, reason: str, label: object = None, **args: object) -> Lost:
    """A :class:`Lost` whose message is ``grading.lost.<reason>``."""
    return Lost(subject, Msg(f"grading.lost.{reason}", **args), label)


@record
class Measured:
    ratio: Fraction | None  # None for manual criteria
    numerator: Fraction
    denominator: int
    lost: tuple[Lost, ...] = ()


def note_length(text: str | None) -> int:
    """Visible characters of a note (invisible characters and whitespace runs do not count)."""
    return visible_length(text)


def _ratio(num, den: int, empty: Fraction) -> Fraction:
    return Fraction(num) / den if den else empty


def answered_ratio(ev: Evaluation, criterion: Criterion) -> Measured:
    applicable = ev.applicable
    missing = tuple(lost(r.item.id, "unanswered") for r in applicable if r.status == "unanswered")
    answered = len(applicable) - len(missing)
    return Measured(_ratio(answered, len(applicable), Fraction(0)), Fraction(answered), len(applicable), missing)


def evidence_present_ratio(ev: Evaluation, criterion: Criterion) -> Measured:
    folder = Path(ev.audit.name).parent
    required = [r for r in ev.applicable if r.item.evidence == "required"]
    claimed = [r for r in required if r.status in CLAIMS]
    problems: list[Lost] = []
    present = 0
    for r in claimed:
        problem = _evidence_problem(r.item.id, r.answer.evidence if r.answer else (), folder, criterion.accept_urls)
        if problem is None:
            present += 1
        else:
            problems.append(problem)
    if not claimed:
        if not required:
            return Measured(Fraction(1), Fraction(0), 0)
        return Measured(Fraction(0), Fraction(0), 0, (lost("", "no_claims", count=len(required)),))
    return Measured(Fraction(present, len(claimed)), Fraction(present), len(claimed), tuple(problems))


def _evidence_problem(item_id: str, entries, folder: Path, accept_urls: bool) -> Lost | None:
    """None when some evidence entry counts (a file that is there, or a URL when accepted); else the first problem."""
    first: Lost | None = None
    for entry in entries:
        if entry.path is not None:
            checked = ev_paths.check(entry, folder)
            if checked.present:
                return None
            reason = "evidence_outside" if checked.check == ev_paths.OUTSIDE else "evidence_missing"
            first = first or lost(item_id, reason, path=entry.path)
        elif entry.url is not None:
            if accept_urls:
                return None
            first = first or lost(item_id, "url_only", url=entry.url)
    return first or lost(item_id, "no_evidence")


def justified_ratio(ev: Evaluation, criterion: Criterion) -> Measured:
    """The same rule as ``validate``'s E402 (:mod:`aiaudit.audit.justification`), with ``min_note_chars``."""
    minimum = max(1, criterion.min_note_chars)
    considered = [r for r in ev.applicable if r.status in NEEDS_JUSTIFICATION]
    verdicts = judge({r.item.id: (r.answer.notes if r.answer else "") for r in considered}, minimum)
    short = []
    for r in considered:
        verdict = verdicts[r.item.id]
        if not verdict.ok:
            reason = _UNJUSTIFIED[verdict.problem]
            status = Msg(f"status.{r.status}")
            short.append(lost(r.item.id, reason, status=status, chars=verdict.length, min=minimum, copies=verdict.copies))
    justified = len(considered) - len(short)
    # Nothing to justify earns the points, unless nothing was answered at all (an empty template).
    answered = any(r.status != "unanswered" for r in ev.applicable)
    if not considered and not answered:
        return Measured(Fraction(0), Fraction(0), 0, (lost("", "nothing_answered"),))
    return Measured(_ratio(justified, len(considered), Fraction(1)), Fraction(justified), len(considered), tuple(short))


def framework_coverage(ev: Evaluation, criterion: Criterion) -> Measured:
    from ..library.catalog import framework_of, frameworks

    catalog = frameworks()
    scores = ev.by_framework()
    wanted = criterion.frameworks or tuple(fw for fw, s in scores.items() if s.total)
    if not wanted:
        return Measured(Fraction(0), Fraction(0), 0, (lost("", "no_framework"),))
    unanswered: dict[str, list[str]] = {fw: [] for fw in wanted}
    for r in ev.applicable:
        if r.status != "unanswered":
            continue
        for fw_id in sorted({fw.id for ref in r.item.refs if (fw := framework_of(ref)) is not None}):
            if fw_id in unanswered:
                unanswered[fw_id].append(r.item.id)
    total = Fraction(0)
    gaps = []
    for fw_id in wanted:
        s = scores.get(fw_id)
        label = Msg("grading.framework_label", name=catalog[fw_id].short, id=fw_id) if fw_id in catalog else None
        if s is None or not s.total:
            gaps.append(lost(fw_id, "framework_absent", label))
            continue
        total += Fraction(s.answered, s.total)
        if s.answered < s.total:
            items = ", ".join(unanswered[fw_id])
            gaps.append(lost(fw_id, "framework_partial", label, answered=s.answered, total=s.total, items=items))
    return Measured(total / len(wanted), total, len(wanted), tuple(gaps))


def classification_present(ev: Evaluation, criterion: Criterion) -> Measured:
    system = ev.audit.system
    classification = system.get("classification") or {}
    present = 0
    missing = []
    for scheme in criterion.schemes:
        if _has_scheme(scheme, system, classification):
            present += 1
        else:
            missing.append(lost(scheme, "no_classification", Msg(f"grading.scheme.{scheme}")))
    return Measured(Fraction(present, len(criterion.schemes)), Fraction(present), len(criterion.schemes), tuple(missing))


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
