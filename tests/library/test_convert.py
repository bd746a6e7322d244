"""`aiaudit convert --from deon`: deon checklists become aiaudit checklists that validate and lint."""

from __future__ import annotations

import json
import textwrap
from importlib import resources
from pathlib import Path

import pytest
import yaml

from aiaudit.cli.kinds import kinds
from aiaudit.library.catalog import clause_index
from aiaudit.library.checklists import load_checklist
from aiaudit.library.convert import checklist_id_for, convert_file
from aiaudit.library.convert.deon import _LINE_RULES, _SECTION_RULES
from aiaudit.library.lint import lint_source
from aiaudit.validation import validate_file


@pytest.fixture(scope="module")
def deon_default() -> Path:
    """deon's own default checklist, from the installed deon package."""
    path = Path(str(resources.files("deon").joinpath("assets", "checklist.yml")))
    assert path.is_file(), "the deon package (test extra) must ship assets/checklist.yml"
    return path


@pytest.fixture(scope="module")
def deon_data(deon_default) -> dict:
    return yaml.safe_load(deon_default.read_text(encoding="utf-8"))


CUSTOM = """\
title: Our team's review questions
sections:
  - title: Data handling and storage
    section_id: A
    lines:
      - line_id: A.1
        line_summary: Consent
        line: Did every participant consent to the use of their chat logs?
      - line_id: A.1
        line_summary: Retention
        line: Do we delete chat logs after ninety days?
  - title: Launch readiness
    section_id: 2
    lines:
      - line_id: 7
        line: Is someone on call for the first week after launch?
"""


def test_deon_default_checklist_converts_to_a_valid_checklist(invoke, tmp_path, deon_default, deon_data):
    out = tmp_path / "my-checklist.yaml"
    result = invoke("convert", "--from", "deon", deon_default, "-o", out)
    assert result.exit_code == 0, result.output
    lines = sum(len(s["lines"]) for s in deon_data["sections"])
    assert f"Wrote {out}: checklist my-checklist with {lines} items in {len(deon_data['sections'])} sections" in result.stderr
    assert "0 items still need a Korean translation" in result.stderr

    validated = validate_file(out, kinds())
    assert validated.kind == "checklist"
    assert [d for d in validated.diagnostics if d.severity == "error"] == []
    linted = lint_source(str(out))
    assert linted.errors == 0 and linted.exit_code == 0
    assert invoke("validate", out).exit_code == 0

    checklist = load_checklist(out)
    assert checklist.id == "my-checklist" and checklist.version == "0.1.0"
    assert len(checklist.items) == lines
    expected_ids = [f"DEON-{line['line_id'].replace('.', '-')}" for s in deon_data["sections"] for line in s["lines"]]
    assert [i.id for i in checklist.items] == expected_ids
    assert [s.title.en for s in checklist.sections] == [s["title"] for s in deon_data["sections"]]
    assert [s.id for s in checklist.sections] == ["data-collection", "data-storage", "analysis", "modeling", "deployment"]


def test_converted_items_are_bilingual_and_cite_real_clauses(tmp_path, deon_default, deon_data):
    converted = convert_file("deon", deon_default, "ethics", prefix="DEON")
    checklist = converted.checklist
    first = deon_data["sections"][0]["lines"][0]
    item = checklist.items[0]
    assert item.question.en == first["line"]
    assert "동의" in item.question.ko and item.question.ko.endswith("?")
    assert first["line_summary"] in item.guidance.en and f"deon line {first['line_id']}" in item.guidance.en
    assert "증빙" in item.guidance.ko and "증빙" in item.remediation.ko
    for item in checklist.items:
        assert item.severity == "medium" and item.evidence == "optional" and item.weight == 1
        assert 1 <= len(item.refs) <= 4 and set(item.refs) <= set(clause_index())
        assert "deon" in item.tags and "needs-translation" not in item.tags  # deon's default text is translated
        assert item.question.ko != item.question.en
    assert checklist.title.ko == "데이터 과학 윤리 점검표"
    assert converted.untranslated == 0
    by_id = {i.id: i for i in checklist.items}
    assert "HLEG-R3.1" in by_id["DEON-A-1"].refs  # consent → privacy
    assert by_id["DEON-D-2"].principle == "fairness" and "NIST-TC-7" in by_id["DEON-D-2"].refs
    assert "HLEG-R2.4" in by_id["DEON-E-2"].refs  # roll back → fall-back plans


