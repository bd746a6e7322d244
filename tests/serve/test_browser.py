"""End to end in a real browser: Playwright drives the system Chromium against `aiaudit serve` in its own process.

Open the token URL, fill in items in English and Korean, upload evidence, watch the verdict change,
download the PDF, and check that the file on disk is byte for byte what `aiaudit answer` writes;
a second writer is refused, two tabs are detected, pages work without JavaScript, fit a 390 px
screen, can be used with the keyboard, and pass axe-core when it is installed
(``$AIAUDIT_AXE_CORE``: the path of ``axe.min.js``, e.g. from ``npm install axe-core``).
Playwright's own browser download is never used.
"""

from __future__ import annotations

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
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")

from .conftest import USER  # noqa: E402

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
if CHROMIUM is None:  # a clear failure, not a skip: the browser test is part of the definition of done
    raise RuntimeError("chromium not found: install it (Debian: apt-get install chromium)")

TIMEOUT = 30_000  # ms, per Playwright action


def axe_path() -> Path | None:
    """axe-core's ``axe.min.js``: $AIAUDIT_AXE_CORE, else a node_modules folder nearby; None when not installed."""
    candidates = [os.environ.get("AIAUDIT_AXE_CORE", "")]
    for base in (Path.cwd(), Path(__file__).resolve().parents[2], Path.home()):
        candidates.append(str(base / "node_modules" / "axe-core" / "axe.min.js"))
    return next((Path(c) for c in candidates if c and Path(c).is_file()), None)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
        )
        yield b
        b.close()


def new_page(browser, width=1280, height=900, **options):
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True, **options)
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    return page


def sign_in(page, server) -> str:
    """Open the token URL; returns the audit's base URL (``http://127.0.0.1:PORT/a/ID``)."""
    page.goto(server.url)
    page.wait_for_url("**/a/*/")
    return page.url.rstrip("/")


def save(page, button="save"):
    page.click(f'form.answer button[value="{button}"]')


def verdict(page) -> str:
    return page.inner_text("#live .verdict strong")


def answer_cli(audit: Path, item: str, status: str, notes: str, evidence: str | None = None):
    """`aiaudit answer` as the browser's save: an upload is added to the evidence the item already cites."""
    args = ["answer", str(audit), item, "--status", status, "--note", notes]
    if evidence:
        data = yaml.safe_load(audit.read_text(encoding="utf-8"))
        kept = [e["path"] for e in (data["answers"].get(item) or {}).get("evidence") or [] if "path" in e]
        for path in [*kept, evidence]:
            args += ["--evidence", path]
    result = CliRunner(env={"AIAUDIT_USER": USER, "AIAUDIT_LANG": "en"}).invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output


NOTES_TR02 = "Chat transcripts carry `X-AI-Generated: true`; the widget now adds C2PA-style metadata.\n\n- tested 2026-11"
NOTES_TR10 = "Explanations are compared with the retrieval log each month."
NOTES_TR11 = "설명 기능은 상담 기록에서만 확인했습니다.\n다음 분기에 **사용자 안내문**을 보완합니다."
NOTES_PRIV13 = "해당 없음: 대화 기록을 보관하지 않습니다."


