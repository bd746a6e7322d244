"""`aiaudit answer`: scripted answers and bulk import, with the same checks and the same safe save."""

from __future__ import annotations

import hashlib

import pytest

from aiaudit.audit.answer import AnswerInput, Editor, default_user, normalize_status, read_answers_file
from aiaudit.audit.load import load_audit

NOTICE_SHA = "f11cc0d0507abede26c0010cf1a47cc764bfca132134c7e2f3166727e8fb65ee"


@pytest.fixture
def audit(mini):
    return mini / "audit.yaml"


def test_answer_sets_status_notes_evidence_who_and_when(audit, invoke):
    result = invoke(
        "answer",
        audit,
        "ACC-01",
        "--status",
        "met",
        "--note",
        "Kim owns it.",
        "-e",
        "evidence/notice.txt",
        "--by",
        "lee@example.org",
        "--date",
        "2026-11-25",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Saved ACC-01: met ({audit})"
    answer = load_audit(audit).answers["ACC-01"]
    assert (answer.status, answer.notes, answer.answered_by, answer.date) == (
        "met",
        "Kim owns it.",
        "lee@example.org",
        "2026-11-25",
    )
    assert answer.evidence[0].path == "evidence/notice.txt"
    assert answer.evidence[0].sha256 == NOTICE_SHA
    assert answer.evidence[0].size == 37


def test_only_given_fields_change(audit, invoke):
    assert invoke("answer", audit, "TR-01", "--status", "partial", "--by", "x", "--date", "2026-11-25").exit_code == 0
    answer = load_audit(audit).answers["TR-01"]
    assert answer.status == "partial"
    assert answer.notes == "The chat shows an **AI 상담원** badge."
    assert answer.evidence[0].path == "evidence/notice.txt"
    # a later call may change notes only; the status stays
    assert invoke("answer", audit, "TR-01", "--note", "Now with a tooltip.").exit_code == 0
    answer = load_audit(audit).answers["TR-01"]
    assert (answer.status, answer.notes) == ("partial", "Now with a tooltip.")
    assert invoke("answer", audit, "TR-01", "--no-evidence").exit_code == 0
    assert load_audit(audit).answers["TR-01"].evidence == ()


def test_evidence_given_relative_to_the_current_folder_is_stored_relative_to_the_audit(mini, runner, monkeypatch):
    from aiaudit.cli import cli

    monkeypatch.chdir(mini.parent)
    result = runner.invoke(
        cli, ["answer", "mini/audit.yaml", "ACC-01", "-s", "met", "-e", "mini/evidence/notice.txt"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert load_audit(mini / "audit.yaml").answers["ACC-01"].evidence[0].path == "evidence/notice.txt"


def test_url_evidence(audit, invoke):
    assert invoke("answer", audit, "ACC-01", "-s", "met", "-e", "https://example.org/raci#owner").exit_code == 0
    assert load_audit(audit).answers["ACC-01"].evidence[0].url == "https://example.org/raci#owner"


def test_notes_from_stdin(audit, invoke):
    result = invoke("answer", audit, "ACC-01", "-s", "met", "--note", "-", input="# RACI\n\n- owner: Kim\n")
    assert result.exit_code == 0, result.output
    assert load_audit(audit).answers["ACC-01"].notes == "# RACI\n\n- owner: Kim\n"


def test_status_spellings():
    assert [normalize_status(s) for s in ("Met", "not met", "Not-Met", "n/a", "해당 없음", "부분 충족", "bogus")] == [
        "met",
        "not_met",
        "not_met",
        "na",
        "na",
        "partial",
        None,
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ACC-02", "-s", "met"], "no checklist of this audit has an item ACC-02 (did you mean ACC-01?)"),
        (["ACC-01", "-s", "done"], "unknown status done; use one of: met, partial, not_met, na, unanswered"),
        (["ACC-01", "-s", "na"], "ACC-01: `na` needs a justification in the notes"),
        (["ACC-01", "-s", "met", "-e", "evidence/missing.pdf"], "evidence file evidence/missing.pdf does not exist"),
        (["ACC-01", "-s", "met", "-e", "../outside.txt"], "evidence ../outside.txt leaves the audit's folder"),
        (["ACC-01", "-s", "met", "--date", "2026-13-01"], "invalid date 2026-13-01"),
        (["ACC-01", "-s", "met", "-e", "x", "--no-evidence"], "cannot be used together"),
        (["-s", "met"], "give either ITEM_ID"),
    ],
)
def test_bad_answers_are_refused_with_one_line_and_the_file_is_untouched(audit, invoke, args, message):
    (audit.parent.parent / "outside.txt").write_text("not in the audit's folder")
    before = audit.read_bytes()
    result = invoke("answer", audit, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "Traceback" not in result.output
    assert audit.read_bytes() == before


def test_status_required_for_a_new_answer(mini, invoke):
    path = mini / "audit.yaml"
    text = path.read_text(encoding="utf-8").replace("  ACC-01:\n    status: not_met\n", "")
    path.write_text(text, encoding="utf-8")
    result = invoke("answer", path, "ACC-01", "--note", "x")
    assert result.exit_code == 2
    assert "ACC-01 has no answer yet; give a status (--status)" in result.stderr


def test_messages_in_korean(audit, invoke):
    result = invoke("answer", audit, "ACC-01", "-s", "na", "--lang", "ko")
    assert result.exit_code == 2
    assert "`na`(해당 없음)에는 notes에 사유가 필요합니다" in result.stderr
    result = invoke("answer", audit, "ACC-01", "-s", "met", "--lang", "ko")
    assert result.stdout.strip() == f"ACC-01 저장: met ({audit})"


def test_an_invalid_audit_is_not_touched(mini, invoke):
    path = mini / "audit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("format: 1", "format: 1\nformat: 2"), encoding="utf-8")
    before = path.read_bytes()
    result = invoke("answer", path, "ACC-01", "-s", "met")
    assert result.exit_code == 1
    assert "error[E102]" in result.stderr
    assert path.read_bytes() == before


def test_answered_by_lookup_order(monkeypatch, tmp_path):
    monkeypatch.setenv("AIAUDIT_USER", "env-user")
    assert default_user("cli-user", tmp_path) == "cli-user"
    assert default_user(None, tmp_path) == "env-user"
    monkeypatch.delenv("AIAUDIT_USER")
    monkeypatch.setenv("PATH", str(tmp_path))  # no git on PATH
    monkeypatch.setenv("USER", "login-name")
    assert default_user(None, tmp_path) == "login-name"


def test_answered_by_from_git(monkeypatch, tmp_path):
    import shutil
    import subprocess

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.delenv("AIAUDIT_USER", raising=False)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "config", "user.email", "dev@example.org"], check=True)
    assert default_user(None, tmp_path) == "dev@example.org"


def test_a_save_that_would_add_an_error_is_refused(audit):
    editor = Editor(audit, answered_by="x", date="2026-11-25")
    before = audit.read_bytes()
    # bypass the input checks to prove the last line of defence: the reloaded audit is checked again
    with pytest.raises(Exception, match="E403"):
        editor.save({"ACC-01": {"status": "met", "evidence": [{"path": "evidence/gone.pdf"}]}})
    assert audit.read_bytes() == before
    editor.answer(AnswerInput("ACC-01", status="met"))
    assert load_audit(audit).answers["ACC-01"].status == "met"


def test_one_answer_saves_beside_problems_of_other_answers_and_still_refuses_new_ones(audit, invoke):
    """``aiaudit answer`` checks the answer it changes (before and after), not the whole file on opening:
    a problem elsewhere neither blocks the save nor is reported as the save's; a problem the save adds is refused."""
    text = audit.read_text(encoding="utf-8")
    audit.write_text(text.replace('date: "2026-11-20"', 'date: "2026-02-30"'), encoding="utf-8")  # E408 in TR-01
    result = invoke("answer", audit, "ACC-01", "-s", "met", "-n", "The team lead signs off every release in the repository.")
    assert result.exit_code == 0, result.stderr
    assert "E408" not in result.stderr
    assert Editor(audit, answered_by="x").audit.answers["ACC-01"].status == "met"
    before = audit.read_bytes()
    result = invoke("answer", audit, "SEC-01", "-s", "met", "-e", "evidence/missing.pdf")
    assert result.exit_code != 0 and audit.read_bytes() == before
    editor = Editor(audit, answered_by="x", date="2026-11-25", checked=False)
    with pytest.raises(Exception, match="E403"):
        editor.save({"SEC-02": {"status": "met", "evidence": [{"path": "evidence/gone.pdf"}]}})
    assert audit.read_bytes() == before
    assert any(d.code == "E408" for d in Editor(audit, answered_by="x").baseline)  # a full open still sees it


# --- bulk import -------------------------------------------------------------------------------------


def test_import_csv(audit, invoke):
    source = audit.parent / "answers.csv"
    source.write_text(
        "\ufeffItem,Status,Notes,Evidence,Answered by,Question\n"
        'ACC-01,Met,"RACI signed, see wiki",evidence/notice.txt,park@example.org,ignored column\n'
        'SEC-01,partial,"Two lines:\nfirst, second",,,\n'
        ",,,,,\n",
        encoding="utf-8",
    )
    result = invoke("answer", audit, "--from", source, "--date", "2026-11-25")
    assert result.exit_code == 0, result.output
    assert f"Imported 2 answers from {source}" in result.stdout
    answers = load_audit(audit).answers
    assert (answers["ACC-01"].status, answers["ACC-01"].notes, answers["ACC-01"].answered_by) == (
        "met",
        "RACI signed, see wiki",
        "park@example.org",
    )
    assert answers["ACC-01"].evidence[0].sha256 == NOTICE_SHA
    assert answers["SEC-01"].notes == "Two lines:\nfirst, second"
    assert answers["SEC-01"].date == "2026-11-25"


def test_import_csv_semicolon(audit, invoke):
    source = audit.parent / "answers.csv"
    source.write_text("item;status;evidence\nACC-01;met;evidence/notice.txt;\n", encoding="utf-8")
    assert invoke("answer", audit, "--from", source).exit_code == 0
    assert load_audit(audit).answers["ACC-01"].evidence[0].size == 37


def test_import_is_all_or_nothing_with_positions(audit, invoke):
    source = audit.parent / "answers.csv"
    source.write_text(
        "item,status,notes,evidence\nACC-01,met,,\nSEC-01,maybe,,\nNOPE-1,met,,\nTR-02,na,,\nTR-01,met,,evidence/x.pdf\nACC-01,met,,\n",
        encoding="utf-8",
    )
    before = audit.read_bytes()
    result = invoke("answer", audit, "--from", source)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"{source}:3:8: error[E204]: SEC-01: unknown status maybe; use one of: met, partial, not_met, na, unanswered",
        f"{source}:4:1: error[E401]: NOPE-1: no checklist of this audit has an item NOPE-1",
        f"{source}:5:7: error[E402]: TR-02: `na` needs a justification in the notes",
        f"{source}:6:12: error[E403]: TR-01: evidence file evidence/x.pdf does not exist"
        " (relative paths start at the audit's folder)",
        f"{source}:7:1: error[E102]: item ACC-01 appears twice (first on line 2)",
    ]
    assert audit.read_bytes() == before