def test_mapping_tables_only_name_catalog_clauses():
    known = clause_index()
    for _pattern, principle, refs in _LINE_RULES + _SECTION_RULES:
        assert principle in ("ethics", "transparency", "fairness", "privacy", "safety", "accountability")
        assert set(refs) <= set(known), refs


def test_unknown_text_is_copied_and_tagged_needs_translation(invoke, tmp_path):
    source = tmp_path / "team.yml"
    source.write_text(CUSTOM, encoding="utf-8")
    out = tmp_path / "team-review.yaml"
    result = invoke("convert", "--from", "deon", source, "-o", out, "--prefix", "rev")
    assert result.exit_code == 0, result.output
    assert "3 items still need a Korean translation" in result.stderr
    checklist = load_checklist(out)
    assert [i.id for i in checklist.items] == ["REV-A-1", "REV-A-1-2", "REV-7"]  # duplicate line ids made unique
    assert [s.id for s in checklist.sections] == ["data-handling-and-storage", "launch-readiness"]
    for item in checklist.items:
        assert item.question.ko == item.question.en and "needs-translation" in item.tags
    assert checklist.title.ko == "Our team's review questions (번역 필요)"
    assert checklist.sections[1].title.ko == "Launch readiness (번역 필요)"
    assert "Is someone on call" in checklist.items[2].guidance.en  # no summary: the line itself, shortened
    linted = lint_source(str(out))
    assert [d.code for d in linted.diagnostics] == ["W303"] and linted.exit_code == 0
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["sections"][0]["items"][0]["tags"] == ["deon", "needs-translation"]


def test_output_starts_with_a_bilingual_comment_and_round_trips(tmp_path, deon_default):
    converted = convert_file("deon", deon_default, "x", prefix="DEON")
    head = converted.text.splitlines()[:8]
    assert head[0].startswith("# Converted from the deon checklist checklist.yml")
    assert any(line.startswith("# `aiaudit convert --from deon`으로") for line in head)
    assert yaml.safe_load(converted.text)["kind"] == "checklist"


def test_refuses_to_overwrite_without_force(invoke, tmp_path, deon_default):
    out = tmp_path / "mine.yaml"
    out.write_text("keep me\n", encoding="utf-8")
    result = invoke("convert", "--from", "deon", deon_default, "-o", out)
    assert result.exit_code == 2
    assert result.stderr == f"aiaudit: error: {out} already exists; use --force to overwrite it\n"
    assert out.read_text(encoding="utf-8") == "keep me\n"
    result = invoke("convert", "--from", "deon", deon_default, "-o", out, "--force")
    assert result.exit_code == 0 and load_checklist(out).id == "mine"


def test_stdout_and_explicit_id(invoke, deon_default):
    result = invoke("convert", "--from", "deon", deon_default, "-o", "-", "--id", "ds-ethics")
    assert result.exit_code == 0
    data = yaml.safe_load(result.stdout)
    assert data["id"] == "ds-ethics" and data["kind"] == "checklist"
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--id", "Bad_Id"], "checklist id 'Bad_Id' must be lowercase"),
        (["--prefix", "9X"], "item id prefix '9X' must be an uppercase letter"),
    ],
)
def test_bad_options_are_usage_errors(invoke, tmp_path, deon_default, args, message):
    out = tmp_path / "x.yaml"
    result = invoke("convert", "--from", "deon", deon_default, "-o", out, *args)
    assert result.exit_code == 2 and message in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("text", "code", "where"),
    [
        ("title: T\nsections:\n  - title: S\n    section_id: A\n", "E203", ":3:5:"),  # a section without lines
        ("title: T\nsections:\n  - title: S\n    lines:\n      - {line_id: A.1}\n", "E203", ":5:9:"),
        ("title: T\nsections:\n  - title: S\n    lines:\n      - {line_id: A.1, line: [x]}\n", "E201", ":5:30:"),
        ("title: T\nsections: []\n", "E204", ":2:11:"),
        ("sections:\n  - !!python/object:os.system {}\n", "E103", ":2:5:"),
        ("title: T\ntitle: U\nsections: []\n", "E102", ":2:1:"),
        ("- just\n- a list\n", "E106", ":1:1:"),
    ],
)
def test_invalid_deon_input_is_a_one_line_error_and_writes_nothing(invoke, tmp_path, text, code, where):
    source = tmp_path / "bad.yml"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out.yaml"
    result = invoke("convert", "--from", "deon", source, "-o", out)
    assert result.exit_code == 1, result.output
    assert f"{source}{where} error[{code}]" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == [source]