def test_fill_in_english_and_korean_end_to_end(browser, serve_process, example, tmp_path):
    twin = tmp_path / "twin"
    shutil.copytree(example.parent, twin)
    upload = tmp_path / "watermark-test.txt"
    upload.write_text("C2PA manifest check, 2026-11-28: all 20 samples carry the manifest.\n", encoding="utf-8")
    server = serve_process(example)
    page = new_page(browser)
    base = sign_in(page, server)
    assert page.get_attribute("html", "lang") == "en"
    assert verdict(page) == "Not ready"

    # English: TR-02 met, with an uploaded file (the page saves in place, then shows the new evidence)
    page.goto(f"{base}/item/TR-02")
    page.check('input[name="status"][value="met"]')
    page.fill("#notes", NOTES_TR02)
    page.click('button[value="preview"]')
    page.wait_for_selector("#preview:not([hidden]) code")
    assert page.inner_text("#preview-body code") == "X-AI-Generated: true"
    page.set_input_files("#upload", str(upload))
    save(page)
    page.wait_for_url("**/item/TR-02?saved=TR-02")
    assert "Saved TR-02." in page.inner_text("#saved-note")
    assert "evidence/watermark-test.txt" in page.inner_text(".evidence-list")
    assert page.inner_text(".evidence-list .badge") == "verified"
    assert verdict(page) == "Draft"  # the critical item is met with evidence: only unanswered items remain

    # English: TR-10, "Save and next" goes on to the next open item
    page.goto(f"{base}/item/TR-10")
    page.check('input[name="status"][value="partial"]')
    page.fill("#notes", NOTES_TR10)
    save(page, "next")
    page.wait_for_url("**/item/TR-11?saved=TR-10")

    # Korean: switch the page's language, then answer two items
    page.click('form.lang-switch button[value="ko"]')
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "ko"
    assert "작성 안내" in page.inner_text("main")
    page.check('input[name="status"][value="not_met"]')
    page.fill("#notes", NOTES_TR11)
    save(page)  # in place: the status badge and the verdict panel follow
    page.wait_for_selector("#save-state.ok")
    assert page.inner_text("#save-state") == "TR-11을(를) 저장했습니다."
    assert page.inner_text("#current-status .badge") == "미충족"
    page.goto(f"{base}/item/PRIV-13")
    page.click("label.st-na")
    page.fill("#notes", NOTES_PRIV13)
    save(page)
    page.wait_for_selector("#save-state.ok")
    assert verdict(page) == "작성 중"
    assert page.errors == []

    # the file on disk is what `aiaudit answer` writes for the same answers (comments kept)
    shutil.copy(upload, twin / "evidence" / upload.name)
    answer_cli(twin / "audit.yaml", "TR-02", "met", NOTES_TR02, "evidence/watermark-test.txt")
    answer_cli(twin / "audit.yaml", "TR-10", "partial", NOTES_TR10)
    answer_cli(twin / "audit.yaml", "TR-11", "not_met", NOTES_TR11)
    answer_cli(twin / "audit.yaml", "PRIV-13", "na", NOTES_PRIV13)
    assert example.read_bytes() == (twin / "audit.yaml").read_bytes()
    assert "# aiaudit audit file. Answer each item below" in example.read_text(encoding="utf-8")
    assert (example.parent / "evidence" / "watermark-test.txt").read_bytes() == upload.read_bytes()

    # review, report and the PDF, in Korean
    page.goto(f"{base}/review")
    assert "발견 사항" in page.inner_text("main")
    page.goto(f"{base}/report")
    frame = page.frame_locator("iframe.report-frame")
    assert "상담봇" in frame.locator("h1").first.inner_text()
    with page.expect_download() as download:
        page.click('a[href$="/report.pdf"]')
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 20_000
    assert download.value.suggested_filename == "audit-report-ko.pdf"
    page.context.close()


