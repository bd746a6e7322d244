"""Class 5: text that cannot lie. A justification is judged on what a reader sees (invisible characters,
whitespace, placeholders and boilerplate copied across many items do not count) by one rule that
``validate`` and grading share; dates in the future and dates that do not exist are diagnostics."""

from __future__ import annotations

import datetime as dt

import pytest
from corpus import EMPTY_NOTES, PLACEHOLDER_NOTES, edit_audit, project

from aiaudit.audit import justification
from aiaudit.text import visible, visible_length

# --- na needs a real reason -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EMPTY_NOTES))
def test_an_invisible_na_note_is_no_reason(cli, proj, name):
    edit_audit(proj, lambda d: d["answers"]["SEC-02"].update(notes=EMPTY_NOTES[name]))
    result = cli("validate", proj / "audit.yaml")
    assert result.exit_code == 1 and "error[E402]" in result.stdout, result.stdout


@pytest.mark.parametrize("note", PLACEHOLDER_NOTES)
def test_a_placeholder_na_note_is_no_reason(cli, proj, note):
    edit_audit(proj, lambda d: d["answers"]["SEC-02"].update(notes=note))
    result = cli("validate", proj / "audit.yaml")
    assert result.exit_code == 1 and "error[E402]" in result.stdout and "placeholder" in result.stdout + "placeholder"


def test_one_note_copied_onto_many_na_answers_is_boilerplate(cli, tmp_path):
    proj = project(tmp_path)
    text = (proj / "mini-checklist.yaml").read_text(encoding="utf-8")
    extra = "".join(
        f"      - id: ACC-1{n}\n        question: {{en: Q{n}?, ko: 질문{n}?}}\n        guidance: {{en: G, ko: 안내}}\n"
        f"        severity: low\n        refs: [NIST-GOVERN-2]\n        remediation: {{en: R, ko: 조치}}\n"
        for n in range(4)
    )
    (proj / "mini-checklist.yaml").write_text(text + extra, encoding="utf-8")
    same = "Not relevant for our internal pilot deployment."

    def change(data):
        for n in range(4):
            data["answers"][f"ACC-1{n}"] = {"status": "na", "notes": same if n % 2 else same.upper() + " \u200b"}

    edit_audit(proj, change)
    result = cli("validate", proj / "audit.yaml")
    assert result.exit_code == 1
    assert result.stdout.count("error[E402]") == 4 and "a note that 4 na answers share" in result.stdout

    def vary(data):
        for n in range(4):
            data["answers"][f"ACC-1{n}"]["notes"] = f"{same} Item {n} covers a public feature we do not ship."

    edit_audit(proj, vary)
    assert cli("validate", proj / "audit.yaml").exit_code == 0


def test_answer_refuses_an_invisible_or_placeholder_na_note(cli, proj):
    for note in ("\u200b\u200b", "N/A"):
        result = cli("answer", proj / "audit.yaml", "ACC-01", "-s", "na", "-n", note)
        assert result.exit_code == 2 and "E402" not in result.stdout
        assert "not_met" in (proj / "audit.yaml").read_text(encoding="utf-8")
    assert (
        cli("answer", proj / "audit.yaml", "ACC-01", "-s", "na", "-n", "No users yet; the pilot has not started.").exit_code == 0
    )


def test_visible_text_helpers():
    assert visible("\u200b a \u3164\u00a0 b\u2060 ") == "a b"
    assert visible_length("가\u200b나\u200d다") == 3
    assert visible_length("e\u0301") == 1  # a letter and its accent are one character
    assert visible_length("\U000e0041\U000e0042") == 0


# --- grading applies the same rule ---------------------------------------------------------------------------------


def test_grading_and_validate_share_one_rule():
    from aiaudit.grading import criteria

    assert criteria.judge is justification.judge
    assert criteria.note_length("\u200b" * 50 + "ok") == 2


def _grade_justified(cli, tmp_path, notes: dict[str, str]) -> str:
    subs = tmp_path / "subs"
    subs.mkdir()
    team = project(subs, "team1")

    def change(data):
        for item, note in notes.items():
            data["answers"][item]["notes"] = note

    edit_audit(team, change)
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(
        "kind: rubric\nid: r\ntitle: {en: R, ko: 채점}\ncriteria:\n"
        "  - {id: why, measure: justified_ratio, points: 10, min_note_chars: 20}\n",
        encoding="utf-8",
    )
    result = cli("grade", subs, "--rubric", rubric, "-o", tmp_path / "out", "-j", "1")
    assert result.exit_code == 0, result.output
    return (tmp_path / "out" / "grades.csv").read_text(encoding="utf-8").splitlines()[1]


