"""The one Jinja2 environment for every HTML template (reports, grading): autoescaped, strict, offline."""

from __future__ import annotations

from functools import cache

from ..paths import data_dir


@cache
def environment():
    """The shared environment over the package's ``templates`` folder.

    ``autoescape=True``: every template is HTML, so user text is always escaped (template names
    like ``*.html.j2`` would slip past ``select_autoescape``). ``StrictUndefined``: a template
    bug fails loudly instead of rendering an empty value. ``finalize``: no value shows the absolute
    folders of the machine that renders (a grader's home, a CI workspace).
    """
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(str(data_dir("templates"))),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )


class Verbatim(str):
    """A template value that must reach the page as it is (a ``file:`` URL WeasyPrint loads); still escaped."""


def _finalize(value):
    """Every value a template shows: without the machine's absolute folders (see :func:`aiaudit.text.redact`)."""
    if isinstance(value, str) and not isinstance(value, Verbatim):
        from markupsafe import Markup

        from ..text import redact

        shown = redact(value)
        return Markup(shown) if isinstance(value, Markup) else shown
    return value


def with_filters(**filters):
    """The shared environment with these filters registered (idempotent)."""
    env = environment()
    env.filters.update(filters)
    return env
