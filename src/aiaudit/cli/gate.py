"""The CI policy gate: ``aiaudit gate`` (the built-in policies and the pre-commit hooks' entry points
are :mod:`.hook`: a gate run defines only its own command)."""

from __future__ import annotations

import sys

import click

from ..diagnostics import EXIT_INVALID
from ..i18n import t
from .base import IsoDate, echo, echo_diagnostics, echo_format, lang_option, max_bytes_option, outside_option
from .complete import complete_gate_format, complete_policy

gate_policy_option = click.option(
    "-p",
    "--policy",
    "policy_spec",
    required=True,
    shell_complete=complete_policy,
    help="Policy file, or preset:NAME (see `aiaudit policy list`).",
)
soft_fail_option = click.option(
    "--soft-fail", is_flag=True, help="Exit 0 even when the policy is violated (input errors still exit 2)."
)
today_option = click.option(
    "--today",
    type=IsoDate(),
    default=None,
    metavar="YYYY-MM-DD",
    help="Check audit age and waivers as of this date.",
)


def format_option(metavar: str, help: str):
    """``-f/--format`` (repeatable) of the gate and of the pre-commit hook's gate."""
    return click.option(
        "-f", "--format", "formats", multiple=True, metavar=metavar, shell_complete=complete_gate_format, help=help
    )


def run_and_report(audits, policy_spec, formats, *, lang, soft_fail, category, today, max_bytes, allow_outside) -> None:
    """Gate every audit, write the outputs (``formats`` as given: ``FMT[:FILE]``; unusable input
    included), print, and exit 0, 1 or 2."""
    from ..diagnostics import DiagnosticError
    from ..files import check_output
    from ..gate import run_gate
    from ..gate.findings import GateFailure, verdict
    from ..gate.outputs import check_specs, parse_spec, write_outputs
    from ..policy.load import unusable

    specs = [parse_spec(s) for s in formats] or [("text", None)]
    check_specs(specs, len(audits))

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
@gate_policy_option
@format_option(
    "FMT[:FILE]", "text, json, junit, sarif, github or gitlab; FMT:FILE writes to FILE (repeatable; default: text on stdout)."
)
@click.option(
    "--sarif-category",
    default=None,
    metavar="CATEGORY",
    help="Code-scanning category of the SARIF log (runAutomationDetails.id); default: none, the upload picks one.",
)
@soft_fail_option
@today_option
@lang_option
@max_bytes_option
@outside_option
def gate_command(audits, policy_spec, formats, sarif_category, soft_fail, today, lang, max_bytes, allow_outside_evidence) -> None:
    """Check AUDITS against a policy for CI. Exit 0 passed, 1 policy violated, 2 unusable input.

    Several audits (as pre-commit passes them) work with the text and github formats.
    """
    run_and_report(
        audits,
        policy_spec,
        formats,
        lang=lang,
        soft_fail=soft_fail,
        category=sarif_category or None,
        today=today,
        max_bytes=max_bytes,
        allow_outside=allow_outside_evidence,
    )


COMMANDS = (gate_command,)
