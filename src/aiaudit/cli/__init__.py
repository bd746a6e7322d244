"""The command line: parses options, calls the library, prints, and exits. No logic lives here."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import __version__
from ..diagnostics import EXIT_INVALID, EXIT_UNUSABLE, AiauditError, Diagnostic, DiagnosticError
from ..i18n import LANGS, Msg, default_lang, localize, set_lang, t
from ..loading import DEFAULT_MAX_BYTES

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
        set_lang(None)  # each run starts from the locale; a command's --lang sets it again
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
            detail = localize(exc.args[0]) if len(exc.args) == 1 and isinstance(exc.args[0], Msg) else str(exc)
            message = "aiaudit: " + localize(Msg("cli.internal_error", error=f"{type(exc).__name__}: {detail}"))
            raise _Fatal(message, EXIT_INTERNAL) from None


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    set_lang(value)  # messages raised from the library follow --lang too
    return value


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

    from ..diagnostics import exit_code_for
    from ..validation import Options, validate_file

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
    from ..audit.create import Profile, init_audit

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
@click.option("-f", "--format", "fmt", default=None, help="html, pdf, md or json (overrides the extension).")
@click.option(
    "--pdf-variant",
    type=click.Choice(["pdf/a-3b", "pdf/a-3u", "pdf/ua-1"]),
    default=None,
    help="PDF only: an archival (PDF/A-3) or accessible (PDF/UA-1) variant.",
)
@click.option("--archival", is_flag=True, help="PDF only: same as --pdf-variant pdf/a-3b (the audit YAML is embedded).")
@click.option("--attach-evidence", is_flag=True, help="PDF only: also embed the evidence files the audit names.")
@click.option("--no-evidence-images", is_flag=True, help="Do not show image evidence as thumbnails.")
@lang_option
@max_bytes_option
@outside_option
def report(
    audit, output, fmt, pdf_variant, archival, attach_evidence, no_evidence_images, lang, max_bytes, allow_outside_evidence
) -> None:
    """Render the report of AUDIT: HTML, PDF, Markdown or JSON.

    The format follows the output file's extension (.html, .pdf, .md, .json) unless --format
    says otherwise. `-o -` writes to standard output (a PDF only when it is not a terminal).
    """
    from ..audit.evaluation import evaluate
    from ..audit.load import load_audit
    from ..diagnostics import UsageError
    from ..files import atomic_write
    from ..render import BINARY, ReportOptions, format_for, render

    lang = lang or default_lang()
    fmt = format_for(output, fmt)
    if fmt != "pdf":
        for flag, given in (("--pdf-variant", pdf_variant), ("--archival", archival), ("--attach-evidence", attach_evidence)):
            if given:
                raise UsageError(t("report.pdf_only", lang, option=flag))
    if archival:
        if pdf_variant not in (None, "pdf/a-3b"):
            raise UsageError(t("report.archival_conflict", lang))
        pdf_variant = "pdf/a-3b"
    if output == "-" and fmt in BINARY and sys.stdout.isatty():
        raise UsageError(t("report.pdf_tty", lang))
    loaded = load_audit(audit, allow_outside=allow_outside_evidence, max_bytes=max_bytes)
    options = ReportOptions(
        allow_outside_evidence=allow_outside_evidence,
        evidence_images=not no_evidence_images,
        pdf_variant=pdf_variant,
        attach_evidence=attach_evidence,
    )
    evaluation = evaluate(loaded)
    if fmt == "pdf":
        from ..render.pdf import hangul_font_missing

        if hangul_font_missing(evaluation, lang):
            click.echo(t("report.no_hangul_font", lang), err=True)
    data = render(fmt, evaluation, lang, options)
    if output == "-":
        sys.stdout.flush()
        binary = getattr(sys.stdout, "buffer", None)
        if binary is None:  # a text-only stream (some embedding hosts): text formats still work
            if fmt in BINARY:
                raise UsageError(t("report.pdf_tty", lang))
            sys.stdout.write(data.decode("utf-8"))
        else:
            binary.write(data)
            binary.flush()
    else:
        atomic_write(output, data)
        click.echo(t("report.done", lang, path=output), err=True)


# --- schema ----------------------------------------------------------------------------------------


@cli.command()
@click.argument("kind", required=False)
def schema(kind) -> None:
    """Print the JSON Schema of a file kind (checklist, audit, framework, ...)."""
    from ..schemas import available_kinds, schema_text

    kinds = available_kinds()
    if kind is None:
        click.echo("\n".join(kinds))
        return
    if kind not in kinds:
        raise click.BadParameter(localize(Msg("cli.unknown_kind", kind=repr(kind), choices=", ".join(kinds))), param_hint="KIND")
    click.echo(schema_text(kind), nl=False)


# --- checklists, lint, convert (library) -------------------------------------------------------

library_format_option = click.option(
    "--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text", show_default=True, help="Output format."
)


@cli.group("checklists")
def checklists_group() -> None:
    """Browse checklists: list the built-ins, show one, measure its coverage of a framework."""


@checklists_group.command("list")
@library_format_option
@lang_option
def checklists_list(fmt, lang) -> None:
    """List the built-in checklists with their item, section and framework counts."""
    from ..library.listing import builtin_listing, render_checklist_list

    lang = lang or default_lang()
    listing = builtin_listing()
    click.echo(render_checklist_list(listing, fmt, lang), nl=False)
    broken = [e for e in listing if e.checklist is None]
    for entry in broken:
        click.echo(t("library.list.broken", lang, id=entry.id, problem=entry.problem), err=True)
    sys.exit(EXIT_INVALID if broken else 0)


@checklists_group.command("show")
@click.argument("checklist")
@click.option("--section", default=None, help="Show only this section (by id).")
@click.option("--full", is_flag=True, help="Also show each item's guidance and remediation.")
@library_format_option
@lang_option
@max_bytes_option
def checklists_show(checklist, section, full, fmt, lang, max_bytes) -> None:
    """Show a checklist (built-in id or file): sections, items, severities, references, conditions."""
    from ..library.listing import render_checklist, resolve_checklist

    lang = lang or default_lang()
    loaded = resolve_checklist(checklist, max_bytes=max_bytes)
    click.echo(render_checklist(loaded, fmt, lang, full=full, section=section), nl=False)


@checklists_group.command("coverage")
@click.argument("checklist")
@click.option("-F", "--framework", default=None, help="Framework id or clause prefix (default: a summary of all).")
@click.option("--gaps-only", is_flag=True, help="List only the clauses no item covers.")
@library_format_option
@lang_option
@max_bytes_option
def checklists_coverage(checklist, framework, gaps_only, fmt, lang, max_bytes) -> None:
    """Every clause of a framework and the checklist's items that cover it; uncovered clauses are gaps."""
    from ..library.coverage import coverage, coverage_all, find_framework
    from ..library.listing import render_coverage, render_coverage_summary, resolve_checklist

    lang = lang or default_lang()
    fw = find_framework(framework) if framework is not None else None
    loaded = resolve_checklist(checklist, max_bytes=max_bytes)
    if fw is None:
        click.echo(render_coverage_summary(loaded, coverage_all(loaded), fmt, lang), nl=False)
    else:
        click.echo(render_coverage(coverage(loaded, fw), fmt, lang, gaps_only=gaps_only), nl=False)


