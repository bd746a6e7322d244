"""Regenerate the pictures of ``aiaudit serve`` in docs/images/ from the shipped examples.

    python docs/make_serve_images.py        # writes docs/images/serve-*.png

Copies examples/support-chatbot to a temporary folder, starts ``aiaudit serve`` on it (the aiaudit
installed in the running interpreter, ``python -m aiaudit``), and screenshots with Playwright
driving the system Chromium: the item page (English, 1280 px), the same page in Korean on a
390 px phone screen, the review page, the classification form, and the instructor's view of a
small class made of the two shipped examples. Re-run it whenever the pages change.

Needs the web extra and Playwright (``pip install '.[test]'``) and Chromium (Debian:
``apt-get install chromium``); ``--chromium PATH`` or ``$CHROMIUM`` picks another binary.
Nothing is fetched from the network.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images"
RUBRIC = """\
kind: rubric
id: docs-class
title: {en: "AI governance project", ko: "인공지능 거버넌스 프로젝트"}
checklists: [genai-baseline]
criteria:
  - {id: completeness, points: 40, measure: answered_ratio}
  - {id: evidence, points: 30, measure: evidence_present_ratio}
  - {id: presentation, points: 30, measure: manual, title: {en: Presentation, ko: 발표}}
"""


def find_chromium(explicit: str | None) -> str:
    for candidate in (explicit, os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (path := shutil.which(candidate)):
            return path
    sys.exit("make_serve_images: Chromium not found; install it (Debian: apt-get install chromium) or pass --chromium PATH")


def start(args: list[str], env: dict) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiaudit", "serve", "--no-browser", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    while True:
        line = proc.stdout.readline()
        if not line:
            sys.exit("make_serve_images: aiaudit serve printed no URL:\n" + proc.stderr.read())
        found = re.search(r"http://\S+\?token=\S+", line)
        if found:
            return proc, found.group(0)


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", default=None)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = find_chromium(args.chromium)
    work = Path(tempfile.mkdtemp(prefix="aiaudit-serve-images-"))
    env = dict(os.environ, AIAUDIT_USER="minji.kim@haneul.example", AIAUDIT_LANG="en")
    shutil.copytree(ROOT / "examples" / "support-chatbot", work / "support-chatbot")
    subs = work / "class"
    for name in ("support-chatbot", "music-startup"):
        shutil.copytree(ROOT / "examples" / name, subs / f"team-{name}")
    (work / "rubric.yaml").write_text(RUBRIC, encoding="utf-8")
    OUT.mkdir(parents=True, exist_ok=True)
    audit_proc, audit_url = start([str(work / "support-chatbot" / "audit.yaml")], env)
    class_proc, class_url = start(
        ["--class", str(subs), "--rubric", str(work / "rubric.yaml"), "--overrides", str(work / "overrides.yaml")], env
    )
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])

            def shoot(url: str, path: str, name: str, width: int = 1280, height: int = 800, lang: str = "en", full=False):
                context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
                page = context.new_page()
                page.goto(url)
                page.wait_for_load_state("networkidle")
                if lang == "ko":
                    page.click('form.lang-switch button[value="ko"]')
                    page.wait_for_load_state("networkidle")
                base = page.url.rstrip("/")
                page.goto(base + path if path.startswith("/") else base)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / name), full_page=full)
                print(f"wrote docs/images/{name}")
                context.close()

            shoot(audit_url, "/item/TR-02", "serve-item.png")
            shoot(audit_url, "/item/TR-02", "serve-item-ko-390.png", width=390, height=844, lang="ko")
            shoot(audit_url, "/review", "serve-review.png")
            shoot(audit_url, "/classify", "serve-classify.png")
            shoot(class_url, "", "serve-class.png")
            browser.close()
    finally:
        stop(audit_proc)
        stop(class_proc)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
