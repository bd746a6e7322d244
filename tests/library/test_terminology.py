"""Korean terminology: the terms table loads, the checker finds variants, and the built-in texts have none."""

from __future__ import annotations

import pytest

from aiaudit.library.terminology import BUILTIN_TERMS, Term, Violation, find_violations, load_terms
from aiaudit.loading import load_file
from aiaudit.paths import data_dir

TERMS_PATH = data_dir("checklists") / BUILTIN_TERMS


@pytest.fixture(scope="module")
def terms() -> list[Term]:
    return load_terms(TERMS_PATH)


def found(text: str, terms: list[Term], contexts: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(v.found, v.preferred) for v in find_violations(text, terms, contexts)]


# --- the rules the issue asks for ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("EU AI법 제50조", [("EU AI법", "EU 인공지능법")]),
        ("EU AI 법의 고위험 요건", [("EU AI 법", "EU 인공지능법")]),
        ("AI법 요구에 맞게", [("AI법", "EU 인공지능법")]),
        ("AI 법률 자문이 아닙니다", []),
        ("EU 인공지능법과 인공지능기본법", []),
        ("AI기본법 제31조", [("AI기본법", "인공지능기본법")]),
        ("고영향 역량이 있는 모델", [("고영향 역량", "영향력이 큰 역량")]),
        ("고영향 능력 여부", [("고영향 능력", "영향력이 큰 역량")]),
        ("고영향 인공지능의 확인", []),
        ("제6조(3)의 평가", [("제6조(3)", "제6조제3항")]),
        ("제50조(2) 전환 기간", [("제50조(2)", "제50조제2항")]),
        ("제6조 제3항", [("제6조 제3항", "제6조제3항")]),
        ("제50조 2항", [("제50조 2항", "제50조제2항")]),
        ("제2조 제7호", [("제2조 제7호", "제2조제7호")]),
        ("제34조제1항 제6호", [("제1항 제6호", "제1항제6호")]),
        ("제6조제3항, 제2조제7호, 제34조제1항제6호", []),
        ("제101조 제외", []),
        ("원격 생체 인식", [("원격 생체 인식", "원격 생체 식별")]),
        ("원격 생체인식 식별이라면", [("원격 생체인식 식별", "원격 생체 식별")]),
        ("원격 생체 식별", []),
        ("EU 인공지능법 준수율", [("준수율", "충족률")]),
        ("적용 조항 충족률", []),
        ("고영향 인공지능 사업자의 책무", []),
        ("인공지능 사업자에 해당", [("인공지능 사업자", "인공지능사업자")]),
        ("국내 대리인을 지정", [("국내 대리인", "국내대리인")]),
    ],
)
def test_builtin_rules(terms, text, expected):
    assert found(text, terms) == expected


def test_violations_carry_positions(terms):
    text = "EU AI법과 제6조(3)"
    violations = find_violations(text, terms)
    assert violations == [Violation(0, 6, "EU AI법", "EU 인공지능법"), Violation(8, 14, "제6조(3)", "제6조제3항")]
    assert all(text[v.start : v.end] == v.found for v in violations)
    start, end, variant, preferred = violations[0]  # a plain tuple too
    assert (start, end, variant, preferred) == (0, 6, "EU AI법", "EU 인공지능법")


def test_context_limits_a_rule(terms):
    # 고영향 on its own is Korea's word; in an EU text (by its words or by the caller's context) it is not.
    assert found("고영향 모델", terms) == []
    assert found("시스템적 위험이 있는 고영향 모델", terms) == [("고영향", "영향력이 큰")]
    assert found("고영향 모델", terms, ("EUAIA",)) == [("고영향", "영향력이 큰")]
    assert found("고영향 인공지능", terms, ("eu-ai-act",)) == []


def test_longest_overlapping_match_wins():
    short = Term("B", forbidden=("ab",))
    long = Term("C", forbidden=("abc",))
    assert found("xabcx", [short, long]) == [("abc", "C")]
    assert found("ab abc", [short, long]) == [("ab", "B"), ("abc", "C")]


def test_every_reason_is_bilingual_and_no_preferred_term_is_itself_a_variant(terms):
    for term in terms:
        assert term.reason is not None and term.reason.en.strip() and term.reason.ko.strip()
        if "\\" not in term.preferred:
            assert found(term.preferred, terms, term.context) == [], term.preferred


