"""The PDF's layout, read back from the PDF itself (pdftotext -layout and -bbox): Korean lines break between
words, identifiers never at their hyphens, table headers never inside a word, chips stay in their
column, small tables and their headings stay together, the executive summary is one page, and the
shipped example is a deliverable of at most 20 pages.

Needs poppler-utils and fonts-nanum (.ci/run installs both).
"""

from __future__ import annotations

import html as htmllib
import re
import subprocess
from pathlib import Path

import pytest

from aiaudit.audit.evaluation import evaluate
from aiaudit.audit.load import load_audit
from aiaudit.render import ReportOptions, render
from aiaudit.render.data import build
from aiaudit.render.html import render_report
from aiaudit.render.pdf import html_to_pdf
from aiaudit.render.typeset import WORD_JOINER, keep_words

HANGUL = re.compile("[\uac00-\ud7a3]")
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def _pdftotext(pdf: Path, *args: str) -> str:
    done = subprocess.run(["pdftotext", *args, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _pages(pdf: Path) -> list[str]:
    return _pdftotext(pdf, "-layout").split("\f")[:-1]


def _words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Every word of every page with its box (xMin, yMin, xMax, yMax, text), from pdftotext -bbox."""
    out = []
    for page in _pdftotext(pdf, "-bbox").split("<page ")[1:]:
        out.append([(float(a), float(b), float(c), float(d), htmllib.unescape(t)) for a, b, c, d, t in WORD.findall(page)])
    return out


def _render(tmp_path: Path, audit: Path, lang: str, name: str, **options) -> Path:
    pdf = tmp_path / name
    pdf.write_bytes(render("pdf", evaluate(load_audit(audit)), lang, ReportOptions(**options)))
    return pdf


@pytest.fixture(scope="module")
def pdfs(example, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdf")
    return {lang: _render(folder, example, lang, f"report-{lang}.pdf") for lang in ("en", "ko")}


# --- Korean: word-basis line breaking -------------------------------------------------------------

KOREAN = (
    "이용자에게 인공지능 시스템과 상호작용하고 있다는 사실을 알립니까? 개인정보 보호 영향평가와 프라이버시 "
    "검토를 마쳤으며, 학습 데이터의 출처와 저작권 처리 방침을 문서로 남겼습니다. 고영향 인공지능에 해당하는지 "
    "판단한 근거(인공지능기본법 제33조)와 사람의 관리·감독 절차를 점검 항목 KR-AIBA-ART31-3에 기록했습니다."
)


def _column_pdf(tmp_path: Path, text: str, joined: bool) -> Path:
    body = f'<p style="width: 34mm; font: 11pt NanumBarunGothic, NanumGothic, sans-serif">{htmllib.escape(text)}</p>'
    page = f'<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>t</title></head><body>{body}</body></html>'
    pdf = tmp_path / ("joined.pdf" if joined else "plain.pdf")
    pdf.write_bytes(html_to_pdf(keep_words(page) if joined else page))
    return pdf


def _broken_words(lines: list[str], source: str) -> list[str]:
    """Line ends that fall inside a word of ``source`` (words: what the source separates with spaces)."""
    words = set(source.split())
    out = []
    for line in lines:
        tokens = line.split()
        if tokens and tokens[-1] not in words:
            out.append(tokens[-1])
    return out


def test_korean_in_a_narrow_column_breaks_only_between_words(tmp_path):
    lines = [line for line in _pdftotext(_column_pdf(tmp_path, KOREAN, joined=True), "-layout").splitlines() if line.strip()]
    assert len(lines) >= 8  # a narrow column: the text really wraps
    assert _broken_words(lines, KOREAN) == []
    assert " ".join(" ".join(lines).split()) == " ".join(KOREAN.split())  # nothing lost, no joiner extracted
    assert WORD_JOINER not in "".join(lines)
    # what the joiners prevent: without them Pango breaks Korean words between syllables
    plain = [line for line in _pdftotext(_column_pdf(tmp_path, KOREAN, joined=False), "-layout").splitlines() if line.strip()]
    assert _broken_words(plain, KOREAN) != []


def test_the_korean_report_never_ends_a_line_inside_a_korean_word(example, pdfs):
    report = build(evaluate(load_audit(example)), "ko", ReportOptions())
    source = htmllib.unescape(re.sub(r"<[^>]+>", " ", render_report(report, "ko", ReportOptions(), mode="pdf")))
    source = source.replace(WORD_JOINER, "")
    words = set(source.split())
    broken = []
    for n, page in enumerate(_pages(pdfs["ko"])):
        lines = [line for line in page.splitlines() if line.strip()]
        if n:  # the running header and footer (page numbers) are the stylesheet's, not the page's text
            lines = lines[1:-1]
        for line in lines:
            # columns of a table sit side by side on one extracted line: look at each cell's text
            for cell in re.split(r"\s{3,}", line.strip()):
                tokens = cell.split()
                if tokens and HANGUL.search(tokens[-1]) and tokens[-1] not in words:
                    broken.append(cell)
    assert broken == []


def test_keep_words_touches_text_only():
    page = '<p title="가나 다" class="a-b">가나 다 ETH-01</p><style>.a-b { content: "가나" }</style><svg><text>가나</text></svg>'
    out = keep_words(page)
    assert 'title="가나 다" class="a-b"' in out and '.a-b { content: "가나" }' in out and "<text>가나</text>" in out
    assert f"가{WORD_JOINER}나 다 ETH-{WORD_JOINER}01" in out
    assert keep_words("&amp;가") == f"&amp;{WORD_JOINER}가"  # the entity stays whole


# --- identifiers, headers, chips ---------------------------------------------------------------------

ID = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Za-z0-9.]+)+\b")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_identifiers_never_break_at_their_hyphens(pdfs, lang):
    for page in _pages(pdfs[lang]):
        for line in page.splitlines():
            for cell in re.split(r"\s{3,}", line.strip()):
                assert not re.search(r"[A-Z0-9]-$", cell), cell  # an id cut after its hyphen
    text = _pdftotext(pdfs[lang])
    for item in ("ETH-02", "TR-02", "EUAIA-ART50-2", "KR-AIBA-ART31-3"):
        assert item in text, item


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_table_headers_never_wrap_inside_a_word(example, pdfs, lang):
    report = build(evaluate(load_audit(example)), lang, ReportOptions())
    page = render_report(report, lang, ReportOptions(), mode="pdf").replace(WORD_JOINER, "")
    headers = {htmllib.unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<th\b[^>]*>(.*?)</th>", page, re.S)}
    words = {w[4] for page_words in _words(pdfs[lang]) for w in page_words}
    missing = {w for h in headers for w in h.split() if w not in words and w not in ("·", "#")}
    assert missing == set()  # every header word is one word box in the PDF: none was split


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_chips_stay_in_their_cell_in_the_top_findings(pdfs, lang):
    """Two chips share the severity column of the summary's top findings: they wrap, never run into the owner."""
    severity, owner = ("Severity", "Owner") if lang == "en" else ("심각도", "책임자")
    chips = {"Unanswered", "Partially", "met", "Not", "critical", "high", "medium", "low"} | {
        "미응답",
        "부분",
        "충족",
        "미충족",
        "치명",
        "높음",
        "보통",
        "낮음",
    }
    for words in _words(pdfs[lang]):
        heads = {w[4]: w for w in words if w[4] in (severity, owner)}
        if len(heads) < 2 or heads[owner][0] < heads[severity][0]:
            continue
        left, right = heads[severity][0] - 2, heads[owner][0]
        rows = [w for w in words if w[1] > heads[severity][3] and w[4] in chips and left <= w[0] < right]
        assert rows, "no chips found"
        assert all(w[2] <= right for w in rows), [w for w in rows if w[2] > right]
        return
    pytest.fail("no top findings table found")


def test_chips_stay_in_their_column(pdfs):
    """In the findings register, status chips stay between the Status and Owner headers; due dates before Remediation."""
    for words in _words(pdfs["en"]):
        heads = {w[4]: w for w in words if w[4] in ("Status", "Owner", "Due", "Remediation")}
        if len(heads) < 4 or not any(w[4] == "register" for w in words):
            continue
        status_x, owner_x = heads["Status"][0], heads["Owner"][0]
        due_x, rem_x = heads["Due"][0], heads["Remediation"][0]
        body = [w for w in words if w[1] > heads["Status"][3]]
        chips = [w for w in body if w[4] in ("Partially", "Unanswered", "Not") and w[0] >= status_x - 2]
        assert chips and all(w[2] <= owner_x for w in chips), chips
        dates = [w for w in body if re.fullmatch(r"\d{4}-\d\d-\d\d", w[4])]
        assert all(due_x - 2 <= w[0] and w[2] <= rem_x for w in dates), dates
        return
    pytest.fail("no findings register page found")


# --- pages -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_example_is_a_short_deliverable_with_a_one_page_summary(pdfs, lang):
    pages = _pages(pdfs[lang])
    assert len(pages) <= 20
    summary, standing = ("1 Executive summary", "2 Where the system stands") if lang == "en" else ("1 요약", "2 현재 수준")
    first = next(n for n, p in enumerate(pages) if summary in p and n > 1)  # page 2 lists it in the contents
    assert standing in pages[first + 1]  # the summary is exactly one page
    one = pages[first]
    for part in ("VERDICT", "Top findings", "Standing per framework in scope") if lang == "en" else ("판정", "주요 발견 사항"):
        assert part in one, part
    if lang == "en":
        assert "UNESCO AI Ethics" in one  # the last framework in scope fits on the page too
        assert "Not ready" in one.split("Top findings")[0]  # the verdict opens it


def test_the_cover_names_the_engagement(example, pdfs):
    cover = _pages(pdfs["en"])[0]
    for part in (
        "Haneul Telecom Co., Ltd.",
        "2026-10-01",
        "2026-11-30",
        "Report version",
        "1.0",
        "Confidential: internal distribution",
        "Kim Minji (CX AI lead)",
        "Audit committee of the board",
        "Signed off by",
    ):
        assert part in cover, part
    # the document status: a draft while applicable items are unanswered (the engagement block gives none)
    draft = any(r.status == "unanswered" for r in evaluate(load_audit(example)).applicable)
    assert ("DRAFT" if draft else "FINAL") in cover.upper() and ("DRAFT" in cover) == draft
    # the marking repeats on every page's footer
    assert all("Confidential: internal distribution" in page for page in _pages(pdfs["en"])[1:])


def test_full_adds_the_long_annexes(example, tmp_path, pdfs):
    full = _render(tmp_path, example, "en", "full.pdf", full=True)
    short, long = _pages(pdfs["en"]), _pages(full)
    assert len(long) > len(short) + 10
    text = "\n".join(long)
    assert "Annex A. Framework crosswalk" in text and "Annex B. All items by section" in text
    assert "Annex A. Framework crosswalk" not in "\n".join(short[2:])  # only named in the contents


@pytest.mark.parametrize("offset", [120, 160, 190, 215, 235])
def test_small_tables_keep_together_and_stay_with_their_heading(example, tmp_path, offset):
    """Push the top-findings table towards the foot of a page: it moves whole, heading and all."""
    options = ReportOptions()
    report = build(evaluate(load_audit(example)), "en", options)
    page = render_report(report, "en", options, mode="pdf")
    spacer = f'<div class="spacer {"x" * (offset % 7)}"></div>'
    page = page.replace("</style>", f".spacer {{ height: {offset}mm }}</style>", 1)
    page = page.replace('<h3 data-title="Top findings">', spacer + '<h3 data-title="Top findings">', 1)
    pdf = tmp_path / f"pushed-{offset}.pdf"
    pdf.write_bytes(html_to_pdf(page))
    pages = _pages(pdf)
    heading = [n for n, p in enumerate(pages) if "Top findings" in p]
    assert heading, "no Top findings heading"
    n = heading[0]
    table = pages[n]
    for part in ("Severity", "Owner · due", "TR-02", "ETH-02"):  # the header row, the first and the last finding
        assert part in table, (offset, part)
