"""The command line: each module holds one group of commands, all thin; they parse options, call the library, print, exit.

Exit codes: 0 ok, 1 invalid content or a failed gate, 2 unusable input or a usage error, 3 a bug.

Start-up is part of every command's cost, so a run imports only the module of the command it
runs: :data:`COMMANDS` names each command and the function that imports its module (``--help``
imports them all, to list them).
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Callable

import click

from .. import __version__
from ..diagnostics import EXIT_INTERNAL, EXIT_INVALID, EXIT_UNUSABLE
from .base import Group


def _validate() -> tuple:
    from . import validate

    return validate.COMMANDS


def _audit() -> tuple:
    from . import audit

    return audit.COMMANDS


def _status() -> tuple:
    from . import status

    return status.COMMANDS


def _report() -> tuple:
    from . import report

    return report.COMMANDS


def _library() -> tuple:
    from . import library

    return library.COMMANDS


def _gate() -> tuple:
    from . import gate

    return gate.COMMANDS


def _hook() -> tuple:
    from . import hook

    return hook.COMMANDS


def _grade() -> tuple:
    from . import grade

    return grade.COMMANDS


def _lifecycle() -> tuple:
    from . import lifecycle

    return lifecycle.COMMANDS


def _serve() -> tuple:
    from . import serve

    return serve.COMMANDS


#: Every command, by name, with the function that imports its module and returns that module's commands.
COMMANDS: dict[str, Callable[[], tuple]] = {
    **dict.fromkeys(("validate", "schema"), _validate),
    **dict.fromkeys(("init", "fill", "answer", "classify"), _audit),
    "status": _status,
    **dict.fromkeys(("report", "doctor", "haip"), _report),
    **dict.fromkeys(("checklists", "frameworks", "lint", "convert"), _library),
    "gate": _gate,
    **dict.fromkeys(("policy", "hook"), _hook),
    **dict.fromkeys(("grade", "rubric"), _grade),
    **dict.fromkeys(("diff", "upgrade", "verify", "sign"), _lifecycle),
    "serve": _serve,
}


class LazyGroup(Group):
    """The top-level group: a command's module is imported when that command is looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        load = COMMANDS.get(cmd_name)
        if load is None:
            return None
        return next((c for c in load() if c.name == cmd_name), None)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", "-V", prog_name="aiaudit")
def cli() -> None:
    """aiaudit: AI-governance checklists and audits for generative-AI systems.

    \b
    Exit codes: 0 ok · 1 invalid content or a failed gate · 2 unusable input or usage error · 3 internal error.
    """


def main() -> None:
    """Console-script entry point."""
    short_lived_collector()
    cli(prog_name="aiaudit")


def short_lived_collector() -> None:
    """Tune the cyclic garbage collector for one command-line run (the console script only).

    A command builds its documents, models and reports and keeps most of them until it exits, so
    the collector's repeated scans of survivors are pure overhead (a fifth of a small command's
    time): the objects of the start-up imports are frozen (never scanned again), young objects are
    collected every 20,000 allocations instead of 700, and at exit everything is frozen so that the
    interpreter skips its final full collection. Reference cycles are still collected, only less
    often; worker processes forked by ``grade`` inherit the setting.
    """
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    atexit.register(gc.freeze)


__all__ = ["COMMANDS", "EXIT_INTERNAL", "EXIT_INVALID", "EXIT_UNUSABLE", "cli", "main"]
