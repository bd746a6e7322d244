"""GitLab Code Quality gate output: a JSON array of issues (``artifacts: reports: codequality``).

The fields are those GitLab documents for a Code Quality report: ``description``, ``check_name``,
``fingerprint``, ``severity`` (``info|minor|major|critical|blocker``) and ``location.path`` with
``location.lines.begin``. One issue per standing violation and per rule failed as a whole
(``check_name`` is the check id, as SARIF's ``ruleId``); waived violations are left out. Severity
follows the item's: critical → ``critical``, high → ``major``, medium → ``minor``, low → ``info``;
a rule failed as a whole or an uncovered clause → ``major``; unusable input → ``blocker``.
Fingerprints are unique per issue and stable across edits that move lines.
"""

from __future__ import annotations

import json

from ...i18n import localize
from ...policy.rules import FAIL, GateResult
from ...text import json_safe
from ..findings import GateFailure, diagnostic_fingerprint, display_path, findings

SEVERITY = {"critical": "critical", "high": "major", "medium": "minor", "low": "info"}


def _dump(issues: list[dict]) -> str:
    return json_safe(json.dumps(issues, ensure_ascii=False, separators=(",", ":"))) + "\n"


def format(result: GateResult, lang: str) -> str:
    """The gate result as a GitLab Code Quality report."""
    issues = []
    for finding in findings(result, waived=False):
        if finding.outcome != FAIL:
            continue
        file, line, _ = finding.where
        item = finding.item
        issues.append(
            {
                "type": "issue",
                "check_name": f"aiaudit/{finding.check_id}",
                "description": f"[{finding.check_id}] {localize(finding.message, lang)}",
                "fingerprint": finding.fingerprint,
                "severity": SEVERITY[item.severity] if item is not None else "major",
                "location": {"path": display_path(file), "lines": {"begin": line}},
            }
        )
    return _dump(issues)


def format_failure(failure: GateFailure, lang: str) -> str:
    """Unusable input as Code Quality issues of severity ``blocker``, one per diagnostic."""
    return _dump(
        [
            {
                "type": "issue",
                "check_name": f"aiaudit/input/{d.code}",
                "description": f"[{d.code}] {localize(d.message, lang)}",
                "fingerprint": diagnostic_fingerprint(d),
                "severity": "blocker" if d.severity == "error" else "minor",
                "location": {"path": display_path(d.file), "lines": {"begin": d.line}},
            }
            for d in failure.diagnostics
        ]
    )
