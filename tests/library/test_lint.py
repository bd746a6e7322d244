"""Checklist lint: references, missing and untranslated text, coverage warnings; run by `validate` and `lint`."""

from __future__ import annotations

import textwrap

import pytest

from aiaudit.cli.kinds import kinds
from aiaudit.diagnostics import CODES
from aiaudit.library.lint import lint_source, untranslated_ko, wrong_language_en
from aiaudit.validation import validate_file

HEAD = """\
kind: checklist
id: {id}
version: 1.0.0
title: {{en: Team checklist, ko: 팀 점검표}}
description: {{en: Our own items., ko: 우리 팀의 점검 항목입니다.}}
sections:
  - id: s
    principle: safety
    title: {{en: Safety, ko: 안전성}}
    items:
"""


def item(
    item_id: str, refs: str = "[OWASP-LLM01]", question: str = "{en: Is it tested?, ko: 시험합니까?}", tags: str = ""
) -> str:
    lines = [
        f"      - id: {item_id}",
        f"        question: {question}",
        "        guidance: {en: A test report., ko: 시험 보고서입니다.}",
        "        severity: high",
        f"        refs: {refs}",
        "        remediation: {en: Test it., ko: 시험하십시오.}",
    ]
    if tags:
        lines.append(f"        tags: {tags}")
    return "\n".join(lines) + "\n"


def write(tmp_path, body: str, checklist_id: str = "team", name: str = "team.yaml"):
    path = tmp_path / name
    path.write_text(HEAD.format(id=checklist_id) + body, encoding="utf-8")
    return path


def codes(path) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.col) for d in validate_file(path, kinds()).diagnostics]


def test_new_codes_are_registered_in_the_library_range():
    for code in ("E306", "E307", "E309", "E310", "E311", "E312", "W302", "W303"):
        assert code in CODES
        assert code[1] == "3"
    assert CODES["E310"].severity == "error" and CODES["W303"].severity == "warning"


def test_a_clean_checklist_has_no_diagnostics(tmp_path):
    path = write(tmp_path, item("T-01") + item("T-02", "[NIST-GAI-09, HLEG-R2.1]"))
    assert codes(path) == []
    result = lint_source(str(path))
    assert result.diagnostics == () and result.exit_code == 0 and result.checklist.id == "team"


def test_unresolved_reference_is_located_at_the_ref_and_suggests_the_near_clause(tmp_path):
    path = write(tmp_path, item("T-01", "[OWASP-LLM01, OWASP-LLM11, EUAIA-ART50-6]"))
    diags = validate_file(path, kinds()).diagnostics
    assert [(d.code, d.line, d.col) for d in diags] == [("E306", 15, 29), ("E306", 15, 42)]
    assert "'OWASP-LLM11' is not in the OWASP LLM Top 10 catalog" in diags[0].message
    assert "did you mean" in diags[1].message and "EUAIA-ART50-" in diags[1].message
    assert diags[0].path == "$.sections[0].items[0].refs[1]"


def test_reference_with_an_unknown_prefix_names_the_known_prefixes(tmp_path):
    path = write(tmp_path, item("T-01", "[GDPR-ART5]"))
    (diag,) = validate_file(path, kinds()).diagnostics
    assert diag.code == "E306" and "belongs to no framework" in diag.message and "EUAIA" in diag.message


def test_item_without_references(tmp_path):
    path = write(tmp_path, item("T-01", "[]"))
    assert codes(path) == [("E307", 15, 15)]


def test_duplicate_item_id(tmp_path):
    path = write(tmp_path, item("T-01") + item("T-01", "[OWASP-LLM02]"))
    assert ("E301", 17, 13) in codes(path)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # whitespace-only text passes the schema (minLength 1) but is missing text
        ('{en: "Is it tested?", ko: "   "}', [("E309", 12, 45)]),
        ('{en: "  ", ko: "시험합니까?"}', [("E309", 12, 24)]),
        # Korean left as the English copy
        ("{en: Is it tested against injection?, ko: Is it tested against injection?}", [("E310", 12, 61)]),
        # Korean that differs but is still English prose
        ("{en: Is it tested?, ko: Was the system tested by the team?}", [("E310", 12, 43)]),
        # English that is Korean
        ("{en: 시험합니까?, ko: 시험합니까?}", [("E310", 12, 24)]),
    ],
)
def test_missing_or_untranslated_text(tmp_path, question, expected):
    path = write(tmp_path, item("T-01", question=question))
    assert codes(path) == expected


