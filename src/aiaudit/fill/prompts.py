"""What both interactive flows share: the prompt, the quit signal, and the exit code of an interruption."""

from __future__ import annotations

import click

#: The exit code when the user interrupts (Ctrl-C, end of input); what was answered is saved.
EXIT_INTERRUPTED = 130


class Quit(Exception):
    """The user asked to stop (``q``)."""


def prompt(text: str) -> str:
    """One line of input after ``text``; empty when the user just presses Enter."""
    return click.prompt(text, default="", show_default=False, prompt_suffix=" ")
