"""Shell completion values (click ``shell_complete=`` callbacks): gate and report formats, presets,
checklist and framework ids, answer statuses. Languages complete through ``--lang``'s choices.

Enable it with click's mechanism (docs/commands.md, "Shell completion"), e.g. for bash:
``eval "$(_AIAUDIT_COMPLETE=bash_source aiaudit)"``. Every callback imports lazily and never fails:
completion must not slow down or break ordinary runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from click import Context, Parameter

if TYPE_CHECKING:  # imported when a completion runs (see _item): not on every command's start-up
    from click.shell_completion import CompletionItem

PRESET = "preset:"
GATE_FORMATS = ("text", "json", "junit", "sarif", "github", "gitlab")
REPORT_FORMATS = ("html", "pdf", "md", "json")
STATUSES = ("met", "partial", "not_met", "na", "unanswered")


def _item(value: str, help: str | None = None) -> CompletionItem:
    from click.shell_completion import CompletionItem

    return CompletionItem(value, help=help)


def _items(values: Iterable[str], incomplete: str, help: dict[str, str] | None = None) -> list[CompletionItem]:
    return [_item(v, (help or {}).get(v)) for v in values if v.startswith(incomplete)]


def _safe(build: Callable[[], list[CompletionItem]]) -> list[CompletionItem]:
    try:
        return build()
    except Exception:  # completion is a convenience: never a traceback in the user's shell
        return []


def _paths(incomplete: str, suffixes: tuple[str, ...] = (".yaml", ".yml")) -> list[CompletionItem]:
    """Folders and files with one of ``suffixes`` that start with ``incomplete`` (hidden ones only when asked)."""
    folder, _, prefix = incomplete.rpartition("/")
    base = folder + "/" if folder or incomplete.startswith("/") else ""
    try:
        entries = sorted(os.scandir(folder or ("/" if incomplete.startswith("/") else ".")), key=lambda e: e.name)
    except OSError:
        return []
    out = []
    for entry in entries:
        if not entry.name.startswith(prefix) or (entry.name.startswith(".") and not prefix.startswith(".")):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir:
            out.append(_item(base + entry.name + "/"))
        elif entry.name.lower().endswith(suffixes):
            out.append(_item(base + entry.name))
    return out


def complete_gate_format(ctx: Context, param: Parameter, incomplete: str) -> list[CompletionItem]:
    """``--format`` of ``aiaudit gate``: a format name, or ``FMT:FILE`` with FILE completed."""
    fmt, sep, rest = incomplete.partition(":")
    if sep and fmt in GATE_FORMATS:
        return _safe(lambda: [_item(f"{fmt}:{i.value}") for i in _paths(rest, ("",))])
    return _items(GATE_FORMATS, incomplete)


def complete_report_format(ctx: Context, param: Parameter, incomplete: str) -> list[CompletionItem]:
    """``--format`` of ``aiaudit report``."""
    return _items(REPORT_FORMATS, incomplete)


def _presets(kind: str, incomplete: str, prefix: bool) -> list[CompletionItem]:
    from ..paths import preset_names

    names = [(PRESET if prefix else "") + name for name in preset_names(kind)]
    if not prefix and incomplete.startswith(PRESET):
        names = [PRESET + n for n in names]
    return _items(names, incomplete)


def complete_policy(ctx: Context, param: Parameter, incomplete: str) -> list[CompletionItem]:
    """``--policy``: ``preset:NAME`` for each built-in preset, and YAML files."""
    return _safe(lambda: _presets("policies", incomplete, True) + ([] if incomplete.startswith(PRESET) else _paths(incomplete)))


def complete_policy_preset(ctx: Context, param: Parameter, incomplete: str) -> list[CompletionItem]:
    """``aiaudit policy show NAME``."""
    return _safe(lambda: _presets("policies", incomplete, False))


def complete_rubric(ctx: Context, param: Parameter, incomplete: str) -> list[CompletionItem]:
    """``--rubric``: ``preset:NAME`` for each built-in rubric, and YAML files."""
    return _safe(lambda: _presets("rubrics", incomplete, True) + ([] if incomplete.startswith(PRESET) else _paths(incomplete)))


def complete_rubric_preset(ctx: Context, param: Parameter, incomplete: str) -> list[CompletionItem]:
    """``aiaudit rubric show NAME``."""
    return _safe(lambda: _presets("rubrics", incomplete, False))


def complete_checklist(ctx: Context, param: Parameter, incomplete: str) -> list[CompletionItem]:
    """A checklist: a built-in id, or a YAML file."""

    def build() -> list[CompletionItem]:
        from ..library.builtins import builtin_checklist_ids

        return _items(builtin_checklist_ids(), incomplete) + _paths(incomplete)

    return _safe(build)


def complete_framework(ctx: Context, param: Parameter, incomplete: str) -> list[CompletionItem]:
    """A framework id from the catalog."""

    def build() -> list[CompletionItem]:
        from ..library.catalog import frameworks

        return _items(sorted(frameworks()), incomplete)

    return _safe(build)


def complete_status(ctx: Context, param: Parameter, incomplete: str) -> list[CompletionItem]:
    """An answer status."""
    return _items(STATUSES, incomplete)


def complete_remediation(ctx: Context, param: Parameter, incomplete: str) -> list[CompletionItem]:
    """A finding's remediation status (``aiaudit answer --remediation``)."""
    from ..model import REMEDIATION_STATUSES

    return _items(REMEDIATION_STATUSES, incomplete)
