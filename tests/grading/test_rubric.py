"""Rubrics: the schema and semantic checks (`aiaudit validate`), built-in presets, `aiaudit rubric list|show`."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from aiaudit.diagnostics import DiagnosticError, UsageError
from aiaudit.grading.rubric import load_rubric, parse_time, preset_names

GOOD = """\
kind: rubric
id: course
title: {en: Course rubric, ko: 수업 채점 기준표}
criteria:
  - {id: completeness, points: 50, measure: answered_ratio}
  - {id: justification, points: 30, measure: justified_ratio, min_note_chars: 25}
  - {id: talk, points: 20, measure: manual, title: {en: Talk, ko: 발표}}
late: {deadline: "2026-12-15T23:59:00+09:00", penalty_per_day: 5, max_penalty: 20, grace_minutes: 10}
"""


def test_presets_are_valid_and_listed(invoke):
    assert "classroom-default" in preset_names()
    for name in preset_names():
        rubric = load_rubric(f"preset:{name}")
        assert rubric.max_points > 0
        assert all(c.title is not None and c.guidance is not None for c in rubric.criteria), name  # en + ko text
    default = load_rubric("preset:classroom-default")
    assert default.max_points == Decimal(100)
    assert default.checklists == ("classroom-genai",)
    assert {c.measure for c in default.criteria} >= {"answered_ratio", "evidence_present_ratio", "justified_ratio", "manual"}
    result = invoke("rubric", "list", "--lang", "ko")
    assert result.exit_code == 0
    assert "classroom-default" in result.stdout and "생성형 AI 감사 과제 기본 채점 기준표" in result.stdout


def test_rubric_show_prints_the_yaml(invoke, tmp_path):
    result = invoke("rubric", "show", "classroom-default")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Built-in rubric") and "kind: rubric" in result.stdout
    assert invoke("rubric", "show", "preset:classroom-default").stdout == result.stdout
    copy = tmp_path / "mine.yaml"
    copy.write_text(result.stdout, encoding="utf-8")
    check = invoke("validate", copy)
    assert check.exit_code == 0 and "valid rubric" in check.stdout
    missing = invoke("rubric", "show", "nope")
    assert missing.exit_code == 2 and "no built-in rubric 'nope'" in missing.stderr


def test_good_rubric_loads(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(GOOD, encoding="utf-8")
    rubric = load_rubric(str(path))
    assert [c.id for c in rubric.criteria] == ["completeness", "justification", "talk"]
    assert rubric.max_points == Decimal(100)
    assert rubric.criteria[1].min_note_chars == 25
    assert rubric.criteria[2].label("ko") == "발표" and rubric.criteria[0].label("ko") == "완성도"
    assert rubric.late.deadline.isoformat() == "2026-12-15T23:59:00+09:00"
    assert rubric.invalid == "zero" and rubric.similarity.threshold == 0.8


BAD = [
    # (replace this, with that, expected code, line:col)
    ("  - {id: talk, points: 20,", "  - {id: completeness, points: 20,", "E204", "7:10"),  # duplicate id
    ("  - {id: talk, points: 20,", "  - {id: total, points: 20,", "E204", "7:10"),  # reserved id
    ("measure: answered_ratio}", "measure: answered_ratio, min_note_chars: 3}", "E202", "5:61"),  # option of another measure
    ("measure: answered_ratio}", "measure: counted}", "E204", "5:45"),  # unknown measure
    ("points: 50,", "points: 0,", "E204", "5:32"),  # points must be positive
    ("measure: answered_ratio}", "measure: framework_coverage, frameworks: [eu-ai-act, nope]}", "E501", "5:89"),
    ("2026-12-15T23:59:00+09:00", "2026-12-15 23:59", "E204", "8:18"),  # no time zone
    ("2026-12-15T23:59:00+09:00", "2026-13-45T23:59:00+09:00", "E204", "8:18"),  # not a date
    ("criteria:", "criterias:", "E202", "4:1"),
]


@pytest.mark.parametrize(("old", "new", "code", "where"), BAD)
def test_bad_rubrics_are_reported_with_positions(tmp_path, invoke, old, new, code, where):
    assert old in GOOD
    path = tmp_path / "r.yaml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    result = invoke("validate", path)
    assert result.exit_code == 1, result.output
    assert f"{path}:{where}: error[{code}]" in result.stdout, result.stdout
    with pytest.raises(DiagnosticError):
        load_rubric(str(path))


def test_rubric_file_errors(tmp_path):
    with pytest.raises(UsageError, match="preset:classroom-default"):
        load_rubric("classroom-default")  # a preset name without the prefix, and no such file
    with pytest.raises(UsageError):
        load_rubric("preset:does-not-exist")
    not_rubric = tmp_path / "x.yaml"
    not_rubric.write_text("kind: policy\nid: p\n", encoding="utf-8")
    with pytest.raises(DiagnosticError, match="E107"):
        load_rubric(str(not_rubric))


def test_schema_command_knows_rubrics(invoke):
    result = invoke("schema", "rubric")
    assert result.exit_code == 0 and '"framework_coverage"' in result.stdout


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2026-12-15T23:59:00+09:00", "2026-12-15T23:59:00+09:00"),
        ("2026-12-15T14:59:00Z", "2026-12-15T14:59:00+00:00"),
        ("2026-12-15 23:59", "2026-12-15T23:59:00+00:00"),
        ("2026-12-15", "2026-12-15T00:00:00+00:00"),
    ],
)
def test_parse_time(text, iso):
    assert parse_time(text).isoformat() == iso


def test_parse_time_rejects_nonsense():
    for bad in ("yesterday", "2026-02-30", ""):
        with pytest.raises(ValueError):
            parse_time(bad)


def test_flow_and_block_styles_are_equivalent(tmp_path):
    block = textwrap.dedent(
        """\
        kind: rubric
        id: course
        title:
          en: Course rubric
          ko: 수업 채점 기준표
        criteria:
          - id: completeness
            points: 50
            measure: answered_ratio
        invalid: flag
        similarity:
          enabled: false
        """
    )
    path = tmp_path / "b.yaml"
    path.write_text(block, encoding="utf-8")
    rubric = load_rubric(str(path))
    assert rubric.invalid == "flag" and not rubric.similarity.enabled and rubric.late.deadline is None
