"""Reading what the user types in ``fill`` and ``classify``: line editing on a terminal, plain lines elsewhere.

**On an interactive terminal** (standard input and output both terminals) lines are read with
Python's :mod:`readline` module, i.e. GNU readline (libedit on some macOS builds). It is part of
the standard library, costs nothing when ``fill`` is not used, and gives what a terminal user
expects: ← → Home End to move, Backspace and Delete, Ctrl-A/E/K/U/W, ↑ ↓ for history and the
user's own ``~/.inputrc``. Readline works on characters of the UTF-8 locale and measures them
with ``wcwidth``, so a Hangul syllable (two columns) is moved over and erased as one character,
and what the screen shows is what the line holds. An input method commits whole syllables to the
terminal, which passes them on as UTF-8: nothing here sees the composition. We chose it over
prompt_toolkit, which needs a real terminal too, would be a new dependency with its own import
cost, and brings nothing ``fill`` needs beyond line editing and history.

**Anywhere else** (a pipe, a file, click's ``CliRunner`` in tests) lines are read with
``click.prompt`` exactly as before, so scripted and tested input keeps working.

Whichever way a line arrives, :func:`clean` removes what must never reach an audit: terminal
escape sequences (arrow keys typed where no line editing runs), C0 and C1 control characters
(tab and, in notes, newline excepted) and bidirectional overrides; the caller tells the user
when anything was removed. :func:`key_of` also reads a single Hangul jamo as the Latin key in
the same place of the standard Korean (두벌식) keyboard, so ``ㅡ`` (the ``m`` key with the input
method still on) means ``m``.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from typing import Any

import click

from ..audit.answer import CONTROL_CHARACTERS

#: The Hangul jamo on each key of the standard Korean keyboard (두벌식, KS X 5002), shifted ones included.
_DUBEOLSIK = {
    "ㅂ": "q", "ㅈ": "w", "ㄷ": "e", "ㄱ": "r", "ㅅ": "t", "ㅛ": "y", "ㅕ": "u", "ㅑ": "i", "ㅐ": "o", "ㅔ": "p",
    "ㅁ": "a", "ㄴ": "s", "ㅇ": "d", "ㄹ": "f", "ㅎ": "g", "ㅗ": "h", "ㅓ": "j", "ㅏ": "k", "ㅣ": "l",
    "ㅋ": "z", "ㅌ": "x", "ㅊ": "c", "ㅍ": "v", "ㅠ": "b", "ㅜ": "n", "ㅡ": "m",
    "ㅃ": "q", "ㅉ": "w", "ㄸ": "e", "ㄲ": "r", "ㅆ": "t", "ㅒ": "o", "ㅖ": "p",
}  # fmt: skip

# A terminal escape sequence: CSI (arrows: ESC [ D), SS3 (ESC O A), OSC (ESC ] ... BEL/ST), or ESC + one character.
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|O.?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|.)?|\x9b[0-?]*[ -/]*[@-~]?", re.DOTALL)


def clean(text: str, multiline: bool = False) -> tuple[str, int]:
    """``text`` without escape sequences and control characters, and how many were removed.

    Line breaks (``\\r\\n``, ``\\r``) become ``\\n`` when ``multiline``, spaces otherwise; tabs stay.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = text.replace("\n", " ")
    removed = 0

    def drop(match: re.Match) -> str:
        nonlocal removed
        removed += 1
        return ""

    text = _ESCAPE.sub(drop, text)
    text = CONTROL_CHARACTERS.sub(drop, text)
    return text, removed


def key_of(text: str) -> str:
    """A one-key answer as typed, lower-cased, with a lone Hangul jamo read as the key it sits on."""
    key = text.strip()
    return _DUBEOLSIK.get(key, key).lower()


def interactive() -> bool:
    """Whether input comes from a person at a terminal (both standard input and output are terminals)."""
    if os.environ.get("AIAUDIT_NO_READLINE"):
        return False
    stdin, stdout = sys.stdin, sys.stdout
    try:
        return stdin is sys.__stdin__ and stdout is sys.__stdout__ and stdin.isatty() and stdout.isatty()
    except (AttributeError, ValueError):
        return False


class LineReader:
    """Reads one line per prompt, with line editing and a history per kind of prompt on a terminal."""

    def __init__(self, use_readline: bool | None = None):
        self._rl: Any = None
        if use_readline if use_readline is not None else interactive():
            try:
                import readline
            except ImportError:  # e.g. Windows, whose console edits lines itself
                readline = None
            if readline is not None:
                self._rl = readline
                readline.set_auto_history(False)
                readline.set_completer_delims(",")
        self.histories: dict[str, list[str]] = {}

    @property
    def editing(self) -> bool:
        """Whether lines are read with readline (cursor keys, history)."""
        return self._rl is not None

    def read(
        self,
        prompt: str,
        history: str | None = None,
        recall: tuple[str, ...] = (),
        complete: Callable[[str], list[str]] | None = None,
    ) -> str:
        """One line typed after ``prompt`` (raw: the caller cleans it).

        ``history`` names the history this prompt shares with others of its kind (↑ recalls
        earlier lines); ``recall`` adds lines to recall first, e.g. the current notes to edit
        them; ``complete`` lists the completions of a text for the Tab key.
        """
        rl = self._rl
        if rl is None:
            return click.prompt(prompt, default="", show_default=False, prompt_suffix=" ")
        past = self.histories.setdefault(history or "", [])
        rl.clear_history()
        for line in [*past, *recall]:
            if "\n" not in line:
                rl.add_history(line)
        if complete:
            rl.set_completer(_completer(complete))
            self._bind_tab("complete")
        try:
            line = input(prompt + " ")
        finally:
            if complete:
                rl.set_completer(None)
                self._bind_tab("insert")
        if len(line.strip()) > 1 and (not past or past[-1] != line):  # one-key commands are not worth recalling
            past.append(line)
        return line

    def _bind_tab(self, action: str) -> None:
        """Tab completes (``complete``) or inserts a tab (``insert``, Python's default outside its own prompt)."""
        if "libedit" in (self._rl.__doc__ or ""):
            self._rl.parse_and_bind("bind ^I rl_complete" if action == "complete" else "bind ^I ed-insert")
        else:
            self._rl.parse_and_bind("tab: complete" if action == "complete" else "tab: tab-insert")


def _completer(complete: Callable[[str], list[str]]) -> Callable[[str, int], str | None]:
    found: list[str] = []

    def completer(text: str, state: int) -> str | None:
        if state == 0:
            stripped = text.lstrip()
            found[:] = [text[: len(text) - len(stripped)] + c for c in complete(stripped)]
        return found[state] if state < len(found) else None

    return completer
