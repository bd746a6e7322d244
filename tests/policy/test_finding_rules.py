"""Policy rules on findings: `finding_fields` (owners and due dates for findings of some severities) and
`no_overdue` (remediation past its due date), with their rule ids, waivers, outputs and verdict."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import pytest

from aiaudit.cli.kinds import kinds
from aiaudit.gate import run_gate
from aiaudit.gate.outputs import render
from aiaudit.policy.load import load_policy
from aiaudit.policy.verdict import verdict_of
from aiaudit.validation import validate_file

TODAY = dt.date(2027, 1, 10)
POLICY = """\
kind: policy
id: findings
rules:
  finding_fields: {severities: [high, medium]}
  no_overdue: true
"""


def _policy(folder, text=POLICY, name="policy.yaml"):
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def _set(mini, item, **fields):
    path = mini / "audit.yaml"
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition(f"  {item}:\n")
    status, nl, tail = rest.partition("\n")
    extra = "".join(f"    {k}: {json.dumps(v)}\n" for k, v in fields.items())
    path.write_text(head + sep + status + nl + extra + tail, encoding="utf-8")


def _rule(result, rule_id):
    return next(r for r in result.rules if r.id == rule_id)


def test_the_policy_model_reads_the_new_rules(tmp_path):
    policy = load_policy(_policy(tmp_path))
    assert policy.finding_fields_for == ("high", "medium") and policy.finding_fields_required == ("owner", "due")
    assert policy.no_overdue is True
    custom = load_policy(
        _policy(tmp_path, POLICY.replace("{severities: [high, medium]}", "{severities: [high], require: [observation, owner]}"))
    )
    assert custom.finding_fields_required == ("observation", "owner")


@pytest.mark.parametrize(
    ("rules", "code"),
    [
        ("finding_fields: {severities: [urgent]}", "E204"),
        ("finding_fields: {severities: [high], require: [colour]}", "E204"),
        ("finding_fields: {require: [owner]}", "E203"),
        ("no_overdue: yes-please", "E201"),
    ],
)
def test_bad_rules_are_located(tmp_path, rules, code):
    path = _policy(tmp_path, f"kind: policy\nid: bad\nrules:\n  {rules}\n")
    found = validate_file(path, kinds()).diagnostics
    assert [d.code for d in found] == [code] and found[0].line == 4


def test_findings_without_owner_and_due_date_fail_their_severity_rule(mini, tmp_path):
    # mini: SEC-01 high partial, ACC-01 medium not met, both without owner or due date
    result = run_gate(str(mini / "audit.yaml"), _policy(tmp_path), today=TODAY)
    high, medium = _rule(result, "finding-fields/high"), _rule(result, "finding-fields/medium")
    assert not high.passed and [v.subject for v in high.failures] == ["SEC-01"]
    assert "SEC-01 (high) is partially met but has no owner, due date" in str(high.failures[0].message)
    assert not medium.passed and [v.subject for v in medium.failures] == ["ACC-01"]
    assert high.failures[0].where[1] == (mini / "audit.yaml").read_text().splitlines().index("  SEC-01:") + 1
    assert verdict_of(result).status == "not_ready"
    assert _rule(result, "overdue-remediation").passed  # no due date yet: nothing can be overdue


def test_owners_and_due_dates_satisfy_the_rule_and_overdue_remediation_fails(mini, tmp_path):
    _set(mini, "SEC-01", owner="Kim", due="2027-01-31")
    _set(mini, "ACC-01", owner="Lee", due="2026-12-01", remediation_status="in_progress")
    result = run_gate(str(mini / "audit.yaml"), _policy(tmp_path), today=TODAY)
    assert _rule(result, "finding-fields/high").passed and _rule(result, "finding-fields/medium").passed
    overdue = _rule(result, "overdue-remediation")
    assert not overdue.passed and [v.subject for v in overdue.failures] == ["ACC-01"]
    assert "was due on 2026-12-01, 40 days ago" in str(overdue.failures[0].message)
    lines = (mini / "audit.yaml").read_text().splitlines()
    assert overdue.failures[0].where[1] == next(n for n, line in enumerate(lines, 1) if "2026-12-01" in line)
    # resolved or accepted remediation is not overdue; neither is a later --today before the date
    assert _rule(run_gate(str(mini / "audit.yaml"), _policy(tmp_path), today=dt.date(2026, 11, 30)), "overdue-remediation").passed


@pytest.mark.parametrize("closed", ["resolved", "risk_accepted"])
def test_closed_remediation_is_never_overdue(mini, tmp_path, closed):
    _set(mini, "ACC-01", owner="Lee", due="2026-12-01", remediation_status=closed)
    assert _rule(run_gate(str(mini / "audit.yaml"), _policy(tmp_path), today=TODAY), "overdue-remediation").passed


def test_a_waiver_covers_a_missing_owner(mini, tmp_path):
    text = POLICY + 'waivers:\n  - {item: SEC-01, reason: Owner named at the next board, approver: CISO, expires: "2027-06-30"}\n'
    result = run_gate(str(mini / "audit.yaml"), _policy(tmp_path, text), today=TODAY)
    high = _rule(result, "finding-fields/high")
    assert high.passed and [v.subject for v in high.waived] == ["SEC-01"]


def test_every_output_reports_the_new_rules(mini, tmp_path):
    result = run_gate(str(mini / "audit.yaml"), _policy(tmp_path), today=TODAY)
    for fmt in ("text", "json", "junit", "sarif", "github", "gitlab"):
        out = render(fmt, result, "ko")
        assert "finding-fields" in out or "FindingFields" in out, fmt
    sarif = json.loads(render("sarif", result, "en"))
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    names = [r["name"] for r in rules if r["properties"].get("policyRule", "").startswith("finding-fields/")]
    assert names == ["FindingFieldsHigh/SEC-01", "FindingFieldsMedium/ACC-01"]
    assert all("finding-fields" in r["properties"]["tags"] for r in rules if r["name"] in names)
