"""User Markdown (answer notes) rendered safely: raw HTML off, images off, unsafe links dropped."""

from __future__ import annotations

from functools import cache

from markupsafe import Markup


@cache
def _md():
    from markdown_it import MarkdownIt

    # "js-default" has html=False: raw HTML is escaped, never passed through. Images are disabled
    # so no renderer ever fetches a URL from user text; validateLink drops javascript:, vbscript:,
    # file: and data: links.
    md = MarkdownIt("js-default", {"linkify": False, "typographer": False}).disable("image")
    return md


def render_notes(text: str) -> Markup:
    """HTML for a Markdown note, safe to insert into an autoescaped template."""
    if not text:
        return Markup("")
    return Markup(_md().render(text))  # markdown-it escapes raw HTML (html=False)
