"""The checklist library: ``checklists list|show|coverage``, ``frameworks list|show``, ``lint``, ``convert``."""

from __future__ import annotations

import json
import sys

import click

from ..diagnostics import EXIT_INVALID, exit_code_for
from ..i18n import t
from .base import echo, echo_diagnostics, lang_option, library_format_option, max_bytes_option
from .complete import complete_checklist, complete_framework


@click.group("checklists")
def checklists_group() -> None:
    """Browse checklists: list the built-ins, show one, measure its coverage of a framework."""


@checklists_group.command("list")
@library_format_option
@lang_option
def checklists_list(fmt, lang) -> None:
    """List the built-in checklists with their item, section and framework counts."""
    from ..library.listing import builtin_listing, render_checklist_list

    listing = builtin_listing()
    echo(render_checklist_list(listing, fmt, lang), nl=False)
    broken = [e for e in listing if e.checklist is None]
    for entry in broken:
        echo(t("library.list.broken", lang, id=entry.id, problem=entry.problem.format(lang) if entry.problem else ""), err=True)
    sys.exit(EXIT_INVALID if broken else 0)


@checklists_group.command("show")
@click.argument("checklist", shell_complete=complete_checklist)
@click.option("--section", default=None, help="Show only this section (by id).")
@click.option("--full", is_flag=True, help="Also show each item's guidance and remediation.")
@library_format_option
@lang_option
@max_bytes_option
def checklists_show(checklist, section, full, fmt, lang, max_bytes) -> None:
    """Show a checklist (built-in id or file): sections, items, severities, references, conditions."""
    from ..library.listing import render_checklist, resolve_checklist

    loaded = resolve_checklist(checklist, max_bytes=max_bytes)
    echo(render_checklist(loaded, fmt, lang, full=full, section=section), nl=False)


@checklists_group.command("coverage")
@click.argument("checklist", shell_complete=complete_checklist)
@click.option(
    "-F",
    "--framework",
    default=None,
    shell_complete=complete_framework,
    help="Framework id or clause prefix (default: a summary of all).",
)
@click.option("--gaps-only", is_flag=True, help="List only the clauses no item covers.")
@library_format_option
@lang_option
@max_bytes_option
def checklists_coverage(checklist, framework, gaps_only, fmt, lang, max_bytes) -> None:
    """Every clause of a framework and the checklist's items that cover it; uncovered clauses are gaps."""
    from ..library.coverage import coverage, coverage_all, find_framework
    from ..library.listing import render_coverage, render_coverage_summary, resolve_checklist

    fw = find_framework(framework) if framework is not None else None
    loaded = resolve_checklist(checklist, max_bytes=max_bytes)
    if fw is None:
        echo(render_coverage_summary(loaded, coverage_all(loaded), fmt, lang), nl=False)
    else:
        echo(render_coverage(coverage(loaded, fw), fmt, lang, gaps_only=gaps_only), nl=False)


@click.group("frameworks")
def frameworks_group() -> None:
    """Browse the frameworks catalog: clause ids, titles, citations, dates."""


@frameworks_group.command("list")
@library_format_option
@lang_option
def frameworks_list(fmt, lang) -> None:
    """List the frameworks of the catalog with their clause counts."""
    from ..library.listing import render_framework_list

    echo(render_framework_list(fmt, lang), nl=False)


@frameworks_group.command("show")
@click.argument("framework", shell_complete=complete_framework)
@library_format_option
@lang_option
def frameworks_show(framework, fmt, lang) -> None:
    """Show every clause of a framework (by id or clause prefix)."""
    from ..library.coverage import find_framework
    from ..library.listing import render_framework

    echo(render_framework(find_framework(framework), fmt, lang), nl=False)


@click.command("lint")
@click.argument("checklists", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="Print only problems.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@max_bytes_option
@lang_option
def lint_cmd(checklists, fmt, quiet, strict, max_bytes, lang) -> None:
    """Lint checklists (built-in ids or files): references, bilingual texts, coverage.

    Errors: unresolved clause reference (E306), item without references (E307), duplicate ids
    (E301/E302), blank (E309) or untranslated (E310) text, plus every schema and include problem.
    Warnings: clauses of a targeted framework that no item covers (W302), items still tagged
    needs-translation (W303). Exit 0 clean or warnings only, 1 errors, 2 unreadable input.
    """
    from ..library.lint import lint_source

    results = [lint_source(c, max_bytes=max_bytes) for c in checklists]
    diagnostics = [d for r in results for d in r.diagnostics]
    errors = sum(r.errors for r in results)
    warnings = sum(r.warnings for r in results)
    if fmt == "json":
        payload = {
            "checklists": [
                {
                    "source": r.source,
                    "file": r.name,
                    "id": r.checklist.id if r.checklist else None,
                    "errors": r.errors,
                    "warnings": r.warnings,
                    "diagnostics": [d.to_dict(lang) for d in r.diagnostics],
                }
                for r in results
            ],
            "errors": errors,
            "warnings": warnings,
        }
        echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for r in results:
            echo_diagnostics(r.diagnostics, lang)
            if not quiet:
                key = "library.lint.counts" if r.diagnostics else "library.lint.clean"
                echo(t(key, lang, name=r.name, errors=r.errors, warnings=r.warnings), err=bool(r.diagnostics))
        if not quiet and len(results) > 1:
            echo(t("library.lint.summary", lang, files=len(results), errors=errors, warnings=warnings), err=True)
    code = exit_code_for(diagnostics)
    sys.exit(EXIT_INVALID if strict and code == 0 and warnings else code)


@click.command("convert")
@click.argument("source", type=click.Path(path_type=str))
@click.option("--from", "source_format", type=click.Choice(["deon"]), required=True, help="Format of SOURCE.")
@click.option("-o", "--output", required=True, help="The aiaudit checklist to write (`-` for stdout).")
@click.option("--id", "checklist_id", default=None, help="Checklist id (default: from the output file name).")
@click.option("--prefix", default="DEON", show_default=True, help="Prefix of the item ids (DEON-A-1, ...).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@max_bytes_option
@lang_option
def convert_cmd(source, source_format, output, checklist_id, prefix, force, max_bytes, lang) -> None:
    """Convert a checklist of another tool (deon) into an aiaudit checklist that validates.

    Clause references are mapped from keywords (review them); English text without a known Korean
    translation is copied into `ko` and the item tagged needs-translation.
    """
    from ..library.convert import checklist_id_for, convert_file, write_converted

    converted = convert_file(source_format, source, checklist_id or checklist_id_for(output), prefix=prefix, max_bytes=max_bytes)
    if output == "-":
        echo(converted.text, nl=False)
        return
    from ..files import check_output

    check_output(output)  # never over the deon file it was converted from
    write_converted(converted, output, force=force)
    c = converted.checklist
    echo(
        t(
            "library.convert.done",
            lang,
            path=output,
            id=c.id,
            items=len(c.items),
            sections=len(c.sections),
            untranslated=converted.untranslated,
        ),
        err=True,
    )
    echo(t("library.convert.next", lang, path=output), err=True)


COMMANDS = (checklists_group, frameworks_group, lint_cmd, convert_cmd)