def test_import_yaml_including_an_answers_block_copied_from_another_audit(audit, invoke):
    source = audit.parent / "answers.yaml"
    source.write_text(
        "answers:\n"
        "  ACC-01: met\n"
        "  SEC-01:\n"
        "    status: partial\n"
        "    notes: |\n      Red team booked.\n"
        "    evidence:\n"
        "      - evidence/notice.txt\n"
        "      - {url: https://example.org/report}\n"
        "      - {path: evidence/notice.txt, sha256: " + "0" * 64 + ", description: old}\n",
        encoding="utf-8",
    )
    result = invoke("answer", audit, "--from", source)
    assert result.exit_code == 0, result.output
    answers = load_audit(audit).answers
    assert answers["ACC-01"].status == "met"
    assert answers["SEC-01"].notes == "Red team booked.\n"
    evidence = answers["SEC-01"].evidence
    assert [e.label for e in evidence] == ["evidence/notice.txt", "https://example.org/report", "evidence/notice.txt"]
    assert evidence[2].sha256 == NOTICE_SHA  # re-hashed, not copied
    assert evidence[2].description == "old"


def test_import_yaml_errors_have_positions(audit, invoke):
    source = audit.parent / "answers.yaml"
    source.write_text("answers:\n  ACC-01:\n    status: met\n    comment: hi\n", encoding="utf-8")
    result = invoke("answer", audit, "--from", source)
    assert result.exit_code == 1
    assert f"{source}:4:5: error[E202]: unknown key `comment`" in result.stderr


