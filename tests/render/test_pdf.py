"""PDF reports: text and footer (pdftotext), the embedded audit (pdfdetach), PDF/A-3b, outline, and the
locked URL fetcher (no network, no files but templates and named evidence).

Needs poppler-utils (pdftotext, pdfinfo, pdfdetach) and a Hangul font (fonts-nanum); .ci/run installs both.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from aiaudit.audit.evaluation import evaluate
from aiaudit.audit.load import load_audit
from aiaudit.cli import cli
from aiaudit.paths import data_dir
from aiaudit.render import ReportOptions

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini"
KO_QUESTION = "이용자에게 인공지능 시스템과 상호작용하고 있다는 사실을 알립니까?"

for tool in ("pdftotext", "pdfinfo", "pdfdetach"):
    if shutil.which(tool) is None:  # a clear failure, not a skip: PDF output is a core feature
        raise RuntimeError(f"{tool} not found: install poppler-utils (apt-get install poppler-utils)")


def _run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=60, check=True).stdout


def _text(pdf: Path, page: int | None = None, raw: bool = True) -> str:
    """The PDF's text; ``raw`` keeps content-stream order, so a table cell's lines stay together."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _run("pdftotext", *(["-raw"] if raw else []), "-enc", "UTF-8", *pages, pdf, "-")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pages(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", pdf), re.M).group(1))


def _pdf_objects(pdf: Path) -> bytes:
    """The PDF's bytes with every Flate stream (object streams included) inflated."""
    raw = pdf.read_bytes()
    out = [raw]
    for m in re.finditer(rb"stream\r?\n", raw):
        end = raw.find(b"endstream", m.end())
        with contextlib.suppress(zlib.error):
            out.append(zlib.decompress(raw[m.end() : end]))
    return b"\n".join(out)


