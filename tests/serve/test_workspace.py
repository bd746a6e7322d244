"""The workspace saves exactly what `aiaudit answer` and `aiaudit classify` write, respects the lock, detects
conflicts, shows changes since the last commit, and grades a class with overrides the grader reads."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from aiaudit.cli import cli

pytest.importorskip("starlette", reason="the 'web' extra is not installed")

from aiaudit.serve.workspace import AnswerForm, revision_of

from .conftest import USER

ANSWERS = [  # (item, status, notes, evidence file name or None)
    ("TR-10", "met", "Explanations are checked against the retrieval log in the monthly review.", None),
    ("TR-11", "partial", "설명 기능은 상담 기록에서만 확인했습니다.\n\n- 다음 분기에 안내문을 보완합니다.", "faithfulness.txt"),
    ("PRIV-13", "not_met", "No retention schedule for chat transcripts yet.", None),
    ("ETH-02", "met", "영향평가서를 2026-11에 작성했습니다 (**FRIA** 양식).", None),
    ("SAFE-03", "na", "Not applicable: the assistant takes no actions.", None),
]


def _cli(*args: str):
    runner = CliRunner(env={"AIAUDIT_USER": USER, "AIAUDIT_LANG": "en", "NO_COLOR": "1"})
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _save(ws, item, status, notes, upload=None):
    entry = ws.entries[0]
    revision = revision_of(ws.state(entry).raw_answer(item))
    uploads = ((upload[0], io.BytesIO(upload[1])),) if upload else ()
    return ws.save_answer(entry, AnswerForm(item, revision, status=status, notes=notes, uploads=uploads))


def test_saves_equal_what_aiaudit_answer_writes(workspace, tmp_path):
    audit = workspace.entries[0].path
    twin = tmp_path / "twin"
    shutil.copytree(audit.parent, twin)
    for item, status, notes, upload in ANSWERS:
        body = f"evidence for {item}\n".encode()
        outcome = _save(workspace, item, status, notes, (upload, body) if upload else None)
        assert outcome.status == "saved", outcome.messages
        args = ["answer", twin / "audit.yaml", item, "--status", status, "--note", notes]
        if upload:
            (twin / "evidence" / upload).write_bytes(body)
            args += ["--evidence", f"evidence/{upload}"]
        result = _cli(*args)
        assert result.exit_code == 0, result.output
    assert audit.read_bytes() == (twin / "audit.yaml").read_bytes()
    text = audit.read_text(encoding="utf-8")
    assert "# aiaudit audit file. Answer each item below" in text  # comments kept
    assert "# ── Ethics and purpose ──" in text
    assert _cli("validate", audit).exit_code == 0


def test_a_conflicting_save_is_refused_and_shows_the_file(workspace):
    entry = workspace.entries[0]
    stale = revision_of(workspace.state(entry).raw_answer("TR-10"))
    first = workspace.save_answer(entry, AnswerForm("TR-10", stale, status="met", notes="first tab"))
    assert first.ok
    before = entry.path.read_bytes()
    second = workspace.save_answer(entry, AnswerForm("TR-10", stale, status="not_met", notes="second tab"))
    assert second.status == "conflict"
    assert second.current["notes"] == "first tab" and second.revision == first.revision
    assert entry.path.read_bytes() == before
    again = workspace.save_answer(entry, AnswerForm("TR-10", second.revision, status="not_met", notes="second tab"))
    assert again.ok  # saving again after seeing both is a deliberate choice


def test_a_change_on_the_command_line_is_a_conflict_too(workspace):
    entry = workspace.entries[0]
    stale = revision_of(workspace.state(entry).raw_answer("ETH-02"))
    assert _cli("answer", entry.path, "ETH-02", "--status", "met", "--note", "from the terminal").exit_code == 0
    outcome = workspace.save_answer(entry, AnswerForm("ETH-02", stale, status="not_met", notes="from the browser"))
    assert outcome.status == "conflict"
    assert "from the terminal" in entry.path.read_text(encoding="utf-8")
    other = workspace.save_answer(entry, AnswerForm("TR-10", revision_of({}), status="met", notes="another item is fine"))
    assert other.ok


def test_a_second_writer_holding_the_lock_refuses_the_save(workspace):
    entry = workspace.entries[0]
    before = entry.path.read_bytes()
    code = (
        "import sys, time\nfrom aiaudit.audit.lock import audit_lock\n"
        "with audit_lock(sys.argv[1]):\n    print('locked', flush=True)\n    time.sleep(30)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code, str(entry.path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        outcome = workspace.save_answer(entry, AnswerForm("TR-10", revision_of({}), status="met", notes="x"))
        assert outcome.status == "busy"
        message = outcome.messages[0]
        assert f"pid {holder.pid}" in message and "being edited by another aiaudit process" in message
        assert "편집하고 있습니다" in message.text("ko")
        assert entry.path.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()
    assert workspace.save_answer(entry, AnswerForm("TR-10", revision_of({}), status="met", notes="x")).ok


def test_the_browser_holds_the_lock_only_while_saving(workspace):
    """`aiaudit answer` between two browser saves works: the server does not keep the file locked."""
    entry = workspace.entries[0]
    assert _save(workspace, "TR-10", "met", "browser").ok
    assert _cli("answer", entry.path, "TR-11", "--status", "met", "--note", "terminal").exit_code == 0
    assert _save(workspace, "PRIV-13", "partial", "browser again").ok


def test_invalid_input_is_reported_per_field_and_nothing_is_written(workspace):
    entry = workspace.entries[0]
    before = entry.path.read_bytes()
    na = _save(workspace, "TR-10", "na", "")
    assert na.status == "invalid" and "status" in na.fields
    first = workspace.save_answer(entry, AnswerForm("TR-10", revision_of({}), status=None, notes="no status"))
    assert first.status == "invalid" and first.fields["status"][0] == "choose a status"
    missing = workspace.save_answer(entry, AnswerForm("TR-10", revision_of({}), status="met", add_paths=("evidence/nope.pdf",)))
    assert missing.status == "invalid" and "evidence" in missing.fields
    outside = workspace.save_answer(entry, AnswerForm("TR-10", revision_of({}), status="met", add_paths=("../../etc/passwd",)))
    assert outside.status == "invalid"
    url = workspace.save_answer(entry, AnswerForm("TR-10", revision_of({}), status="met", add_urls=("javascript:alert(1)",)))
    assert url.status == "invalid"
    assert entry.path.read_bytes() == before


def test_evidence_can_be_removed_added_by_path_and_by_url(workspace):
    entry = workspace.entries[0]
    state = workspace.state(entry)
    raw = state.raw_answer("ETH-01")
    outcome = workspace.save_answer(
        entry,
        AnswerForm(
            "ETH-01",
            revision_of(raw),
            remove=("evidence/model-card.md",),
            add_paths=("evidence/red-team-2026-10.md",),
            add_urls=("https://example.org/policy",),
        ),
    )
    assert outcome.ok, outcome.messages
    evidence = workspace.state(entry).raw_answer("ETH-01")["evidence"]
    assert [e.get("path") or e.get("url") for e in evidence] == ["evidence/red-team-2026-10.md", "https://example.org/policy"]
    assert evidence[0]["sha256"] and evidence[0]["size"]


def test_the_live_state_follows_the_file(workspace):
    entry = workspace.entries[0]
    state = workspace.state(entry)
    assert state.verdict.status == "not_ready"
    assert workspace.state(entry) is state  # cached while the file is unchanged
    assert _cli("answer", entry.path, "TR-02", "--status", "met", "--evidence", "evidence/model-card.md").exit_code == 0
    fresh = workspace.state(entry)
    assert fresh is not state and fresh.verdict.status == "draft"
    assert fresh.progress.answered == state.progress.answered


def test_classification_equals_aiaudit_classify(workspace, tmp_path):
    from aiaudit.audit.classify import complete

    entry = workspace.entries[0]
    twin = tmp_path / "twin"
    shutil.copytree(entry.path.parent, twin)
    given = {"eu_market": True, "kr_market": True, "interacts": True, "generates": ["text"], "annex_iii": [], "kr_areas": []}
    answers, _ = complete(given, workspace.state(entry).audit.system)
    outcome = workspace.save_classification(entry, answers, revision_of({}), "en")
    assert outcome.ok, outcome.messages
    answers_file = tmp_path / "answers.yaml"
    answers_file.write_text(yaml.safe_dump(answers), encoding="utf-8")
    result = _cli("classify", twin / "audit.yaml", "--answers", answers_file, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert entry.path.read_bytes() == (twin / "audit.yaml").read_bytes()
    again = workspace.save_classification(entry, answers, revision_of({}), "en")
    assert again.status == "conflict"


# --- changes since the last commit -------------------------------------------------------------------------


def _git(folder: Path, *args: str) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@e", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@e")
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, env=env)


def test_changes_since_the_last_commit(workspace):
    from aiaudit.serve.changes import committed, compare

    entry = workspace.entries[0]
    folder = entry.path.parent
    assert committed(entry.path).state == "not_repo"
    _git(folder, "init", "-q")
    assert committed(entry.path).state == "no_commit"
    _git(folder, "add", "evidence")
    _git(folder, "commit", "-qm", "evidence")
    assert committed(entry.path).state == "untracked"
    _git(folder, "add", "audit.yaml")
    _git(folder, "commit", "-qm", "audit")
    head = committed(entry.path)
    assert head.state == "ok" and head.commit.endswith(" audit")
    assert compare(head.raw, entry.path.read_bytes()).answers == ()
    assert _save(workspace, "TR-10", "met", "new answer").ok
    assert _save(workspace, "ETH-02", "met", "Written assessment done.\nSigned by the DPO.").ok
    changes = compare(committed(entry.path).raw, entry.path.read_bytes())
    kinds = {c.item_id: c for c in changes.answers}
    assert kinds["TR-10"].kind == "added" and kinds["ETH-02"].kind == "changed"
    assert "status" in kinds["ETH-02"].fields and "notes" in kinds["ETH-02"].fields
    assert ("+", "Signed by the DPO.") in kinds["ETH-02"].notes_diff
    assert any(tag == "+" and "new answer" in line for tag, line in changes.text)


def test_git_configuration_cannot_run_programs(workspace, tmp_path):
    from aiaudit.serve.changes import committed

    entry = workspace.entries[0]
    folder = entry.path.parent
    _git(folder, "init", "-q")
    _git(folder, "add", ".")
    _git(folder, "commit", "-qm", "all")
    marker = tmp_path / "ran"
    _git(folder, "config", "core.fsmonitor", f"touch {marker}; false")
    _git(folder, "config", "core.pager", f"touch {marker}")
    assert committed(entry.path).state == "ok"
    assert not marker.exists()


# --- the class ---------------------------------------------------------------------------------------------

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
RUBRIC = """\
kind: rubric
id: serve-class
title: {en: Serve rubric, ko: 시험 채점 기준표}
checklists: [mini]
criteria:
  - {id: completeness, points: 60, measure: answered_ratio}
  - {id: presentation, points: 40, measure: manual}
