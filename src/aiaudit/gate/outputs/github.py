"""GitHub Actions gate output: ``::error`` workflow commands, and a Markdown job summary.

``format`` returns one annotation per violation (``::notice`` for waived ones) and the verdict.
``summary`` returns the Markdown that :func:`aiaudit.gate.outputs.write_outputs` appends to
``$GITHUB_STEP_SUMMARY``. GitHub shows at most 10 error annotations per step; the summary lists all.
"""

from __future__ import annotations

from ...i18n import localize, t
from ...policy.rules import FAIL, GateResult
from ...text import log_safe, md_escape
from ..findings import display_path, findings, verdict


def escape_data(value: str) -> str:
    """Escape a workflow command's message (actions/toolkit ``escapeData``)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow command's property value (actions/toolkit ``escapeProperty``)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format(result: GateResult, lang: str) -> str:
    """Workflow commands for every violation, then the verdict as a plain log line."""
    lines = []
    for finding in findings(result, waived=True):
        file, line, col = finding.where
        command = "error" if finding.outcome == FAIL else "notice"
        props = ",".join(
            f"{k}={escape_property(str(v))}"
            for k, v in (("file", display_path(file)), ("line", line), ("col", col), ("title", f"aiaudit {finding.rule.id}"))
        )
        lines.append(f"::{command} {props}::{escape_data(localize(finding.message, lang))}")
    lines.append(verdict(result).text(lang))
    return "\n".join(lines) + "\n"


def summary(result: GateResult, lang: str) -> str:
    """The gate result as GitHub-flavoured Markdown for the job summary."""

    def md(value: object) -> str:
        return md_escape(localize(value, lang))

    def code(value: object) -> str:  # a code span in a table cell: no backtick can end it, no pipe can split the row
        return "`" + log_safe(str(value)).replace("`", "'").replace("|", "\\|") + "`"

    icon = {"pass": "✅", "fail": "❌", "waived": "⚪"}
    label = {k: t(f"gate.outcome.{k}", lang) for k in icon}
    overall = result.evaluation.overall.percent
    lines = [
        f"## {icon['pass' if result.passed else 'fail']} {md(t('gate.md.title', lang))}",
        "",
        md(t("gate.header", lang, audit=display_path(result.audit_file), policy=result.policy.label, today=result.today)),
        "",
        f"**{md(t('gate.md.overall', lang))}:** {'-' if overall is None else f'{overall:.1f}%'} · **{md(verdict(result))}**",
        "",
        f"| {md(t('gate.md.result', lang))} | {md(t('gate.md.rule', lang))} | {md(t('gate.md.details', lang))} |",
        "|---|---|---|",
    ]
    for rule in result.rules:
        lines.append(f"| {icon[rule.outcome]} {md(label[rule.outcome])} | {code(rule.id)} | {md(rule.message)} |")
    violations = list(findings(result, waived=True))
    if any(f.violation is not None for f in violations):
        lines += [
            "",
            f"### {md(t('gate.md.violations', lang))}",
            "",
            f"| {md(t('gate.md.result', lang))} | {md(t('gate.md.location', lang))} "
            f"| {md(t('gate.md.rule', lang))} | {md(t('gate.md.details', lang))} |",
            "|---|---|---|---|",
        ]
        for f in violations:
            if f.violation is None:
                continue
            file, line, _ = f.where
            lines.append(
                f"| {icon[f.outcome]} {md(label[f.outcome])} | {code(display_path(file) + ':' + str(line))} "
                f"| {code(f.rule.id)} | {md(f.message)} |"
            )
    return "\n".join(lines) + "\n\n"
