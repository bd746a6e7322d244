"""SARIF 2.1.0 gate output for GitHub code scanning and other SARIF viewers.

Each result points at the line of the item's answer in the audit file (the ``answers:`` key when
the item has no answer). Rules are the audit's items (severity, guidance and remediation as help,
framework clauses as properties), the framework clauses a coverage rule found uncovered, and the
policy rules that fail as a whole (scores, age, expired waivers). Waived violations are reported
with an accepted external suppression. ``partialFingerprints`` come from the rule and item ids, so
alerts survive edits that move lines.
"""

from __future__ import annotations

import json

from ... import __version__
from ...i18n import localize, t
from ...policy.rules import FAIL, GateResult
from ..findings import Finding, display_path, findings

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
_PROBLEM = {"critical": "error", "high": "error", "medium": "warning", "low": "recommendation"}


def _text(value: str, limit: int = 1024) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _item_rule(finding: Finding, lang: str) -> dict:
    from ...library.catalog import framework_of

    item = finding.item
    clauses = ", ".join(item.refs) or "-"
    frameworks = sorted({fw.id for ref in item.refs if (fw := framework_of(ref)) is not None})
    guidance, remediation = item.guidance.get(lang), item.remediation.get(lang)
    return {
        "id": item.id,
        "name": item.id,
        "shortDescription": {"text": _text(item.question.get(lang))},
        "fullDescription": {"text": _text(f"{item.question.get(lang)} ({t('severity.' + item.severity, lang)})")},
        "help": {
            "text": t("gate.sarif.help", lang, guidance=guidance, remediation=remediation, clauses=clauses),
            "markdown": t("gate.sarif.help_md", lang, guidance=guidance, remediation=remediation, clauses=clauses),
        },
        "defaultConfiguration": {"level": _LEVEL[item.severity]},
        "properties": {
            "severity": item.severity,
            "principle": item.principle,
            "section": item.section_id,
            "clauses": list(item.refs),
            "frameworks": frameworks,
            "tags": (["ai-governance", item.severity, item.principle, *frameworks])[:20],
            "precision": "very-high",
            "problem.severity": _PROBLEM[item.severity],
        },
    }


def _clause_rule(finding: Finding, lang: str) -> dict:
    from ...library.catalog import clause_index

    clause = clause_index()[finding.subject]
    title = clause.title.get(lang)
    summary = clause.summary.get(lang)
    help_text = f"{clause.cite + ': ' if clause.cite else ''}{summary}"
    descriptor = {
        "id": clause.id,
        "name": clause.id,
        "shortDescription": {"text": _text(f"{clause.id}: {title}")},
        "fullDescription": {"text": _text(summary)},
        "help": {"text": help_text + (f"\n\n{clause.source}" if clause.source else "")},
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "framework": clause.framework,
            "tags": ["ai-governance", "coverage", clause.framework],
            "precision": "high",
        },
    }
    if clause.source:
        descriptor["helpUri"] = clause.source
    return descriptor


def _policy_rule(finding: Finding, result: GateResult, lang: str) -> dict:
    rule = finding.rule
    title = localize(rule.title, lang)
    return {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": _text(title)},
        "fullDescription": {"text": _text(title)},
        "help": {"text": t("gate.sarif.rule_help", lang, policy=result.policy.id, title=title)},
        "defaultConfiguration": {"level": "error"},
        "properties": {"kind": rule.kind, "tags": ["ai-governance", "policy", rule.kind], "precision": "very-high"},
    }


def _descriptor(finding: Finding, result: GateResult, lang: str) -> tuple[str, dict]:
    if finding.item is not None:
        return finding.item.id, _item_rule(finding, lang)
    if finding.violation is not None:
        return finding.subject, _clause_rule(finding, lang)
    return finding.rule.id, _policy_rule(finding, result, lang)


def format(result: GateResult, lang: str) -> str:
    """The gate result as a SARIF 2.1.0 log."""
    rules: list[dict] = []
    index: dict[str, int] = {}
    results = []
    for finding in findings(result, waived=True):
        rule_id, descriptor = _descriptor(finding, result, lang)
        if rule_id not in index:
            index[rule_id] = len(rules)
            rules.append(descriptor)
        file, line, col = finding.where
        entry = {
            "ruleId": rule_id,
            "ruleIndex": index[rule_id],
            "kind": "fail",
            "level": "error" if finding.outcome == FAIL else "note",
            "message": {"text": f"[{finding.rule.id}] {localize(finding.message, lang)}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": display_path(file)},
                        "region": {"startLine": line, "startColumn": col},
                    }
                }
            ],
            "partialFingerprints": {"aiaudit/v1": finding.fingerprint},
            "properties": {"policyRule": finding.rule.id, "policy": result.policy.id},
        }
        waiver = finding.violation.waiver if finding.violation is not None else None
        if waiver is not None:
            entry["suppressions"] = [
                {
                    "kind": "external",
                    "status": "accepted",
                    "justification": t(
                        "gate.sarif.justification",
                        lang,
                        reason=waiver.reason,
                        approver=waiver.approver,
                        expires=waiver.expires.isoformat(),
                    ),
                }
            ]
        results.append(entry)
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "aiaudit",
                        "semanticVersion": __version__,
                        "informationUri": "https://pypi.org/project/aiaudit/",
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"aiaudit/gate/{result.policy.id}/"},
                "invocations": [{"executionSuccessful": True, "properties": {"passed": result.passed}}],
                "results": results,
                "properties": {
                    "policy": result.policy.id,
                    "policySource": result.policy.source,
                    "audit": display_path(result.audit_file),
                    "date": result.today.isoformat(),
                    "passed": result.passed,
                },
            }
        ],
    }
    # compact: the C encoder is several times faster than indent=2 on large logs; tools read it
    return json.dumps(log, ensure_ascii=False, separators=(",", ":")) + "\n"
