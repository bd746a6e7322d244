"""Human-readable gate output: one line per rule, its violations indented below, then the verdict."""

from __future__ import annotations

from ...i18n import localize, t
from ...policy.rules import GateResult
from ...policy.verdict import verdict_of
from ...text import log_safe
from ..findings import GateFailure, verdict


def format(result: GateResult, lang: str) -> str:
    """The gate result as plain text for a terminal or a CI log."""
    labels = {k: t(f"gate.outcome.{k}", lang) for k in ("pass", "fail", "waived")}
    width = max(len(v) for v in labels.values())
    lines = [t("gate.header", lang, audit=result.audit_file, policy=result.policy.label, today=result.today.isoformat())]
    for warning in result.warnings:
        lines.append(warning.format(lang))
    rule_width = max((len(r.id) for r in result.rules), default=0)
    for rule in result.rules:
        lines.append(f"{labels[rule.outcome]:<{width}}  {rule.id:<{rule_width}}  {localize(rule.message, lang)}")
        indent = " " * (width + 2)
        for v in rule.violations:
            file, line, col = v.where
            lines.append(f"{indent}{labels[v.outcome]:<{width}}  {file}:{line}:{col}: {localize(v.message, lang)}")
        for note in rule.notes:
            lines.append(f"{indent}{localize(note, lang)}")
    readiness = verdict_of(result)
    lines.append(t("gate.readiness", lang, verdict=readiness.headline, policy=readiness.policy))
    lines.append(verdict(result).text(lang))
    # every line holds text from files (names, ids, notes): one line each, escapes shown, no CI command
    return "\n".join(log_safe(line) for line in lines) + "\n"


def format_failure(failure: GateFailure, lang: str) -> str:
    """Unusable input: the verdict line only (the diagnostics themselves go to standard error)."""
    return log_safe(verdict(failure).text(lang)) + "\n"
