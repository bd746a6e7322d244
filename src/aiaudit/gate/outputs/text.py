"""Human-readable gate output: one line per rule, its violations indented below, then the verdict."""

from __future__ import annotations

from ...i18n import t
from ...policy.rules import GateResult
from . import verdict


def format(result: GateResult) -> str:
    """The gate result as plain text for a terminal or a CI log."""
    lang = result.lang
    labels = {k: t(f"gate.outcome.{k}", lang) for k in ("pass", "fail", "waived")}
    width = max(len(v) for v in labels.values())
    lines = [t("gate.header", lang, audit=result.audit_file, policy=result.policy.label, today=result.today.isoformat())]
    for warning in result.warnings:
        lines.append(warning.format(lang))
    rule_width = max((len(r.id) for r in result.rules), default=0)
    for rule in result.rules:
        lines.append(f"{labels[rule.outcome]:<{width}}  {rule.id:<{rule_width}}  {rule.message}")
        indent = " " * (width + 2)
        for v in rule.violations:
            file, line, col = v.where
            lines.append(f"{indent}{labels[v.outcome]:<{width}}  {file}:{line}:{col}: {v.message}")
        for note in rule.notes:
            lines.append(f"{indent}{note}")
    lines.append(verdict(result))
    return "\n".join(lines) + "\n"