def test_unreadable_input_exits_2(invoke, tmp_path):
    result = invoke("convert", "--from", "deon", tmp_path / "missing.yml", "-o", tmp_path / "out.yaml")
    assert result.exit_code == 2 and "error[E001]: no such file" in result.stderr
    big = tmp_path / "big.yml"
    big.write_text("title: " + "x" * 2000 + "\nsections: []\n", encoding="utf-8")
    result = invoke("convert", "--from", "deon", big, "-o", tmp_path / "out.yaml", "--max-bytes", "100")
    assert result.exit_code == 2 and "error[E002]" in result.stderr


def test_unknown_source_format_is_rejected_by_the_cli(invoke, tmp_path, deon_default):
    result = invoke("convert", "--from", "excel", deon_default, "-o", tmp_path / "x.yaml")
    assert result.exit_code == 2 and "Invalid value for '--from'" in result.stderr


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("my-checklist.yaml", "my-checklist"),
        ("out/Team 3 Ethics.yml", "team-3-ethics"),
        ("-", "converted-checklist"),
        ("__.yaml", "converted-checklist"),
    ],
)
def test_checklist_id_from_the_output_name(output, expected):
    assert checklist_id_for(output) == expected


def test_a_converted_checklist_can_start_an_audit(invoke, tmp_path, deon_default):
    out = tmp_path / "ethics.yaml"
    assert invoke("convert", "--from", "deon", deon_default, "-o", out).exit_code == 0
    audit = tmp_path / "audit.yaml"
    result = invoke("init", "-o", audit, "-n", "Model", "-c", out)
    assert result.exit_code == 0, result.output
    assert "DEON-A-1:" in audit.read_text(encoding="utf-8")
    assert invoke("validate", audit).exit_code == 0


def test_translations_file_is_valid_json_with_hangul():
    texts = json.loads(resources.files("aiaudit.library.convert").joinpath("deon_ko.json").read_text(encoding="utf-8"))["texts"]
    assert len(texts) >= 40
    assert all(any("\uac00" <= ch <= "\ud7a3" for ch in ko) for ko in texts.values())


def test_converted_yaml_is_readable(tmp_path, deon_default):
    text = convert_file("deon", deon_default, "x", prefix="DEON").text
    assert "\\u" not in text  # Korean written as Korean, not escapes
    assert textwrap.dedent(text) == text


def test_unwritable_output_is_a_one_line_error(invoke, tmp_path, deon_default):
    result = invoke("convert", "--from", "deon", deon_default, "-o", tmp_path / "no-such-dir" / "x.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("aiaudit: error: cannot write ") and "does not exist" in result.stderr
    result = invoke("convert", "--from", "deon", deon_default, "-o", tmp_path, "--force")
    assert result.exit_code == 2 and "is a folder" in result.stderr


def test_messages_in_korean(invoke, tmp_path, deon_default):
    out = tmp_path / "윤리.yaml"
    result = invoke("convert", "--from", "deon", deon_default, "-o", out, "--lang", "ko")
    assert result.exit_code == 0
    assert f"{out} 파일을 만들었습니다: 점검표 converted-checklist, 5개 섹션, 점검 항목 21개." in result.stderr
    again = invoke("convert", "--from", "deon", deon_default, "-o", out, "--lang", "ko")
    assert again.exit_code == 2 and "이미 있습니다. 덮어쓰려면 --force를 사용하십시오" in again.stderr