@pytest.mark.parametrize(
    ("en", "ko"),
    [
        ("OWASP LLM Top 10", "OWASP LLM Top 10"),  # names and acronyms stay as they are
        ("C2PA", "C2PA"),
        ("NIST AI RMF 1.0 GenAI profile", "NIST AI RMF 1.0 GenAI profile"),  # one lowercase word
        ("ISO/IEC 42001", "ISO/IEC 42001"),
        ("Red-team report", "레드팀 테스트 보고서"),
        ("Use C2PA metadata", "C2PA 메타데이터를 사용하십시오 (e.g. with the c2pa tool)"),  # any Hangul: translated
        ("Show the 'AI 상담원' badge", "'AI 상담원' 배지를 보여 줍니다"),
    ],
)
def test_no_false_positives_for_names_acronyms_and_mixed_text(en, ko):
    assert not untranslated_ko(en, ko)
    assert not wrong_language_en(en)


def test_titles_are_checked_too(tmp_path):
    text = HEAD.replace("{{en: Safety, ko: 안전성}}", "{{en: Safety checks for the model, ko: Safety checks for the model}}")
    path = tmp_path / "t.yaml"
    path.write_text(text.format(id="team") + item("T-01"), encoding="utf-8")
    diags = validate_file(path, kinds()).diagnostics
    assert [(d.code, d.line) for d in diags] == [("E310", 9)]
    assert "section s title" in diags[0].message


def test_items_tagged_needs_translation_give_one_warning_instead_of_errors(tmp_path):
    copy = "{en: Is the model tested for bias?, ko: Is the model tested for bias?}"
    body = item("T-01", question=copy, tags="[needs-translation]") + item("T-02", question=copy, tags="[needs-translation]")
    path = write(tmp_path, body)
    diags = validate_file(path, kinds()).diagnostics
    assert [(d.code, d.line) for d in diags] == [("W303", 17)]
    assert "2 items" in diags[0].message and "T-01, T-02" in diags[0].message
    assert lint_source(str(path)).exit_code == 0


def test_uncovered_clauses_warn_once_per_framework_a_checklist_is_named_after(tmp_path):
    path = write(tmp_path, item("T-01") + item("T-02", "[OWASP-LLM02, NIST-GAI-09]"), checklist_id="owasp-llm-lite")
    diags = validate_file(path, kinds()).diagnostics
    assert [(d.code, d.line, d.col) for d in diags] == [("W302", 2, 5)]  # at the checklist id; NIST not targeted
    message = diags[0].message
    assert message.startswith("8 of 10 OWASP LLM Top 10 clauses are covered by no item: OWASP-LLM03, OWASP-LLM04")
    assert "OWASP-LLM10" in message and "OWASP-LLM01," not in message
    assert f"aiaudit checklists coverage {path} --framework owasp-llm" in message  # a file is named by its path


def test_unnamed_checklists_warn_only_for_nearly_covered_frameworks(tmp_path):
    seven = "".join(item(f"T-{n:02d}", f"[OWASP-LLM{n:02d}]") for n in range(1, 8))
    path = write(tmp_path, seven)
    assert codes(path) == []  # 70%: not a target
    path = write(tmp_path, seven + item("T-08", "[OWASP-LLM08]"))
    diags = validate_file(path, kinds()).diagnostics
    assert [d.code for d in diags] == ["W302"]  # 80%: the two gaps are worth a warning
    assert diags[0].message.startswith("2 of 10 OWASP LLM Top 10 clauses are covered by no item: OWASP-LLM09, OWASP-LLM10;")


def test_long_gap_lists_are_shortened(tmp_path):
    path = write(tmp_path, item("T-01", "[EUAIA-ART50-1]"), checklist_id="eu-ai-act-notes")
    (diag,) = validate_file(path, kinds()).diagnostics
    assert diag.code == "W302" and "more)" in diag.message and len(diag.message) < 500


def test_the_mini_fixture_is_clean(mini):
    assert lint_source(str(mini / "mini-checklist.yaml")).diagnostics == ()