similarity: {threshold: 0.8, min_items: 2, min_chars: 20}
"""
SHARED = {
    "SEC-01": "Prompt injection was tested with the OWASP cheat sheet on the staging system.",
    "ACC-01": "The product owner signs off every release after reading the risk register.",
}


def make_class(root: Path) -> Path:
    subs = root / "submissions"
    for n, team in enumerate(["team-1", "team-2", "team-10"]):
        dest = subs / team
        shutil.copytree(MINI, dest)
        data = yaml.safe_load((dest / "audit.yaml").read_text(encoding="utf-8"))
        if n < 2:  # team-1 and team-2 share their notes
            for item, note in SHARED.items():
                data["answers"][item] = {"status": "partial", "notes": note}
        else:  # team-10 wrote its own
            for item, answer in data["answers"].items():
                if isinstance(answer, dict) and answer.get("notes"):
                    answer["notes"] = f"Team ten's own words on {item}: measured, reviewed and written down separately."
        (dest / "audit.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (root / "rubric.yaml").write_text(RUBRIC, encoding="utf-8")
    return subs


def test_class_overrides_are_saved_in_the_graders_format(tmp_path):
    from aiaudit.grading.rubric import load_rubric
    from aiaudit.serve.classroom import Classroom, CriterionInput

    subs = make_class(tmp_path)
    rubric = load_rubric(str(tmp_path / "rubric.yaml"))
    overrides = tmp_path / "overrides.yaml"
    room = Classroom(subs, rubric, overrides)
    assert [s.team for s in room.subs] == ["team-1", "team-2", "team-10"]
    result = room.result()
    assert [(p.a, p.b) for p in result.pairs] == [("team-1", "team-2")]
    grade, _ = room.grade("team-1")
    assert "ungraded:presentation" in grade.flags
    criteria = {"completeness": CriterionInput(), "presentation": CriterionInput("35", "명확한 발표입니다.")}
    outcome = room.save_overrides("team-1", revision_of({}), criteria, CriterionInput(), "Good work overall.")
    assert outcome.ok, outcome.messages
    assert room.grade("team-1")[0].criteria[1].points == 35
    criteria = {"completeness": CriterionInput("50"), "presentation": CriterionInput("38.5")}
    assert room.save_overrides("team-2", revision_of({}), criteria, CriterionInput("", "extension"), "").ok
    stale = room.save_overrides("team-2", revision_of({}), criteria, CriterionInput(), "")
    assert stale.status == "conflict"
    bad = room.save_overrides("team-10", revision_of({}), {"presentation": CriterionInput("99")}, CriterionInput(), "")
    assert bad.status == "invalid" and "E204" in bad.messages[0].code
    text = overrides.read_text(encoding="utf-8")
    assert text.startswith("# Grading overrides")
    data = yaml.safe_load(text)
    expected = {"presentation": {"points": 35, "comment": "명확한 발표입니다."}, "comment": "Good work overall."}
    assert data["teams"]["team-1"] == expected
    assert data["teams"]["team-2"] == {"completeness": 50, "presentation": 38.5, "late": {"comment": "extension"}}
    out = tmp_path / "grades"
    run = _cli("grade", subs, "--rubric", tmp_path / "rubric.yaml", "--overrides", overrides, "-o", out, "-j", "1")
    assert run.exit_code == 0, run.output
    rows = (out / "grades.csv").read_text(encoding="utf-8").splitlines()
    totals = {r.split(",")[0]: r.split(",")[2] for r in rows[1:]}
    for slug in ("team-1", "team-2", "team-10"):
        mine = room.grade(slug)[0].total
        assert totals[slug] == ("" if mine is None else format(mine.normalize(), "f")), slug


def test_a_hand_written_overrides_file_keeps_its_comments(tmp_path):
    from aiaudit.grading.rubric import load_rubric
    from aiaudit.serve.classroom import Classroom, CriterionInput

    subs = make_class(tmp_path)
    rubric = load_rubric(str(tmp_path / "rubric.yaml"))
    overrides = tmp_path / "overrides.yaml"
    text = "# my notes about the class\nteams:\n  team-10:\n    presentation: 20  # weak slides\n"
    overrides.write_text(text, encoding="utf-8")
    room = Classroom(subs, rubric, overrides)
    assert room.grade("team-10")[0].criteria[1].points == 20
    raw = room.raw_team("team-1")
    assert room.save_overrides("team-1", revision_of(raw), {"presentation": CriterionInput("30")}, CriterionInput(), "").ok
    text = overrides.read_text(encoding="utf-8")
    assert "# my notes about the class" in text and "presentation: 20  # weak slides" in text
    assert yaml.safe_load(text)["teams"]["team-1"] == {"presentation": 30}
