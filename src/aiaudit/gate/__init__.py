"""The CI policy gate: load a policy and an audit, evaluate the audit, and check the policy's rules.

Never imports jinja2 or weasyprint: ``aiaudit gate`` must start fast in CI.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from ..diagnostics import DiagnosticError, has_errors
from ..loading import DEFAULT_MAX_BYTES, load_file
from ..policy.load import Policy, item_problems, load_policy, unusable
from ..policy.rules import FAIL, PASS, WAIVED, GateResult, RuleResult, Violation, evaluate_rules

__all__ = ["FAIL", "PASS", "WAIVED", "GateResult", "Policy", "RuleResult", "Violation", "load_policy", "run_gate"]


def run_gate(
    audit_path: str,
    policy_spec: str,
    *,
    today: dt.date | None = None,
    allow_outside: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> GateResult:
    """Check the audit at ``audit_path`` against ``policy_spec`` (a file or ``preset:NAME``).

    Raises :class:`DiagnosticError` with exit code 2 when the policy or the audit cannot be used
    (unreadable, invalid, or the policy names items the audit lacks).
    """
    from ..audit.evaluation import evaluate
    from ..audit.load import audit_from_document

    policy = load_policy(policy_spec, max_bytes=max_bytes)
    try:
        doc = load_file(audit_path, max_bytes=max_bytes)
    except DiagnosticError as exc:
        raise unusable(exc.diagnostics) from None
    audit, warnings = audit_from_document(doc, allow_outside=allow_outside, max_bytes=max_bytes)
    if audit is None or has_errors(warnings):
        raise unusable(warnings)
    evaluation = evaluate(audit)
    problems = item_problems(policy, {r.item.id for r in evaluation.results})
    if problems:
        raise unusable(problems)
    result = evaluate_rules(evaluation, policy, doc, today or dt.date.today(), allow_outside)
    return dataclasses.replace(result, warnings=tuple(warnings))
