"""The command line: parses options, calls the library, prints, and exits. No logic lives here."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .diagnostics import EXIT_INVALID, EXIT_UNUSABLE, AiauditError, Diagnostic, DiagnosticError
from .i18n import LANGS, default_lang, t
from .loading import DEFAULT_MAX_BYTES

EXIT_INTERNAL = 3


class _Fatal(click.ClickException):
    """A library error shown as one line, with its own exit code."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(self.message, err=True)


class _Group(click.Group):
    """Translates library errors into one-line messages and exit codes; never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except DiagnosticError as exc:
            raise _Fatal(exc.format(), exc.exit_code) from None
        except AiauditError as exc:
            raise _Fatal(f"aiaudit: error: {exc.format()}", exc.exit_code) from None
        except KeyboardInterrupt:
            raise click.exceptions.Abort() from None
        except BrokenPipeError:  # e.g. `aiaudit report ... -o - | head`
            sys.stderr.close()
            raise click.exceptions.Exit(0) from None
        except Exception as exc:  # a bug: say so plainly, without a traceback
            message = f"aiaudit: internal error: {type(exc).__name__}: {exc} (please report this)"
            raise _Fatal(message, EXIT_INTERNAL) from None


lang_option = click.option(
    "--lang", type=click.Choice(LANGS), default=None, help="Language of the output (default: from the locale)."
)
max_bytes_option = click.option(
    "--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True, help="Refuse files larger than this."
)
outside_option = click.option("--allow-outside-evidence", is_flag=True, help="Accept evidence paths outside the audit's folder.")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", "-V", prog_name="aiaudit")
def cli() -> None:
    """aiaudit: AI-governance checklists and audits for generative-AI systems.

    \b
    Exit codes: 0 ok · 1 invalid content or a failed gate · 2 unusable input or usage error · 3 internal error.
    """


def _echo_diagnostics(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...], err: bool = False) -> None:
    for d in diagnostics:
        click.echo(d.format(), err=err)


# --- validate -------------------------------------------------------------------------------------


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@max_bytes_option
@outside_option
@lang_option
def validate(files, fmt, quiet, max_bytes, allow_outside_evidence, lang) -> None:
    """Validate checklist, audit, framework, policy and rubric files.

    Prints `path:line:col: severity[CODE]: message` for every problem. Exit 0 when all files are
    valid, 1 when any is invalid, 2 when any cannot be read.
    """
    import json

    from .diagnostics import exit_code_for
    from .validation import Options, validate_file

    lang = lang or default_lang()
    options = Options(max_bytes=max_bytes, allow_outside_evidence=allow_outside_evidence)
    results = [validate_file(f, options) for f in files]
    diagnostics = [d for r in results for d in r.diagnostics]
    if fmt == "json":
        payload = {
            "files": [{"path": r.path, "kind": r.kind, "diagnostics": [d.to_dict() for d in r.diagnostics]} for r in results],
            "errors": sum(d.severity == "error" for d in diagnostics),
            "warnings": sum(d.severity == "warning" for d in diagnostics),
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for r in results:
            _echo_diagnostics(r.diagnostics)
            if not quiet and not any(d.severity == "error" for d in r.diagnostics):
                click.echo(t("validate.ok", lang, path=r.path, kind=r.kind))
        if not quiet and len(results) > 1:
            errors = sum(d.severity == "error" for d in diagnostics)
            warnings = len(diagnostics) - errors
            click.echo(t("validate.summary", lang, files=len(results), errors=errors, warnings=warnings), err=True)
    sys.exit(exit_code_for(diagnostics))


# --- init ------------------------------------------------------------------------------------------


@cli.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default="audit.yaml", show_default=True)
@click.option("-n", "--name", required=True, help="Name of the AI system being audited.")
@click.option(
    "-c",
    "--checklist",
    "checklists",
    multiple=True,
    default=["genai-baseline"],
    show_default=True,
    help="Built-in checklist id or a checklist file (repeatable).",
)
@click.option("--owner", default="", help="Team or person responsible for the system.")
@click.option("--purpose", default="", help="Intended purpose, one sentence.")
@click.option(
    "--modality",
    "modalities",
    multiple=True,
    type=click.Choice(["text", "image", "audio", "video", "code"]),
    help="What the system generates (repeatable; default text).",
)
@click.option("--region", "regions", multiple=True, help="Where it is offered: EU, KR, US, ... or GLOBAL (repeatable).")
@click.option("--user", "users", multiple=True, help="Intended users, e.g. consumers, employees, students, minors (repeatable).")
@click.option(
    "--risk-tier",
    type=click.Choice(["prohibited", "high", "limited", "minimal", "unknown"]),
    default="unknown",
    show_default=True,
    help="EU AI Act risk tier, if known (`aiaudit classify` can determine it).",
)
@click.option("--public-facing/--internal", "public_facing", default=None, help="Whether outputs reach the public.")
@click.option("--role", type=click.Choice(["provider", "deployer", "provider-deployer"]), default=None)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@lang_option
def init(
    output, name, checklists, owner, purpose, modalities, regions, users, risk_tier, public_facing, role, force, lang
) -> None:
    """Create a new audit file listing every applicable item, ready to fill in an editor."""
    from .scaffold import Profile, init_audit

    lang = lang or default_lang()
    profile = Profile(
        name=name,
        owner=owner,
        purpose=purpose,
        modalities=tuple(modalities) or ("text",),
        regions=tuple(r.upper() for r in regions),
        users=tuple(users),
        risk_tier=risk_tier,
        public_facing=public_facing,
        role=role,
    )
    listed, skipped = init_audit(output, list(checklists), profile, lang=lang, force=force)
    click.echo(t("init.done", lang, path=str(output), listed=listed, skipped=skipped))


# --- report ----------------------------------------------------------------------------------------


@cli.command()
@click.argument("audit", type=click.Path(path_type=str))
@click.option(
    "-o", "--output", default="-", show_default=True, help="Output file; its extension picks the format. `-` is stdout."
)
@click.option("-f", "--format", "fmt", default=None, help="Output format (overrides the extension).")
@lang_option
@max_bytes_option
@outside_option
def report(audit, output, fmt, lang, max_bytes, allow_outside_evidence) -> None:
    """Render the audit report (HTML) for AUDIT."""
    from .audits import load_audit
    from .evaluation import evaluate
    from .render import format_for, render
    from .saving import atomic_write

    lang = lang or default_lang()
    fmt = format_for(output, fmt)
    loaded = load_audit(audit, allow_outside=allow_outside_evidence, max_bytes=max_bytes)
    data = render(fmt, evaluate(loaded), lang)
    if output == "-":
        click.get_binary_stream("stdout").write(data)
    else:
        atomic_write(output, data)
        click.echo(t("report.done", lang, path=output), err=True)


# --- schema ----------------------------------------------------------------------------------------


@cli.command()
@click.argument("kind", required=False)
def schema(kind) -> None:
    """Print the JSON Schema of a file kind (checklist, audit, framework, ...)."""
    from .schemas import available_kinds, schema_text

    kinds = available_kinds()
    if kind is None:
        click.echo("\n".join(kinds))
        return
    if kind not in kinds:
        raise click.BadParameter(f"unknown kind {kind!r}; choose from {', '.join(kinds)}", param_hint="KIND")
    click.echo(schema_text(kind), nl=False)


# --- checklists, lint, convert (library) -------------------------------------------------------
# (commands for this area go here)


# --- fill, answer, classify, status (fill-in) --------------------------------------------------
# (commands for this area go here)


# --- gate, policy (CI) -------------------------------------------------------------------------
# (commands for this area go here)


# --- grade, rubric (grading) -------------------------------------------------------------------
# (commands for this area go here)


# --- doctor (report) ---------------------------------------------------------------------------
# (commands for this area go here)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="aiaudit")


__all__ = ["EXIT_INTERNAL", "EXIT_INVALID", "EXIT_UNUSABLE", "cli", "main"]
