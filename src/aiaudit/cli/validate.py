"""``aiaudit validate`` and ``aiaudit schema``: checking any file kind, and the schemas editors use."""

from __future__ import annotations

import sys

import click

from ..diagnostics import exit_code_for
from ..i18n import Msg, t
from .base import echo, echo_diagnostics, lang_option, max_bytes_option, outside_option


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@max_bytes_option
@outside_option
@lang_option
def validate(files, fmt, quiet, max_bytes, allow_outside_evidence, lang) -> None:
    """Validate checklist, audit, framework, policy, rubric and JSON report files.

    Prints `path:line:col: severity[CODE]: message` for every problem. Exit 0 when all files are
    valid, 1 when any is invalid, 2 when any cannot be read.
    """
    from ..validation import Options, validate_file
    from .kinds import kinds

    options = Options(max_bytes=max_bytes, allow_outside_evidence=allow_outside_evidence)
    table = kinds()
    results = [validate_file(f, table, options) for f in files]
    diagnostics = [d for r in results for d in r.diagnostics]
    errors = sum(d.severity == "error" for d in diagnostics)
    if fmt == "json":
        payload = {
            "files": [{"path": r.path, "kind": r.kind, "diagnostics": [d.to_dict(lang) for d in r.diagnostics]} for r in results],
            "errors": errors,
            "warnings": len(diagnostics) - errors,
        }
        import json

        echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for r in results:
            echo_diagnostics(r.diagnostics, lang)
            if not quiet and not any(d.severity == "error" for d in r.diagnostics):
                echo(t("validate.ok", lang, path=r.path, kind=r.kind))
        if not quiet and len(results) > 1:
            summary = t("validate.summary", lang, files=len(results), errors=errors, warnings=len(diagnostics) - errors)
            echo(summary, err=True)
    sys.exit(exit_code_for(diagnostics))


@click.command()
@click.argument("kind", required=False)
@lang_option
def schema(kind, lang) -> None:
    """Print the JSON Schema of a file kind (checklist, audit, framework, ...)."""
    from ..schemas import available_kinds, schema_text

    kinds = available_kinds()
    if kind is None:
        echo("\n".join(kinds))
        return
    if kind not in kinds:
        raise click.BadParameter(Msg("cli.unknown_kind", kind=repr(kind), choices=", ".join(kinds)).text(lang), param_hint="KIND")
    echo(schema_text(kind), nl=False)


COMMANDS = (validate, schema)
