"""What both interactive flows share: the line reader, the quit signal, and the exit code of an interruption."""

from __future__ import annotations

import click

from ..i18n import t
from .lineedit import LineReader, clean

#: The exit code when the user interrupts (Ctrl-C, end of input); what was answered is saved.
EXIT_INTERRUPTED = 130

_READER: LineReader | None = None


class Quit(Exception):
    """The user asked to stop (``q``)."""


def reader() -> LineReader:
    """The line reader of this process (readline on a terminal, plain lines elsewhere)."""
    global _READER
    if _READER is None:
        _READER = LineReader()
    return _READER


def prompt(text: str, lang: str = "en", history: str | None = None, multiline: bool = False, **options) -> str:
    """One line of input after ``text``, without control characters; empty when the user just presses Enter.

    When control characters or escape sequences had to be removed, the user is told.
    """
    line, removed = clean(reader().read(text, history=history, **options), multiline=multiline)
    if removed:
        click.echo(t("fill_edit.removed", lang, count=removed, text=line or "⏎"))
    return line
