"""Text helpers every output shares: numbers for display, terminal width, safe terminal and CI text, Markdown escaping.

Text that comes from files (ids, notes, paths) is written by other people. Before it reaches a
terminal it goes through :func:`terminal_safe`; before it reaches a CI log, :func:`log_safe`; before
it reaches Markdown, :func:`md_escape`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import cache


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


def _code_points(*spans: tuple[int, int]) -> list[int]:
    return [cp for first, last in spans for cp in range(first, last + 1)]


#: C0 and C1 controls except tab and newline, DEL, the bidirectional marks and overrides that reorder
#: what a reader sees, and the Unicode line and paragraph separators (a line break in some viewers).
_UNSAFE = _code_points(
    *((0x00, 0x08), (0x0B, 0x1F), (0x7F, 0x9F), (0x61C, 0x61C), (0x200E, 0x200F)),
    *((0x2028, 0x2029), (0x202A, 0x202E), (0x2066, 0x2069)),
)
# Translation tables, not regular expressions: a character class with these ranges takes half a
# millisecond to compile, at every start of the program.
#: C0 controls as \x1b (how people know them); the rest as \u009b, which is also a valid JSON escape,
#: so JSON on standard output stays JSON after this.
_TERMINAL_ESCAPES = {cp: (f"\\x{cp:02x}" if cp < 0x80 else f"\\u{cp:04x}") for cp in _UNSAFE}
_JSON_ESCAPES = {cp: f"\\u{cp:04x}" for cp in _UNSAFE}


def terminal_safe(text: str) -> str:
    """Text for a terminal: escape sequences (ANSI, OSC 52 clipboard writes, ...) and other controls shown escaped.

    Newlines and tabs stay; everything else below U+0020, DEL, C1 controls, bidirectional marks
    and overrides and the Unicode line separators become visible ``\\x1b``-style escapes, so a file
    cannot drive the terminal.
    """
    return text.translate(_TERMINAL_ESCAPES)


#: What a CI runner reads as a command at the start of a log line: GitHub's ``::error::``, the legacy
#: ``##[error]`` and Azure Pipelines' ``##vso[...]`` (a Markdown heading ``## ...`` is not one).
_CI_COMMAND_START = ("::", "##[", "##vso[")


def _defuse(line: str) -> str:
    """A log line that no CI runner reads as a command: a leading ``::``/``##[`` gets its first character escaped."""
    stripped = line.lstrip()
    if stripped.startswith(_CI_COMMAND_START):
        lead = len(line) - len(stripped)
        return f"{line[:lead]}\\x{ord(stripped[0]):02x}{stripped[1:]}"
    return line


