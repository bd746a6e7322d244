"""Class 2: an output never overwrites an input. ``-o``, ``-f FORMAT:PATH`` and grading's output folder
that name (or link to) the audit, a policy, a checklist, an include, evidence, a rubric, an overrides
file or a submission's folder are refused with exit 2, and the input is left as it was."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from corpus import project, symlink

POLICY = "kind: policy\nid: p\nrules:\n  min_score: {overall: 10}\n"


def _same(path: Path, before: bytes) -> bool:
    return path.read_bytes() == before


def _inputs(proj: Path) -> dict[str, Path]:
    (proj / "policy.yaml").write_text(POLICY, encoding="utf-8")
    return {
        "audit": proj / "audit.yaml",
        "checklist": proj / "mini-checklist.yaml",
        "evidence": proj / "evidence" / "notice.txt",
        "policy": proj / "policy.yaml",
    }


@pytest.mark.parametrize("victim", ["audit", "checklist", "evidence"])
@pytest.mark.parametrize("via", ["same-path", "symlink", "hard-link", "dot-dot"])
def test_report_never_overwrites_an_input(cli, proj, victim, via):
    target = _inputs(proj)[victim]
    before = target.read_bytes()
    if via == "symlink":
        output = symlink(proj / "out.md", target)
    elif via == "hard-link":
        os.link(target, proj / "out.md")
        output = proj / "out.md"
    elif via == "dot-dot":
        output = proj / "evidence" / ".." / target.relative_to(proj)
    else:
        output = target
    result = cli("report", proj / "audit.yaml", "-o", output, "-f", "md")
    assert result.exit_code == 2, result.output
    assert "is a file this command reads" in result.stderr
    assert _same(target, before)


@pytest.mark.parametrize("victim", ["audit", "checklist", "evidence", "policy"])
@pytest.mark.parametrize("fmt", ["json", "junit", "sarif", "github", "gitlab", "text"])
def test_gate_never_overwrites_an_input(cli, proj, victim, fmt):
    inputs = _inputs(proj)
    target = inputs[victim]
    before = target.read_bytes()
    result = cli("gate", proj / "audit.yaml", "-p", inputs["policy"], "-f", f"{fmt}:{target}")
    assert result.exit_code == 2, result.output
    assert "is a file this command reads" in result.stderr
    assert _same(target, before)


def test_report_refuses_an_include_of_a_checklist(cli, proj):
    """Files read through includes count as inputs too."""
    included = proj / "extra.yaml"
    included.write_text(
        "kind: checklist\nid: extra\nversion: 1.0.0\ntitle: {en: E, ko: 이}\ndescription: {en: D, ko: 디}\n"
        "sections:\n  - id: extra\n    principle: safety\n    title: {en: S, ko: 에스}\n    items:\n"
        "      - id: EX-01\n        question: {en: Q, ko: 질문}\n        guidance: {en: G, ko: 안내}\n"
        "        severity: low\n        refs: [OWASP-LLM01]\n        remediation: {en: R, ko: 조치}\n",
        encoding="utf-8",
    )
    text = (proj / "mini-checklist.yaml").read_text(encoding="utf-8")
    (proj / "mini-checklist.yaml").write_text(text.replace("id: mini\n", "id: mini\ninclude:\n  - {checklist: extra}\n", 1))
    before = included.read_bytes()
    assert cli("validate", proj / "audit.yaml").exit_code == 0
    result = cli("report", proj / "audit.yaml", "-o", included, "-f", "json")
    assert result.exit_code == 2, result.output
    assert _same(included, before)


def test_convert_never_overwrites_its_source(cli, tmp_path):
    from importlib import resources

    source = Path(str(resources.files("deon").joinpath("assets", "checklist.yml")))
    copy = tmp_path / "checklist.yml"
    shutil.copy(source, copy)
    before = copy.read_bytes()
    result = cli("convert", "--from", "deon", copy, "-o", copy, "--force")
    assert result.exit_code == 2 and _same(copy, before)


def test_init_never_overwrites_the_checklist_it_lists(cli, proj):
    checklist = proj / "mini-checklist.yaml"
    before = checklist.read_bytes()
    result = cli("init", "-n", "x", "-c", checklist, "-o", checklist, "--force")
    assert result.exit_code == 2, result.output
    assert _same(checklist, before)
    assert cli("init", "-n", "x", "-c", checklist, "-o", proj / "new.yaml").exit_code == 0


@pytest.mark.parametrize("where", ["submissions", "in-team", "team-folder", "feedback-link", "overrides", "rubric"])
def test_grade_never_writes_into_a_submission_or_over_an_input(cli, tmp_path, where):
    subs = tmp_path / "subs"
    subs.mkdir()
    team = project(subs, "team1")
    before = {p: p.read_bytes() for p in team.rglob("*") if p.is_file()}
    extra = []
    rubric = "preset:classroom-default"
    if where == "submissions":
        out = subs
    elif where == "in-team":
        out = team / "grades"
    elif where == "team-folder":
        out = team
    elif where == "feedback-link":
        out = subs / "_grades"
        out.mkdir()
        symlink(out / "feedback", team)
    elif where == "overrides":
        out = tmp_path / "out"
        out.mkdir()
        overrides = out / "grades.csv"
        overrides.write_text("team,criterion,points,comment\n", encoding="utf-8")
        extra = ["--overrides", overrides]
        before[overrides] = overrides.read_bytes()
    else:
        out = tmp_path / "out"
        out.mkdir()
        rubric = out / "overview.html"
        rubric.write_bytes(
            (Path(__import__("aiaudit").__file__).parent / "presets" / "rubrics" / "classroom-default.yaml").read_bytes()
        )
        before[rubric] = rubric.read_bytes()
    result = cli("grade", subs, "--rubric", rubric, "-o", out, "-j", "1", *extra)
    assert result.exit_code == 2, result.output
    for path, data in before.items():
        assert path.read_bytes() == data, path
    assert not (team / "feedback").exists() and not (team / "grades.csv").exists()


def test_grade_into_a_new_or_previous_output_folder_inside_the_submissions_is_fine(cli, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    project(subs, "team1")
    for _ in range(2):  # the second run finds its own earlier output there, not a team
        result = cli("grade", subs, "--rubric", "preset:classroom-default", "-o", subs / "_grades", "-j", "1")
        assert result.exit_code == 0, result.output
        rows = (subs / "_grades" / "grades.csv").read_text(encoding="utf-8").splitlines()
        assert [row.split(",")[0] for row in rows[1:]] == ["team1"]


@pytest.mark.parametrize("command", ["report", "gate", "init", "convert"])
def test_an_output_that_is_a_folder_or_in_a_missing_folder_is_one_line(cli, proj, command):
    for output, words in ((proj / "evidence", "is a folder"), (proj / "missing" / "x.json", "does not exist")):
        args = {
            "report": ["report", proj / "audit.yaml", "-o", output, "-f", "json"],
            "gate": ["gate", proj / "audit.yaml", "-p", "preset:classroom-minimum", "-f", f"json:{output}"],
            "init": ["init", "-n", "x", "-o", output, "--force"],
            "convert": ["convert", "--from", "deon", proj / "missing.yml", "-o", output],
        }[command]
        result = cli(*args)
        assert result.exit_code == 2, result.output
        if command == "gate" and words == "is a folder":  # the gate's own check says "directory"
            words = "is a directory"
        if command != "convert":  # convert says first that its source is missing
            assert words in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
