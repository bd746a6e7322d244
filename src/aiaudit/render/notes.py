"""User Markdown (answer notes) rendered safely: raw HTML off, images off, only web and mail links.

Notes come from whoever filled in the audit, so they are untrusted:

* raw HTML is escaped, never passed through (markdown-it's ``js-default`` preset has ``html=False``);
* images are disabled, so no renderer (browser or WeasyPrint) ever fetches a URL named in a note;
  ``![x](url)`` shows as its text;
* links keep only ``http:``, ``https:`` and ``mailto:`` targets (and no relative or protocol-relative
  ones); anything else, ``javascript:``, ``file:``, ``data:`` included, stays plain text;
* links get ``rel="nofollow noopener noreferrer"``; headings inside notes are demoted to bold
  paragraphs so they never enter the report's outline or PDF bookmarks.
"""

from __future__ import annotations

import re
from functools import cache

from markupsafe import Markup

_SAFE_LINK = re.compile(r"^(https?://[^\s/]|mailto:[^\s])", re.IGNORECASE)


def safe_link(url: str) -> bool:
    """Whether a link target may appear in a report: an absolute web or mail address."""
    return bool(_SAFE_LINK.match(url.strip()))


@cache
def _md():
    from markdown_it import MarkdownIt

    md = MarkdownIt("js-default", {"linkify": False, "typographer": False}).disable("image")
    md.validateLink = safe_link

    def link_open(renderer, tokens, idx, options, env):
        tokens[idx].attrSet("rel", "nofollow noopener noreferrer")
        return renderer.renderToken(tokens, idx, options, env)

    def heading_open(renderer, tokens, idx, options, env):
        return '<p class="note-heading"><strong>'

    def heading_close(renderer, tokens, idx, options, env):
        return "</strong></p>\n"

    md.add_render_rule("link_open", link_open)
    md.add_render_rule("heading_open", heading_open)
    md.add_render_rule("heading_close", heading_close)
    return md


def render_notes(text: str) -> Markup:
    """HTML for a Markdown note, safe to insert into an autoescaped template."""
    if not text or not text.strip():
        return Markup("")
    return Markup(_md().render(text))  # markdown-it escapes raw HTML (html=False)
