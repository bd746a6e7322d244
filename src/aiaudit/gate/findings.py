"""What every gate output reports: the findings of a gate result, the verdict line, and file names as CI shows them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..i18n import Msg
from ..policy.rules import FAIL, GateResult, RuleResult, Violation


@dataclass(frozen=True)
class Finding:
    """One thing to report: a violation of a rule, or a rule that failed as a whole."""

    rule: RuleResult
    violation: Violation | None = None

    @property
    def outcome(self) -> str:
        return self.violation.outcome if self.violation is not None else self.rule.outcome

    @property
    def message(self) -> Msg:
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


def verdict(result: GateResult) -> Msg:
    """The one-line verdict: passed (with the number of waived violations) or failed."""
    if result.passed:
        key = "gate.summary.pass_waived" if result.waived_count else "gate.summary.pass"
        return Msg(key, rules=len(result.rules), waived=result.waived_count)
    return Msg("gate.summary.fail", failed=len(result.failed_rules), rules=len(result.rules))


def display_path(name: str) -> str:
    """A file name as CI systems want it: relative to the working directory, with ``/``."""
    path = Path(name)
    if path.is_absolute():
        try:
            path = path.relative_to(Path.cwd())
        except ValueError:
            return path.as_posix()
    return path.as_posix().removeprefix("./")
