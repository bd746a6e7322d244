"""The grading outputs: grades.csv, overview.html and per-team feedback (HTML, and PDF with ``--pdf``).

HTML pages are self-contained (inline CSS, inline SVG, no scripts, no external requests) and
rendered by Jinja2 with autoescaping on; user text is never marked safe. grades.csv has no
timestamps and is sorted by team, so re-grading gives byte-identical files; text cells that begin
with ``= + - @`` (or a tab or carriage return) get a leading ``'`` so spreadsheets never run them as
formulas.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import statistics
from decimal import Decimal
from pathlib import Path

from .. import __version__
from ..files import atomic_write
from ..i18n import Msg, localize, messages, t
from .criteria import Lost
from .results import ClassResult, Config, CriterionGrade, ItemTally, TeamGrade
from .rubric import Rubric

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TOP_ITEMS = 15
MAX_DIAGNOSTICS = 25
HIST_BINS = 10


def environment():
    from ..render.templating import with_filters

    return with_filters(pts=format_points)


def format_points(value: Decimal | None) -> str:
    """``Decimal('30.50')`` → ``30.5``; ``Decimal('40.00')`` → ``40``; None → ``''``."""
    if value is None:
        return ""
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def safe_cell(value: str) -> str:
    """A CSV cell that spreadsheets will not evaluate as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


# --- grades.csv -------------------------------------------------------------------------------------


def grades_csv(result: ClassResult, excel: bool = False) -> bytes:
    """grades.csv: team, members, total, one column per criterion, then late_penalty, status, flags, submission."""
    rubric = result.rubric
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(
        ["team", "members", "total", *[c.id for c in rubric.criteria], "late_penalty", "status", "flags", "submission"]
    )
    for g in result.grades:
        row = [
            g.team,
            "; ".join(g.members),
            format_points(g.total),
            *[format_points(c.points) for c in g.criteria],
            format_points(g.late_penalty),
            g.status,
            "; ".join(g.flags),
            g.submission,
        ]
        writer.writerow([safe_cell(str(cell)) for cell in row])
    data = buffer.getvalue().encode("utf-8")
    return b"\xef\xbb\xbf" + data if excel else data


# --- overview.html -------------------------------------------------------------------------------


