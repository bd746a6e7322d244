"""The HTML report's layout in Chromium at 1280 and 390 CSS pixels: nothing scrolls sideways, chips and ids
stay inside their cells, headers never wrap inside a word, charts stay readable, Korean breaks between
words, and the print stylesheet shows the collapsed annexes.

Playwright drives Debian's Chromium (``executable_path``); ``playwright install`` is never needed.
"""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from playwright import sync_api as playwright

from aiaudit.cli import cli

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
if CHROMIUM is None:  # a clear failure, not a skip: the browser test is part of the definition of done
    raise RuntimeError("chromium not found: install it (Debian: apt-get install chromium)")

WIDTHS = (1280, 390)


@pytest.fixture(scope="module")
def chromium():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def reports(example, tmp_path_factory):
    """The example's HTML report in English and Korean."""
    out = {}
    folder = tmp_path_factory.mktemp("html")
    for lang in ("en", "ko"):
        path = folder / f"report-{lang}.html"
        result = CliRunner(env={"AIAUDIT_LANG": "en"}).invoke(
            cli, ["report", str(example), "-o", str(path), "--lang", lang], catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        out[lang] = path
    return out


def _page(chromium, path, width):
    page = chromium.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri())
    return page


# Every chip, id, code and figure value whose box leaves its cell (or its list item, term, card).
OVERFLOWING = """() => {
  const out = [];
  for (const el of document.querySelectorAll('.st, .sev, .chip, .check, .rem, .id, code, .due, .outcome, .fig-value')) {
    if (!el.offsetParent) continue;  // inside a collapsed annex
    const box = el.closest('td, th, dd, li, .figure, .verdict-box, .finding-head');
    if (!box) continue;
    const a = el.getBoundingClientRect(), b = box.getBoundingClientRect();
    // the chip's box inside its cell, and its text inside its box (a clipped box can still spill text)
    if (a.left < b.left - 1 || a.right > b.right + 1 || el.scrollWidth > el.clientWidth + 1)
      out.push(el.className + ' ' + el.textContent.trim().slice(0, 40));
  }
  return out;
}"""

# Header cells whose content is wider than the cell: a word that did not fit.
CRAMPED_HEADERS = """() => [...document.querySelectorAll('thead th, tbody th')]
  .filter(th => th.offsetParent && th.scrollWidth > th.clientWidth + 1).map(th => th.textContent.trim())"""


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("width", WIDTHS)
def test_no_horizontal_scroll_and_everything_stays_in_its_cell(chromium, reports, lang, width):
    page = _page(chromium, reports[lang], width)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.evaluate("document.body.scrollWidth") <= width
        assert page.evaluate(OVERFLOWING) == []
        assert page.evaluate(CRAMPED_HEADERS) == []
        # ids never break at their hyphens: each one sits on one line
        multi_line = page.evaluate(
            """() => [...document.querySelectorAll('.id, .chip')].filter(e => e.offsetParent)
                 .filter(e => e.getClientRects().length > 1).map(e => e.textContent)"""
        )
        assert multi_line == []
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_charts_are_readable_and_carry_words_and_textures(chromium, reports, width):
    page = _page(chromium, reports["en"], width)
    try:
        charts = page.evaluate(
            """() => [...document.querySelectorAll('figure.chart')].map(f => ({
                 rows: f.querySelectorAll('.bar-row:not(.bar-scale)').length,
                 track: Math.min(...[...f.querySelectorAll('.bar-track:not(.scale)')].map(t => t.getBoundingClientRect().width)),
                 font: Math.min(...[...f.querySelectorAll('.bar-label, .bar-value')].filter(e => e.textContent.trim())
                       .map(e => parseFloat(getComputedStyle(e).fontSize))),
               }))"""
        )
        assert len(charts) == 3
        for chart in charts:
            assert chart["rows"] >= 4
            assert chart["track"] >= 150  # a bar you can read, even on a phone
            assert chart["font"] >= 11  # labels at text size, not scaled-down SVG text
        # every bar says its state in words, and the states differ by texture as well as colour
        states = page.evaluate(
            """() => [...document.querySelectorAll('#chart-sections .bar-row:not(.bar-scale)')].map(r => ({
                 state: [...r.classList].find(c => c.startsWith('state-')),
                 words: r.querySelector('.bar-state').textContent.trim(),
                 texture: getComputedStyle(r.querySelector('.bar-fill')).backgroundImage,
               }))"""
        )
        assert all(s["words"] for s in states)
        textures = {s["state"]: s["texture"] for s in states}
        assert len(set(textures.values())) == len(textures) >= 2, textures
        legend = page.evaluate("() => document.querySelector('#standing ul.legend').textContent")
        assert "policy minimum" in legend and "findings open" in legend
        # the policy's minimum is drawn as a target line on the overall row
        assert page.evaluate("() => !!document.querySelector('#chart-sections .bar-row.strong .bar-target')")
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["ko", "en"])  # an English report quotes the team's Korean notes
def test_korean_breaks_between_words_in_the_browser(chromium, reports, lang):
    page = _page(chromium, reports[lang], 390)
    try:
        assert page.evaluate("getComputedStyle(document.body).wordBreak") == "keep-all"
        # a Korean paragraph wraps only at spaces (or at brackets, which browsers may break before):
        # never between two Hangul syllables
        broken = page.evaluate(
            """() => {
              const hangul = /[\uac00-\ud7a3]/;
              const out = [];
              const paragraphs = '.verdict-lead, #findings > p, .finding-question, td.c-finding, .notes p, dd';
              for (const p of document.querySelectorAll(paragraphs)) {
                const node = p.firstChild;
                if (!node || node.nodeType !== 3) continue;
                const range = document.createRange();
                let lastTop = null;
                for (let i = 0; i < node.length; i++) {
                  range.setStart(node, i); range.setEnd(node, i + 1);
                  const top = range.getBoundingClientRect().top;
                  if (lastTop !== null && top > lastTop + 2 && hangul.test(node.data[i]) && hangul.test(node.data[i - 1]))
                    out.push(node.data.slice(Math.max(0, i - 6), i + 6));
                  lastTop = top;
                }
              }
              return out;
            }"""
        )
        assert broken == []
    finally:
        page.close()


def test_print_stylesheet_opens_the_annexes_and_starts_chapters_on_new_pages(chromium, reports):
    page = _page(chromium, reports["en"], 1280)
    try:
        visible = "() => document.querySelector('#items article.item').checkVisibility()"
        assert page.evaluate(visible) is False  # collapsed on screen
        page.emulate_media(media="print")
        assert page.evaluate(visible) is True
        assert page.evaluate("getComputedStyle(document.querySelector('#findings')).breakBefore") == "page"
        assert page.evaluate("getComputedStyle(document.querySelector('.bar-fill')).printColorAdjust") == "exact"
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
    finally:
        page.close()
