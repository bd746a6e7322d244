"""Grading a class: ``aiaudit grade`` and the built-in rubrics (``rubric list|show``)."""

from __future__ import annotations

import sys

import click

from ..i18n import Msg, localize, t
from .base import echo, echo_diagnostics, lang_option, max_bytes_option
from .complete import complete_rubric, complete_rubric_preset


@click.command()
@click.argument("submissions", type=click.Path(path_type=str))
@click.option(
    "--rubric",
    "rubric_source",
    required=True,
    shell_complete=complete_rubric,
    help="A rubric file, or preset:NAME (see `aiaudit rubric list`).",
)
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=str), help="Output folder.")
@click.option("--overrides", type=click.Path(path_type=str), help="YAML or CSV file: manual points and comments per team.")
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
@click.option(
    "--team-timeout",
    type=click.FloatRange(min=0),
    default=120,
    show_default=True,
    metavar="SECONDS",
    help="Stop grading a team after this long and flag it (E605); 0: no limit.",
)
@lang_option
@max_bytes_option
def grade(
    submissions, rubric_source, out, overrides, jobs, pdf, excel, deadline, submitted_from, team_timeout, lang, max_bytes
) -> None:
    """Grade a class: every team's audit in SUBMISSIONS against a rubric.

    SUBMISSIONS holds one folder (or one audit YAML file) per team. Writes OUT/grades.csv,
    OUT/overview.html and OUT/feedback/<team>.html (and .pdf with --pdf). Broken submissions are
    listed and graded by the rubric's `invalid` rule; the batch always completes: each team is
    graded in its own worker process, and one that crashes or runs past --team-timeout is flagged.
    """
    from ..diagnostics import UsageError
    from ..files import check_grading_output
    from ..grading.batch import run
    from ..grading.overrides import load_overrides
    from ..grading.rubric import deadline_option, load_rubric
    from ..paths import PRESET_PREFIX

    inputs = [p for p in (rubric_source, overrides) if p and not p.startswith(PRESET_PREFIX)]
    check_grading_output(submissions, out, inputs)
    rubric_obj = load_rubric(rubric_source, max_bytes=max_bytes)
    if deadline is not None:
        rubric_obj = rubric_obj.with_deadline(deadline_option(deadline))
    loaded_overrides = load_overrides(overrides, rubric_obj, max_bytes=max_bytes) if overrides else None
    if pdf:
        try:
            import weasyprint  # noqa: F401
        except Exception as exc:  # ImportError, or missing system libraries (OSError)
            raise UsageError(Msg("grading.cli.pdf_missing", error=str(exc))) from None
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
            time_limit=team_timeout or None,
            on_start=start,
            on_result=lambda _: bar.update(1) if bar is not None else None,
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for entry in result.ignored:
        echo(t("grading.cli.ignored", lang, entry=localize(entry, lang)), err=True)
    echo_diagnostics(result.warnings, lang, err=True)
    for g in result.grades:
        if g.broken:
            problem = g.errors[0].format(lang) if g.errors else ""
            status = t(f"grading.status.{g.status}", lang)
            echo(t("grading.cli.broken", lang, team=g.team, status=status, problem=problem), err=True)
    if result.pairs:
        echo(t("grading.cli.pairs", lang, n=len(result.pairs)), err=True)
    echo(
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


@click.group("rubric")
def rubric_group() -> None:
    """Built-in grading rubrics: list them, or print one to copy and adapt."""


@rubric_group.command("list")
@lang_option
def rubric_list(lang) -> None:
    """List the built-in rubrics."""
    from ..grading.rubric import PRESET_PREFIX, load_rubric, preset_names

    echo(t("grading.cli.rubric_header", lang))
    for name in preset_names():
        r = load_rubric(f"{PRESET_PREFIX}{name}")
        echo(f"  {name:<24} {r.title.get(lang)} ({t('grading.points_total', lang, points=r.max_points)})")


@rubric_group.command("show")
@click.argument("name", shell_complete=complete_rubric_preset)
def rubric_show(name) -> None:
    """Print a built-in rubric's YAML (NAME or preset:NAME)."""
    from ..grading.rubric import PRESET_PREFIX, preset_text

    echo(preset_text(name.removeprefix(PRESET_PREFIX)), nl=False)


COMMANDS = (grade, rubric_group)
