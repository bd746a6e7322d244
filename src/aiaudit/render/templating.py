"""The one Jinja2 environment for every HTML template (reports, grading): autoescaped, strict, offline."""

from __future__ import annotations

from functools import cache

from ..paths import data_dir


@cache
def environment():
    """The shared environment over the package's ``templates`` folder.

    ``autoescape=True``: every template is HTML, so user text is always escaped (template names
    like ``*.html.j2`` would slip past ``select_autoescape``). ``StrictUndefined``: a template
    bug fails loudly instead of rendering an empty value.
    """
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(str(data_dir("templates"))),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def with_filters(**filters):
    """The shared environment with these filters registered (idempotent)."""
    env = environment()
    env.filters.update(filters)
    return env
