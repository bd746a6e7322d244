"""The documentation stays navigable and true to the code.

README.md and docs/*.md link only to files and headings that exist; the README stays a short first
screen that keeps the two set-up commands CI runs; every docs page is in the index; the generated
library tables match the installed library; LICENSE is the Apache License 2.0, unmodified.
(Other tests check docs against code on their own pages: test_cli for the diagnostic codes in
docs/diagnostics.md, test_policy for the policy example in docs/file-formats.md.)
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
README_LIMIT = 12 * 1024  # bytes: a newcomer reads the README in two minutes
# sha256 of https://www.apache.org/licenses/LICENSE-2.0.txt (also Debian's /usr/share/common-licenses/Apache-2.0)
APACHE_2_0_SHA256 = "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30"

FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
INLINE_CODE = re.compile(r"(`+)(.+?)\1")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def _prose_lines(text: str):
    """The lines outside fenced code blocks."""
    fenced = False
    for line in text.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield line


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: its text, lowercased, punctuation dropped, spaces to dashes."""
    text = INLINE_CODE.sub(lambda m: m.group(2), heading)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # a link in a heading: its text
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for line in _prose_lines(page.read_text(encoding="utf-8")):
        match = HEADING.match(line)
        if not match:
            continue
        slug = github_anchor(match.group(2))
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        out.add(slug if count == 0 else f"{slug}-{count}")
    return out


def links(page: Path) -> list[str]:
    out = []
    for line in _prose_lines(page.read_text(encoding="utf-8")):
        # drop inline code first, so `[x](y)` shown as code is not a link; link texts lose their code only
        out.extend(LINK.findall(INLINE_CODE.sub("", line)))
    return out


def test_github_anchor_matches_github():
    assert github_anchor("`aiaudit fill AUDIT`") == "aiaudit-fill-audit"
    assert github_anchor("Answer imports (`aiaudit answer --from`)") == "answer-imports-aiaudit-answer---from"
    assert github_anchor("Policy (`kind: policy`)") == "policy-kind-policy"
    assert github_anchor("Checklist (`kind: checklist`)") == "checklist-kind-checklist"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_at_an_existing_file_and_heading(page):
    problems = []
    found = links(page)
    for target in found:
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto: ...
            continue
        path_part, _, anchor = target.partition("#")
        dest = (page.parent / path_part).resolve() if path_part else page
        if ROOT not in dest.parents and dest != ROOT:
            problems.append(f"{target}: leaves the repository")
        elif not dest.exists():
            problems.append(f"{target}: no such file")
        elif anchor:
            if dest.suffix != ".md":
                problems.append(f"{target}: an anchor into a file that is not Markdown")
            elif anchor not in anchors(dest):
                problems.append(f"{target}: {dest.relative_to(ROOT)} has no heading #{anchor}")
    assert not problems, f"{page.relative_to(ROOT)}:\n" + "\n".join(problems)


def test_the_link_check_sees_links():
    found = links(ROOT / "README.md")
    assert "docs/images/report.png" in found and "docs/commands.md" in found
    assert "LICENSE" in found


def test_readme_is_short():
    size = (ROOT / "README.md").stat().st_size
    assert size < README_LIMIT, f"README.md is {size} bytes; move detail into docs/ (limit {README_LIMIT})"


def test_readme_keeps_the_two_set_up_commands_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = (
        "python3 -m venv .venv && . .venv/bin/activate && pip install . && "
        "aiaudit report examples/support-chatbot/audit.yaml -o report.html"
    )
    assert example in readme
    assert "pip install '.[test]' && pytest" in readme
    assert "pip install aiaudit" not in readme  # not on a package index yet


def test_no_page_installs_aiaudit_from_a_package_index():
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"pip[x]? install (-U |--upgrade )?aiaudit\b", text), page.name


def test_every_docs_page_is_in_the_index():
    index = set(links(DOCS / "README.md"))
    missing = [p.name for p in DOCS.glob("*.md") if p.name != "README.md" and p.name not in index]
    assert not missing, f"docs/README.md does not link {missing}"


def test_the_report_picture_exists_and_has_its_script():
    png = DOCS / "images" / "report.png"
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(head[16:20], "big") == 1280  # IHDR width: the width make_images.py uses
    assert (DOCS / "make_images.py").is_file()


def test_library_tables_in_the_docs_are_current():
    from aiaudit.library import doc_tables as library_table

    page = DOCS / "library.md"
    text = page.read_text(encoding="utf-8")
    generated = library_table.tables()
    for name in generated:
        assert f"<!-- library-table:{name} -->\n" in text and f"<!-- /library-table:{name} -->" in text, name
    assert library_table.fill(text, generated) == text, "stale tables: run python -m aiaudit.library.doc_tables docs/library.md"


def test_license_is_the_unmodified_apache_2_0_text():
    raw = (ROOT / "LICENSE").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == APACHE_2_0_SHA256
