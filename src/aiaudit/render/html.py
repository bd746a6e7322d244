"""The HTML report: one self-contained, autoescaped page (inline CSS, no scripts, no external requests)."""

from __future__ import annotations

import datetime as _dt
from functools import cache

from .. import __version__
from ..evaluation import Evaluation
from ..i18n import messages, t
from ..library import data_dir
from ..model import SEVERITIES, STATUSES
from ..notes import render_notes


@cache
def environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(data_dir("templates"))),
        autoescape=True,  # every template is HTML; user text is always escaped
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["notes"] = render_notes
    return env


def context(evaluation: Evaluation, lang: str) -> dict:
    """The values the templates use."""
    audit = evaluation.audit
    return {
        "ev": evaluation,
        "audit": audit,
        "system": audit.system,
        "lang": lang,
        "m": messages(lang),
        "t": lambda key, **kw: t(key, lang, **kw),
        "statuses": STATUSES,
        "severities": SEVERITIES,
        "overall": evaluation.overall,
        "by_section": evaluation.by_section(),
        "by_severity": evaluation.by_severity(),
        "findings": evaluation.findings,
        "version": __version__,
        "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def render_text(evaluation: Evaluation, lang: str = "en", template: str = "report.html") -> str:
    return environment().get_template(template).render(**context(evaluation, lang))


def render(evaluation: Evaluation, lang: str = "en") -> bytes:
    """The HTML report as UTF-8 bytes."""
    return render_text(evaluation, lang).encode("utf-8")
