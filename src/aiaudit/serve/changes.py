"""What changed in an audit since the last git commit: answers added, removed or changed, and the rest of the file.

A small interface the workspace's "Changes" page uses: :func:`committed` reads the audit as the
last commit has it (``git show HEAD:./NAME`` in the audit's folder), :func:`compare` lists the
differences between two versions of an audit's data. When ``aiaudit diff`` lands with its own
library function, the page can call that instead; nothing else depends on this module.

Git runs with a timeout, no pager, no prompts, no hooks and ``core.fsmonitor`` off, so a folder's
configuration cannot make it start other programs.
"""

from __future__ import annotations

import difflib
import os
import subprocess
from dataclasses import field
from pathlib import Path
from typing import Any

from ..diagnostics import DiagnosticError
from ..loading import DEFAULT_MAX_BYTES, load_bytes
from ..records import record

#: At most this many lines of the text diff are shown.
MAX_DIFF_LINES = 600
_GIT_TIMEOUT = 10


@record
class Committed:
    """The audit as the last commit has it: ``state`` is ``ok``, ``no_git``, ``not_repo``, ``untracked`` or ``no_commit``."""

    state: str
    raw: bytes = b""
    commit: str = ""  # short id and subject of HEAD


@record
class AnswerChange:
    """One item whose answer differs: ``added``, ``removed`` or ``changed``, with the fields that changed."""

    item_id: str
    kind: str
    old: dict
    new: dict
    fields: tuple[str, ...]
    notes_diff: tuple[tuple[str, str], ...] = ()  # (tag, line): tag is ' ', '-' or '+'


@record
class Comparison:
    answers: tuple[AnswerChange, ...]
    other: tuple[str, ...]  # top-level or system keys that changed (besides answers)
    text: tuple[tuple[str, str], ...] = field(default=())  # the unified diff of the file, (tag, line)
    cut: int = 0  # text diff lines not shown


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", GIT_PAGER="cat", LC_ALL="C", GIT_OPTIONAL_LOCKS="0")
    cmd = ["git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-C", str(folder), *args]
    return subprocess.run(cmd, capture_output=True, timeout=_GIT_TIMEOUT, env=env, check=False, stdin=subprocess.DEVNULL)


def committed(path: Path) -> Committed:
    """The file at ``path`` as the HEAD commit of its repository has it."""
    folder = path.parent
    try:
        inside = _git(folder, "rev-parse", "--is-inside-work-tree")
    except (OSError, subprocess.SubprocessError):
        return Committed("no_git")
    if inside.returncode != 0 or inside.stdout.strip() != b"true":
        return Committed("not_repo")
    head = _git(folder, "log", "-1", "--format=%h %s")
    if head.returncode != 0 or not head.stdout.strip():
        return Committed("no_commit")
    shown = _git(folder, "show", f"HEAD:./{path.name}")
    if shown.returncode != 0:
        return Committed("untracked", commit=head.stdout.decode("utf-8", "replace").strip())
    return Committed("ok", shown.stdout, head.stdout.decode("utf-8", "replace").strip())


def compare(old_raw: bytes, new_raw: bytes, name: str = "audit.yaml", max_bytes: int = DEFAULT_MAX_BYTES) -> Comparison:
    """The differences between two versions of an audit file (each may fail to parse: then only the text diff)."""
    old_data = _data(old_raw, name, max_bytes)
    new_data = _data(new_raw, name, max_bytes)
    answers: list[AnswerChange] = []
    other: list[str] = []
    if old_data is not None and new_data is not None:
        old_answers = old_data.get("answers") or {}
        new_answers = new_data.get("answers") or {}
        for item_id in list(new_answers) + [k for k in old_answers if k not in new_answers]:
            a, b = old_answers.get(item_id), new_answers.get(item_id)
            if a == b:
                continue
            a = a if isinstance(a, dict) else ({} if a is None else {"status": a})
            b = b if isinstance(b, dict) else ({} if b is None else {"status": b})
            kind = "added" if item_id not in old_answers else "removed" if item_id not in new_answers else "changed"
            keys = [k for k in dict.fromkeys(list(a) + list(b)) if a.get(k) != b.get(k)]
            notes = ()
            if "notes" in keys:
                notes = _lines_diff(str(a.get("notes") or ""), str(b.get("notes") or ""))
            answers.append(AnswerChange(str(item_id), kind, a, b, tuple(keys), notes))
        for key in dict.fromkeys(list(old_data) + list(new_data)):
            if key == "answers" or old_data.get(key) == new_data.get(key):
                continue
            if key == "system" and isinstance(old_data.get(key), dict) and isinstance(new_data.get(key), dict):
                o, n = old_data[key], new_data[key]
                other += [f"system.{k}" for k in dict.fromkeys(list(o) + list(n)) if o.get(k) != n.get(k)]
            else:
                other.append(str(key))
    text = list(_text_diff(old_raw, new_raw, name))
    cut = max(0, len(text) - MAX_DIFF_LINES)
    return Comparison(tuple(answers), tuple(other), tuple(text[:MAX_DIFF_LINES]), cut)


def _data(raw: bytes, name: str, max_bytes: int) -> dict | None:
    try:
        data: Any = load_bytes(raw, name, max_bytes).data
    except DiagnosticError:
        return None
    return data if isinstance(data, dict) else None


def _lines_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    out = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        tag = line[:1]
        if tag in (" ", "-", "+"):
            out.append((tag, line[2:]))
    return tuple(out)


def _text_diff(old_raw: bytes, new_raw: bytes, name: str):
    old = old_raw.decode("utf-8", "replace").splitlines()
    new = new_raw.decode("utf-8", "replace").splitlines()
    for line in difflib.unified_diff(old, new, f"HEAD:{name}", name, lineterm="", n=2):
        tag = line[:1] if line[:1] in ("-", "+", "@") and not line.startswith(("---", "+++")) else " "
        yield tag, line
