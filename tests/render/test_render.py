"""Renderer pieces: chart models, CSS strings, the page footer, the PDF-mode page, and edge-case audits."""

from __future__ import annotations

import json

import pytest

from aiaudit.audit.evaluation import evaluate
from aiaudit.audit.load import load_audit
from aiaudit.render import EXTENSIONS, FORMATS, ReportOptions, render
from aiaudit.render.charts import STATE_BAND, VERDICT_BAND, band, severity_rows, state, verdict_state
from aiaudit.render.html import css_string, filesize, page_footer, render_text
from aiaudit.schemas import validator
from aiaudit.text import percent as pct


def test_registry_covers_every_format_and_extension():
    assert set(FORMATS) == {"html", "pdf", "md", "json"}
    assert set(EXTENSIONS.values()) == set(FORMATS)


@pytest.mark.parametrize(
    ("percent", "expected"), [(None, "none"), (0, "poor"), (49.9, "poor"), (50, "fair"), (80, "good"), (100, "good")]
)
def test_score_bands(percent, expected):
    assert band(percent) == expected


@pytest.mark.parametrize(
    ("percent", "target", "findings", "failing", "uncovered", "expected"),
    [
        (None, 70, 3, 1, 0, "none"),  # nothing scored: no colour, whatever else
        (65.0, 70, 0, 0, 0, "below"),  # below the policy's minimum: red even without a finding
        (95.0, 70, 2, 1, 0, "blocking"),  # above target, but an item breaks a rule: red
        (95.0, None, 2, 0, 0, "open"),  # open findings: amber, however high the score
        (95.0, None, 2, 0, 3, "open"),  # findings come first; the gap is written beside them
        (95.0, 70, 0, 0, 0, "clear"),  # green only when nothing is open
        (40.0, None, 0, 0, 0, "clear"),  # no target and nothing open (every item justified n/a but one met)
        (16.7, None, 0, 0, 5, "gaps"),  # a framework whose clauses no item covers is never green
        (0.0, None, 0, 0, 1, "gaps"),
    ],
)
def test_bar_state_follows_the_verdict_rules_not_the_number(percent, target, findings, failing, uncovered, expected):
    assert state(percent, target, findings, failing, uncovered) == expected


def test_every_state_and_verdict_has_a_band_and_green_means_ready():
    assert {STATE_BAND[s] for s in ("below", "blocking")} == {"poor"} and STATE_BAND["open"] == "fair"
    assert STATE_BAND["gaps"] == "fair" and [k for k, v in STATE_BAND.items() if v == "good"] == ["clear"]
    assert [k for k, v in VERDICT_BAND.items() if v == "good"] == ["ready"]
    assert [verdict_state(v) for v in ("ready", "ready_with_conditions", "not_ready", "draft")] == [
        "clear",
        "open",
        "blocking",
        "none",
    ]


def test_severity_rows_count_open_items_by_status():
    items = [
        {"applicable": True, "severity": "high", "finding": True, "status": "not_met"},
        {"applicable": True, "severity": "high", "finding": True, "status": "partial"},
        {"applicable": True, "severity": "high", "finding": True, "status": "partial"},
        {"applicable": True, "severity": "high", "finding": False, "status": "met"},
        {"applicable": False, "severity": "high", "finding": False, "status": "unanswered"},
        {"applicable": True, "severity": "low", "finding": True, "status": "unanswered"},
    ]
    rows = severity_rows(items, ("critical", "high", "low"), must_meet=("critical",))
    assert [(r.severity, r.open, r.applicable, r.must_meet) for r in rows] == [
        ("critical", 0, 0, True),
        ("high", 3, 4, False),
        ("low", 1, 1, False),
    ]
    assert [(s.status, s.count) for s in rows[1].segments] == [("not_met", 1), ("partial", 2)]


@pytest.mark.parametrize(
    ("value", "css"),
    [
        ("Page", '"Page"'),
        ('a"b', '"a\\22 b"'),
        ("back\\slash", '"back\\5c slash"'),
        ("</style><script>", '"\\3c /style\\3e \\3c script\\3e "'),
        ("line\nbreak", '"line\\a break"'),
        ("한국어", '"한국어"'),
    ],
)
def test_css_string(value, css):
    assert str(css_string(value)) == css


def test_page_footer_follows_each_languages_word_order():
    assert str(page_footer("en")) == '"Page " counter(page) " of " counter(pages)'
    assert str(page_footer("ko")) == '"전체 " counter(pages) "쪽 중 " counter(page) "쪽"'


def test_small_formatters():
    assert pct(None) == "—" and pct(None, "n/a") == "n/a" and pct(100.0) == "100" and pct(68.25) == "68.2"
    assert filesize(None) == "" and filesize(37) == "37 B" and filesize(2048) == "2.0 KB" and filesize(5 * 2**20) == "5.0 MB"


