"""The auditor's fields of a finding in an audit file: schema (old audits stay valid), `aiaudit answer`
options, CSV and YAML import, validation of dates, and the engagement block."""

from __future__ import annotations

import pytest

from aiaudit.audit.load import audit_from_file, load_audit


def test_an_audit_without_the_new_fields_stays_valid(mini, invoke):
    assert invoke("validate", mini / "audit.yaml").exit_code == 0
    answer = load_audit(mini / "audit.yaml").answers["ACC-01"]
    assert answer.owner == "" and answer.due is None and not answer.has_finding_details


def test_answer_sets_each_finding_field_and_keeps_the_comments(mini, invoke):
    path = mini / "audit.yaml"
    path.write_text("# keep me\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    result = invoke(
        "answer",
        path,
        "ACC-01",
        "--observation",
        "No incident runbook exists.",
        "--risk",
        "Incidents are handled ad hoc.",
        "--recommendation",
        "Write a one-page runbook.",
        "--owner",
        "Park (ops)",
        "--due",
        "2027-02-28",
        "--response",
        "Agreed; Q1.",
        "--remediation",
        "진행 중",  # Korean spellings work
    )
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# keep me\n")
    answer = load_audit(path).answers["ACC-01"]
    assert answer.status == "not_met"  # the status is kept when only finding fields are given
    assert (answer.observation, answer.risk, answer.recommendation) == (
        "No incident runbook exists.",
        "Incidents are handled ad hoc.",
        "Write a one-page runbook.",
    )
    assert (answer.owner, answer.due, answer.management_response, answer.remediation_status) == (
        "Park (ops)",
        "2027-02-28",
        "Agreed; Q1.",
        "in_progress",
    )
    # an empty value removes a field; the others stay
    assert invoke("answer", path, "ACC-01", "--owner", "").exit_code == 0
    answer = load_audit(path).answers["ACC-01"]
    assert answer.owner == "" and answer.due == "2027-02-28"
    assert "owner:" not in path.read_text(encoding="utf-8").split("ACC-01:")[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--due", "2027-02-30"), "invalid due date 2027-02-30"),
        (("--due", "next week"), "invalid due date next week"),
        (("--remediation", "maybe"), "unknown remediation status 'maybe'"),
        (("--owner", "Kim\x1b[31m"), "U+001B"),
    ],
)
def test_bad_finding_fields_are_refused_and_the_file_is_untouched(mini, invoke, args, message):
    path = mini / "audit.yaml"
    before = path.read_bytes()
    result = invoke("answer", path, "ACC-01", *args)
    assert result.exit_code == 2 and message.replace("'maybe'", "maybe") in result.stderr.replace("'maybe'", "maybe")
    assert path.read_bytes() == before


def test_import_reads_finding_columns_from_csv_and_yaml(mini, invoke):
    path = mini / "audit.yaml"
    (mini / "findings.csv").write_text(
        "item,owner,due date,remediation,observation\n"
        "ACC-01,Lee,2027-01-15,open,No runbook.\n"
        "SEC-01,Kim,2027-03-01,done,Manual tests only.\n",
        encoding="utf-8",
    )
    result = invoke("answer", path, "--from", mini / "findings.csv")
    assert result.exit_code == 0, result.output
    answers = load_audit(path).answers
    assert (answers["ACC-01"].owner, answers["ACC-01"].due, answers["ACC-01"].remediation_status) == ("Lee", "2027-01-15", "open")
    assert answers["SEC-01"].remediation_status == "resolved" and answers["SEC-01"].observation == "Manual tests only."
    (mini / "more.yaml").write_text(
        "answers:\n  ACC-01: {management_response: Agreed., risk: Slow response.}\n", encoding="utf-8"
    )
    assert invoke("answer", path, "--from", mini / "more.yaml").exit_code == 0
    acc = load_audit(path).answers["ACC-01"]
    assert (acc.management_response, acc.risk, acc.owner) == ("Agreed.", "Slow response.", "Lee")


def test_a_bad_due_date_in_a_csv_names_its_cell(mini, invoke):
    (mini / "bad.csv").write_text("item,due\nACC-01,2027-13-01\n", encoding="utf-8")
    result = invoke("answer", mini / "audit.yaml", "--from", mini / "bad.csv")
    assert result.exit_code == 1 and "bad.csv:2:8" in result.stderr and "2027-13-01" in result.stderr


def test_validate_checks_due_dates_and_the_audit_period(mini, invoke):
    path = mini / "audit.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  ACC-01:\n    status: not_met\n", '  ACC-01:\n    status: not_met\n    due: "2027-02-30"\n')
    text = text.replace(
        "answers:\n",
        'engagement:\n  period: {from: "2026-12-01", to: "2026-11-01"}\n  status: final\n  bogus: 1\nanswers:\n',
        1,
    )
    path.write_text(text, encoding="utf-8")
    result = invoke("validate", path)
    assert result.exit_code == 1
    assert "E202" in result.output and "bogus" in result.output  # unknown engagement key
    text = text.replace("  bogus: 1\n", "")
    path.write_text(text, encoding="utf-8")
    audit, problems = audit_from_file(path)
    found = {(d.code, d.line) for d in problems}
    lines = text.splitlines()
    due_line = next(n for n, line in enumerate(lines, 1) if "due:" in line)
    period_line = next(n for n, line in enumerate(lines, 1) if "period:" in line)
    assert ("E408", due_line) in found  # a date that does not exist, as everywhere else in an audit
    assert ("E204", period_line) in found  # a period that ends before it starts
    assert any("ends (2026-11-01) before it starts (2026-12-01)" in str(d.message) for d in problems)


def test_the_schema_rejects_unknown_remediation_statuses(mini, invoke):
    path = mini / "audit.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("    status: not_met\n", "    status: not_met\n    remediation_status: later\n"),
        encoding="utf-8",
    )
    result = invoke("validate", path)
    assert result.exit_code == 1 and "E204" in result.output and "in_progress, resolved, risk_accepted" in result.output