@cli.group("frameworks")
def frameworks_group() -> None:
    """Browse the frameworks catalog: clause ids, titles, citations, dates."""


@frameworks_group.command("list")
@library_format_option
@lang_option
def frameworks_list(fmt, lang) -> None:
    """List the frameworks of the catalog with their clause counts."""
    from ..library.listing import render_framework_list

    click.echo(render_framework_list(fmt, lang or default_lang()), nl=False)


@frameworks_group.command("show")
@click.argument("framework")
@library_format_option
@lang_option
def frameworks_show(framework, fmt, lang) -> None:
    """Show every clause of a framework (by id or clause prefix)."""
    from ..library.coverage import find_framework
    from ..library.listing import render_framework

    click.echo(render_framework(find_framework(framework), fmt, lang or default_lang()), nl=False)


@cli.command("lint")
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
    import json

    from ..diagnostics import exit_code_for
    from ..library.lint import lint_source

    lang = lang or default_lang()
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
                    "diagnostics": [d.to_dict() for d in r.diagnostics],
                }
                for r in results
            ],
            "errors": errors,
            "warnings": warnings,
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for r in results:
            _echo_diagnostics(r.diagnostics)
            if not quiet:
                key = "library.lint.counts" if r.diagnostics else "library.lint.clean"
                click.echo(t(key, lang, name=r.name, errors=r.errors, warnings=r.warnings), err=bool(r.diagnostics))
        if not quiet and len(results) > 1:
            click.echo(t("library.lint.summary", lang, files=len(results), errors=errors, warnings=warnings), err=True)
    code = exit_code_for(diagnostics)
    sys.exit(EXIT_INVALID if strict and code == 0 and warnings else code)