def test_import_unusable_files(audit, invoke):
    folder = audit.parent
    (folder / "a.csv").write_text("status,notes\nmet,x\n", encoding="utf-8")
    result = invoke("answer", audit, "--from", folder / "a.csv")
    assert result.exit_code == 2
    assert "has no `item` column" in result.stderr
    (folder / "a.txt.xlsx").write_bytes(b"PK\x03\x04")
    assert invoke("answer", audit, "--from", folder / "a.txt.xlsx").exit_code == 2
    (folder / "b.csv").write_bytes("item,status\nACC-01,met\n".encode("utf-16"))
    result = invoke("answer", audit, "--from", folder / "b.csv")
    assert result.exit_code == 2
    assert "UTF-8" in result.stderr
    result = invoke("answer", audit, "--from", folder / "a.csv", "--status", "met")
    assert result.exit_code == 2


def test_read_answers_file_keeps_positions(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("answers:\n  TR-01:\n    status: met\n    notes: x\n", encoding="utf-8")
    inputs, name = read_answers_file(path)
    assert inputs[0].where["status"] == (3, 13)
    assert inputs[0].where["item"] == (2, 3)


def test_evidence_hash_matches_file(audit, invoke):
    target = audit.parent / "evidence" / "big.bin"
    target.write_bytes(b"x" * 300_000)
    assert invoke("answer", audit, "ACC-01", "-s", "met", "-e", "evidence/big.bin").exit_code == 0
    evidence = load_audit(audit).answers["ACC-01"].evidence[0]
    assert evidence.sha256 == hashlib.sha256(b"x" * 300_000).hexdigest()
    assert evidence.size == 300_000


def test_missing_audit(mini, invoke):
    for command in (
        ["answer", mini / "nope.yaml", "TR-01", "-s", "met"],
        ["fill", mini / "nope.yaml"],
        ["classify", mini / "nope.yaml"],
    ):
        result = invoke(*command)
        assert result.exit_code == 2
        assert result.stderr.strip() == f"{mini / 'nope.yaml'}:1:1: error[E001]: no such file"
        assert not (mini / ".nope.yaml.lock").exists()


def test_control_characters_in_notes_are_refused(mini, invoke):
    path = mini / "audit.yaml"
    before = path.read_bytes()
    result = invoke("answer", path, "ACC-01", "--status", "met", "--note", "abc\x1b[DX")
    assert result.exit_code == 2
    assert "notes of ACC-01 contains the control character U+001B; remove it" in result.stderr
    assert path.read_bytes() == before
    # Windows line breaks are not control characters: they are saved as newlines
    assert invoke("answer", path, "ACC-01", "--status", "met", "--note", "one\r\ntwo\ttab").exit_code == 0
    from aiaudit.audit.load import load_audit

    assert load_audit(path).answers["ACC-01"].notes == "one\ntwo\ttab"