# --- the table file ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("kind: checklist\nterms: []\n", "not a terms table"),
        ("kind: terms\nterms:\n  - forbidden: [a]\n    reason: {en: x, ko: 가}\n", "'preferred'"),
        ("kind: terms\nterms:\n  - preferred: b\n    reason: {en: x, ko: 가}\n", "'forbidden' variants or 'patterns'"),
        ("kind: terms\nterms:\n  - preferred: b\n    forbidden: [a]\n", "'reason'"),
        ("kind: terms\nterms:\n  - preferred: b\n    forbidden: [a]\n    reason: {en: x}\n", "'reason'"),
        ("kind: terms\nterms:\n  - preferred: b\n    forbidden: [a]\n    reason: {en: x, ko: 가}\n    lang: ko\n", "unknown key"),
        ("kind: terms\nterms:\n  - preferred: b\n    patterns: ['(']\n    reason: {en: x, ko: 가}\n", r"pattern '\('"),
        ("kind: terms\nterms:\n  - preferred: '\\2'\n    patterns: ['(a)']\n    reason: {en: x, ko: 가}\n", "does not fit"),
        ("kind: terms\nterms:\n  - preferred: a\n    forbidden: [a]\n    reason: {en: x, ko: 가}\n", "also forbidden"),
        ("kind: terms\nterms:\n  - preferred: b\n    forbidden: a\n    reason: {en: x, ko: 가}\n", "list of non-empty strings"),
    ],
)
def test_load_terms_rejects_a_bad_table(tmp_path, body, message):
    path = tmp_path / "terms.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_terms(path)


def test_load_terms_reads_patterns_and_context(tmp_path):
    path = tmp_path / "terms.yaml"
    path.write_text(
        "kind: terms\nterms:\n"
        "  - preferred: 'x\\1'\n    patterns: ['y(\\d)']\n    context: [EU]\n    reason: {en: why, ko: 이유}\n",
        encoding="utf-8",
    )
    (term,) = load_terms(path)
    assert term.context == ("EU",) and term.reason.ko == "이유"
    assert found("EU y7", [term]) == [("y7", "x7")] and found("y7", [term]) == []


# --- the built-in texts --------------------------------------------------------------------------


def _korean_texts(node, path=()):
    """Every Korean text of a checklist or catalog file, with where it sits."""
    if isinstance(node, dict):
        if isinstance(node.get("ko"), str):
            yield path, node["ko"]
        for key, value in node.items():
            if key != "ko":
                yield from _korean_texts(value, (*path, key))
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _korean_texts(value, (*path, value.get("id", n) if isinstance(value, dict) else n))


BUILTIN_FILES = sorted(data_dir("checklists").glob("*.yaml")) + sorted((data_dir("checklists") / "frameworks").glob("*.yaml"))


@pytest.mark.parametrize("path", BUILTIN_FILES, ids=lambda p: p.name)
def test_builtin_korean_texts_follow_the_terms_table(terms, path):
    data = load_file(path).data
    contexts = tuple(filter(None, (data.get("id"), data.get("prefix"))))
    problems = [
        f"{'/'.join(map(str, where))}: {v.found!r} -> {v.preferred!r}"
        for where, text in _korean_texts(data)
        for v in find_violations(text, terms, contexts)
    ]
    assert problems == []


def test_messages_and_presets_follow_the_terms_table():
    """Every Korean message and every built-in policy and rubric text uses the preferred terms."""
    import json

    from aiaudit.library.lint import _builtin_terms
    from aiaudit.paths import PACKAGE_DIR

    found = []
    for path in sorted((PACKAGE_DIR / "locales").glob("*.json")):
        for key, entry in json.loads(path.read_text(encoding="utf-8")).items():
            contexts = ("EUAIA",) if "eu" in key.lower() or "EU" in entry["en"] else ()
            found += [(key, v.found) for v in find_violations(entry["ko"], _builtin_terms(), contexts)]
    for path in sorted((PACKAGE_DIR / "presets").rglob("*.yaml")):
        contexts = ("EUAIA",) if "eu-" in path.name else ()
        found += [(path.name, v.found) for v in find_violations(path.read_text(encoding="utf-8"), _builtin_terms(), contexts)]
    assert found == []


def test_lint_flags_a_forbidden_variant_in_a_user_checklist(tmp_path):
    from aiaudit.cli.kinds import kinds
    from aiaudit.validation import validate_file

    path = tmp_path / "team.yaml"
    path.write_text(
        """kind: checklist
id: team
version: 1.0.0
title: {en: Team, ko: 팀}
description: {en: Our checks, ko: 우리 점검}
sections:
  - id: s
    principle: transparency
    title: {en: Transparency, ko: 투명성}
    items:
      - id: T-01
        question: {en: "Do you follow the EU AI Act?", ko: "EU AI법을 따릅니까?"}
        guidance: {en: "Good evidence: a memo.", ko: "좋은 증빙: 메모."}
        severity: low
        refs: [EUAIA-ART4]
        remediation: {en: "Write the memo.", ko: "메모를 쓰십시오."}
""",
        encoding="utf-8",
    )
    diags = [d for d in validate_file(path, kinds()).diagnostics if d.code == "W304"]
    assert len(diags) == 1 and "EU 인공지능법" in diags[0].format("en") and diags[0].line == 12