def _histogram(totals: list[Decimal], max_points: Decimal) -> dict:
    """Bars of the score distribution for the inline SVG chart: HIST_BINS equal bins over 0..max points."""
    counts = [0] * HIST_BINS
    for value in totals:
        index = int(value * HIST_BINS / max_points) if max_points else 0
        counts[min(max(index, 0), HIST_BINS - 1)] += 1
    width, height, left, bottom, top = 640, 240, 36, 28, 12
    plot_h = height - bottom - top
    bar_w = (width - left - 8) / HIST_BINS
    peak = max(counts) or 1
    bars = []
    for i, count in enumerate(counts):
        h = plot_h * count / peak
        lo = max_points * i / HIST_BINS
        hi = max_points * (i + 1) / HIST_BINS
        bars.append(
            {
                "x": round(left + i * bar_w + 2, 1),
                "y": round(top + plot_h - h, 1),
                "w": round(bar_w - 4, 1),
                "h": round(h, 1),
                "count": count,
                "label": f"{format_points(lo)}–{format_points(hi)}",
                "cx": round(left + (i + 0.5) * bar_w, 1),
            }
        )
    ticks = sorted({0, peak, (peak + 1) // 2})
    return {
        "width": width,
        "height": height,
        "left": left,
        "top": top,
        "base": top + plot_h,
        "bars": bars,
        "ticks": [{"value": v, "y": round(top + plot_h - plot_h * v / peak, 1)} for v in ticks],
    }


def _criterion_stats(rubric: Rubric, graded: list[TeamGrade]) -> list[dict]:
    rows = []
    for n, c in enumerate(rubric.criteria):
        values = [g.criteria[n].points for g in graded if g.criteria[n].points is not None and g.criteria[n].graded]
        mean = (sum(values, Decimal(0)) / len(values)) if values else None
        ungraded = sum(not g.criteria[n].graded for g in graded)
        rows.append(
            {
                "criterion": c,
                "mean": mean.quantize(Decimal("0.01")) if mean is not None else None,
                "percent": round(float(mean / c.points) * 100, 1) if mean is not None else None,
                "count": len(values),
                "ungraded": ungraded,
            }
        )
    return rows


def _weak_items(tally: ItemTally, lang: str) -> list[dict]:
    """The checklist items most often not met or unanswered across the class."""
    counts, questions = tally.counts, tally.questions
    rows = []
    for item_id, c in counts.items():
        weak = c["not_met"] + c["unanswered"]
        if weak + c["partial"] == 0:
            continue
        q = questions.get(item_id, ("", ""))
        rows.append(
            {
                "id": item_id,
                "question": q[1] if lang == "ko" else q[0],
                "teams": sum(c.values()),
                "not_met": c["not_met"],
                "unanswered": c["unanswered"],
                "partial": c["partial"],
                "weak": weak,
            }
        )
    rows.sort(key=lambda r: (-r["weak"], -r["partial"], r["id"]))
    return rows[:TOP_ITEMS]


def _page(lang: str, rubric: Rubric) -> dict:
    """What every grading page's template needs: the language, its messages, the version and the rubric."""
    return {
        "lang": lang,
        "m": messages(lang),
        "t": lambda key, **kw: t(key, lang, **kw),
        "version": __version__,
        "rubric": rubric,
    }


def overview_context(result: ClassResult, lang: str) -> dict:
    rubric = result.rubric
    grades = list(result.grades)
    graded = [g for g in grades if g.status == "ok"]
    totals = [g.total for g in grades if g.total is not None]
    ok_totals = [g.total for g in graded if g.total is not None]

    def stat(fn):
        return format_points(Decimal(fn(ok_totals)).quantize(Decimal("0.01"))) if ok_totals else "—"

    return {
        **_page(lang, rubric),
        "criteria": rubric.criteria,
        "grades": grades,
        "broken": [g for g in grades if g.broken],
        "problem_grades": [g for g in graded if g.errors],
        "pairs": result.pairs,
        "ignored": [localize(entry, lang) for entry in result.ignored],
        "warnings": result.warnings,
        "counts": {
            "submissions": len(grades),
            "graded": len(graded),
            "invalid": sum(g.status == "invalid" for g in grades),
            "flagged": sum(g.status == "flagged" for g in grades),
            "late": sum(g.late_days > 0 for g in grades),
        },
        "stats": {
            "mean": stat(statistics.fmean),
            "median": stat(statistics.median),
            "min": stat(min),
            "max": stat(max),
        },
        "max_points": format_points(rubric.max_points),
        "histogram": _histogram(totals, rubric.max_points),
        "criterion_stats": _criterion_stats(rubric, graded),
        "weak_items": _weak_items(result.tally if result.tally is not None else ItemTally.of(grades), lang),
        "max_diagnostics": MAX_DIAGNOSTICS,
        "deadline": rubric.late.deadline.isoformat() if rubric.late.deadline else "",
    }


def overview_html(result: ClassResult, lang: str = "en") -> str:
    return environment().get_template("grading/overview.html").render(**overview_context(result, lang))


def write_class(result: ClassResult, out_dir: Path, lang: str = "en", excel: bool = False) -> list[str]:
    """Write grades.csv and overview.html (atomically); return their paths."""
    csv_path = out_dir / "grades.csv"
    html_path = out_dir / "overview.html"
    atomic_write(csv_path, grades_csv(result, excel=excel))
    atomic_write(html_path, overview_html(result, lang))
    return [str(csv_path), str(html_path)]


# --- feedback ---------------------------------------------------------------------------------------


def _lost_rows(lost: tuple[Lost, ...], items: dict, lang: str) -> list[dict]:
    rows = []
    for entry in lost:
        item = items.get(entry.subject)
        rows.append(
            {
                "subject": localize(entry.label, lang) if entry.label is not None else entry.subject,
                "is_item": item is not None,
                "message": entry.message.text(lang),
                "question": item.question.get(lang) if item else "",
                "guidance": item.guidance.get(lang) if item else "",
                "remediation": item.remediation.get(lang) if item else "",
                "severity": item.severity if item else "",
            }
        )
    return rows


def feedback_context(grade: TeamGrade, ev, config: Config) -> dict:
    rubric = config.rubric
    lang = config.lang
    items = {r.item.id: r.item for r in ev.results} if ev is not None else {}
    rows = []
    for criterion, cg in zip(rubric.criteria, grade.criteria, strict=True):
        rows.append(
            {
                "criterion": criterion,
                "grade": cg,
                "label": criterion.label(lang),
                "help": criterion.help(lang),
                "lost": _lost_rows(cg.lost, items, lang),
                "full": cg.points is not None and cg.points >= criterion.points,
                "detail": _detail(criterion, cg, lang),
            }
        )
    return {
        **_page(lang, rubric),
        "g": grade,
        "rows": rows,
        "max_points": format_points(rubric.max_points),
        "deadline": rubric.late.deadline.isoformat() if rubric.late.deadline else "",
        "diagnostics": grade.diagnostics[:MAX_DIAGNOSTICS],
        "more_diagnostics": max(0, len(grade.diagnostics) - MAX_DIAGNOSTICS),
    }


def _detail(criterion, cg: CriterionGrade, lang: str) -> str:
    """A short account of the measure, e.g. ``18 of 20 applicable items answered``."""
    if criterion.manual or cg.ratio is None:
        return ""
    if not cg.denominator:
        if cg.ratio == 0 and cg.lost:  # e.g. nothing claimed, nothing answered: the reason says it best
            return _lost_rows(cg.lost[:1], {}, lang)[0]["message"]
        return t(f"grading.detail.empty.{criterion.measure}", lang)
    num = format_points(Decimal(cg.numerator.numerator) / Decimal(cg.numerator.denominator))
    return t(f"grading.detail.{criterion.measure}", lang, num=num, den=cg.denominator, percent=round(float(cg.ratio) * 100, 1))


def feedback_html(grade: TeamGrade, ev, config: Config) -> str:
    return environment().get_template("grading/feedback.html").render(**feedback_context(grade, ev, config))


def write_feedback(grade: TeamGrade, ev, config: Config) -> TeamGrade:
    """Write feedback/<team>.html (and .pdf with ``--pdf``); return the grade with its feedback path."""
    if grade.status == "skipped":
        return grade
    slug = grade.slug or "team"
    rel = f"feedback/{slug}.html"
    html = feedback_html(grade, ev, config)
    atomic_write(Path(config.out) / rel, html)
    grade = dataclasses.replace(grade, feedback=rel)
    if config.pdf:
        from ..render.pdf import html_to_pdf

        try:
            atomic_write(Path(config.out) / f"feedback/{slug}.pdf", html_to_pdf(html))
        except Exception as exc:  # the HTML is there; say why the PDF is not
            from ..diagnostics import Diagnostic

            message = Msg("grading.diag.pdf_failed", error=f"{type(exc).__name__}: {exc}")
            diag = Diagnostic(grade.audit_file or grade.submission, 1, 1, "E603", message)
            grade = dataclasses.replace(grade, diagnostics=grade.diagnostics + (diag,), flags=grade.flags + ("pdf-failed",))
    return grade
