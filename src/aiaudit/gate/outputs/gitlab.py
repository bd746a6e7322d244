"""GitLab Code Quality gate output: a JSON array of issues (``artifacts: reports: codequality``).

One issue per standing violation and per failed rule without violations; waived violations are
left out. Fingerprints are unique per issue and stable across edits that move lines.
"""

from __future__ import annotations

import json

from ...i18n import localize
from ...policy.rules import FAIL, GateResult
from ..findings import display_path, findings

_SEVERITY = {"critical": "critical", "high": "major", "medium": "minor", "low": "info"}


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
                "check_name": f"aiaudit/{finding.rule.id}",
                "description": f"[{finding.rule.id}] {localize(finding.message, lang)}",
                "fingerprint": finding.fingerprint,
                "severity": _SEVERITY[item.severity] if item is not None else "major",
                "location": {"path": display_path(file), "lines": {"begin": line}},
            }
        )
    return json.dumps(issues, ensure_ascii=False, separators=(",", ":")) + "\n"
