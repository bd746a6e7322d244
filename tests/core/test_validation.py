"""Schema and semantic validation of checklists and audits, with exact positions."""

from __future__ import annotations

import textwrap

import pytest

from aiaudit.cli.kinds import kinds
from aiaudit.validation import Options, validate_file


def check(tmp_path, text: str, name: str = "f.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    result = validate_file(path, kinds())
    return [(d.code, d.line, d.col) for d in result.diagnostics], result


AUDIT_HEAD = """\
kind: audit
format: 1
checklists:
  - {path: mini-checklist.yaml}
system:
  name: Bot
  modalities: [text]
"""


def test_fixture_audit_and_checklist_are_valid(mini):
    for name in ("audit.yaml", "mini-checklist.yaml"):
        result = validate_file(mini / name, kinds())
        assert [d.format("en") for d in result.diagnostics] == []
        assert result.kind in ("audit", "checklist")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # wrong type: status is a list
        ("answers:\n  TR-01:\n    status: [met]\n", [("E204", 10, 13)]),
        # wrong type: notes is a mapping
        ("answers:\n  TR-01:\n    status: met\n    notes: {a: 1}\n", [("E201", 11, 12)]),
        # unknown key, located at the key itself
        ("answers:\n  TR-01:\n    status: met\n    note: typo\n", [("E202", 11, 5)]),
        # duplicate key
        ("answers:\n  TR-01:\n    status: met\n    status: partial\n", [("E102", 11, 5)]),
        # YAML syntax error
        ("answers:\n  TR-01:\n    status: met\n   bad: [\n", [("E101", 11, 4)]),
        # missing required key
        ("answers:\n  TR-01:\n    notes: hi\n", [("E203", 10, 5)]),
        # invalid id as a key
        ("answers:\n  tr_01:\n    status: met\n", [("E204", 9, 3)]),
    ],
)
def test_audit_schema_errors_have_exact_positions(mini, body, expected):
    path = mini / "case.yaml"
    path.write_text(AUDIT_HEAD + body, encoding="utf-8")
    result = validate_file(path, kinds())
    assert [(d.code, d.line, d.col) for d in result.diagnostics] == expected
    assert all(d.file == str(path) for d in result.diagnostics)


def test_unknown_key_suggests_the_near_match(mini):
    path = mini / "case.yaml"
    path.write_text(AUDIT_HEAD + "answers:\n  TR-01:\n    status: met\n    evidense: []\n", encoding="utf-8")
    (diag,) = validate_file(path, kinds()).diagnostics
    assert "did you mean 'evidence'" in diag.message


def test_semantic_checks_on_answers(mini):
    path = mini / "case.yaml"
    path.write_text(
        AUDIT_HEAD
        + textwrap.dedent(
            """\
            answers:
              TR-01:
                status: met
                evidence: [{path: evidence/missing.png}, {path: ../outside.txt}, {url: "https://example.org/x"}]
              NOPE-01:
                status: met
              SEC-02:
                status: na
                notes: "  "
            """
        ),
        encoding="utf-8",
    )
    (mini.parent / "outside.txt").write_text("x")
    got = [(d.code, d.line) for d in validate_file(path, kinds()).diagnostics]
    assert ("E403", 11) in got  # missing evidence file
    assert ("E404", 11) in got  # evidence outside the audit folder
    assert ("E401", 12) in got  # unknown item
    assert ("E402", 15) in got  # na without justification
    allowed = validate_file(path, kinds(), Options(allow_outside_evidence=True))
    assert "E404" not in [d.code for d in allowed.diagnostics]


def test_evidence_hash_change_is_a_warning(mini):
    (mini / "evidence" / "notice.txt").write_text("changed!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", encoding="utf-8")
    result = validate_file(mini / "audit.yaml", kinds())
    assert [d.code for d in result.diagnostics] == ["W402"]


def test_unknown_builtin_checklist_and_missing_checklist_file(tmp_path):
    got, _ = check(
        tmp_path,
        """\
        kind: audit
        format: 1
        checklists:
          - {id: no-such-list}
          - {path: nowhere.yaml}
        system: {name: X}
        answers: {}
        """,
    )
    assert ("E303", 4, 5) in got and ("E303", 5, 12) in got


def test_missing_and_unknown_kind(tmp_path):
    assert check(tmp_path, "id: x\n")[0] == [("E107", 1, 1)]
    assert check(tmp_path, "kind: recipe\n")[0] == [("E107", 1, 7)]


CHECKLIST = """\
kind: checklist
id: team
version: 1.0.0
title: {en: T, ko: 티}
description: {en: D, ko: 디}
sections:
  - id: s
    principle: ethics
    title: {en: S, ko: 에스}
    items:
      - id: A-01
        question: {en: Q?, ko: 질문?}
        guidance: {en: G, ko: 안내}
        severity: high
        refs: [OECD-P1.2]
        remediation: {en: R, ko: 조치}
        applies_when: {field: system.colour, equals: red}
      - id: A-01
        question: {en: Q?, ko: 질문?}
        guidance: {en: G, ko: 안내}
        severity: urgent
        refs: [OECD-P1.2]
        remediation: {en: R, ko: 조치}
"""


def test_checklist_schema_and_semantics(tmp_path):
    got, result = check(tmp_path, CHECKLIST)
    assert got == [("E204", 21, 19)]  # severity 'urgent' is reported first; semantics need a valid schema
    fixed = CHECKLIST.replace("severity: urgent", "severity: low")
    got, result = check(tmp_path, fixed)
    assert ("E301", 18, 13) in got  # duplicate item id
    assert ("E305", 11, 9) in got  # unknown condition field


def test_checklist_version_must_be_semver_and_texts_bilingual(tmp_path):
    text = CHECKLIST.replace("version: 1.0.0", "version: one").replace("title: {en: T, ko: 티}", "title: {en: T}")
    got, _ = check(tmp_path, text)
    assert ("E204", 3, 10) in got
    assert ("E203", 4, 8) in got


def test_include_selects_from_builtin_or_sibling_checklists(mini):
    (mini / "derived.yaml").write_text(
        textwrap.dedent(
            """\
            kind: checklist
            id: derived
            version: 0.1.0
            title: {en: Derived, ko: 파생}
            description: {en: D, ko: 디}
            include:
              - {checklist: mini-checklist, refs: ["OWASP-*"]}
              - {checklist: mini-checklist, items: [ACC-01, ZZZ-99]}
              - {checklist: nowhere}
            """
        ),
        encoding="utf-8",
    )
    # a sibling file named like the id is found first
    (mini / "mini-checklist.yaml").rename(mini / "mini-checklist.yaml")
    got = [(d.code, d.line) for d in validate_file(mini / "derived.yaml", kinds()).diagnostics]
    assert ("E304", 8) in got and ("E303", 9) in got


def test_condition_errors_point_into_the_alternative_the_author_meant(tmp_path):
    text = CHECKLIST.replace("severity: urgent", "severity: low").replace(
        "applies_when: {field: system.colour, equals: red}", "applies_when: {not: {field: system.gpai, equls: true}}"
    )
    got, result = check(tmp_path, text)
    assert ("E202", 17, 50) in got
    assert "did you mean 'equals'" in result.diagnostics[0].message


def test_misspelled_builtin_checklist_suggests_the_near_match(tmp_path):
    got, result = check(
        tmp_path, "kind: audit\nformat: 1\nchecklists: [{id: genai-baselin}]\nsystem: {name: x}\nanswers: {}\n"
    )
    assert got == [("E303", 3, 14)]
    assert "did you mean 'genai-baseline'" in result.diagnostics[0].message
