"""Inline SVG charts for the HTML and PDF reports: plain shapes and text, every label escaped.

The charts use only features both browsers and WeasyPrint's SVG renderer draw the same way:
rectangles, circles, lines, ``text-anchor`` and ``stroke-dasharray``. No scripts, no links, no
external references.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..text import percent

FONT = (
    "NanumGothic, 'Nanum Gothic', 'Noto Sans CJK KR', 'Noto Sans KR', 'Apple SD Gothic Neo', 'Malgun Gothic', "
    "'DejaVu Sans', sans-serif"
)
COLORS = {
    "good": "#1a7f37",
    "fair": "#b7791f",
    "poor": "#c62828",
    "none": "#98a2b3",
    "track": "#eef1f6",
    "grid": "#d0d5dd",
    "ink": "#1d2330",
    "muted": "#667085",
}
STATUS_COLORS = {"met": "#1a7f37", "partial": "#e0a526", "not_met": "#c62828", "na": "#98a2b3", "unanswered": "#7c4dff"}


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart."""

    label: str
    percent: float | None
    note: str = ""  # e.g. "3 / 4", shown after the value


def band(percent: float | None) -> str:
    """The colour band of a score: good ≥ 80, fair ≥ 50, poor below, none when unscored."""
    if percent is None:
        return "none"
    return "good" if percent >= 80 else "fair" if percent >= 50 else "poor"


def _width(text: str, size: float) -> float:
    """A rough rendered width: wide (CJK) characters count double."""
    return sum(size * (1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.56) for ch in text)


def _fit(text: str, size: float, limit: float) -> str:
    if _width(text, size) <= limit:
        return text
    out = ""
    for ch in text:
        if _width(out + ch + "…", size) > limit:
            break
        out += ch
    return out.rstrip() + "…"


def _fmt(value: float | None, unscored: str) -> str:
    return percent(value, unscored)


def _svg(width: float, height: float, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" aria-label="{escape(title)}" '
        f'font-family="{escape(FONT)}" font-size="12">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def bar_chart(rows: Sequence[Bar], title: str, unscored: str = "—", width: int = 680) -> Markup:
    """A horizontal bar chart of 0–100 scores, one row per bar."""
    label_w, value_w, row_h, top = 220, 110, 26, 8
    bar_x = label_w + 10
    bar_w = width - bar_x - value_w
    height = top + row_h * max(len(rows), 1) + 22
    body = []
    for tick in (0, 25, 50, 75, 100):
        x = bar_x + bar_w * tick / 100
        body.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 18}" stroke="{COLORS["grid"]}" '
            f'stroke-width="{1 if tick in (0, 100) else 0.5}"/>'
            f'<text x="{x:.1f}" y="{height - 5}" text-anchor="middle" font-size="10" fill="{COLORS["muted"]}">{tick}</text>'
        )
    for n, row in enumerate(rows):
        y = top + n * row_h
        color = COLORS[band(row.percent)]
        filled = bar_w * (row.percent or 0) / 100
        label = escape(_fit(row.label, 12, label_w))
        body.append(
            f'<text x="{label_w}" y="{y + 17}" text-anchor="end" fill="{COLORS["ink"]}">{label}</text>'
            f'<rect x="{bar_x}" y="{y + 5}" width="{bar_w}" height="16" rx="3" fill="{COLORS["track"]}"/>'
        )
        if filled > 0:
            body.append(f'<rect x="{bar_x}" y="{y + 5}" width="{filled:.1f}" height="16" rx="3" fill="{color}"/>')
        value = _fmt(row.percent, unscored)
        note = f' <tspan fill="{COLORS["muted"]}" font-size="10">{escape(row.note)}</tspan>' if row.note else ""
        fill = color if row.percent is not None else COLORS["muted"]
        body.append(f'<text x="{bar_x + bar_w + 8}" y="{y + 17}" font-weight="bold" fill="{fill}">{escape(value)}{note}</text>')
    return _svg(width, height, title, body)


#: The colour band of each readiness verdict: a headline is never green unless the verdict is ready.
VERDICT_BAND = {"ready": "good", "ready_with_conditions": "fair", "not_ready": "poor", "draft": "none"}


def score_ring(percent: float | None, title: str, unscored: str = "—", size: int = 132, tone: str | None = None) -> Markup:
    """The overall score as a ring filled to its percentage, the number in the middle; ``tone`` (a band) overrides its colour."""
    r = size / 2 - 10
    c = size / 2
    circumference = 2 * 3.141592653589793 * r
    filled = circumference * (percent or 0) / 100
    color = COLORS[tone or band(percent)]
    body = [f'<circle cx="{c}" cy="{c}" r="{r:.1f}" fill="none" stroke="{COLORS["track"]}" stroke-width="14"/>']
    if filled > 0:
        body.append(
            f'<circle cx="{c}" cy="{c}" r="{r:.1f}" fill="none" stroke="{color}" stroke-width="14" '
            f'stroke-dasharray="{filled:.2f} {circumference:.2f}" transform="rotate(-90 {c} {c})"/>'
        )
    body.append(
        f'<text x="{c}" y="{c + 9}" text-anchor="middle" font-size="30" font-weight="bold" fill="{COLORS["ink"]}">'
        f"{escape(_fmt(percent, unscored))}</text>"
    )
    if percent is not None:
        body.append(f'<text x="{c}" y="{c + 27}" text-anchor="middle" font-size="11" fill="{COLORS["muted"]}">/ 100</text>')
    return _svg(size, size, title, body)


def status_bar(counts: dict[str, int], labels: dict[str, str], title: str, width: int = 680) -> Markup:
    """One stacked bar of item counts by status, with a legend underneath."""
    total = sum(counts.values())
    body = []
    x = 0.0
    for status, color in STATUS_COLORS.items():
        n = counts.get(status, 0)
        if not n or not total:
            continue
        w = width * n / total
        body.append(f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="18" fill="{color}"/>')
        if w > 22:
            body.append(f'<text x="{x + w / 2:.1f}" y="13" text-anchor="middle" font-size="11" fill="#ffffff">{n}</text>')
        x += w
    if not total:
        body.append(f'<rect x="0" y="0" width="{width}" height="18" fill="{COLORS["track"]}"/>')
    lx = 0.0
    for status, color in STATUS_COLORS.items():
        text = f"{labels.get(status, status)} {counts.get(status, 0)}"
        body.append(
            f'<rect x="{lx:.1f}" y="28" width="10" height="10" fill="{color}"/>'
            f'<text x="{lx + 14:.1f}" y="37" font-size="11" fill="{COLORS["ink"]}">{escape(text)}</text>'
        )
        lx += 14 + _width(text, 11) + 18
    return _svg(width, 44, title, body)
