"""The HTML report: one self-contained, autoescaped page (inline CSS and SVG, no scripts, no external requests).

The same template, in ``pdf`` mode, is what :mod:`aiaudit.render.pdf` hands to WeasyPrint: it then
adds a cover page, a table of contents with page numbers and the paged-media stylesheet.
"""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

from markupsafe import Markup, escape

from ..audit.evaluation import Evaluation
from ..i18n import messages, t
from ..model import FINDING_FIELDS, SEVERITIES, STATUSES
from ..text import one_line, percent, width
from . import charts
from .data import CLAUSE_STATUSES, EVIDENCE_CHECKS, SUMMARY_REASONS, TOP_FINDINGS, Report, build
from .notes import render_notes
from .options import ReportOptions
from .typeset import keep_words

#: A mark beside each status wherever a status is shown by colour (crosswalk chips): readable in grayscale.
STATUS_SYMBOLS = {"met": "●", "partial": "◐", "not_met": "○", "na": "–", "unanswered": "?", "out_of_scope": "·"}

#: Image evidence shown as thumbnails: magic bytes → MIME type. SVG is never shown (it can reference URLs).
IMAGE_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


def environment():
    from .templating import with_filters

    return with_filters(
        notes=render_notes,
        pct=percent,
        css_string=css_string,
        filesize=filesize,
        brief=brief,
        pw=width_class,
        pl=left_class,
        slashbreak=slash_break,
        ticks=code_ticks,
    )


def code_ticks(value: str) -> Markup:
    """``value`` escaped, with `backtick` spans of a message (commands, keys) shown as code, not as backticks."""
    parts = str(value).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: leave the text as it is
        return escape(value)
    return Markup("").join(Markup("<code>%s</code>") % p if n % 2 else escape(p) for n, p in enumerate(parts))


def slash_break(value: str) -> Markup:
    """``value`` escaped, with a break opportunity after each ``/`` (rule ids such as ``must-meet/severity/critical``)."""
    return Markup("/<wbr>").join(escape(part) for part in str(value).split("/"))


# Chart geometry goes into the stylesheet as classes, never into style="" attributes: the page has no
# inline styles at all, so a test (and a Content-Security-Policy) can tell that nothing else added one.
def _tenths(value: float) -> int:
    return max(0, min(1000, round(float(value) * 10)))


def width_class(value: float) -> str:
    """The class that makes a bar ``value`` percent wide (to a tenth of a percent)."""
    return f"pw-{_tenths(value)}"


def left_class(value: float) -> str:
    """The class that puts a mark (a target line, a scale label) ``value`` percent from the left."""
    return f"pl-{_tenths(value)}"


def geometry_css(widths, lefts) -> Markup:
    """The rules for the width and position classes a page uses."""
    rules = [f".pw-{n} {{ width: {n / 10:g}%; }}" for n in sorted({_tenths(v) for v in widths})]
    rules += [f".pl-{n} {{ left: {n / 10:g}%; }}" for n in sorted({_tenths(v) for v in lefts})]
    return Markup("\n".join(rules))


