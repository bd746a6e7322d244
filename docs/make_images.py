"""Regenerate the pictures in docs/images/ from the shipped example.

    python docs/make_images.py            # writes docs/images/report.png

Renders examples/support-chatbot/audit.yaml to HTML with the aiaudit installed in the running
interpreter (``python -m aiaudit``), then screenshots the first screen of the page with headless
Chromium at 1280 x 720 CSS pixels. Re-run it whenever the report template changes.

Needs Chromium (Debian: ``apt-get install chromium``); ``--chromium PATH`` or ``$CHROMIUM`` picks
another binary. The browser runs offline (the report loads nothing) with a throw-away profile.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "support-chatbot" / "audit.yaml"
OUT = ROOT / "docs" / "images" / "report.png"
WIDTH, HEIGHT = 1280, 720  # a 720p first screen
# A fixed "generated" time, so the picture changes only when the report does.
SOURCE_DATE_EPOCH = "1796083200"  # 2026-12-01T00:00:00Z, after the example's sign-off


def find_chromium(explicit: str | None) -> str:
    for candidate in (explicit, os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (path := shutil.which(candidate)):
            return path
    sys.exit("make_images: Chromium not found; install it (Debian: apt-get install chromium) or pass --chromium PATH")


def render_html(html: Path, lang: str) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, AIAUDIT_LANG=lang)
    cmd = [sys.executable, "-m", "aiaudit", "report", str(EXAMPLE), "-o", str(html), "--lang", lang]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"make_images: aiaudit report failed (exit {done.returncode}):\n{done.stderr}")


def screenshot(chromium: str, html: Path, png: Path, profile: Path) -> None:
    args = [
        chromium,
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={profile}",
        f"--window-size={WIDTH},{HEIGHT}",
        f"--screenshot={png}",
        html.as_uri(),
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    if not png.is_file() or png.stat().st_size == 0:
        sys.exit(f"make_images: Chromium wrote no screenshot to {png}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=OUT, help=f"PNG to write (default: {OUT.relative_to(ROOT)})")
    parser.add_argument("--lang", choices=("en", "ko"), default="en", help="language of the report (default: en)")
    parser.add_argument("--chromium", help="Chromium binary (default: $CHROMIUM, then chromium on PATH)")
    args = parser.parse_args(argv)

    chromium = find_chromium(args.chromium)
    with tempfile.TemporaryDirectory(prefix="aiaudit-images-") as tmp:
        tmp_path = Path(tmp)
        html = tmp_path / "report.html"
        png = tmp_path / "report.png"
        render_html(html, args.lang)
        screenshot(chromium, html, png, tmp_path / "profile")
        args.output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, args.output)
    print(f"wrote {args.output} ({WIDTH}x{HEIGHT}, {args.output.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
