"""The file kinds aiaudit validates, each with its check: the one explicit table, assembled here at the top."""

from __future__ import annotations

from ..validation import Kind


def kinds() -> dict[str, Kind]:
    """Every kind by name. Imports are local so that a command loads only what it validates."""
    from ..audit.load import audit_checks
    from ..grading.rubric import rubric_checks
    from ..library.lint import checklist_checks, framework_checks
    from ..policy.load import check_document
    from ..validation import schema_only

    table = (
        Kind("audit", audit_checks),
        Kind("checklist", checklist_checks),
        Kind("framework", framework_checks),
        Kind("policy", check_document),
        Kind("rubric", rubric_checks),
        Kind("report", schema_only),  # JSON reports (`aiaudit report -o report.json`)
    )
    return {k.name: k for k in table}
