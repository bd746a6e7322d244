"""Text helpers every output shares: numbers for display, terminal width, safe terminal and CI text, Markdown escaping.

Text that comes from files (ids, notes, paths) is written by other people. Before it reaches a
terminal it goes through :func:`terminal_safe`; before it reaches a CI log, :func:`log_safe`; before
it reaches Markdown, :func:`md_escape`.
"""

from __future__ import annotations

import re
import unicodedata


def percent(value: float | None, unscored: str = "—") -> str:
    """A score for display: ``68.2``, ``100`` (no ``.0``), or ``unscored`` when there is none."""
    if value is None:
        return unscored
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def number(value: float) -> str:
    """A plain number without a needless ``.0``: ``80``, ``72.5``."""
    return f"{value:g}"


def clip(text: str, limit: int, ellipsis: str = "…") -> str:
    """``text`` cut to ``limit`` characters, the cut marked with ``ellipsis``."""
    return text if len(text) <= limit else text[: max(0, limit - len(ellipsis))].rstrip() + ellipsis


def one_line(text: object) -> str:
    """All whitespace runs (newlines included) as single spaces."""
    return " ".join(str(text if text is not None else "").split())


def width(text: str) -> int:
    """Columns a text takes in a terminal: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (right-aligned when ``right``)."""
    fill = " " * max(0, columns - width(text))
    return fill + text if right else text + fill


def wrap(text: str, columns: int) -> list[str]:
    """``text`` wrapped at word boundaries into lines of at most ``columns`` characters."""
    import textwrap

    return textwrap.wrap(text, columns, break_long_words=False, break_on_hyphens=False)


#: C0 and C1 controls except tab and newline, DEL, and the bidirectional overrides that reorder what a reader sees.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape_char(match: re.Match) -> str:
    ch = match.group(0)
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def terminal_safe(text: str) -> str:
    """Text for a terminal: escape sequences (ANSI, OSC 52 clipboard writes, ...) and other controls shown escaped.

    Newlines and tabs stay; everything else below U+0020, DEL, C1 controls and bidirectional
    overrides become visible ``\\x1b``-style escapes, so a file cannot drive the terminal.
    """
    return _UNSAFE.sub(_escape_char, text)


def log_safe(text: str) -> str:
    """One line for a CI log: no newline (so no forged ``::command::`` line) and no terminal escapes."""
    return terminal_safe(text.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_MD_LINE_START = re.compile(r"^([#+=-]|\d+(?=[.)]))")


def md_escape(text: object) -> str:
    """One line of text, inert in Markdown and the HTML it becomes: no links, images, tables breaks or tags.

    ``& < >`` become entities, Markdown's special characters are backslash-escaped, and a line
    start that would begin a list or heading is escaped too.
    """
    line = html_text(terminal_safe(one_line(text)))
    return _MD_LINE_START.sub(r"\\\1", _MD_SPECIAL.sub(r"\\\1", line))


def html_text(text: object) -> str:
    """One line of text for inside an HTML element: entities for ``& < >`` only."""
    return one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