def brief(text: str | None, lang: str = "en", limit: int = 150) -> str:
    """``text`` on one line, cut at a word boundary to about ``limit`` columns (Korean letters count two)."""
    text = one_line(text or "")
    if width(text) <= limit:
        return text
    out = ""
    for word in text.split(" "):
        candidate = f"{out} {word}" if out else word
        if width(candidate) > limit - 1:
            break
        out = candidate
    return (out or text[: limit // 2]).rstrip(",;:·") + "…"


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
    by_section: dict[str, list[dict]] = {}
    for item in d["items"]:
        by_section.setdefault(item["section"], []).append(item)
    classification = d["system"].get("classification") if isinstance(d["system"].get("classification"), dict) else None
    verdict = d["verdict"]
    policy = d["policy"]
    # items that break a rule of the policy (unanswered ones only make a draft: they count as open)
    failing = {i for r in verdict["rules"] if r["outcome"] == "fail" and r["id"] != "complete" for i in r["items"]}
    items_by_id = {i["id"]: i for i in d["items"]}

    def met(score: dict) -> str:
        return t("report2.chart.met_of", lang, met=score["counts"]["met"], applicable=score["applicable"])

    def bar(label: str, score: dict, target, item_ids, href: str = "", uncovered: int = 0) -> charts.Bar:
        open_ = sum(1 for i in item_ids if items_by_id[i]["finding"])
        fail = sum(1 for i in item_ids if i in failing)
        st = charts.state(score["percent"], target, open_, fail, uncovered)
        detail = met(score) if score["applicable"] else ""
        return charts.Bar(label, score["percent"], target, st, open_, fail, detail, href, uncovered=uncovered)

    overall = d["score"]
    section_bars = [
        charts.Bar(
            m["report.overall"],
            overall["percent"],
            policy["min_overall"],
            charts.verdict_state(verdict["status"]),
            overall["findings"],
            len(failing),
            met(overall) if overall["applicable"] else "",
            "#summary",
            strong=True,
        )
    ]
    for s in d["sections"]:
        ids = [i["id"] for i in by_section.get(s["id"], ()) if i["applicable"]]
        section_bars.append(bar(s["title"], s["score"], policy["min_sections"].get(s["id"]), ids, f"#section-{s['id']}"))
    in_scope = [f for f in d["frameworks"] if f["scope"] != "not_in_scope" and f["score"] is not None]
    framework_bars = []
    for f in in_scope:
        ids = sorted({i["id"] for c in f["clauses"] for i in c["items"] if i["applicable"]})
        target = policy["min_frameworks"].get(f["id"])
        framework_bars.append(bar(f["short"], f["score"], target, ids, f"#fw-{f['id']}", len(f.get("uncovered") or ())))
    severity_rows = charts.severity_rows(d["items"], SEVERITIES, policy["must_meet_severities"])
    findings = d["findings"]
    answered_findings = [f for f in findings if f["status"] != "unanswered"]
    failed_rules = [r for r in verdict["rules"] if r["outcome"] == "fail" and r["id"] != "complete"]
    lead = {
        "not_ready": ("report2.lead.not_ready", {"n": len(failed_rules)}),
        "ready_with_conditions": ("report2.lead.ready_with_conditions", {"n": len(findings)}),
        "ready": ("report2.lead.ready", {}),
        "draft": ("report2.lead.draft", {"n": verdict["unanswered"]}),
    }[verdict["status"]]
    severity_max = max((r.open for r in severity_rows), default=0)
    bars = section_bars + framework_bars
    widths = [b.percent or 0 for b in bars]
    widths += [100 * seg.count / severity_max for r in severity_rows for seg in r.segments]
    lefts = [0, 25, 50, 75, 100] + [b.target for b in bars if b.target is not None]
    return {
        "geometry_css": geometry_css(widths, lefts),
        "verdict_lead": t(lead[0], lang, **lead[1]),
        "d": d,
        "lang": lang,
        "mode": mode,
        "full": mode != "pdf" or options.full,
        "pdf_variant": options.pdf_variant,
        "m": m,
        "t": lambda key, **kw: t(key, lang, **kw),
        "statuses": STATUSES,
        "severities": SEVERITIES,
        "clause_statuses": CLAUSE_STATUSES,
        "evidence_checks": EVIDENCE_CHECKS,
        "finding_fields": FINDING_FIELDS,
        "top_findings": findings[:TOP_FINDINGS],
        "summary_reasons": verdict["reasons"][:SUMMARY_REASONS],
        "more_reasons": max(0, len(verdict["reasons"]) - SUMMARY_REASONS) + verdict["more"],
        "answered_findings": answered_findings,
        "unanswered_findings": [f for f in findings if f["status"] == "unanswered"],
        "overdue": [f for f in findings if f["overdue_days"]],
        "unowned": [f for f in answered_findings if not f["owner"]],
        "items_by_section": by_section,
        "items_by_id": items_by_id,
        "sections_by_id": {s["id"]: s for s in d["sections"]},
        "findings_by_id": {f["id"]: f for f in findings},
        "frameworks_by_id": {f["id"]: f for f in d["frameworks"]},
        "in_scope": in_scope,
        "not_in_scope": [f for f in d["frameworks"] if f["scope"] == "not_in_scope"],
        "failing": failing,
        "profile": [(k, v) for k, v in d["system"].items() if k != "classification"],
        "classification": classification,
        # thumbnails (by evidence-index row): in the browser, and in the full PDF (the default PDF lists
        # the files and their hashes)
        "thumbnails": image_sources(report, options, mode) if mode != "pdf" or options.full else {},
        "generated": d["generated"].replace("T", " ").replace("Z", " UTC"),
        "page_footer": page_footer(lang),
        "attachment_name": Path(d["audit"]["file"]).name,
        "tone": charts.VERDICT_BAND[verdict["status"]],
        "section_bars": section_bars,
        "framework_bars": framework_bars,
        "severity_rows": severity_rows,
        "severity_max": severity_max,
        "chart_states": charts.STATES,
        "state_band": charts.STATE_BAND,
        "open_statuses": [s for s in charts.OPEN_STATUSES if any(seg.status == s for r in severity_rows for seg in r.segments)],
        "status_symbol": STATUS_SYMBOLS,
    }


def render_report(report: Report, lang: str, options: ReportOptions, mode: str = "html") -> str:
    """The report page as text, for a browser (``html``) or for WeasyPrint (``pdf``).

    For WeasyPrint the text then gets word joiners (:func:`aiaudit.render.typeset.keep_words`):
    Korean breaks between words and identifiers never at their hyphens.
    """
    page = environment().get_template("report.html").render(**context(report, lang, options, mode))
    return keep_words(page) if mode == "pdf" else page


def render_text(evaluation: Evaluation, lang: str = "en", options: ReportOptions | None = None, mode: str = "html") -> str:
    options = options or ReportOptions()
    return render_report(build(evaluation, lang, options), lang, options, mode)


def render(evaluation: Evaluation, lang: str = "en", options: ReportOptions | None = None) -> bytes:
    """The HTML report as UTF-8 bytes."""
    return render_text(evaluation, lang, options).encode("utf-8")