def test_a_second_writer_is_refused_in_the_browser(browser, serve_process, example):
    server = serve_process(example)
    page = new_page(browser)
    base = sign_in(page, server)
    page.goto(f"{base}/item/ACC-13")
    page.check('input[name="status"][value="met"]')
    page.fill("#notes", "Typed while `aiaudit fill` runs in a terminal.")
    code = (
        "import sys, time\nfrom aiaudit.audit.lock import audit_lock\n"
        "with audit_lock(sys.argv[1]):\n    print('locked', flush=True)\n    time.sleep(60)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code, str(example)], stdout=subprocess.PIPE, text=True)
    before = example.read_bytes()
    try:
        assert holder.stdout.readline().strip() == "locked"
        save(page)
        page.wait_for_selector("#form-messages")
        message = page.inner_text("#form-messages")
        assert "Not saved: another writer is editing the file" in message
        assert f"is being edited by another aiaudit process (pid {holder.pid})" in message
        assert page.input_value("#notes") == "Typed while `aiaudit fill` runs in a terminal."  # nothing lost
        assert example.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()
    save(page)
    page.wait_for_selector("#save-state.ok")
    assert "Typed while" in example.read_text(encoding="utf-8")
    page.context.close()


def test_two_tabs_editing_the_same_item_are_detected(browser, serve_process, example):
    server = serve_process(example)
    first = new_page(browser)
    base = sign_in(first, server)
    second = first.context.new_page()
    for page in (first, second):
        page.goto(f"{base}/item/ACC-20")
    first.check('input[name="status"][value="met"]')
    first.fill("#notes", "First tab's answer.")
    save(first)
    first.wait_for_selector("#save-state.ok")
    second.check('input[name="status"][value="not_met"]')
    second.fill("#notes", "Second tab's answer.")
    save(second)
    second.wait_for_selector("#conflict-title")
    assert "First tab's answer." in second.inner_text(".conflict")
    assert second.input_value("#notes") == "Second tab's answer."
    text = example.read_text(encoding="utf-8")
    assert "First tab's answer." in text and "Second tab's answer." not in text
    save(second)  # saving again, after seeing both, is deliberate
    second.wait_for_selector("#save-state.ok")
    assert "Second tab's answer." in example.read_text(encoding="utf-8")
    first.context.close()


def test_everything_works_without_javascript(browser, serve_process, example):
    server = serve_process(example)
    page = new_page(browser, java_script_enabled=False)
    base = sign_in(page, server)  # the token page's refresh is plain HTML
    page.goto(f"{base}/item/TR-10")
    page.check('input[name="status"][value="met"]')
    page.fill("#notes", "No script needed.")
    page.click('button[value="preview"]')
    page.wait_for_selector("#preview:not([hidden])")
    assert page.input_value("#notes") == "No script needed."
    save(page)
    page.wait_for_url("**/item/TR-10?saved=TR-10")
    assert "No script needed." in example.read_text(encoding="utf-8")
    page.goto(f"{base}/item/TR-11")
    page.check('input[name="status"][value="na"]')
    save(page)  # n/a without a reason: refused, with the reason next to the field
    assert page.inner_text("#status-error").startswith("TR-11: `na` needs a justification")
    page.goto(f"{base}/classify")

    def answer_the_rest() -> None:  # every yes/no question not answered yet: no
        for block in page.locator("li.question-block").all():
            radios = block.locator('input[type="radio"]')
            if radios.count() and not block.locator('input[type="radio"]:checked').count():
                block.locator('input[value="no"]').check()

    answer_the_rest()
    page.check('input[name="annex_iii"][value="4"]')
    page.click('button[value="save"]')  # a follow-up question appears instead of a silent default
    page.wait_for_selector("#q-profiling.new")
    assert page.locator("#q-narrow_task.new").count() == 1
    assert "risk_tier: high" not in example.read_text(encoding="utf-8")  # nothing saved yet
    page.check('#q-profiling input[value="no"]')
    page.check('#q-narrow_task input[value="no"]')
    page.click('button[value="save"]')
    assert "high-risk" in page.inner_text("#classify-saved")
    assert "risk_tier: high" in example.read_text(encoding="utf-8")
    page.context.close()


PAGES = ["/", "/item/TR-02", "/review", "/report", "/changes", "/classify"]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_no_horizontal_scroll_at_390_px(browser, serve_process, example, lang):
    server = serve_process(example, "--lang", lang)
    page = new_page(browser, width=390, height=844)
    base = sign_in(page, server)
    for path in PAGES:
        page.goto(base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    assert page.errors == []
    page.context.close()


def test_keyboard_skip_link_focus_order_and_visible_focus(browser, serve_process, example):
    server = serve_process(example)
    page = new_page(browser)
    base = sign_in(page, server)
    page.goto(f"{base}/item/TR-10")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    order = []
    for _ in range(60):
        page.keyboard.press("Tab")
        element = page.evaluate("[document.activeElement.tagName, document.activeElement.name || document.activeElement.id]")
        order.append(tuple(element))
        if element[1] == "action" and page.evaluate("document.activeElement.value") == "next":
            break
    names = [n for _, n in order]
    # reading order: status, notes, preview, the evidence fields, then save
    assert names.index("status") < names.index("notes") < names.index("upload") < names.index("evidence_path")
    assert names.index("evidence_url") < len(names) - 1
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    for key in ("ArrowRight",):  # radio groups move with the arrow keys
        page.focus('input[name="status"][value="met"]')
        page.keyboard.press(key)
        assert page.evaluate("document.activeElement.value") == "partial"
    page.context.close()


@pytest.mark.skipif(axe_path() is None, reason="axe-core not installed: npm install axe-core, then set AIAUDIT_AXE_CORE")
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_axe_finds_no_accessibility_violations(browser, serve_process, example, lang):
    server = serve_process(example, "--lang", lang)
    page = new_page(browser, bypass_csp=True)  # the test injects axe; the pages themselves allow no inline script
    base = sign_in(page, server)
    found = {}
    for path in [*PAGES, "/item/SAFE-03"]:
        page.goto(base + path)
        page.add_script_tag(path=str(axe_path()))
        result = page.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        )
        violations = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if not (v["id"] == "region" and path == "/report")
        ]
        if violations:
            found[path] = violations
    assert found == {}
    page.context.close()
