"""GitHub Actions gate output: workflow-command annotations, and a Markdown job summary.

``format`` returns one annotation per finding — ``::error``, ``::warning`` or ``::notice`` after the
finding's SARIF level (waived violations are notices) — and the verdict. Unusable input (exit 2)
gives one ``::error`` per diagnostic, on its file and line. ``summary`` returns the Markdown that
:func:`aiaudit.gate.outputs.write_outputs` appends to ``$GITHUB_STEP_SUMMARY``. GitHub shows at
most 10 error and 10 warning annotations per step; the summary lists everything.

Text from files reaches the summary through :func:`md_text`: every ASCII punctuation character is
backslash-escaped (CommonMark renders each as itself), so no link, image, HTML tag, table break or
autolink can be formed, and nothing is turned into an HTML entity that would show as ``&amp;``.
"""

from __future__ import annotations

import re

from ...i18n import localize, t
from ...policy.rules import FAIL, GateResult
from ...policy.verdict import verdict_of
from ...text import LINKISH, log_safe, md_code, one_line, terminal_safe
from ..findings import GateFailure, display_path, findings, verdict

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(value: str) -> str:
    """Escape a workflow command's message (actions/toolkit ``escapeData``)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow command's property value (actions/toolkit ``escapeProperty``)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(command: str, file: str, line: int, col: int, title: str, message: str) -> str:
    """One workflow command: ``::error file=F,line=L,endLine=L,col=C,title=T::message``, escaped."""
    props = ",".join(
        f"{k}={escape_property(terminal_safe(str(v)))}"
        for k, v in (("file", display_path(file)), ("line", line), ("endLine", line), ("col", col), ("title", title))
    )
    return f"::{command} {props}::{escape_data(terminal_safe(message))}"


def format(result: GateResult, lang: str) -> str:
    """Workflow commands for every finding, then the verdict as a plain log line."""
    lines = []
    for finding in findings(result, waived=True):
        file, line, col = finding.where
        title = f"aiaudit {finding.check_id}"
        lines.append(annotation(_COMMAND[finding.level], file, line, col, title, localize(finding.message, lang)))
    lines.append(log_safe(verdict(result).text(lang)))
    return "\n".join(lines) + "\n"


def format_failure(failure: GateFailure, lang: str) -> str:
    """One ``::error`` per diagnostic of unusable input, then the verdict."""
    lines = [
        annotation(
            "error" if d.severity == "error" else "warning",
            d.file,
            d.line,
            d.col,
            f"aiaudit {d.code}",
            localize(d.message, lang),
        )
        for d in failure.diagnostics
    ]
    lines.append(log_safe(verdict(failure).text(lang)))
    return "\n".join(lines) + "\n"


# --- the job summary ----------------------------------------------------------------------------

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def md_text(value: object) -> str:
    """One line of text, inert in GitHub-flavoured Markdown: ASCII punctuation backslash-escaped.

    CommonMark lets any ASCII punctuation be escaped and renders it as itself; escaped, ``[`` ``!``
    ``<`` ``&`` ``|`` ``:`` ``.`` ``@`` cannot start a link, an image, an HTML tag or entity, a table
    cell or an autolink. A word GitHub links after rendering (``@mention``, ``#12``) or on its own
    (``https://…``, ``www.…``, an e-mail address) is shown as code instead. Control characters are
    shown escaped first.
    """
    words = terminal_safe(one_line(value)).split(" ")
    return " ".join(md_code(w) if LINKISH.search(w) else _PUNCTUATION.sub(r"\\\1", w) for w in words)


def code(value: object) -> str:
    """A code span in a table cell: no backtick can end it, no pipe can split the row."""
    return "`" + log_safe(str(value)).replace("`", "'").replace("|", "\\|") + "`"


def summary(result: GateResult | GateFailure, lang: str) -> str:
    """The gate result as GitHub-flavoured Markdown for the job summary."""
    if isinstance(result, GateFailure):
        return _failure_summary(result, lang)

    def md(value: object) -> str:
        return md_text(localize(value, lang))

    icon = {"pass": "✅", "fail": "❌", "waived": "⚪"}
    label = {k: t(f"gate.outcome.{k}", lang) for k in icon}
    overall = result.evaluation.overall.percent
    lines = [
        f"## {icon['pass' if result.passed else 'fail']} {md(t('gate.md.title', lang))}",
        "",
        md(t("gate.header", lang, audit=display_path(result.audit_file), policy=result.policy.label, today=result.today)),
        "",
        f"**{md(t('gate.md.overall', lang))}:** {'-' if overall is None else f'{overall:.1f}%'} · **{md(verdict(result))}**"
        f" · {md(t('verdict.label', lang))}: **{md(verdict_of(result).headline)}**",
        "",
        f"| {md(t('gate.md.result', lang))} | {md(t('gate.md.rule', lang))} | {md(t('gate.md.details', lang))} |",
        "|---|---|---|",
    ]
    for rule in result.rules:
        lines.append(f"| {icon[rule.outcome]} {md(label[rule.outcome])} | {code(rule.id)} | {md(rule.message)} |")
    violations = [f for f in findings(result, waived=True) if f.violation is not None]
    if violations:
        lines += [
            "",
            f"### {md(t('gate.md.violations', lang))}",
            "",
            f"| {md(t('gate.md.result', lang))} | {md(t('gate.md.location', lang))} "
            f"| {md(t('gate.md.rule', lang))} | {md(t('gate.md.details', lang))} |",
            "|---|---|---|---|",
        ]
        for f in violations:
            file, line, _ = f.where
            outcome = FAIL if f.outcome == FAIL else "waived"
            lines.append(
                f"| {icon[outcome]} {md(label[outcome])} | {code(display_path(file) + ':' + str(line))} "
                f"| {code(f.check_id)} | {md(f.message)} |"
            )
    return "\n".join(lines) + "\n\n"


def _failure_summary(failure: GateFailure, lang: str) -> str:
    lines = [
        f"## ❌ {md_text(t('ci.md.unusable_title', lang))}",
        "",
        f"**{md_text(verdict(failure).text(lang))}**",
        "",
        f"| {md_text(t('gate.md.location', lang))} | {md_text(t('ci.md.code', lang))} | {md_text(t('ci.md.problem', lang))} |",
        "|---|---|---|",
    ]
    for d in failure.diagnostics:
        where = f"{display_path(d.file)}:{d.line}:{d.col}"
        lines.append(f"| {code(where)} | {code(d.code)} | {md_text(localize(d.message, lang))} |")
    return "\n".join(lines) + "\n\n"
