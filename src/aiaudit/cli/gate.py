"""The CI policy gate: ``aiaudit gate`` and the built-in policies (``policy list|show``)."""

from __future__ import annotations

import sys

import click

from ..diagnostics import EXIT_INVALID
from ..i18n import t
from .base import echo, echo_diagnostics, lang_option, max_bytes_option, outside_option


@click.command("gate")
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
    from ..files import check_output
    from ..gate import run_gate
    from ..gate.findings import verdict
    from ..gate.outputs import check_specs, parse_spec, write_outputs

    specs = [parse_spec(s) for s in formats] or [("text", None)]
    check_specs(specs, len(audits))
    options = {"today": today.date() if today else None, "allow_outside": allow_outside_evidence}
    results = [run_gate(audit, policy_spec, max_bytes=max_bytes, **options) for audit in audits]
    for _fmt, path in specs:  # the audits, the policy, checklists and evidence are read now: none is overwritten
        if path is not None:
            check_output(path)
    stdout, written = write_outputs(results, specs, lang)
    for text in stdout:
        echo(text, nl=False)
    for result in results:
        if ("text", None) not in specs:
            echo_diagnostics(result.warnings, lang, err=True)
        if not stdout:
            echo(verdict(result).text(lang), err=True)
    for path, fmt in written:
        echo(t("gate.wrote", lang, path=path, fmt=fmt), err=True)
    if not all(result.passed for result in results):
        if soft_fail:
            echo(t("gate.soft_fail", lang), err=True)
            sys.exit(0)
        sys.exit(EXIT_INVALID)


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
@click.argument("name")
def policy_show(name) -> None:
    """Print the YAML of a built-in preset (NAME or preset:NAME)."""
    from ..policy.load import PRESET_PREFIX, preset_text

    echo(preset_text(name.removeprefix(PRESET_PREFIX)), nl=False)


COMMANDS = (gate_command, policy_group)
