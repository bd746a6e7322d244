"""Gate output formats: one module per format, each with ``format(result) -> str``, and a registry.

Formats only return text; :func:`write_outputs` decides where it goes, and the CLI decides the exit
code. ``--format FMT[:FILE]`` may be given several times: ``sarif:out.sarif``, ``junit:out.xml``,
``text`` (no file: standard output).
"""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ...diagnostics import UsageError
from ...i18n import Msg
from ...policy.rules import FAIL, GateResult, RuleResult, Violation

#: Format name → "module:function"; each function takes a GateResult and returns text.
FORMATS = {
    "text": "aiaudit.gate.outputs.text:format",
    "json": "aiaudit.gate.outputs.json:format",
    "junit": "aiaudit.gate.outputs.junit:format",
    "sarif": "aiaudit.gate.outputs.sarif:format",
    "github": "aiaudit.gate.outputs.github:format",
    "gitlab": "aiaudit.gate.outputs.gitlab:format",
}


#: Formats whose outputs for several audits can simply be concatenated.
CONCATENABLE = ("text", "github")


def parse_spec(spec: str) -> tuple[str, str | None]:
    """``"sarif:out.sarif"`` → ``("sarif", "out.sarif")``; ``"text"`` → ``("text", None)``."""
    fmt, sep, path = spec.partition(":")
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise UsageError(Msg("gate.error.unknown_format", fmt=fmt, spec=spec, choices=", ".join(FORMATS)))
    if sep and not path:
        raise UsageError(Msg("gate.error.format_no_file", spec=spec, fmt=fmt))
    return fmt, (path if path and path != "-" else None)


def render(fmt: str, result: GateResult) -> str:
    """``result`` in format ``fmt``."""
    module, func = FORMATS[fmt].split(":")
    return getattr(importlib.import_module(module), func)(result)


def check_specs(specs: list[tuple[str, str | None]], audits: int) -> None:
    """Refuse output combinations that cannot work, before any audit is checked."""
    if audits > 1:
        single = sorted({fmt for fmt, _ in specs if fmt not in CONCATENABLE})
        if single:
            raise UsageError(Msg("gate.error.one_audit_format", formats=", ".join(single)))
    targets = [path for _, path in specs if path is not None]
    if len(set(targets)) != len(targets):
        raise UsageError(Msg("gate.error.same_output"))
    for path in targets:
        folder = Path(path).parent
        if not folder.is_dir():
            raise UsageError(Msg("gate.error.no_output_folder", path=path, folder=str(folder)))
        if Path(path).is_dir():
            raise UsageError(Msg("gate.error.output_is_dir", path=path))


def write_outputs(results: list[GateResult], specs: list[tuple[str, str | None]]) -> tuple[list[str], list[tuple[str, str]]]:
    """Write every requested output; return (texts for standard output, [(file, format)] written).

    Files are written atomically. With a ``github`` output and ``$GITHUB_STEP_SUMMARY`` set, the
    Markdown summary is appended to that file. Several results only go to concatenable formats.
    """
    from ...files import atomic_write

    check_specs(specs, len(results))
    rendered = [(fmt, path, ("\n" if fmt == "text" else "").join(render(fmt, r) for r in results)) for fmt, path in specs]
    stdout: list[str] = []
    written: list[tuple[str, str]] = []
    for fmt, path, text in rendered:
        if path is None:
            stdout.append(text)
            continue
        try:
            atomic_write(path, text)
        except OSError as exc:
            raise UsageError(Msg("gate.error.cannot_write", path=path, reason=str(exc.strerror or exc))) from None
        written.append((path, fmt))
    if any(fmt == "github" for fmt, _ in specs) and os.environ.get("GITHUB_STEP_SUMMARY"):
        from .github import summary

        try:
            with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as fh:
                fh.write("".join(summary(result) for result in results))
        except OSError as exc:
            raise UsageError(Msg("gate.error.step_summary", reason=str(exc.strerror or exc))) from None
    return stdout, written


# --- helpers shared by the formats ------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing to report: a violation of a rule, or a rule that failed as a whole."""

    rule: RuleResult
    violation: Violation | None = None

    @property
    def outcome(self) -> str:
        return self.violation.outcome if self.violation is not None else self.rule.outcome

    @property
    def message(self) -> str:
        return self.violation.message if self.violation is not None else self.rule.message

    @property
    def where(self) -> tuple[str, int, int]:
        return self.violation.where if self.violation is not None else self.rule.where

    @property
    def subject(self) -> str:
        return self.violation.subject if self.violation is not None else ""

    @property
    def item(self):
        return self.violation.item if self.violation is not None else None

    @property
    def fingerprint(self) -> str:
        """Stable across edits of the file: from the rule id and the item (or clause) id."""
        key = self.violation.key if self.violation is not None else ""
        return hashlib.sha256(f"{self.rule.id}|{self.subject}|{key}".encode()).hexdigest()[:32]


def findings(result: GateResult, waived: bool = True) -> Iterator[Finding]:
    """Every violation (failed, and waived if asked), and every failed rule without violations."""
    for rule in result.rules:
        if rule.violations:
            for v in rule.violations:
                if v.outcome == FAIL or waived:
                    yield Finding(rule, v)
        elif not rule.passed:
            yield Finding(rule, None)


def verdict(result: GateResult) -> str:
    """The one-line verdict: passed (with the number of waived violations) or failed."""
    from ...i18n import t

    if result.passed:
        key = "gate.summary.pass_waived" if result.waived_count else "gate.summary.pass"
        return t(key, result.lang, rules=len(result.rules), waived=result.waived_count)
    return t("gate.summary.fail", result.lang, failed=len(result.failed_rules), rules=len(result.rules))


def display_path(name: str) -> str:
    """A file name as CI systems want it: relative to the working directory, with ``/``."""
    path = Path(name)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return path.as_posix()
    return path.as_posix().removeprefix("./")
