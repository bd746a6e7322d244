"""What every command shares: the group that turns library errors into one line and an exit code,
the language chosen once per run, the common options, and printing diagnostics."""

from __future__ import annotations

import sys
from collections.abc import Iterable

import click

from ..diagnostics import EXIT_INTERNAL, AiauditError, Diagnostic, DiagnosticError
from ..i18n import LANGS, Msg, default_lang, localize
from ..loading import DEFAULT_MAX_BYTES
from ..text import terminal_safe

_LANG_KEY = "aiaudit.lang"


def current_lang(ctx: click.Context | None = None) -> str:
    """The language of this run: ``--lang`` when given, else AIAUDIT_LANG or the locale."""
    ctx = ctx or click.get_current_context(silent=True)
    return (ctx.meta.get(_LANG_KEY) if ctx is not None else None) or default_lang()


class Fatal(click.ClickException):
    """A library error shown as one line, with its own exit code."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(self.message, err=True)


class Group(click.Group):
    """Translates library errors into one-line messages and exit codes; never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except DiagnosticError as exc:
            raise Fatal(terminal_safe(exc.format(current_lang(ctx))), exc.exit_code) from None
        except AiauditError as exc:
            raise Fatal(f"aiaudit: error: {terminal_safe(exc.format(current_lang(ctx)))}", exc.exit_code) from None
        except KeyboardInterrupt:
            raise click.exceptions.Abort() from None
        except BrokenPipeError:  # e.g. `aiaudit report ... -o - | head`
            sys.stderr.close()
            raise click.exceptions.Exit(0) from None
        except Exception as exc:  # a bug: say so plainly, without a traceback
            lang = current_lang(ctx)
            detail = localize(exc.args[0], lang) if len(exc.args) == 1 and isinstance(exc.args[0], Msg) else str(exc)
            message = Msg("cli.internal_error", error=f"{type(exc).__name__}: {detail}")
            raise Fatal("aiaudit: " + terminal_safe(message.text(lang)), EXIT_INTERNAL) from None


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    if value is not None:
        ctx.meta[_LANG_KEY] = value
    return current_lang(ctx)


#: ``--lang en|ko`` on every command that prints text; the command receives the resolved language.
lang_option = click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=None,
    callback=_set_lang,
    is_eager=True,
    help="Language of the output (default: AIAUDIT_LANG, then the locale).",
)
max_bytes_option = click.option(
    "--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True, help="Refuse files larger than this."
)
outside_option = click.option("--allow-outside-evidence", is_flag=True, help="Accept evidence paths outside the audit's folder.")
#: The policy that judges readiness (report, status); the gate's own --policy is required.
policy_option = click.option(
    "-p",
    "--policy",
    "policy_spec",
    default=None,
    help="Policy file or preset:NAME that judges readiness (default: the checklist's, else preset:genai-baseline).",
)
#: text, md or json: the library browsing commands.
library_format_option = click.option(
    "--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text", show_default=True, help="Output format."
)


def say(message: Msg | str, err: bool = False) -> None:
    """Print one message in the run's language."""
    click.echo(localize(message, current_lang()), err=err)


def echo_diagnostics(diagnostics: Iterable[Diagnostic], lang: str, err: bool = False) -> None:
    """Print diagnostics as ``file:line:col: severity[CODE]: message``, made safe for a terminal."""
    for d in diagnostics:
        click.echo(terminal_safe(d.format(lang)), err=err)