def _outline_titles(pdf: Path) -> list[str]:
    titles = []
    for m in re.finditer(rb"/Title ?(<[0-9A-Fa-f]+>|\((?:[^()\\]|\\.)*\))", _pdf_objects(pdf)):
        value = m.group(1)
        if value.startswith(b"<"):
            titles.append(bytes.fromhex(value[1:-1].decode()).decode("utf-16"))
        else:
            titles.append(value[1:-1].decode("latin-1"))
    return titles


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The mini project with an image evidence file and a long extra checklist (tables across pages)."""
    from PIL import Image

    folder = tmp_path_factory.mktemp("pdf") / "mini"
    shutil.copytree(MINI, folder)
    Image.new("RGB", (60, 30), (30, 90, 200)).save(folder / "evidence" / "screen.png")
    items = "\n".join(
        f"      - id: LONG-{n:02d}\n"
        f"        question: {{en: 'Long question {n} about a documented control?', ko: '문서화된 통제 {n}이 있습니까?'}}\n"
        f"        guidance: {{en: Guidance., ko: 안내입니다.}}\n"
        f"        severity: low\n        refs: [NIST-GOVERN-2]\n"
        f"        remediation: {{en: Document it., ko: 문서화하십시오.}}"
        for n in range(1, 46)
    )
    (folder / "long-checklist.yaml").write_text(
        "kind: checklist\nid: long\nversion: 1.0.0\ntitle: {en: Long, ko: 긴 점검표}\n"
        "description: {en: Many items., ko: 항목이 많습니다.}\nsections:\n"
        "  - id: governance\n    principle: accountability\n    title: {en: Governance, ko: 거버넌스}\n    items:\n"
        + items
        + "\n",
        encoding="utf-8",
    )
    audit = (folder / "audit.yaml").read_text(encoding="utf-8")
    audit = audit.replace(
        "  SEC-01:\n    status: partial\n",
        "  SEC-01:\n    status: partial\n    evidence:\n      - {path: evidence/screen.png}\n",
    )
    (folder / "audit.yaml").write_text(audit, encoding="utf-8")
    long_audit = audit.replace(
        "  - {path: mini-checklist.yaml}\n", "  - {path: mini-checklist.yaml}\n  - {path: long-checklist.yaml}\n"
    )
    (folder / "long-audit.yaml").write_text(long_audit, encoding="utf-8")
    return folder


def _cli(*args, env=None):
    runner = CliRunner(env={"NO_COLOR": "1", "AIAUDIT_LANG": "en", **(env or {})})
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def ko_pdf(project) -> Path:
    """Korean, archival (PDF/A-3b), evidence attached, with the long annexes (--full)."""
    out = project / "report-ko.pdf"
    result = _cli("report", project / "audit.yaml", "-o", out, "--lang", "ko", "--archival", "--attach-evidence", "--full")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def en_pdf(project) -> Path:
    """English, plain PDF (the default form, without the long annexes); 49 findings, so the register spans pages."""
    out = project / "report-en.pdf"
    result = _cli("report", project / "long-audit.yaml", "-o", out)
    assert result.exit_code == 0, result.output
    return out


# --- text, footer, outline -----------------------------------------------------------------------


def test_pdf_text_has_system_name_korean_question_and_footer(ko_pdf):
    pages = _pages(ko_pdf)
    text = _squash(_text(ko_pdf))
    assert "상담봇Mini" in text
    assert _squash(KO_QUESTION) in text
    assert _squash(f"전체 {pages}쪽 중 2쪽") in _squash(_text(ko_pdf, 2))
    assert _squash(f"전체 {pages}쪽 중 {pages}쪽") in _squash(_text(ko_pdf, pages))
    assert "AI거버넌스점검보고서" in text
    assert "Executive summary" not in _text(ko_pdf)
    # --full: the crosswalk and every item are there
    assert "부록A.프레임워크대응표" in text and "부록B.영역별전체점검항목" in text


def test_pdf_english_footer_cover_and_contents(en_pdf):
    pages = _pages(en_pdf)
    cover = _text(en_pdf, 1)
    assert "상담봇 Mini" in cover and "AI GOVERNANCE AUDIT REPORT" in cover.upper()
    for fact in ("Organisation", "Scope", "Audit period", "Report version", "Status", "Confidentiality", "Prepared by"):
        assert fact in cover, fact
    assert "Sign-off" in cover and "Verdict".upper() in cover.upper()
    assert "Page 1 of" not in cover  # the cover page has no header or footer
    for page in (2, pages):
        assert f"Page {page} of {pages}" in _text(en_pdf, page)
    contents = _text(en_pdf, 2, raw=False)
    assert "Contents" in contents and "Document control" in contents
    # the table of contents has dot leaders and page numbers; annexes A and B are in the full report only
    assert re.search(r"1 Executive summary \.{3,}\s*3", contents), contents
    assert re.search(r"Annex C\. Evidence index \.{3,}\s*\d+", contents)
    assert re.search(r"Annex A\. Framework crosswalk\s+in the full report", contents)
    assert "Annex A. Framework crosswalk" not in _text(en_pdf, pages)  # and the annex itself is not there


def test_pdf_outline_has_chapters_not_user_text(en_pdf, ko_pdf):
    titles = _outline_titles(en_pdf)
    for chapter in (
        "Document control",
        "1 Executive summary",
        "2 Where the system stands",
        "3 Scope and method",
        "4 Findings",
        "Findings register",
        "Annex C. Evidence index",
    ):
        assert chapter in titles, titles
    assert "Contents" not in titles and "상담봇 Mini" not in titles
    assert "Governance" not in titles  # the item annex is in --full only
    ko_titles = _outline_titles(ko_pdf)
    assert "1 요약" in ko_titles and "안전성·보안" in ko_titles  # an item section of annex B
    assert not any("\u2060" in title for title in ko_titles)  # bookmarks carry no word joiners


def test_pdf_tables_repeat_their_header_on_every_page(en_pdf):
    pages = [_text(en_pdf, n) for n in range(1, _pages(en_pdf) + 1)]
    first = next(n for n, p in enumerate(pages) if "Findings register" in p)
    last = next(n for n, p in enumerate(pages) if "Findings in detail" in p)
    continued = pages[first : last + 1]
    assert len(continued) >= 2  # the findings register spans pages
    for page in continued:
        assert re.search(r"#\s+Item\s+Finding\s+Severity\s+Status\s+Owner\s+Due\s+Remediation", page), page[:400]


# --- embedded audit, PDF/A ---------------------------------------------------------------------


def test_pdf_embeds_the_source_audit_byte_identical(ko_pdf, en_pdf, project, tmp_path):
    listing = _run("pdfdetach", "-list", ko_pdf)
    assert "1: audit.yaml" in listing and "evidence/screen.png" in listing
    _run("pdfdetach", "-save", "1", "-o", tmp_path / "extracted.yaml", ko_pdf)
    assert (tmp_path / "extracted.yaml").read_bytes() == (project / "audit.yaml").read_bytes()
    # evidence attachments are the files themselves
    number = re.search(r"(\d+): evidence/screen.png", listing).group(1)
    _run("pdfdetach", "-save", number, "-o", tmp_path / "screen.png", ko_pdf)
    assert (tmp_path / "screen.png").read_bytes() == (project / "evidence" / "screen.png").read_bytes()
    # plain PDFs carry the audit too, but no evidence unless asked
    plain = _run("pdfdetach", "-list", en_pdf)
    assert "1 embedded files" in plain and "long-audit.yaml" in plain
    _run("pdfdetach", "-save", "1", "-o", tmp_path / "long.yaml", en_pdf)
    assert (tmp_path / "long.yaml").read_bytes() == (project / "long-audit.yaml").read_bytes()


def test_archival_pdf_declares_pdfa3b(ko_pdf, en_pdf):
    objects = _pdf_objects(ko_pdf)
    assert b'pdfaid:part="3"' in objects and b'pdfaid:conformance="B"' in objects
    assert b"/OutputIntents" in objects and b"/AFRelationship /Source" in objects
    assert b"/Interpolate true" not in objects
    assert b"pdfaid:part" not in _pdf_objects(en_pdf)


def test_pdf_shows_image_evidence_through_the_locked_fetcher(project):
    from aiaudit.render.pdf import render_pdf

    data, fetcher = render_pdf(evaluate(load_audit(project / "audit.yaml")), "en", ReportOptions(full=True))
    assert data.startswith(b"%PDF")
    assert fetcher.served == [str((project / "evidence" / "screen.png").resolve())]
    assert fetcher.refused == []
    # the default PDF lists the file and its hash, without the picture
    data, fetcher = render_pdf(evaluate(load_audit(project / "audit.yaml")), "en", ReportOptions())
    assert fetcher.served == [] and fetcher.refused == []


# --- the locked fetcher ------------------------------------------------------------------------


def test_locked_fetcher_serves_only_data_templates_and_named_files(tmp_path, server):
    from aiaudit.render.pdf import locked_fetcher

    port, requests = server
    evidence = tmp_path / "ev.txt"
    evidence.write_text("named evidence")
    other = tmp_path / "other.txt"
    other.write_text("not named")
    (tmp_path / "link.txt").symlink_to("/etc/passwd")
    fetcher = locked_fetcher([evidence])
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    assert fetcher.fetch(evidence.as_uri()).read() == b"named evidence"
    template = data_dir("templates") / "report.css"
    assert fetcher.fetch(template.as_uri()).read() == template.read_bytes()
    for url in (
        other.as_uri(),
        "file:///etc/passwd",
        (tmp_path / "link.txt").as_uri(),
        (data_dir("templates") / ".." / ".." / ".." / "etc" / "passwd").as_uri(),
        f"file://{data_dir('templates')}/../../../../../../etc/passwd",
        "file://remote-host/etc/passwd",
        f"http://127.0.0.1:{port}/x.png",
        f"https://127.0.0.1:{port}/x.png",
        "ftp://127.0.0.1/x",
    ):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert requests == []
    assert len(fetcher.refused) == 9


def test_hostile_html_loads_nothing_through_weasyprint(tmp_path, server):
    """The second wall: even HTML that asks for URLs (which the report's never does) gets nothing."""
    import weasyprint

    from aiaudit.render.pdf import locked_fetcher

    port, requests = server
    base = f"http://127.0.0.1:{port}"
    html = f"""<html><head>
      <link rel="stylesheet" href="{base}/style.css">
      <link rel="attachment" href="file:///etc/passwd">
      <style>@import url({base}/import.css); body {{ background: url({base}/bg.png) }}
             @font-face {{ font-family: X; src: url({base}/font.woff) }}</style></head>
      <body><img src="{base}/img.png"><img src="file:///etc/passwd"><object data="{base}/obj"></object>
      <iframe src="{base}/frame"></iframe><svg><image href="{base}/svg.png"/></svg>
      <a rel="attachment" href="file:///etc/hostname">a</a><p>text</p></body></html>"""
    fetcher = locked_fetcher([])
    pdf = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
    (tmp_path / "h.pdf").write_bytes(pdf)
    assert requests == []
    assert fetcher.served == []
    assert any("/etc/passwd" in u for u in fetcher.refused) and any(u.startswith(base) for u in fetcher.refused)
    assert "0 embedded files" in _run("pdfdetach", "-list", tmp_path / "h.pdf")
    assert "root:" not in _text(tmp_path / "h.pdf")


def test_hostile_audit_pdf_requests_nothing(tmp_path, server):
    from aiaudit.render.pdf import render_pdf

    port, requests = server
    base = f"http://127.0.0.1:{port}"
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    hostile = (
        f"<script>fetch('{base}/script')</script> <img src={base}/img onerror=alert(1)> <iframe src={base}/frame></iframe> "
        f"[js](javascript:alert(1)) ![passwd](file:///etc/passwd) ![remote]({base}/md.png) "
        f'<style>body{{background:url({base}/css)}}</style> <div style="background:url({base}/style)">x</div> '
        f'<link rel="attachment" href="file:///etc/passwd"> <object data="{base}/obj"></object>'
    )
    quoted = hostile.replace("\\", "\\\\").replace('"', '\\"')
    text = (folder / "audit.yaml").read_text(encoding="utf-8")
    text = text.replace("Tested manually only.", f'"{quoted}"').replace("name: 상담봇 Mini", f'name: "{quoted}"')
    text = text.replace("owner: Team 3", f'owner: "<img src=file:///etc/passwd> url({base}/owner)"')
    (folder / "audit.yaml").write_text(text, encoding="utf-8")
    data, fetcher = render_pdf(evaluate(load_audit(folder / "audit.yaml")), "en", ReportOptions(pdf_variant="pdf/a-3b"))
    (tmp_path / "hostile.pdf").write_bytes(data)
    assert requests == []  # the HTTP server saw nothing
    assert fetcher.refused == [] and fetcher.served == []  # WeasyPrint was never even asked for a URL
    text = _text(tmp_path / "hostile.pdf")
    assert "root:x:0:0" not in text and "LEAKED-FROM-SERVER" not in text
    assert "<script>fetch(" in text  # shown as text, inert
    listing = _run("pdfdetach", "-list", tmp_path / "hostile.pdf")
    assert "1 embedded files" in listing and "passwd" not in listing


# --- imports, errors, stdout ---------------------------------------------------------------------


def test_weasyprint_is_imported_only_for_pdf(tmp_path):
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    code = f"""
import sys
from click.testing import CliRunner
import aiaudit.audit.evaluation, aiaudit.render.data
assert "jinja2" not in sys.modules and "weasyprint" not in sys.modules, "evaluation/model import a renderer"
from aiaudit.cli import cli
runner = CliRunner(env={{"AIAUDIT_LANG": "en"}})
for fmt in ("html", "md", "json"):
    assert runner.invoke(cli, ["report", {str(folder / "audit.yaml")!r}, "-f", fmt]).exit_code == 0
assert "weasyprint" not in sys.modules, "weasyprint imported for a text report"
assert runner.invoke(cli, ["report", {str(folder / "audit.yaml")!r}, "-o", {str(tmp_path / "r.pdf")!r}]).exit_code == 0
assert "weasyprint" in sys.modules
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_pdf_without_weasyprint_is_a_one_line_error(monkeypatch, mini, tmp_path, invoke):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint -> ImportError
    out = tmp_path / "r.pdf"
    result = invoke("report", mini / "audit.yaml", "-o", out)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "WeasyPrint" in result.stderr and "aiaudit doctor" in result.stderr
    assert not out.exists()


def test_pdf_goes_to_stdout_only_when_it_is_not_a_terminal(monkeypatch, mini, invoke):
    import click.testing

    monkeypatch.setattr("aiaudit.render.render", lambda *a, **k: b"%PDF-1.7 fake")
    piped = invoke("report", mini / "audit.yaml", "-f", "pdf", "-o", "-")
    assert piped.exit_code == 0 and piped.stdout_bytes == b"%PDF-1.7 fake"
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True, raising=False)
    tty = invoke("report", mini / "audit.yaml", "-f", "pdf", "-o", "-")
    assert tty.exit_code == 2 and "terminal" in tty.stderr and tty.stdout_bytes == b""


def test_missing_hangul_font_warns_for_korean_pdf(monkeypatch, mini, tmp_path, invoke):
    monkeypatch.setattr("aiaudit.render.doctor.hangul_fonts", lambda *a, **k: [])
    monkeypatch.setattr("aiaudit.render.render", lambda *a, **k: b"%PDF-1.7 fake")
    result = invoke("report", mini / "audit.yaml", "-o", tmp_path / "r.pdf", "--lang", "ko")
    assert result.exit_code == 0 and "fonts-nanum" in result.stderr
    # English text only (the mini system name is Korean, so use HTML: no font check there)
    assert "fonts-nanum" not in invoke("report", mini / "audit.yaml", "-o", tmp_path / "r.html").stderr


def test_unknown_pdf_variant_is_refused_by_the_library(mini):
    from aiaudit.diagnostics import AiauditError
    from aiaudit.render.pdf import render_pdf

    with pytest.raises(AiauditError, match="pdf/a-1b"):
        render_pdf(evaluate(load_audit(mini / "audit.yaml")), "en", ReportOptions(pdf_variant="pdf/a-1b"))
