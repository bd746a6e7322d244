"""The built-in policies (``policy list|show``) and the pre-commit hooks' entry points (``hook validate|gate``)."""

from __future__ import annotations

from pathlib import Path

import click

from ..i18n import t
from .base import echo, lang_option, max_bytes_option, outside_option
from .complete import complete_policy_preset
from .gate import format_option, gate_policy_option, run_and_report, soft_fail_option, today_option


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
@gate_policy_option
@format_option("FMT", "text or github (repeatable; default: text).")
@soft_fail_option
@today_option
@lang_option
@max_bytes_option
@outside_option
def hook_gate(files, policy_spec, formats, soft_fail, today, lang, max_bytes, allow_outside_evidence) -> None:
    """Gate the changed audits among FILES, every audit citing a changed file as evidence, and every
    audit of the repository when the policy file itself changed."""
    from ..gate.hook import audits_to_check, repository_files, select

    audits, cites = audits_to_check(files, max_bytes=max_bytes)
    policy_path = Path(policy_spec)
    if not policy_spec.startswith("preset:") and any(Path(f).resolve() == policy_path.resolve() for f in files):
        audits = select(repository_files(), ("audit",), max_bytes)
    if not audits:
        echo(t("ci.hook.skipped", lang, count=len(files)), err=True)
        return
    for audit, evidence in cites.items():
        echo(t("ci.hook.cites", lang, audit=audit, evidence=", ".join(evidence)), err=True)
    run_and_report(
        audits,
        policy_spec,
        formats,
        lang=lang,
        soft_fail=soft_fail,
        category=None,
        today=today,
        max_bytes=max_bytes,
        allow_outside=allow_outside_evidence,
    )


COMMANDS = (policy_group, hook_group)
