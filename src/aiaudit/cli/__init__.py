"""The command line: each module holds one group of commands, all thin; they parse options, call the library, print, exit.

Exit codes: 0 ok, 1 invalid content or a failed gate, 2 unusable input or a usage error, 3 a bug.
"""

from __future__ import annotations

import click

from .. import __version__
from ..diagnostics import EXIT_INTERNAL, EXIT_INVALID, EXIT_UNUSABLE
from . import audit, gate, grade, library, lifecycle, report, serve, validate
from .base import Group


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", "-V", prog_name="aiaudit")
def cli() -> None:
    """aiaudit: AI-governance checklists and audits for generative-AI systems.

    \b
    Exit codes: 0 ok · 1 invalid content or a failed gate · 2 unusable input or usage error · 3 internal error.
    """


for _module in (validate, audit, report, library, gate, grade, lifecycle, serve):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="aiaudit")


__all__ = ["EXIT_INTERNAL", "EXIT_INVALID", "EXIT_UNUSABLE", "cli", "main"]
