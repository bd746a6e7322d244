"""Reports: ``aiaudit report`` (HTML, PDF, Markdown, JSON) and ``aiaudit doctor`` (what PDFs need)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..diagnostics import UsageError
from ..i18n import Msg, t
from .base import echo, lang_option, max_bytes_option, outside_option, policy_option
from .complete import complete_report_format


@click.command()
@click.argument("audit", type=click.Path(path_type=str))
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    help="Output file; its extension picks the format. Repeat it to write several formats from one run "
    "(-o report.html -o report.pdf). `-` is standard output (the default when it is not a terminal).",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    default=None,
    shell_complete=complete_report_format,
    help="html, pdf, md or json (overrides the extension).",
)
@click.option(
    "--pdf-variant",
    type=click.Choice(["pdf/a-3b", "pdf/a-3u", "pdf/ua-1"]),
    default=None,
    help="PDF only: an archival (PDF/A-3) or accessible (PDF/UA-1) variant.",
)
@click.option("--archival", is_flag=True, help="PDF only: same as --pdf-variant pdf/a-3b (the audit YAML is embedded).")
@click.option("--attach-evidence", is_flag=True, help="PDF only: also embed the evidence files the audit names.")
@click.option(
    "--full",
    is_flag=True,
    help="PDF only: add the long annexes (framework crosswalk, every item with its answer, evidence images).",
)
@click.option("--no-evidence-images", is_flag=True, help="Do not show image evidence as thumbnails.")
@policy_option
@lang_option
@max_bytes_option
@outside_option
def report(
    audit,
    outputs,
    fmt,
    pdf_variant,
    archival,
    attach_evidence,
    full,
    no_evidence_images,
    policy_spec,
    lang,
    max_bytes,
    allow_outside_evidence,
) -> None:
    """Render the report of AUDIT: HTML, PDF, Markdown or JSON.

    The format follows the output file's extension (.html, .pdf, .md, .json) unless --format
    says otherwise. Without -o the report goes to standard output when that is a file or a pipe;
    on a terminal nothing is written and you are asked for -o. `-o -` writes to standard output
    (a PDF only when it is not a terminal). Repeat -o to write several formats from one reading
    of the audit. The PDF is the deliverable without the long annexes; --full adds them (the HTML
    always has them, collapsed).
    """
    from ..audit.evaluation import evaluate
    from ..audit.load import load_audit
    from ..files import check_output
    from ..render import BINARY, ReportOptions, format_for

    if not outputs:
        if sys.stdout.isatty():
            raise UsageError(Msg("report2.needs_output", audit=audit))
        outputs = ("-",)
    if len(outputs) > 1:
        if fmt:
            raise UsageError(Msg("report2.format_one_output"))
        seen = set()
        for output in outputs:
            key = output if output == "-" else str(Path(output).resolve())
            if key in seen:
                raise UsageError(Msg("report2.output_twice", path=output))
            seen.add(key)
    formats = [(output, format_for(output, fmt)) for output in outputs]
    if not any(f == "pdf" for _, f in formats):
        pdf_only = {"--pdf-variant": pdf_variant, "--archival": archival, "--attach-evidence": attach_evidence, "--full": full}
        for flag, given in pdf_only.items():
            if given:
                raise UsageError(Msg("report.pdf_only", option=flag))
    if archival:
        if pdf_variant not in (None, "pdf/a-3b"):
            raise UsageError(Msg("report.archival_conflict"))
        pdf_variant = "pdf/a-3b"
    for output, f in formats:
        if output == "-" and f in BINARY and sys.stdout.isatty():
            raise UsageError(Msg("report.pdf_tty"))
    for output, _ in formats:
        check_output(output)  # a folder, or a folder that does not exist: say so before the work
    loaded = load_audit(audit, allow_outside=allow_outside_evidence, max_bytes=max_bytes)
    for output, _ in formats:
        check_output(output)  # now that the audit, its checklists and evidence are read: none is overwritten
    options = ReportOptions(
        allow_outside_evidence=allow_outside_evidence,
        evidence_images=not no_evidence_images,
        pdf_variant=pdf_variant,
        attach_evidence=attach_evidence,
        policy=policy_spec,
        full=full,
    )
    evaluation = evaluate(loaded)
    if any(f == "pdf" for _, f in formats):
        from ..render.pdf import hangul_font_missing

        if hangul_font_missing(evaluation, lang):
            echo(t("report.no_hangul_font", lang), err=True)
    for output, f in formats:
        _write(output, f, evaluation, lang, options)


def _write(output: str, fmt: str, evaluation, lang: str, options) -> None:
    """Render one format and write it to ``output`` (atomically) or to standard output."""
    from ..files import atomic_write
    from ..render import BINARY, render
    from ..text import output_safe

    if fmt == "pdf" and sys.stderr.isatty():
        from ..render.progress import pdf_progress

        with pdf_progress(lambda key, **kw: t(key, lang, **kw)):
            data = render(fmt, evaluation, lang, options)
    else:
        data = render(fmt, evaluation, lang, options)
    if output == "-":
        sys.stdout.flush()
        binary = getattr(sys.stdout, "buffer", None)
        if fmt not in BINARY:  # text that may reach a terminal: escapes shown escaped (JSON stays JSON)
            data = output_safe(data.decode("utf-8")).encode("utf-8")
        if binary is None:  # a text-only stream (some embedding hosts): text formats still work
            if fmt in BINARY:
                raise UsageError(Msg("report.pdf_tty"))
            sys.stdout.write(data.decode("utf-8"))
        else:
            binary.write(data)
            binary.flush()
    else:
        atomic_write(output, data)
        echo(t("report.done", lang, path=output), err=True)


@click.command()
@lang_option
def doctor(lang) -> None:
    """Check what PDF reports need: a Hangul-capable font and WeasyPrint's system libraries.

    Exit 0 when both are present, 1 when either is missing.
    """
    from ..render.doctor import checks

    echo(t("doctor.title", lang))
    results = checks()
    for check in results:
        echo(t(check.key, lang, **check.values))
    problems = sum(1 for c in results if c.required and not c.ok)
    echo(t("doctor.problems", lang, n=problems) if problems else t("doctor.all_ok", lang))
    sys.exit(1 if problems else 0)


@click.command()
@click.argument("audit", type=click.Path(path_type=str))
@click.option("-o", "--output", required=True, help="The draft to write: .md, .html or .json (`-` for Markdown on stdout).")
@click.option("-f", "--format", "fmt", type=click.Choice(["md", "html", "json"]), default=None, help="Overrides the extension.")
@lang_option
@max_bytes_option
@outside_option
def haip(audit, output, fmt, lang, max_bytes, allow_outside_evidence) -> None:
    """Write a starting draft of the OECD HAIP report: AUDIT's answers along the framework's 7 sections.

    Each section lists what the audit's items say about it (notes and evidence) and the items still
    open. A draft for people to edit, not a submission.
    """
    from ..audit.evaluation import evaluate
    from ..audit.load import load_audit
    from ..files import atomic_write
    from ..render.haip import FORMATS, sections

    if fmt is None:
        fmt = {".html": "html", ".htm": "html", ".json": "json"}.get(Path(output).suffix.lower(), "md")
    evaluation = evaluate(load_audit(audit, allow_outside=allow_outside_evidence, max_bytes=max_bytes))
    data = FORMATS[fmt](evaluation, lang)
    if output == "-":
        echo(data.decode("utf-8"), nl=False)
        return
    atomic_write(output, data)
    parts = sections(evaluation)
    written = sum(1 for s in parts if s.answers)
    echo(t("haip.done", lang, path=output, sections=written, gaps=sum(len(s.gaps) for s in parts)), err=True)


COMMANDS = (report, doctor, haip)
