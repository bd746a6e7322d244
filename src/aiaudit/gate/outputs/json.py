"""Machine-readable gate output: the verdict, the scores and every rule with its violations."""

from __future__ import annotations

import json

from ... import __version__
from ...i18n import localize
from ...policy.rules import GateResult, RuleResult, Violation
from ...text import json_safe
from ..findings import GateFailure, check_id


def _where(where: tuple[str, int, int]) -> dict:
    return {"file": where[0], "line": where[1], "col": where[2]}


def _violation(v: Violation, lang: str) -> dict:
    message = localize(v.message, lang)
    out = {
        "check": "",
        "subject": v.subject,
        "subject_kind": v.subject_kind,
        "outcome": v.outcome,
        "message": message,
        **_where(v.where),
    }
    if v.item is not None:
        out["severity"] = v.item.severity
    if v.waiver is not None:
        w = v.waiver
        out["waiver"] = {"reason": w.reason, "approver": w.approver, "expires": w.expires.isoformat()}
    return out


def _rule(r: RuleResult, lang: str) -> dict:
    violations = [_violation(v, lang) for v in r.violations]
    for v in violations:
        v["check"] = check_id(r.id, v["subject"])
    return {
        "id": r.id,
        "kind": r.kind,
        "title": localize(r.title, lang),
        "outcome": r.outcome,
        "message": localize(r.message, lang),
        **_where(r.where),
        "violations": violations,
        "notes": [localize(n, lang) for n in r.notes],
    }


def _readiness(result: GateResult, lang: str) -> dict:
    """The readiness verdict the report and ``status`` show, from the same rules."""
    from ...policy.verdict import verdict_of

    v = verdict_of(result)
    return {"status": v.status, "headline": v.headline.text(lang), "reasons": [m.text(lang) for m in v.reasons]}


def format(result: GateResult, lang: str) -> str:
    """The gate result as a JSON document."""
    evaluation = result.evaluation
    payload = {
        "tool": {"name": "aiaudit", "version": __version__},
        "audit": result.audit_file,
        "policy": {"id": result.policy.id, "source": result.policy.source, "extends": result.policy.extends},
        "date": result.today.isoformat(),
        "passed": result.passed,
        "usable": True,
        "readiness": _readiness(result, lang),
        "summary": {
            "rules": len(result.rules),
            "failed": len(result.failed_rules),
            "violations": sum(len(r.failures) for r in result.rules),
            "waived": result.waived_count,
        },
        "scores": {
            "overall": evaluation.overall.percent,
            "sections": {k: v.percent for k, v in evaluation.by_section().items()},
            "frameworks": {k: v.percent for k, v in evaluation.by_framework().items()},
        },
        "rules": [_rule(r, lang) for r in result.rules],
        "warnings": [d.to_dict(lang) for d in result.warnings],
    }
    return json_safe(json.dumps(payload, ensure_ascii=False, indent=2)) + "\n"


def format_failure(failure: GateFailure, lang: str) -> str:
    """Unusable input as JSON: ``passed`` and ``usable`` false, and every diagnostic."""
    payload = {
        "tool": {"name": "aiaudit", "version": __version__},
        "audit": failure.audit_file,
        "policy": {"source": failure.policy},
        "passed": False,
        "usable": False,
        "diagnostics": [d.to_dict(lang) for d in failure.diagnostics],
    }
    return json_safe(json.dumps(payload, ensure_ascii=False, indent=2)) + "\n"
