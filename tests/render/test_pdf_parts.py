"""A large report's PDF is laid out in parts and joined: the same content, numbers, links, outline and attachment.

The parts are forced small here (a budget of a few hundred elements), so a report of 60 items is
cut into several parts; the joined PDF is compared with the same report laid out in one piece.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("weasyprint")

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from report import generate  # benchmarks/report.py: a generated audit with evidence

    from aiaudit.audit.evaluation import evaluate
    from aiaudit.audit.load import load_audit
    from aiaudit.render import ReportOptions
    from aiaudit.render import pdf as P
    from aiaudit.render.data import build
    from aiaudit.render.html import render_report

    folder = tmp_path_factory.mktemp("parts")
    evaluation = evaluate(load_audit(generate(folder, 60, sections=4)))
    options = ReportOptions()
    html = render_report(build(evaluation, "en", options), "en", options, mode="pdf")
    split = P._Split(html, 400)
    assert len(split.parts) >= 3
    import weasyprint

    def attachment():  # single use
        return [weasyprint.Attachment(string=b"kind: audit\n", name="audit.yaml", description="Source audit")]

    fetcher = P.locked_fetcher(allowed_files=(), allowed_dirs=())
    keywords = [f"{P.AUDIT_SHA256_KEYWORD}{'ab' * 32}"]  # what `aiaudit verify` reads
    whole = P.html_to_pdf(html, fetcher, keywords=keywords, attachments=attachment())
    parts = P.pdf_in_parts(html, fetcher, attachment(), budget=400, keywords=keywords)
    (folder / "whole.pdf").write_bytes(whole)
    (folder / "parts.pdf").write_bytes(parts)
    (folder / "parts.html").write_text(html, encoding="utf-8")
    return folder, len(split.parts)


def _pages(pdf: Path, mode: str = "-layout") -> list[str]:
    text = subprocess.run(["pdftotext", mode, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


FOOTER = re.compile(r"Page (\d+) of (\d+)")


def _words(pages: list[str]) -> list[str]:
    """Every word but the page numbers (footers, and the contents' numbers, which differ) and leader dots."""
    words = []
    for page in pages[2:]:  # the cover and the contents are checked apart
        words += [w for w in FOOTER.sub("", page).split() if w != "."]
    return words


def test_the_joined_pdf_has_the_same_text_in_the_same_order(report):
    from collections import Counter

    folder, parts = report
    whole_pages, joined_pages = _pages(folder / "whole.pdf", "-raw"), _pages(folder / "parts.pdf", "-raw")
    assert len(whole_pages) < len(joined_pages) <= len(whole_pages) + parts  # a part starts a page
    whole, joined = _words(whole_pages), _words(joined_pages)
    # Pages break elsewhere, so the page furniture (running head) and the table heads repeated
    # at a page break come a few times more or less; every other word is there, as many times.
    repeated = {w for w, n in Counter(whole).items() if n > 1}
    lost, extra = Counter(whole) - Counter(joined), Counter(joined) - Counter(whole)
    assert set(lost) | set(extra) <= repeated, (lost, extra)
    assert sum(lost.values()) <= 10 * parts
    ids = re.compile(r"\bBM\d\d-\d{3}\b")
    assert [i for w in joined for i in ids.findall(w)] == [i for w in whole for i in ids.findall(w)]


def test_pages_are_numbered_for_the_whole_document_and_the_contents_agree(report):
    folder, _ = report
    pages = _pages(folder / "parts.pdf")
    numbers = [FOOTER.search(p).groups() for p in pages[1:]]  # the cover has no footer
    assert [int(n) for n, _ in numbers] == list(range(2, len(pages) + 1))
    assert {int(total) for _, total in numbers} == {len(pages)}
    contents = {m.group(1).strip(): int(m.group(2)) for m in re.finditer(r"^\s*(\S.*?)\s*\.{5,}\s*(\d+)\s*$", pages[1], re.M)}
    assert len(contents) >= 6
    for title, number in contents.items():
        assert re.search(rf"^\s*{re.escape(title)}\s*$", pages[number - 1], re.M), (title, number)


def test_links_outline_attachment_and_metadata_survive(report):
    folder, _ = report
    whole, joined = pypdf.PdfReader(folder / "whole.pdf"), pypdf.PdfReader(folder / "parts.pdf")

    def links(reader):
        out = []
        for page in reader.pages:
            for annot in page.get("/Annots") or []:
                annot = annot.get_object()
                if annot.get("/Subtype") == "/Link":
                    out.append(annot)
        return out

    def target(reader, annot) -> int | None:
        dest = annot.get("/Dest")
        if isinstance(dest, str):
            dest = reader.named_destinations[dest]
            return reader.get_destination_page_number(dest)
        if dest is not None:
            return reader.get_page_number(dest[0].get_object() if hasattr(dest[0], "get_object") else dest[0])
        return None

    assert len(links(joined)) == len(links(whole))
    internal = [a for a in links(joined) if "/Dest" in a]
    assert internal and all(target(joined, a) is not None for a in internal)

    def titles(outline):
        return [titles(x) if isinstance(x, list) else x.title for x in outline]

    assert titles(joined.outline) == titles(whole.outline)
    assert joined.attachments == {"audit.yaml": [b"kind: audit\n"]}
    assert joined.metadata.title == whole.metadata.title and joined.metadata.creator == whole.metadata.creator
    from aiaudit.render.pdf import AUDIT_SHA256_KEYWORD

    assert AUDIT_SHA256_KEYWORD + "ab" * 32 in str(joined.metadata.get("/Keywords"))
    assert joined.metadata.get("/Keywords") == whole.metadata.get("/Keywords")


def test_a_small_report_or_one_without_a_cover_is_laid_out_in_one_piece():
    from aiaudit.render import pdf as P

    fetcher = P.locked_fetcher(allowed_files=(), allowed_dirs=())
    assert P.pdf_in_parts("<html><body><main><p>x</p></main></body></html>", fetcher) is None  # no cover
    small = "<html><body><header>c</header><main><p>one</p><p>two</p></main></body></html>"
    assert P.pdf_in_parts(small, fetcher, budget=1000) is None  # one part


def test_reports_above_the_threshold_take_the_parts_path(monkeypatch, mini):
    from aiaudit.audit.evaluation import evaluate
    from aiaudit.audit.load import load_audit
    from aiaudit.render import pdf as P

    called = []
    monkeypatch.setattr(P, "PART_ITEMS", 1)
    def parts(html, fetcher, attachments, keywords=()):
        called.append(len(attachments))
        return b"%PDF-parts"

    monkeypatch.setattr(P, "pdf_in_parts", parts)
    assert P.render(evaluate(load_audit(mini / "audit.yaml"))) == b"%PDF-parts" and called == [1]
    from aiaudit.render.options import ReportOptions

    archival = P.render(evaluate(load_audit(mini / "audit.yaml")), options=ReportOptions(pdf_variant="pdf/a-3b"))
    assert archival.startswith(b"%PDF") and len(called) == 1  # archival variants stay in one piece
    assert io.BytesIO(archival).read(4) == b"%PDF"


def test_each_part_is_freed_before_the_next_is_laid_out(report, monkeypatch):
    """With the console script's lazy collector, a part's layout (boxes refer to their parents and
    children) is freed only by a collection: pdf_in_parts collects after each part, so WeasyPrint's
    objects do not pile up from part to part (a 2,000-item PDF otherwise kept every part's boxes:
    890 MiB at its peak instead of about 400)."""
    import gc

    import weasyprint

    from aiaudit.render import pdf as P

    folder, count = report
    alive: list[int] = []
    real = weasyprint.HTML.render

    def render(self, *args, **kwargs):
        modules = (type(o).__module__ for o in gc.get_objects())
        alive.append(sum(isinstance(m, str) and m.startswith("weasyprint") for m in modules))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", render)
    thresholds = gc.get_threshold()
    gc.collect()
    gc.set_threshold(20_000, 20, 20)  # as aiaudit.cli.short_lived_collector sets it
    try:
        html = (folder / "parts.html").read_text(encoding="utf-8")
        P.pdf_in_parts(html, P.locked_fetcher(allowed_files=(), allowed_dirs=()), budget=400)
    finally:
        gc.set_threshold(*thresholds)
    assert len(alive) == 2 * count
    assert max(alive) < 1000, alive  # without the collections: thousands more with every part
