"""One readiness verdict, from the same policy engine as ``aiaudit gate``: the report, ``status`` and the gate all show it.

=========================  ==================================================================
``not_ready``              a rule of the policy fails (other than completeness)
``draft``                  only ``complete`` fails: applicable items are still unanswered
``ready_with_conditions``  every rule passes, but findings stay open or violations are waived
``ready``                  every rule passes, no finding is open and nothing is waived
=========================  ==================================================================

The gate passes exactly when the verdict is ``ready`` or ``ready_with_conditions``. A critical
item that is not met is an open finding, so it can never give ``ready``. The reasons come
critical first: failed rules with their most severe violations, then open findings by severity.

The policy is ``--policy`` when given, else the preset the audit's first checklist names
(``policy:`` in a checklist), else ``preset:genai-baseline``.
"""

from __future__ import annotations

import datetime as dt

from ..audit.evaluation import Evaluation
from ..i18n import Msg
from ..loading import DEFAULT_MAX_BYTES, Document
from ..model import SEVERITIES
from ..paths import PRESET_PREFIX
from ..records import record
from .load import item_problems, load_policy, unusable
from .rules import COMPLETE, GateResult, evaluate_rules

READY = "ready"
READY_WITH_CONDITIONS = "ready_with_conditions"
NOT_READY = "not_ready"
DRAFT = "draft"
VERDICTS = (READY, READY_WITH_CONDITIONS, DRAFT, NOT_READY)
#: The policy when neither --policy nor the checklist names one.
DEFAULT_POLICY = f"{PRESET_PREFIX}genai-baseline"
#: At most this many reasons are listed (the rest are counted).
MAX_REASONS = 8


@record
class Verdict:
    """The readiness verdict of an audit under a policy, with its reasons (most severe first)."""

    status: str
    policy: str  # the policy's label
    reasons: tuple[Msg, ...]
    more: int = 0  # reasons not listed

    @property
    def passed(self) -> bool:
        return self.status in (READY, READY_WITH_CONDITIONS)

    @property
    def headline(self) -> Msg:
        return Msg(f"verdict.{self.status}")


def default_policy(evaluation: Evaluation) -> str:
    """The policy a report or ``status`` uses without ``--policy``: the first checklist's, else genai-baseline."""
    for checklist in evaluation.audit.checklists:
        if checklist.policy:
            return f"{PRESET_PREFIX}{checklist.policy}"
    return DEFAULT_POLICY


def verdict_of(result: GateResult) -> Verdict:
    """The verdict of a gate result (what the gate's exit code means, in words)."""
    failed = result.failed_rules
    blocking = [r for r in failed if r.id != COMPLETE]
    evaluation = result.evaluation
    order = {s: n for n, s in enumerate(SEVERITIES)}
    reasons: list[tuple[int, Msg]] = []
    if blocking:
        status = NOT_READY
        for rule in blocking:
            worst = min((order.get(v.item.severity, 9) for v in rule.failures if v.item is not None), default=9)
            reasons.append((worst, Msg("verdict.reason.rule", rule=rule.id, message=rule.message)))
    elif failed:
        status = DRAFT
        (rule,) = failed
        reasons.append((0, rule.message))
    else:
        open_findings = evaluation.findings
        status = READY_WITH_CONDITIONS if open_findings or result.waived_count else READY
    for r in evaluation.findings:
        if r.status == "unanswered":
            continue
        severity, status_word = Msg(f"severity.{r.item.severity}"), Msg(f"status_word.{r.status}")
        message = Msg("verdict.reason.finding", item=r.item.id, severity=severity, status=status_word)
        reasons.append((order[r.item.severity], message))
    if result.waived_count and status != NOT_READY:
        reasons.append((5, Msg("verdict.reason.waived", n=result.waived_count)))
    unreached = _laws_out_of_scope(result)
    if unreached:
        reasons.insert(0, (-1, Msg("verdict.reason.laws_out_of_scope", policy=result.policy.label, laws=", ".join(unreached))))
    reasons.sort(key=lambda pair: pair[0])
    listed = tuple(m for _, m in reasons[:MAX_REASONS])
    return Verdict(status, result.policy.label, listed, max(0, len(reasons) - MAX_REASONS))


def _laws_out_of_scope(result: GateResult) -> list[str]:
    """The laws a policy is written for (its framework rules) when none of them reaches the system."""
    named = list(result.policy.min_frameworks) + [c.framework for c in result.policy.cover]
    if not named:
        return []
    from ..library.catalog import frameworks

    catalog = frameworks()
    laws = [fw_id for fw_id in dict.fromkeys(named) if fw_id in catalog.binding]
    if not laws or any(result.evaluation.scope(fw_id).reaches for fw_id in laws):
        return []
    return [catalog[fw_id].short.en for fw_id in laws]


def audit_verdict(
    evaluation: Evaluation,
    doc: Document,
    policy_spec: str | None = None,
    today: dt.date | None = None,
    allow_outside: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> tuple[Verdict, GateResult]:
    """Run the policy (``policy_spec``, else :func:`default_policy`) on an evaluated audit: its verdict and gate result."""
    policy = load_policy(policy_spec or default_policy(evaluation), max_bytes=max_bytes)
    problems = item_problems(policy, {r.item.id for r in evaluation.results})
    if problems:
        raise unusable(problems)
    result = evaluate_rules(evaluation, policy, doc, today or dt.date.today(), allow_outside)
    return verdict_of(result), result