@cli.command("convert")
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

    lang = lang or default_lang()
    converted = convert_file(source_format, source, checklist_id or checklist_id_for(output), prefix=prefix, max_bytes=max_bytes)
    if output == "-":
        click.echo(converted.text, nl=False)
        return
    write_converted(converted, output, force=force, lang=lang)
    c = converted.checklist
    click.echo(
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
    click.echo(t("library.convert.next", lang, path=output), err=True)


# --- fill, answer, classify, status (fill-in) --------------------------------------------------


@cli.command("fill")
@click.argument("audit", type=click.Path(dir_okay=False, path_type=str))
@click.option("--section", "sections", multiple=True, help="Only the items of this section id (repeatable).")
@click.option("--item", "items", multiple=True, help="Only this item, answered or not (repeatable).")
@click.option("--all", "include_all", is_flag=True, help="Also revisit items that already have an answer.")
@click.option("--by", "answered_by", default=None, help="Who answers (default: $AIAUDIT_USER, git user.email, $USER).")
@lang_option
@max_bytes_option
@outside_option
def fill_command(audit, sections, items, include_all, answered_by, lang, max_bytes, allow_outside_evidence) -> None:
    """Answer the audit's open items interactively, one question at a time.

    Saves after every answer (atomic, comments kept); a new run resumes at the first unanswered
    applicable item. Keys: m met, p partial, n not met, a n/a, s skip, b back, h help, q quit.
    Exit 0 when done or quit, 130 when interrupted (answers so far are saved), 2 when another
    aiaudit process is editing the file.
    """
    from ..fill.session import run_fill

    code = run_fill(
        audit,
        lang=lang or default_lang(),
        sections=sections,
        items=items,
        include_all=include_all,
        answered_by=answered_by,
        allow_outside=allow_outside_evidence,
        max_bytes=max_bytes,
    )
    sys.exit(code)


@cli.command("answer")
@click.argument("audit", type=click.Path(dir_okay=False, path_type=str))
@click.argument("item_id", required=False)
@click.option("-s", "--status", default=None, help="met | partial | not_met | na | unanswered.")
@click.option("-n", "--note", "--notes", "notes", default=None, help="Notes (Markdown); `-` reads them from stdin.")
@click.option("-e", "--evidence", multiple=True, help="Evidence file or http(s) URL (repeatable); replaces the recorded list.")
@click.option("--no-evidence", is_flag=True, help="Remove the recorded evidence.")
@click.option("--from", "source", type=click.Path(dir_okay=False, path_type=str), help="Import answers from a CSV or YAML file.")
@click.option("--by", "answered_by", default=None, help="Who answers (default: $AIAUDIT_USER, git user.email, $USER).")
@click.option("--date", default=None, help="Answer date YYYY-MM-DD (default: today).")
@lang_option
@max_bytes_option
@outside_option
def answer_command(
    audit, item_id, status, notes, evidence, no_evidence, source, answered_by, date, lang, max_bytes, allow_outside_evidence
) -> None:
    """Set one answer (AUDIT ITEM_ID --status ...) or import many (AUDIT --from FILE), without prompts.

    The file is checked and saved atomically with its comments kept; an invalid answer leaves it untouched.
    """
    from ..audit.answer import AnswerInput, answer_one, import_answers
    from ..diagnostics import UsageError

    lang = lang or default_lang()
    options = {"lang": lang, "allow_outside": allow_outside_evidence, "max_bytes": max_bytes}
    options.update(answered_by=answered_by, date=date)
    if (item_id is None) == (source is None):
        raise UsageError(t("answer.item_or_from", lang))
    if source is not None:
        if status or notes is not None or evidence or no_evidence:
            raise UsageError(t("answer.from_alone", lang))
        ids = import_answers(audit, source, **options)
        click.echo(t("answer.imported", lang, count=len(ids), path=audit, source=source))
        return
    if evidence and no_evidence:
        raise UsageError(t("answer.evidence_conflict", lang))
    if notes == "-":
        notes = sys.stdin.read()
    given = tuple(evidence) if evidence else (() if no_evidence else None)
    value = answer_one(audit, AnswerInput(item_id, status=status, notes=notes, evidence=given), **options)
    click.echo(t("answer.saved", lang, item=item_id, status=value["status"], path=audit))


@cli.command("classify")
@click.argument("audit", type=click.Path(dir_okay=False, path_type=str))
@click.option("--answers", "answers_file", type=click.Path(dir_okay=False, path_type=str), help="YAML/JSON answers; no prompts.")
@click.option("--date", default=None, help="Classification date YYYY-MM-DD (default: today).")
@lang_option
@max_bytes_option
@outside_option
def classify_command(audit, answers_file, date, lang, max_bytes, allow_outside_evidence) -> None:
    """Classify the system under the EU AI Act and Korea's AI Basic Act; write the result into AUDIT.

    Sets system.classification (categories, duties, reasoning, answers) and system.risk_tier, so
    item applicability follows. Exit 130 when interrupted (nothing is written).
    """
    from ..fill.session import run_classify

    code = run_classify(
        audit,
        lang=lang or default_lang(),
        answers_file=answers_file,
        date=date,
        max_bytes=max_bytes,
        allow_outside=allow_outside_evidence,
    )
    sys.exit(code)


@cli.command("status")
@click.argument("audit", type=click.Path(dir_okay=False, path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
@max_bytes_option
@outside_option
def status_command(audit, fmt, lang, max_bytes, allow_outside_evidence) -> None:
    """Show how far AUDIT is filled in: per section, unanswered critical items, the next item."""
    import json

    from ..audit.load import audit_from_file
    from ..audit.status import format_text, progress

    lang = lang or default_lang()
    loaded, problems = audit_from_file(audit, allow_outside=allow_outside_evidence, max_bytes=max_bytes)
    if loaded is None:
        raise DiagnosticError(problems)
    _echo_diagnostics(problems, err=True)
    state = progress(loaded)
    if fmt == "json":
        click.echo(json.dumps(state.to_dict(lang), ensure_ascii=False, indent=2))
    else:
        click.echo(format_text(state, lang))


# --- gate, policy (CI) -------------------------------------------------------------------------


@cli.command("gate")
@click.argument("audits", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-p", "--policy", "policy_spec", required=True, help="Policy file, or preset:NAME (see `aiaudit policy list`).")
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    metavar="FMT[:FILE]",
    help="text, json, junit, sarif, github or gitlab; FMT:FILE writes to FILE (repeatable; default: text on stdout).",
)
@click.option("--soft-fail", is_flag=True, help="Exit 0 even when the policy is violated (input errors still exit 2).")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Check audit age and waivers as of this date.",
)
@lang_option
@max_bytes_option
@outside_option
def gate_command(audits, policy_spec, formats, soft_fail, today, lang, max_bytes, allow_outside_evidence) -> None:
    """Check AUDITS against a policy for CI. Exit 0 passed, 1 policy violated, 2 unusable input.

    Several audits (as pre-commit passes them) work with the text and github formats.
    """
    from ..gate import run_gate
    from ..gate.outputs import check_specs, parse_spec, verdict, write_outputs

    lang = lang or default_lang()
    specs = [parse_spec(s) for s in formats] or [("text", None)]
    check_specs(specs, len(audits))
    options = {"today": today.date() if today else None, "lang": lang, "allow_outside": allow_outside_evidence}
    results = [run_gate(audit, policy_spec, max_bytes=max_bytes, **options) for audit in audits]
    stdout, written = write_outputs(results, specs)
    for text in stdout:
        click.echo(text, nl=False)
    for result in results:
        if ("text", None) not in specs:
            _echo_diagnostics(result.warnings, err=True)
        if not stdout:
            click.echo(verdict(result), err=True)
    for path, fmt in written:
        click.echo(t("gate.wrote", lang, path=path, fmt=fmt), err=True)
    if not all(result.passed for result in results):
        if soft_fail:
            click.echo(t("gate.soft_fail", lang), err=True)
            sys.exit(0)
        sys.exit(EXIT_INVALID)


@cli.group("policy")
def policy_group() -> None:
    """Built-in policy presets for `aiaudit gate --policy preset:NAME`."""


@policy_group.command("list")
@lang_option
def policy_list(lang) -> None:
    """List the built-in policy presets."""
    from ..policy.load import presets

    lang = lang or default_lang()
    entries = presets()
    width = max((len(name) for name, _ in entries), default=0)
    click.echo(t("policy.list.header", lang))
    for name, title in entries:
        click.echo(f"  {name:<{width}}  {title.get(lang) if title else ''}".rstrip())


@policy_group.command("show")
@click.argument("name")
def policy_show(name) -> None:
    """Print the YAML of a built-in preset (NAME or preset:NAME)."""
    from ..policy.load import PRESET_PREFIX, preset_text

    click.echo(preset_text(name.removeprefix(PRESET_PREFIX)), nl=False)


# --- grade, rubric (grading) -------------------------------------------------------------------


@cli.command()
@click.argument("submissions", type=click.Path(path_type=str))
@click.option("--rubric", "rubric_source", required=True, help="A rubric file, or preset:NAME (see `aiaudit rubric list`).")
@click.option("-o", "--output", "out", required=True, type=click.Path(file_okay=False, path_type=str), help="Output folder.")
@click.option(
    "--overrides", type=click.Path(dir_okay=False, path_type=str), help="YAML or CSV file: manual points and comments per team."
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: all cores).")
@click.option("--pdf", is_flag=True, help="Also write each team's feedback as PDF.")
@click.option("--excel", is_flag=True, help="Write grades.csv with a UTF-8 byte-order mark, for Excel.")
@click.option("--deadline", default=None, help="Deadline, ISO 8601 with a time zone (replaces the rubric's).")
@click.option(
    "--submitted-from",
    type=click.Choice(["field", "mtime"]),
    default="field",
    show_default=True,
    help="Submission time: the audit's submitted_at only, or else the audit file's modification time.",
)
@lang_option
@max_bytes_option
def grade(submissions, rubric_source, out, overrides, jobs, pdf, excel, deadline, submitted_from, lang, max_bytes) -> None:
    """Grade a class: every team's audit in SUBMISSIONS against a rubric.

    SUBMISSIONS holds one folder (or one audit YAML file) per team. Writes OUT/grades.csv,
    OUT/overview.html and OUT/feedback/<team>.html (and .pdf with --pdf). Broken submissions are
    listed and graded by the rubric's `invalid` rule; the batch always completes.
    """
    from ..diagnostics import UsageError
    from ..grading.batch import run
    from ..grading.overrides import load_overrides
    from ..grading.rubric import deadline_option, load_rubric
    from ..i18n import localize

    lang = lang or default_lang()
    rubric_obj = load_rubric(rubric_source, max_bytes=max_bytes)
    if deadline is not None:
        rubric_obj = rubric_obj.with_deadline(deadline_option(deadline))
    loaded_overrides = load_overrides(overrides, rubric_obj, max_bytes=max_bytes) if overrides else None
    if pdf:
        try:
            import weasyprint  # noqa: F401
        except Exception as exc:  # ImportError, or missing system libraries (OSError)
            raise UsageError(t("grading.cli.pdf_missing", lang, error=exc)) from None
    bar = None

    def start(n: int) -> None:
        nonlocal bar
        if sys.stderr.isatty():
            bar = click.progressbar(length=n, label=t("grading.cli.progress", lang), file=sys.stderr)
            bar.__enter__()

    try:
        result = run(
            submissions,
            rubric_obj,
            out,
            overrides=loaded_overrides,
            lang=lang,
            jobs=jobs,
            pdf=pdf,
            excel=excel,
            submitted_from=submitted_from,
            max_bytes=max_bytes,
            on_start=start,
            on_result=lambda _: bar.update(1) if bar is not None else None,
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for entry in result.ignored:
        click.echo(t("grading.cli.ignored", lang, entry=localize(entry, lang)), err=True)
    _echo_diagnostics(result.warnings, err=True)
    for g in result.grades:
        if g.broken:
            problem = g.errors[0].format() if g.errors else ""
            status = t(f"grading.status.{g.status}", lang)
            click.echo(t("grading.cli.broken", lang, team=g.team, status=status, problem=problem), err=True)
    if result.pairs:
        click.echo(t("grading.cli.pairs", lang, n=len(result.pairs)), err=True)
    click.echo(
        t(
            "grading.cli.done",
            lang,
            n=len(result.grades),
            graded=sum(g.status == "ok" for g in result.grades),
            broken=sum(g.broken for g in result.grades),
            late=sum(g.late_days > 0 for g in result.grades),
            csv="grades.csv",
            overview="overview.html",
            feedback=sum(bool(g.feedback) for g in result.grades),
            out=out,
        )
    )


@cli.group("rubric")
def rubric_group() -> None:
    """Built-in grading rubrics: list them, or print one to copy and adapt."""


@rubric_group.command("list")
@lang_option
def rubric_list(lang) -> None:
    """List the built-in rubrics."""
    from ..grading.rubric import PRESET_PREFIX, load_rubric, preset_names

    lang = lang or default_lang()
    click.echo(t("grading.cli.rubric_header", lang))
    for name in preset_names():
        r = load_rubric(f"{PRESET_PREFIX}{name}")
        click.echo(f"  {name:<24} {r.title.get(lang)} ({t('grading.points_total', lang, points=r.max_points)})")


@rubric_group.command("show")
@click.argument("name")
def rubric_show(name) -> None:
    """Print a built-in rubric's YAML (NAME or preset:NAME)."""
    from ..grading.rubric import PRESET_PREFIX, preset_text

    click.echo(preset_text(name.removeprefix(PRESET_PREFIX)), nl=False)


# --- doctor (report) ---------------------------------------------------------------------------


@cli.command()
@lang_option
def doctor(lang) -> None:
    """Check what PDF reports need: a Hangul-capable font and WeasyPrint's system libraries.

    Exit 0 when both are present, 1 when either is missing.
    """
    from ..render.doctor import checks

    lang = lang or default_lang()
    click.echo(t("doctor.title", lang))
    results = checks()
    for check in results:
        click.echo(t(check.key, lang, **check.values))
    problems = sum(1 for c in results if c.required and not c.ok)
    click.echo(t("doctor.problems", lang, n=problems) if problems else t("doctor.all_ok", lang))
    sys.exit(1 if problems else 0)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="aiaudit")


__all__ = ["EXIT_INTERNAL", "EXIT_INVALID", "EXIT_UNUSABLE", "cli", "main"]