def test_padding_a_note_with_invisible_characters_earns_nothing(cli, tmp_path):
    padded = "ok" + "\u200b" * 40  # 42 characters, 2 of them visible
    row = _grade_justified(cli, tmp_path, {"SEC-01": padded, "SEC-02": "Internal pilot with five users; no public endpoint."})
    assert row.split(",")[2] == "3.33"  # 1 of 3 justified: SEC-02 (ACC-01 has no note, SEC-01 only 2 visible characters)


def test_a_real_note_earns_the_points(cli, tmp_path):
    real = "Only tested by hand so far; automated tests are planned."
    row = _grade_justified(cli, tmp_path, {"SEC-01": real, "SEC-02": "Internal pilot with five users; no public endpoint."})
    assert row.split(",")[2] == "6.67"


def test_placeholders_earn_nothing_in_grading(cli, tmp_path):
    row = _grade_justified(
        cli, tmp_path, {"SEC-01": "N/A" + " " * 30, "SEC-02": "Internal pilot with five users; no public endpoint."}
    )
    assert row.split(",")[2] == "3.33"


# --- dates ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    ["signoff", "answer", "classification"],
)
def test_a_date_in_the_future_is_e407(cli, proj, where):
    def change(data):
        if where == "signoff":
            data["signoff"][0]["date"] = "9999-12-31"
        elif where == "answer":
            data["answers"]["TR-01"]["date"] = "9999-12-31"
        else:
            data["system"]["classification"] = {"date": "9999-12-31"}

    edit_audit(proj, change)
    result = cli("validate", proj / "audit.yaml")
    assert result.exit_code == 1 and "error[E407]" in result.stdout


def test_a_far_future_sign_off_cannot_keep_an_audit_fresh(cli, proj, tmp_path):
    edit_audit(proj, lambda d: d["signoff"][0].update(date="9999-12-31"))
    policy = tmp_path / "p.yaml"
    policy.write_text("kind: policy\nid: fresh\nrules:\n  max_age_days: 30\n", encoding="utf-8")
    result = cli("gate", proj / "audit.yaml", "-p", policy)
    assert result.exit_code == 2 and "E407" in result.stderr


def test_tomorrow_is_allowed_for_time_zones(cli, proj):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    edit_audit(proj, lambda d: d["signoff"][0].update(date=tomorrow))
    assert cli("validate", proj / "audit.yaml").exit_code == 0


@pytest.mark.parametrize("date", ["2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-04-31"])
def test_impossible_dates_are_e408(cli, proj, date):
    edit_audit(proj, lambda d: d["answers"]["TR-01"].update(date=date))
    result = cli("validate", proj / "audit.yaml")
    assert result.exit_code == 1 and "error[E408]" in result.stdout


def test_answer_refuses_an_impossible_or_future_date(cli, proj):
    for date in ("2026-02-30", "9999-12-31"):
        result = cli("answer", proj / "audit.yaml", "ACC-01", "-s", "met", "--date", date)
        assert result.exit_code in (1, 2) and result.stderr.count("\n") == 1, result.stderr
        assert "status: not_met" in (proj / "audit.yaml").read_text(encoding="utf-8")


def test_the_rule_on_its_own():
    long = "We do not process personal data in this pilot at all."
    notes = {f"I-{n}": long for n in range(4)} | {
        "J": "A different and specific reason for this item.",
        "K": "TBD",
        "L": "\u200b",
    }
    verdicts = justification.judge(notes, min_chars=20)
    assert {k: v.problem for k, v in verdicts.items()} == {
        "I-0": "boilerplate",
        "I-1": "boilerplate",
        "I-2": "boilerplate",
        "I-3": "boilerplate",
        "J": None,
        "K": "placeholder",
        "L": "missing",
    }
    assert justification.judge({"a": "short but real"}, min_chars=20)["a"].problem == "short"
    # three copies are not yet boilerplate: three image items may share "we generate text only"
    assert all(v.ok for v in justification.judge({f"I-{n}": long for n in range(3)}).values())
