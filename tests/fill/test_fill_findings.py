"""`aiaudit fill` asks a finding's details (observation, risk, recommendation, owner, due date, management
response, remediation) after a not met or partial answer: on a terminal by default, with --findings
anywhere; piped input without the flag keeps the prompts it always had."""

from __future__ import annotations

import pytest

from aiaudit.audit.load import load_audit


@pytest.fixture
def fill(invoke, monkeypatch):
    monkeypatch.setenv("AIAUDIT_USER", "tester")

    def run(path, *args, input=""):
        return invoke("fill", path, *args, input=input)

    return run


def test_a_finding_gets_its_details_with_back_and_a_bad_date_asked_again(mini, fill):
    path = mini / "audit.yaml"
    keys = [
        "n",  # ACC-01 not met (it was not met: Enter would keep it)
        "No incident runbook.",  # notes
        "",  # evidence: none
        "Only a chat log of one incident.",  # observation
        "b",  # back to the observation
        "No runbook; one incident handled ad hoc.",  # observation again
        "Slow, inconsistent response.",  # risk
        "",  # recommendation: the checklist's
        "Park (ops)",  # owner
        "next month",  # a due date that is not one: asked again
        "2027-02-28",
        "Agreed.",  # management response
        "i",  # in progress
    ]
    result = fill(path, "--item", "ACC-01", "--findings", input="\n".join(keys) + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Finding details" in out and "Owner (who fixes it)" in out
    assert "invalid due date next month" in out
    answer = load_audit(path).answers["ACC-01"]
    assert answer.status == "not_met" and answer.notes == "No incident runbook."
    assert answer.observation == "No runbook; one incident handled ad hoc." and answer.risk == "Slow, inconsistent response."
    assert answer.recommendation == "" and answer.owner == "Park (ops)" and answer.due == "2027-02-28"
    assert answer.management_response == "Agreed." and answer.remediation_status == "in_progress"


def test_dot_finishes_the_finding_and_enter_keeps_what_is_there(mini, invoke, fill):
    path = mini / "audit.yaml"
    assert invoke("answer", path, "SEC-01", "--owner", "Kim", "--due", "2027-03-01").exit_code == 0
    keys = ["", "", "", "", "", "", "Lee", "."]  # keep status, notes, evidence; keep 3 fields; new owner; finish
    result = fill(path, "--item", "SEC-01", "--findings", input="\n".join(keys) + "\n")
    assert result.exit_code == 0, result.output
    assert "[Enter keeps: Kim]" in result.output
    answer = load_audit(path).answers["SEC-01"]
    assert (answer.status, answer.owner, answer.due) == ("partial", "Lee", "2027-03-01")


def test_back_from_the_first_field_returns_to_the_evidence(mini, fill):
    path = mini / "audit.yaml"
    keys = ["p", "", "", "b", "", ".", ""]  # status, notes, evidence, back → evidence, Enter, finish details
    result = fill(path, "--item", "ACC-01", "--findings", input="\n".join(keys) + "\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Evidence files or URLs") == 2
    assert load_audit(path).answers["ACC-01"].status == "partial"


def test_piped_input_without_the_flag_is_not_asked_the_details(mini, fill):
    result = fill(mini / "audit.yaml", "--item", "ACC-01", input="n\n\n\n")
    assert result.exit_code == 0 and "Finding details" not in result.output
    assert "Saved ACC-01" in result.output


def test_met_answers_are_not_findings(mini, fill):
    result = fill(mini / "audit.yaml", "--item", "ACC-01", "--findings", input="m\nDone.\n\n")
    assert result.exit_code == 0 and "Finding details" not in result.output
