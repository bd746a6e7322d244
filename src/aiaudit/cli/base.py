"""What every command shares: the group that turns library errors into one line and an exit code,
the language chosen once per run, the common options, and printing diagnostics."""

from __future__ import annotations

import sys
from collections.abc import Iterable

import click

from ..diagnostics import EXIT_INTERNAL, EXIT_UNUSABLE, AiauditError, Diagnostic, DiagnosticError
from ..files import forget_inputs, reason
from ..i18n import LANGS, Msg, default_lang, localize
from ..loading import DEFAULT_MAX_BYTES
from ..text import output_safe, terminal_safe

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
        click.echo(output_safe(self.message), err=True)


class IsoDate(click.ParamType):
    """A calendar date written YYYY-MM-DD, as a :class:`datetime.date` (``click.DateTime`` would
    import ``_strptime``, a millisecond of every gate run that passes ``--today``)."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        import datetime as dt

        if isinstance(value, dt.date):
            return value
        text = str(value)
        # fromisoformat alone would also take 20261125 and week dates (2026-W48-3).
        if len(text) == 10 and text[4] == text[7] == "-" and (text[:4] + text[5:7] + text[8:]).isdigit() and text.isascii():
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
        self.fail(localize(Msg("audit.bad_date", value=repr(text)), current_lang(ctx)), param, ctx)


class Group(click.Group):
    """Translates library errors into one-line messages and exit codes; never a traceback."""

    def invoke(self, ctx: click.Context):
        forget_inputs()  # outputs are checked against the files this command reads
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except DiagnosticError as exc:
            raise Fatal(output_safe(exc.format(current_lang(ctx))), exc.exit_code) from None
        except AiauditError as exc:
            raise Fatal(f"aiaudit: error: {output_safe(exc.format(current_lang(ctx)))}", exc.exit_code) from None
        except KeyboardInterrupt:
            raise click.exceptions.Abort() from None
        except BrokenPipeError:  # e.g. `aiaudit report ... -o - | head`
            sys.stderr.close()
            raise click.exceptions.Exit(0) from None
        except OSError as exc:
            if exc.errno is None:  # raised by aiaudit's own code (e.g. a broken installation): a bug
                raise _internal(exc, ctx) from None
            # the machine, not aiaudit: a full disk, a read-only file system, a vanished file, ...
            message = Msg("cli.os_error", reason=reason(exc))
            raise Fatal("aiaudit: error: " + output_safe(message.text(current_lang(ctx))), EXIT_UNUSABLE) from None
        except RecursionError:  # a structure nested past Python's limit: an input problem, not a crash
            raise Fatal("aiaudit: error: " + Msg("cli.too_deep").text(current_lang(ctx)), EXIT_UNUSABLE) from None
        except MemoryError:
            raise Fatal("aiaudit: error: " + Msg("cli.out_of_memory").text(current_lang(ctx)), EXIT_UNUSABLE) from None
        except Exception as exc:  # a bug: say so plainly, without a traceback
            raise _internal(exc, ctx) from None


def _internal(exc: BaseException, ctx: click.Context) -> Fatal:
    """A bug, said plainly in one line (exit 3)."""
    lang = current_lang(ctx)
    detail = localize(exc.args[0], lang) if len(exc.args) == 1 and isinstance(exc.args[0], Msg) else str(exc)
    message = Msg("cli.internal_error", error=f"{type(exc).__name__}: {detail}")
    return Fatal("aiaudit: " + output_safe(message.text(lang)), EXIT_INTERNAL)


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
#: The largest ``--max-bytes`` accepted: a file of more than 1 GiB is never a sensible aiaudit input.
MAX_BYTES_LIMIT = 1 << 30
max_bytes_option = click.option(
    "--max-bytes",
    type=click.IntRange(min=1, max=MAX_BYTES_LIMIT),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Refuse files larger than this (at most 1 GiB).",
)
outside_option = click.option(
    "--allow-outside",
    "--allow-outside-evidence",
    "allow_outside_evidence",
    is_flag=True,
    help="Accept evidence and checklist paths that leave the audit's folder (absolute paths, `..`, symlinks).",
)
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


def echo(message: object = None, err: bool = False, nl: bool = True) -> None:
    """Print text that may hold file content: escapes shown escaped, no line that a CI runner reads as a command.

    Every command prints through this (or :func:`say`, :func:`echo_diagnostics`); only binary
    report data bypasses it.
    """
    click.echo(output_safe(str(message)) if message is not None else None, err=err, nl=nl)


def echo_format(text: str) -> None:
    """Print a machine format (GitHub annotations, JUnit, SARIF, ...) whose own lines are meant for a
    CI runner: terminal escapes shown escaped, but ``::error`` lines kept. The format writers make
    every piece of file text in it safe themselves (:func:`aiaudit.text.log_safe`)."""
    click.echo(terminal_safe(text), nl=False)


def say(message: Msg | str, err: bool = False) -> None:
    """Print one message in the run's language."""
    echo(localize(message, current_lang()), err=err)


def echo_diagnostics(diagnostics: Iterable[Diagnostic], lang: str, err: bool = False) -> None:
    """Print diagnostics as ``file:line:col: severity[CODE]: message``, made safe for a terminal and a CI log."""
    for d in diagnostics:
        echo(d.format(lang), err=err)