def log_safe(text: str) -> str:
    """One line for a CI log: no newline (so no forged ``::command::`` line), no terminal escapes, and
    not itself starting like a workflow command."""
    return _defuse(terminal_safe(text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")))


def json_safe(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with every character that
    :func:`terminal_safe` would escape written as a ``\\uXXXX`` escape instead: the same JSON value,
    safe to print or to keep as a CI artifact. (``json.dumps`` already escapes C0 controls; the rest
    can only stand inside strings, where ``\\uXXXX`` is valid.)"""
    return text.translate(_JSON_ESCAPES)


def output_safe(text: str) -> str:
    """Any text for a terminal or a CI log, keeping its lines: :func:`terminal_safe`, and no line that
    starts like a workflow command. The CLI passes everything it prints through this."""
    safe = terminal_safe(text)
    if "::" not in safe and "##" not in safe:  # the common case: nothing to look at line by line
        return safe
    return "\n".join(_defuse(line) for line in safe.split("\n"))


# --- patterns ----------------------------------------------------------------------------------------------


class lazy_pattern:
    """``re.compile(pattern, flags)``, compiled when first used: compiling costs 20-200 us a pattern, and
    most commands never use most of the patterns their modules define. After the first use the
    compiled pattern's methods are this object's own attributes (no indirection)."""

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern, self.flags = pattern, flags

    def __getattr__(self, name: str):
        compiled = re.compile(self.pattern, self.flags)
        for method in ("search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"):
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)


# --- visible text -------------------------------------------------------------------------------------------

#: Letters and marks that take no space and show nothing: Hangul fillers, the braille blank, variation
#: selectors, the combining grapheme joiner, Mongolian and Khmer invisible vowels.
_INVISIBLE_CHARS = dict.fromkeys(
    _code_points(
        (0x34F, 0x34F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2800, 0x2800), (0x3164, 0x3164),
        (0xFFA0, 0xFFA0), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF),
    )
)  # each mapped to None: str.translate drops them
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp"})


def visible(text: object) -> str:
    """What a reader actually sees of ``text``: invisible characters (zero-width spaces and joiners,
    bidirectional marks, tag characters, Hangul fillers, controls) removed, composed (NFC), and
    whitespace runs (any Unicode space) collapsed to one space."""
    raw = unicodedata.normalize("NFC", str(text if text is not None else ""))
    raw = raw.translate(_INVISIBLE_CHARS)
    words = raw.split()
    if "".join(words).isprintable():  # nothing hidden (every hidden category is unprintable): the common case
        return " ".join(words)
    kept = "".join(ch if ch.isspace() or unicodedata.category(ch) not in _HIDDEN_CATEGORIES else "" for ch in raw)
    return " ".join(kept.split())


def visible_length(text: object) -> int:
    """Characters a reader sees in ``text`` (see :func:`visible`); combining marks do not count on their own."""
    return seen_length(visible(text))


def seen_length(seen: str) -> int:
    """:func:`visible_length` of a text that :func:`visible` already gave."""
    if seen.isascii():
        return len(seen)
    return sum(1 for ch in seen if unicodedata.category(ch) not in ("Mn", "Me"))


# --- Markdown -----------------------------------------------------------------------------------------------

_MD_SPECIAL = lazy_pattern(r"([\\`*_\[\]|~])")
_MD_ORDERED = lazy_pattern(r"^(\d+)([.)])")
#: Words that GitHub-flavoured Markdown (or GitHub itself) turns into a link on its own: URLs, ``www.``
#: addresses, e-mail addresses and @mentions, issue references (``#12``).
LINKISH = lazy_pattern(r"://|www\.|@|#[0-9]", re.IGNORECASE)


def md_code(word: str) -> str:
    """``word`` as an inline code span: shown as it is, never a link, a mention or a table break."""
    longest = max((len(run) for run in re.findall("`+", word)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if word.startswith("`") or word.endswith("`") else ""
    return f"{fence}{pad}{word.replace('|', chr(92) + '|')}{pad}{fence}"


def md_escape(text: object) -> str:
    """One line of text, inert in Markdown and the HTML it becomes: no links, images, mentions, table
    breaks or tags.

    ``& < >`` become entities, Markdown's special characters are backslash-escaped, a line start
    that would begin a list or heading is escaped too, and words that GitHub would turn into a link
    on their own (``https://…``, ``www.…``, e-mail addresses, ``@mentions``, ``#12``) are shown as
    code.
    """
    words = []
    for word in terminal_safe(one_line(text)).split(" "):
        if LINKISH.search(word):
            words.append(md_code(word))
        else:
            words.append(_MD_SPECIAL.sub(r"\\\1", html_text(word)))
    line = _MD_ORDERED.sub(r"\1\\\2", " ".join(words))  # "1." would start an ordered list: escape the dot, not the digits
    return re.sub(r"^([#+=-])", r"\\\1", line)


def html_text(text: object) -> str:
    """One line of text for inside an HTML element: entities for ``& < >`` only."""
    return one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- what the machine knows -------------------------------------------------------------------------------


_GENERIC = frozenset({"/", "/home", "/tmp", "/var", "/usr", "/Users"})


@cache
def _machine_prefixes() -> tuple[tuple[str, str], ...]:
    """Absolute folders that tell a reader about the machine (the working folder, the home folder),
    longest first, each with what a report shows instead: ``.`` and ``~``."""
    pairs: dict[str, str] = {}
    for folder, shown in ((os.path.expanduser("~"), "~"), (os.getcwd(), ".")):
        for variant in {folder, os.path.realpath(folder)}:
            # "/", "/home" or "/tmp" would tell nothing and match everything: only a folder two levels
            # deep or more, or a home folder of its own such as /root
            depth = len([p for p in variant.split(os.sep) if p])
            if os.path.isabs(variant) and (depth >= 2 or (shown == "~" and variant not in _GENERIC)):
                pairs[variant.rstrip(os.sep)] = shown
    return tuple(sorted(pairs.items(), key=lambda kv: -len(kv[0])))


def redact(text: str) -> str:
    """``text`` without the absolute folders of the machine it was made on (working and home folder):
    ``/home/prof/course/subs/team1/audit.yaml`` → ``./subs/team1/audit.yaml``. Reports and grading
    pages pass every value through this, so a team's feedback never shows where the grader works."""
    if os.sep not in text:
        return text
    for prefix, shown in _machine_prefixes():
        if prefix in text:
            text = re.sub(re.escape(prefix) + r"(?=[\\/]|\b|$)", lambda _m, shown=shown: shown, text)
    return text
