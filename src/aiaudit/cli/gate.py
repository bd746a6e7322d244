"""The CI policy gate: ``aiaudit gate``, the built-in policies (``policy list|show``), and the
pre-commit hooks' entry points (``hook validate|gate``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..diagnostics import EXIT_INVALID
from ..i18n import t
from .base import IsoDate, echo, echo_diagnostics, echo_format, lang_option, max_bytes_option, outside_option
from .complete import complete_gate_format, complete_policy, complete_policy_preset

_policy_option = click.option(
    "-p",
    "--policy",
    "policy_spec",
    required=True,
    shell_complete=complete_policy,
    help="Policy file, or preset:NAME (see `aiaudit policy list`).",
)
_soft_fail_option = click.option(
    "--soft-fail", is_flag=True, help="Exit 0 even when the policy is violated (input errors still exit 2)."
)
_today_option = click.option(
    "--today",
    type=IsoDate(),
    default=None,
    metavar="YYYY-MM-DD",
    help="Check audit age and waivers as of this date.",
)


def run_and_report(audits, policy_spec, specs, *, lang, soft_fail, category, today, max_bytes, allow_outside) -> None:
    """Gate every audit, write the outputs (unusable input included), print, and exit 0, 1 or 2."""
    from ..diagnostics import DiagnosticError
    from ..files import check_output
    from ..gate import run_gate
    from ..gate.findings import GateFailure, verdict
    from ..gate.outputs import write_outputs
    from ..policy.load import unusable

    results = []
    problems = []
    for audit in audits:
        try:
            results.append(run_gate(audit, policy_spec, today=today, allow_outside=allow_outside, max_bytes=max_bytes))
        except DiagnosticError as exc:  # unusable input: reported by every output too, then exit 2
            results.append(GateFailure(audit, policy_spec, tuple(exc.diagnostics)))
            problems.extend(d for d in exc.diagnostics if d not in problems)
    for _fmt, path in specs:  # the audits, the policy, checklists and evidence are read now: none is overwritten
        if path is not None:
            check_output(path)
    stdout, written = write_outputs(results, specs, lang, category)
    for text in stdout:
        echo_format(text)
    for result in results:
        if isinstance(result, GateFailure):
            continue
        if ("text", None) not in specs:
            echo_diagnostics(result.warnings, lang, err=True)
        if not stdout:
            echo(verdict(result).text(lang), err=True)
    for path, fmt in written:
        echo(t("gate.wrote", lang, path=path, fmt=fmt), err=True)
    if problems:
        raise unusable(problems)
    if not all(result.passed for result in results):
        if soft_fail:
            echo(t("gate.soft_fail", lang), err=True)
            sys.exit(0)
        sys.exit(EXIT_INVALID)


@click.command("gate")
@click.argument("audits", nargs=-1, required=True, type=click.Path(path_type=str))
@_policy_option
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    metavar="FMT[:FILE]",
    shell_complete=complete_gate_format,
    help="text, json, junit, sarif, github or gitlab; FMT:FILE writes to FILE (repeatable; default: text on stdout).",
)
@click.option(
    "--sarif-category",
    default=None,
    metavar="CATEGORY",
    help="Code-scanning category of the SARIF log (runAutomationDetails.id); default: none, the upload picks one.",
)
@_soft_fail_option
@_today_option
@lang_option
@max_bytes_option
@outside_option
def gate_command(audits, policy_spec, formats, sarif_category, soft_fail, today, lang, max_bytes, allow_outside_evidence) -> None:
    """Check AUDITS against a policy for CI. Exit 0 passed, 1 policy violated, 2 unusable input.

    Several audits (as pre-commit passes them) work with the text and github formats.
    """
    from ..gate.outputs import check_specs, parse_spec

    specs = [parse_spec(s) for s in formats] or [("text", None)]
    check_specs(specs, len(audits))
    run_and_report(
        audits,
        policy_spec,
        specs,
        lang=lang,
        soft_fail=soft_fail,
        category=sarif_category or None,
        today=today,
        max_bytes=max_bytes,
        allow_outside=allow_outside_evidence,
    )


@click.group("policy")
def policy_group() -> None:
    """Built-in policy presets for `aiaudit gate --policy preset:NAME`."""


@policy_group.command("list")
@lang_option
def policy_list(lang) -> None:
    """List the built-in policy presets."""
    from ..policy.load import presets

    entries = presets()
    width = max((len(name) for name, _ in entries), default=0)
    echo(t("policy.list.header", lang))
    for name, title in entries:
        echo(f"  {name:<{width}}  {title.get(lang) if title else ''}".rstrip())


@policy_group.command("show")
@click.argument("name", shell_complete=complete_policy_preset)
def policy_show(name) -> None:
    """Print the YAML of a built-in preset (NAME or preset:NAME)."""
    from ..policy.load import PRESET_PREFIX, preset_text

    echo(preset_text(name.removeprefix(PRESET_PREFIX)), nl=False)


# --- pre-commit hook entry points ---------------------------------------------------------------


@click.group("hook")
def hook_group() -> None:
    """Entry points of the pre-commit hooks: they pick aiaudit files by content (top-level `kind:`)."""


@hook_group.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=str))
@max_bytes_option
@outside_option
@lang_option
@click.pass_context
def hook_validate(ctx, files, max_bytes, allow_outside_evidence, lang) -> None:
    """Validate the FILES whose top-level `kind:` is audit, policy, checklist, rubric or framework; ignore the rest."""
    from ..gate.hook import select
    from .validate import validate

    selected = select(files, max_bytes=max_bytes)
    if not selected:
        echo(t("ci.hook.skipped", lang, count=len(files)), err=True)
        return
    ctx.invoke(
        validate,
        files=tuple(selected),
        fmt="text",
        quiet=True,
        max_bytes=max_bytes,
        allow_outside_evidence=allow_outside_evidence,
        lang=lang,
    )


@hook_group.command("gate")
@click.argument("files", nargs=-1, type=click.Path(path_type=str))
@_policy_option
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    metavar="FMT",
    shell_complete=complete_gate_format,
    help="text or github (repeatable; default: text).",
)
@_soft_fail_option
@_today_option
@lang_option
@max_bytes_option
@outside_option
def hook_gate(files, policy_spec, formats, soft_fail, today, lang, max_bytes, allow_outside_evidence) -> None:
    """Gate the changed audits among FILES, every audit citing a changed file as evidence, and every
    audit of the repository when the policy file itself changed."""
    from ..gate.hook import audits_to_check, repository_files, select
    from ..gate.outputs import check_specs, parse_spec

    audits, cites = audits_to_check(files, max_bytes=max_bytes)
    policy_path = Path(policy_spec)
    if not policy_spec.startswith("preset:") and any(Path(f).resolve() == policy_path.resolve() for f in files):
        audits = select(repository_files(), ("audit",), max_bytes)
    if not audits:
        echo(t("ci.hook.skipped", lang, count=len(files)), err=True)
        return
    for audit, evidence in cites.items():
        echo(t("ci.hook.cites", lang, audit=audit, evidence=", ".join(evidence)), err=True)
    specs = [parse_spec(s) for s in formats] or [("text", None)]
    check_specs(specs, len(audits))
    run_and_report(
        audits,
        policy_spec,
        specs,
        lang=lang,
        soft_fail=soft_fail,
        category=None,
        today=today,
        max_bytes=max_bytes,
        allow_outside=allow_outside_evidence,
    )


COMMANDS = (gate_command, policy_group, hook_group)
