"""The file kinds aiaudit validates, each with its check: the one explicit table, assembled here at the top."""

from __future__ import annotations

from ..validation import Kind, Options, schema_only

# Each check imports its feature when a file of that kind is checked, so that validating an audit
# does not import the rubric, policy and lint modules (start-up is most of a small command's time).


def _audit(doc, options: Options) -> list:
    from ..audit.load import audit_checks

    return audit_checks(doc, options)


def _checklist(doc, options: Options) -> list:
    from ..library.lint import checklist_checks

    return checklist_checks(doc, options)


def _framework(doc, options: Options) -> list:
    from ..library.lint import framework_checks

    return framework_checks(doc, options)


def _policy(doc, options: Options) -> list:
    from ..policy.load import check_document

    return check_document(doc, options)


def _rubric(doc, options: Options) -> list:
    from ..grading.rubric import rubric_checks

    return rubric_checks(doc, options)


def kinds() -> dict[str, Kind]:
    """Every kind by name."""
    table = (
        Kind("audit", _audit),
        Kind("checklist", _checklist),
        Kind("framework", _framework),
        Kind("policy", _policy),
        Kind("rubric", _rubric),
        Kind("report", schema_only),  # JSON reports (`aiaudit report -o report.json`)
    )
    return {k.name: k for k in table}