def test_pdf_mode_adds_paged_media(mini):
    ev = evaluate(load_audit(mini / "audit.yaml"))
    html = render_text(ev, "ko", ReportOptions(pdf_variant="pdf/a-3b"), mode="pdf")
    assert "@page" in html and 'counter(pages) "쪽 중 " counter(page)' in html
    assert "target-counter(attr(href), page)" in html and "string-set: system" in html
    assert "image-rendering: crisp-edges" in html  # PDF/A forbids interpolated images
    assert 'class="embedded"' in html and "audit.yaml" in html
    browser = render_text(ev, "ko")
    assert "@page {\n  size: A4; margin: 20mm" not in browser and 'class="embedded"' not in browser
    # Korean: browsers break between words with keep-all; WeasyPrint ignores it, so the PDF page joins
    # the syllables of each word (U+2060) and the browser page never carries a joiner
    assert "word-break: keep-all" in browser and "\u2060" not in browser
    assert "요\u2060약" in html and 'data-title="1 요약"' in html


EDGE_CHECKLIST = """kind: checklist
id: edge
version: 2.0.0
title: {en: Edge, ko: 경계}
description: {en: Edge cases., ko: 경계 사례입니다.}
sections:
  - id: ethics
    principle: ethics
    title: {en: Ethics, ko: 윤리}
    items:
      - id: ETH-01
        question: {en: Is there an ethics review?, ko: 윤리 검토를 합니까?}
        guidance: {en: Minutes., ko: 회의록입니다.}
        severity: critical
        refs: [ZZ-UNKNOWN-1]
        remediation: {en: Hold one., ko: 실시하십시오.}
      - id: ETH-02
        question: {en: Is it documented?, ko: 문서화합니까?}
        guidance: {en: A page., ko: 문서입니다.}
        severity: low
        refs: []
        remediation: {en: Write it., ko: 작성하십시오.}
"""


@pytest.mark.parametrize("answers", ["{}", "{ETH-01: {status: met}, ETH-02: {status: met}}"])
def test_edge_audits_render_in_every_text_format(tmp_path, answers):
    (tmp_path / "edge.yaml").write_text(EDGE_CHECKLIST, encoding="utf-8")
    (tmp_path / "audit.yaml").write_text(
        f"kind: audit\nformat: 1\nchecklists: [{{path: edge.yaml}}]\nsystem: {{name: Edge}}\nanswers: {answers}\n",
        encoding="utf-8",
    )
    ev = evaluate(load_audit(tmp_path / "audit.yaml"))
    data = json.loads(render("json", ev, "en"))
    assert list(validator("report").iter_errors(data)) == []
    assert data["frameworks"] == [] and data["unmapped_refs"] == [{"ref": "ZZ-UNKNOWN-1", "items": ["ETH-01"]}]
    html = render("html", ev, "en").decode()
    md = render("md", ev, "ko").decode()
    assert "Not classified yet" in html and "No evidence is recorded." in html and "Not signed off yet." in html
    assert 'id="crosswalk"' not in html and "ZZ-UNKNOWN-1" not in md.split("## ")[1]
    if answers == "{}":
        # unanswered applicable items count as gaps: score 0, both are findings, critical first
        assert data["score"]["percent"] == 0.0 and [f["id"] for f in data["findings"]] == ["ETH-01", "ETH-02"]
        assert "Unanswered" in html and "미응답" in md
    else:
        assert data["score"]["percent"] == 100.0 and data["findings"] == [] and data["plan"] == []
        assert "No findings: every applicable item is met" in html and "발견 사항이 없습니다" in md


def test_a_framework_with_uncovered_clauses_says_so_beside_its_bar(tmp_path):
    from pathlib import Path

    from aiaudit.audit.evaluation import evaluate
    from aiaudit.audit.load import load_audit
    from aiaudit.render import ReportOptions, render

    example = Path(__file__).parents[2] / "examples" / "support-chatbot" / "audit.yaml"
    evaluation = evaluate(load_audit(example))
    data = json.loads(render("json", evaluation, "en", ReportOptions()))
    gaps = [f for f in data["frameworks"] if f["score"] and f["uncovered"] and not f["score"]["findings"]]
    assert gaps, "the example should keep a framework with uncovered clauses and no finding"
    page = render("html", evaluation, "en", ReportOptions()).decode("utf-8")
    for f in gaps:
        row = page[page.index(f'href="#fw-{f["id"]}"') :]
        row = row[: row.index("</li>")]
        n = len(f["uncovered"])
        assert f"{n} clause{'s' if n > 1 else ''} no item covers" in row and "no open finding" not in row
        assert "fill-fair" in row
