"""The HTML report: one self-contained, autoescaped page (inline CSS and SVG, no scripts, no external requests).

The same template, in ``pdf`` mode, is what :mod:`aiaudit.render.pdf` hands to WeasyPrint: it then
adds a cover page, a table of contents with page numbers and the paged-media stylesheet.
"""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

from markupsafe import Markup

from ..audit.evaluation import Evaluation
from ..i18n import messages, t
from ..model import SEVERITIES, STATUSES
from ..text import percent
from . import charts
from .data import CLAUSE_STATUSES, EVIDENCE_CHECKS, TOP_FINDINGS, Report, build
from .notes import render_notes
from .options import ReportOptions

#: Image evidence shown as thumbnails: magic bytes → MIME type. SVG is never shown (it can reference URLs).
IMAGE_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


def environment():
    from .templating import with_filters

    return with_filters(notes=render_notes, pct=percent, css_string=css_string, filesize=filesize)


def css_string(value: str) -> Markup:
    """``value`` as a CSS string literal, safe inside a ``<style>`` element."""
    out = []
    for ch in str(value):
        if ch in '\\"<>&' or ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return Markup('"' + "".join(out) + '"')


def filesize(n: int | None) -> str:
    if n is None:
        return ""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)  # pragma: no cover


def page_footer(lang: str) -> Markup:
    """The CSS ``content`` of the page-number footer, from the localised "Page {page} of {pages}"."""
    text = t("report.page_footer", lang)
    out = []
    rest = text
    while rest:
        cut = min((i for i in (rest.find("{page}"), rest.find("{pages}")) if i >= 0), default=-1)
        if cut < 0:
            out.append(css_string(rest))
            break
        if cut:
            out.append(css_string(rest[:cut]))
        if rest.startswith("{pages}", cut):
            out.append(Markup("counter(pages)"))
            rest = rest[cut + len("{pages}") :]
        else:
            out.append(Markup("counter(page)"))
            rest = rest[cut + len("{page}") :]
    return Markup(" ").join(out)


def image_sources(report: Report, options: ReportOptions, mode: str) -> dict[int, str]:
    """Evidence-index row → image source for its thumbnail: a data: URI in HTML, a file: URL for WeasyPrint.

    Each image file is inlined once per report, however often (and under whatever path spelling)
    it is cited: only the first row that cites it shows it. Images larger than
    ``options.image_max_bytes`` are not shown, and once ``options.images_total_max_bytes`` are
    inlined, no more.
    """
    if not options.evidence_images:
        return {}
    out: dict[int, str] = {}
    seen: set[Path] = set()
    budget = options.images_total_max_bytes
    for row, entry in enumerate(report.data["evidence"]):
        path = report.files.get(entry.get("path")) if entry.get("path") else None
        if path is None or path in seen:
            continue
        seen.add(path)
        source = _image_source(path, options, mode, budget)
        if source is not None:
            out[row], size = source
            budget -= size
    return out


def _image_source(path: Path, options: ReportOptions, mode: str, budget: int) -> tuple[str, int] | None:
    try:
        size = path.stat().st_size
        if size > min(options.image_max_bytes, budget):
            return None
        with open(path, "rb", opener=_no_follow_opener) as fh:
            head = fh.read(16)
            mime = next((m for magic, m in IMAGE_TYPES.items() if head.startswith(magic)), None)
            if mime is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
                mime = "image/webp"
            if mime is None:
                return None
            if mode == "pdf":
                from .templating import Verbatim

                return Verbatim(path.as_uri()), size
            body = head + fh.read(options.image_max_bytes)
            return f"data:{mime};base64," + base64.b64encode(body).decode("ascii"), len(body)
    except (OSError, ValueError):
        return None


def _no_follow_opener(path, flags):
    """Open a resolved evidence file without following a symlink swapped in since, and without blocking on a FIFO."""
    fd = os.open(path, flags | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"not a regular file: {path}")
    return fd


def context(report: Report, lang: str, options: ReportOptions, mode: str = "html") -> dict:
    """The values the templates use."""
    d = report.data
    m = messages(lang)
    unscored = m["report.not_scored"]
    status_labels = {s: m[f"status.{s}"] for s in STATUSES}
    by_section: dict[str, list[dict]] = {}
    for item in d["items"]:
        by_section.setdefault(item["section"], []).append(item)
    classification = d["system"].get("classification") if isinstance(d["system"].get("classification"), dict) else None

    def frac(score: dict) -> str:
        return f"{score['counts']['met']}/{score['applicable']}" if score["applicable"] else ""

    return {
        "d": d,
        "lang": lang,
        "mode": mode,
        "pdf_variant": options.pdf_variant,
        "m": m,
        "t": lambda key, **kw: t(key, lang, **kw),
        "statuses": STATUSES,
        "severities": SEVERITIES,
        "clause_statuses": CLAUSE_STATUSES,
        "evidence_checks": EVIDENCE_CHECKS,
        "top_findings": d["findings"][:TOP_FINDINGS],
        "items_by_section": by_section,
        "findings_by_id": {f["id"]: f for f in d["findings"]},
        "profile": [(k, v) for k, v in d["system"].items() if k != "classification"],
        "classification": classification,
        "thumbnails": image_sources(report, options, mode),
        "generated": d["generated"].replace("T", " ").replace("Z", " UTC"),
        "page_footer": page_footer(lang),
        "attachment_name": Path(d["audit"]["file"]).name,
        "ring": charts.score_ring(
            d["score"]["percent"], m["report.overall"], unscored, tone=charts.VERDICT_BAND[d["verdict"]["status"]]
        ),
        "tone": charts.VERDICT_BAND[d["verdict"]["status"]],
        "status_bar": charts.status_bar(d["score"]["counts"], status_labels, m["report.by_status"]),
        "section_chart": charts.bar_chart(
            [charts.Bar(s["title"], s["score"]["percent"], frac(s["score"])) for s in d["sections"]],
            m["report.by_section_chart"],
            unscored,
        ),
        "principle_chart": charts.bar_chart(
            [charts.Bar(p["title"], p["score"]["percent"], frac(p["score"])) for p in d["principles"]],
            m["report.by_principle_chart"],
            unscored,
        ),
        "framework_chart": charts.bar_chart(
            [charts.Bar(f["short"], f["score"]["percent"], frac(f["score"])) for f in d["frameworks"] if f["score"]],
            m["report.by_framework_chart"],
            unscored,
        )
        if any(f["score"] for f in d["frameworks"])
        else Markup(""),
    }


def render_report(report: Report, lang: str, options: ReportOptions, mode: str = "html") -> str:
    """The report page as text, for a browser (``html``) or for WeasyPrint (``pdf``)."""
    return environment().get_template("report.html").render(**context(report, lang, options, mode))


def render_text(evaluation: Evaluation, lang: str = "en", options: ReportOptions | None = None, mode: str = "html") -> str:
    options = options or ReportOptions()
    return render_report(build(evaluation, lang, options), lang, options, mode)


def render(evaluation: Evaluation, lang: str = "en", options: ReportOptions | None = None) -> bytes:
    """The HTML report as UTF-8 bytes."""
    return render_text(evaluation, lang, options).encode("utf-8")