def test_included_items_count_for_coverage_but_are_linted_in_their_own_file(mini):
    # mini's items are fine; the including file adds one item with a bad reference
    (mini / "mini.yaml").write_bytes((mini / "mini-checklist.yaml").read_bytes())
    path = mini / "owasp-llm-extra.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            kind: checklist
            id: owasp-llm-extra
            version: 0.1.0
            title: {en: Extra, ko: 추가 점검표}
            description: {en: More., ko: 추가 항목입니다.}
            include:
              - {checklist: mini, refs: ["OWASP-*"]}
            sections:
              - id: safety
                principle: safety
                title: {en: Safety, ko: 안전성}
                items:
                  - id: X-01
                    question: {en: Are outputs escaped?, ko: 출력을 이스케이프합니까?}
                    guidance: {en: Code review., ko: 코드 리뷰 기록입니다.}
                    severity: high
                    refs: [OWASP-LLM05, OWASP-LLM99]
                    remediation: {en: Escape., ko: 이스케이프하십시오.}
            """
        ),
        encoding="utf-8",
    )
    diags = lint_source(str(path)).diagnostics
    assert [(d.code, d.line) for d in diags] == [("W302", 2), ("E306", 17)]
    assert diags[0].message.startswith("7 of 10 OWASP")  # LLM01 and LLM10 (included) and LLM05 (own) are covered


def test_lint_source_by_builtin_id_unknown_id_and_other_kinds(tmp_path, mini):
    unknown = lint_source("no-such-checklist")
    assert [d.code for d in unknown.diagnostics] == ["E001"] and unknown.exit_code == 2
    assert "no built-in checklist of that id" in unknown.diagnostics[0].message
    missing = lint_source(str(tmp_path / "missing.yaml"))
    assert [d.code for d in missing.diagnostics] == ["E001"] and "no such file" in missing.diagnostics[0].message
    audit = lint_source(str(mini / "audit.yaml"))
    assert [d.code for d in audit.diagnostics] == ["E107"] and audit.exit_code == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: checklist\nid: x\n  version: [\n", encoding="utf-8")
    assert [d.code for d in lint_source(str(bad)).diagnostics] == ["E101"]


FRAMEWORK = """\
kind: framework
id: house-rules
prefix: HOUSE
title: {en: House rules, ko: 사내 규칙}
short: {en: House, ko: 사내}
source: https://example.org/rules
dates:
  - {id: HOUSE-DATE-1, date: "2026-01-01", title: {en: Start, ko: 시작}, verified: true}
clauses:
  - {id: HOUSE-1, title: {en: Notice, ko: 고지}, summary: {en: Tell users., ko: 이용자에게 알립니다.}, verified: true}
  - {id: HOUSE-2, title: {en: Logs, ko: 로그}, summary: {en: Keep logs., ko: 로그를 보관합니다.}, verified: false}
"""


def test_framework_files_are_linted_by_validate(tmp_path):
    path = tmp_path / "fw.yaml"
    path.write_text(FRAMEWORK, encoding="utf-8")
    result = validate_file(path, kinds())
    assert result.kind == "framework" and result.diagnostics == ()
    broken = (
        FRAMEWORK.replace("id: HOUSE-2,", "id: HOUSE-1,")
        .replace("id: HOUSE-DATE-1", "id: OTHER-DATE-1")
        .replace("summary: {en: Keep logs., ko: 로그를 보관합니다.}", "summary: {en: Keep all the logs., ko: Keep all the logs.}")
    )
    path.write_text(broken, encoding="utf-8")
    got = [(d.code, d.line, d.col) for d in validate_file(path, kinds()).diagnostics]
    assert got == [("E311", 8, 10), ("E312", 11, 10), ("E310", 11, 84)]
    assert "first at line 10" in validate_file(path, kinds()).diagnostics[1].message


def test_warnings_name_a_builtin_by_its_id_and_a_file_by_its_path(tmp_path):
    from aiaudit.library.builtins import builtin_checklist_ids, builtin_checklist_path
    from aiaudit.library.checklists import builtin_checklist
    from aiaudit.library.lint import _command_arg
    from aiaudit.loading import load_file

    checklist_id = builtin_checklist_ids()[0]
    checklist = builtin_checklist(checklist_id)
    assert _command_arg(checklist, load_file(builtin_checklist_path(checklist_id))) == checklist_id
    copy = tmp_path / "my copy.yaml"
    copy.write_bytes(builtin_checklist_path(checklist_id).read_bytes())
    assert _command_arg(checklist, load_file(copy)) == f"'{copy}'"
