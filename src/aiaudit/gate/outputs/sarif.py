"""SARIF 2.1.0 gate output for GitHub code scanning and other SARIF viewers.

How the log maps onto code scanning (the choices are documented in docs/ci.md, "SARIF"):

* **One rule per check.** ``ruleId`` is the check id — the policy rule, then the item or clause it
  was broken by (``must-meet/severity/high/SEC-01``, ``evidence-required/high/SEC-01``,
  ``cover/eu-ai-act/EUAIA-ART9``), or the policy rule alone when it fails as a whole
  (``min-score/overall``, ``max-age``, ``waiver/SEC-01``). GitHub merges results with the same
  ``ruleId`` on the same line, so an item that breaks two rules gives two alerts. Ids never depend
  on the language; ``name`` is the same id in PascalCase (``MustMeetSeverityHigh/SEC-01``).
* **Descriptions and help in the report's language**: the item's question and guidance, the
  clause's summary, or what the rule requires.
* **level** from the item's severity: critical and high → ``error``, medium → ``warning``, low →
  ``note``; a rule failed as a whole, an uncovered clause and unusable input → ``error``.
* **Waived violations** are results of level ``note`` whose message carries the waiver's reason,
  approver and expiry (GitHub ignores ``suppressions``; other viewers honour the accepted external
  suppression that is also written).
* **No partialFingerprints**: GitHub only uses ``primaryLocationLineHash``, which upload-sarif
  computes from the file's content. aiaudit's own id-based fingerprint is in ``properties``.
* **Regions** span one line (start and end line, start and end column, in code points).
* **Category** (``runAutomationDetails.id``) only when asked (``--sarif-category``); otherwise the
  upload fills one in.
* **Unusable input** (exit 2): every diagnostic is a result on its file and line, ruleId its code.
"""

from __future__ import annotations

import json
from typing import Any

from ... import __version__
from ...diagnostics import CODES, Diagnostic
from ...i18n import localize, t
from ...policy.rules import WAIVED, GateResult
from ...text import json_safe
from ..findings import LEVEL, Finding, GateFailure, check_name, diagnostic_fingerprint, display_path, findings, region

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_PROBLEM = {"error": "error", "warning": "warning", "note": "recommendation"}
_KINDS = (
    "min-score",
    "must-meet",
    "cover",
    "max-age",
    "evidence-required",
    "evidence-integrity",
    "finding-fields",
    "overdue-remediation",
    "waiver",
)


def _text(value: str, limit: int = 1024) -> str:
    value = " ".join(str(value).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _kind_text(kind: str, lang: str) -> str:
    return t(f"ci.kind.{kind if kind in _KINDS else 'other'}", lang)


def _item_rule(finding: Finding, lang: str) -> dict:
    from ...library.catalog import framework_id_of

    item = finding.item
    assert item is not None
    rule_title = localize(finding.rule.title, lang)
    clauses = ", ".join(item.refs) or "-"
    frameworks = sorted({fw_id for ref in item.refs if (fw_id := framework_id_of(ref)) is not None})
    guidance, remediation = item.guidance.get(lang), item.remediation.get(lang)
    severity = t("severity." + item.severity, lang)
    level = LEVEL[item.severity]
    args = {"rule": rule_title, "guidance": guidance, "remediation": remediation, "clauses": clauses}
    return {
        "id": finding.check_id,
        "name": check_name(finding.check_id),
        "shortDescription": {"text": _text(item.question.get(lang))},
        "fullDescription": {
            "text": _text(t("ci.sarif.item_full", lang, rule=rule_title, item=item.id, question=item.question, severity=severity))
        },
        "help": {"text": t("ci.sarif.item_help", lang, **args), "markdown": t("ci.sarif.item_help_md", lang, **args)},
        "defaultConfiguration": {"level": level},
        "properties": {
            "policyRule": finding.rule.id,
            "item": item.id,
            "severity": item.severity,
            "principle": item.principle,
            "section": item.section_id,
            "clauses": list(item.refs),
            "frameworks": frameworks,
            "tags": list(dict.fromkeys(["ai-governance", finding.rule.kind, item.severity, item.principle, *frameworks]))[:20],
            "precision": "very-high",
            "problem.severity": _PROBLEM[level],
        },
    }


def _framework_name(framework_id: str) -> str:
    from ...library.catalog import frameworks

    fw = frameworks().get(framework_id)
    return fw.short if fw is not None else framework_id


def _clause_rule(finding: Finding, lang: str) -> dict:
    from ...library.catalog import clause_index

    clause = clause_index()[finding.subject]
    rule_title = localize(finding.rule.title, lang)
    summary = clause.summary.get(lang)
    cite = f"{clause.cite}: " if clause.cite else ""
    descriptor: dict[str, Any] = {
        "id": finding.check_id,
        "name": check_name(finding.check_id),
        "shortDescription": {"text": _text(f"{clause.id}: {clause.title.get(lang)}")},
        "fullDescription": {
            "text": _text(
                t("ci.sarif.clause_full", lang, framework=_framework_name(clause.framework), clause=clause.id, summary=summary)
            )
        },
        "help": {
            "text": t("ci.sarif.clause_help", lang, rule=rule_title, cite=cite, summary=summary)
            + (f"\n\n{clause.source}" if clause.source else "")
        },
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "policyRule": finding.rule.id,
            "clause": clause.id,
            "framework": clause.framework,
            "tags": ["ai-governance", "cover", clause.framework],
            "precision": "high",
            "problem.severity": "error",
        },
    }
    if clause.source:
        descriptor["helpUri"] = clause.source
    return descriptor


def _policy_rule(finding: Finding, result: GateResult, lang: str) -> dict:
    rule = finding.rule
    title = localize(rule.title, lang)
    kind = _kind_text(rule.kind, lang)
    return {
        "id": finding.check_id,
        "name": check_name(finding.check_id),
        "shortDescription": {"text": _text(title)},
        "fullDescription": {"text": _text(t("ci.sarif.rule_full", lang, policy=result.policy.id, title=title, kind=kind))},
        "help": {"text": t("ci.sarif.rule_help", lang, policy=result.policy.id, title=title, kind=kind)},
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "policyRule": rule.id,
            "kind": rule.kind,
            "tags": ["ai-governance", "policy", rule.kind],
            "precision": "very-high",
            "problem.severity": "error",
        },
    }


def _descriptor(finding: Finding, result: GateResult, lang: str) -> dict:
    if finding.item is not None:
        return _item_rule(finding, lang)
    if finding.violation is not None and finding.violation.subject_kind == "clause":
        from ...library.catalog import clause_index

        if finding.subject in clause_index():
            return _clause_rule(finding, lang)
    return _policy_rule(finding, result, lang)


def _location(file: str, line: int, col: int) -> list[dict]:
    return [{"physicalLocation": {"artifactLocation": {"uri": display_path(file)}, "region": region(file, line, col)}}]


def _run(rules: list[dict], results: list[dict], invocation: dict, properties: dict, category: str | None) -> dict:
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "aiaudit",
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": properties,
    }
    if category:
        run["automationDetails"] = {"id": category if category.endswith("/") else category + "/"}
    return run


def _log(run: dict) -> str:
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    # compact: the C encoder is several times faster than indent=2 on large logs; tools read it
    return json_safe(json.dumps(log, ensure_ascii=False, separators=(",", ":"))) + "\n"


def format(result: GateResult, lang: str, category: str | None = None) -> str:
    """The gate result as a SARIF 2.1.0 log; ``category`` sets ``runAutomationDetails.id``."""
    rules: list[dict] = []
    index: dict[str, int] = {}
    results = []
    for finding in findings(result, waived=True):
        rule_id = finding.check_id
        if rule_id not in index:
            index[rule_id] = len(rules)
            rules.append(_descriptor(finding, result, lang))
        file, line, col = finding.where
        entry: dict[str, Any] = {
            "ruleId": rule_id,
            "ruleIndex": index[rule_id],
            "kind": "fail",
            "level": finding.level,
            "message": {"text": localize(finding.message, lang)},
            "locations": _location(file, line, col),
            "properties": {
                "policy": result.policy.id,
                "policyRule": finding.rule.id,
                "subject": finding.subject,
                "outcome": finding.outcome,
                "aiauditFingerprint": finding.fingerprint,
            },
        }
        if finding.item is not None:
            entry["properties"]["severity"] = finding.item.severity
        waiver = finding.violation.waiver if finding.violation is not None else None
        if finding.outcome == WAIVED and waiver is not None:
            entry["properties"]["waiver"] = {
                "reason": waiver.reason,
                "approver": waiver.approver,
                "expires": waiver.expires.isoformat(),
            }
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
    properties = {
        "policy": result.policy.id,
        "policySource": result.policy.source,
        "audit": display_path(result.audit_file),
        "date": result.today.isoformat(),
        "passed": result.passed,
    }
    invocation = {"executionSuccessful": True, "properties": {"passed": result.passed}}
    return _log(_run(rules, results, invocation, properties, category))


def _input_rule(d: Diagnostic, lang: str) -> dict:
    code = CODES[d.code]
    return {
        "id": d.code,
        "name": check_name(code.name),
        "shortDescription": {"text": _text(t("ci.sarif.input_short", lang, code=d.code, name=code.name))},
        "fullDescription": {"text": _text(t("ci.sarif.input_full", lang, code=d.code, name=code.name))},
        "help": {"text": t("ci.sarif.input_help", lang, code=d.code, name=code.name)},
        "defaultConfiguration": {"level": "error" if d.severity == "error" else "warning"},
        "properties": {"tags": ["ai-governance", "input"], "precision": "very-high", "problem.severity": "error"},
    }


def format_failure(failure: GateFailure, lang: str, category: str | None = None) -> str:
    """Unusable input as a SARIF log: one result per diagnostic, on its file and line."""
    rules: list[dict] = []
    index: dict[str, int] = {}
    results = []
    for d in failure.diagnostics:
        if d.code not in index:
            index[d.code] = len(rules)
            rules.append(_input_rule(d, lang))
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "kind": "fail",
                "level": "error" if d.severity == "error" else "warning",
                "message": {"text": localize(d.message, lang)},
                "locations": _location(d.file, d.line, d.col),
                "properties": {"aiauditFingerprint": diagnostic_fingerprint(d), "path": d.path},
            }
        )
    properties = {"policy": failure.policy, "audit": display_path(failure.audit_file), "passed": False, "usable": False}
    invocation = {"executionSuccessful": False, "exitCode": 2, "properties": {"passed": False}}
    return _log(_run(rules, results, invocation, properties, category))
