"""What gate outputs report: findings and checks of a result, the verdict, file names and regions for CI.

Two views of one :class:`~aiaudit.policy.rules.GateResult`:

* :func:`findings` — what is wrong (standing and waived violations, rules failed as a whole):
  SARIF results, GitHub annotations, GitLab issues.
* :func:`checks` — everything a rule checked, passed or not, one per (policy rule, subject):
  JUnit test cases, so that fixing an item turns its case green instead of removing it.

Both name a check with :func:`check_id` — the policy rule id, then the item or clause id
(``must-meet/severity/high/SEC-01``, ``cover/eu-ai-act/EUAIA-ART9``, ``min-score/overall``). The id
never depends on the language, a threshold or a line number, so CI history and code-scanning alerts
follow the check across runs.

A gate that cannot run (an unusable audit or policy, exit 2) is a :class:`GateFailure`: its
diagnostics are reported by the same outputs.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import field
from pathlib import Path

from ..diagnostics import Diagnostic
from ..digest import sha256_hex
from ..i18n import Msg
from ..model import Item
from ..policy.rules import FAIL, PASS, WAIVED, GateResult, RuleResult, Violation, answered_findings
from ..records import record

#: A check that did not run for a subject (e.g. an evidence file without a recorded sha256).
SKIPPED = "skipped"

#: Item severity → SARIF ``level`` (documented in docs/ci.md). Findings without an item (a rule
#: failed as a whole, an uncovered clause, unusable input) are ``error``; waived findings ``note``.
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}


def check_id(rule_id: str, subject: str = "") -> str:
    """The id of one (policy rule, subject) check: ``rule_id/subject``, or ``rule_id`` alone.

    A rule about one item (``must-meet/item/SEC-01``, ``waiver/SEC-01``) does not repeat it.
    """
    if not subject or rule_id == subject or rule_id.endswith("/" + subject):
        return rule_id
    return f"{rule_id}/{subject}"


def check_name(identifier: str) -> str:
    """A readable, language-independent name for a check: ``must-meet/severity/high/SEC-01`` → ``MustMeetSeverityHigh/SEC-01``.

    Rule-id segments (lower-case words joined by ``-``) become PascalCase; item and clause ids
    (which hold capitals) are kept as they are.
    """
    rule_part: list[str] = []
    rest: list[str] = []
    for segment in identifier.split("/"):
        if rest or segment != segment.lower():
            rest.append(segment)
        else:
            rule_part.append("".join(word[:1].upper() + word[1:] for word in segment.replace("_", "-").split("-")))
    return "/".join(["".join(rule_part), *rest]) if rule_part else identifier


@record
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
    def item(self) -> Item | None:
        return self.violation.item if self.violation is not None else None

    @property
    def check_id(self) -> str:
        return check_id(self.rule.id, self.subject)

    @property
    def level(self) -> str:
        """SARIF level: ``note`` when waived, else from the item's severity (``error`` without an item)."""
        if self.outcome == WAIVED:
            return "note"
        return LEVEL[self.item.severity] if self.item is not None else "error"

    @property
    def fingerprint(self) -> str:
        """Stable across edits of the file: from the rule id, the subject and its key (never a line number)."""
        key = self.violation.key if self.violation is not None else ""
        return sha256_hex(f"{self.rule.id}|{self.subject}|{key}".encode())[:32]


def findings(result: GateResult, waived: bool = True) -> Iterator[Finding]:
    """Every violation (failed, and waived if asked), and every failed rule without a failing violation."""
    for rule in result.rules:
        for v in rule.violations:
            if v.outcome == FAIL or waived:
                yield Finding(rule, v)
        if not rule.passed and not rule.failures:
            yield Finding(rule, None)


# --- checks: one per (policy rule, subject) -----------------------------------------------------


@record
class Check:
    """One (policy rule, subject) pair with its outcome: ``pass``, ``fail``, ``waived`` or ``skipped``."""

    rule: RuleResult
    outcome: str
    subject: str = ""
    key: str = ""  # tells apart several checks of one subject (an evidence path)
    violation: Violation | None = None
    message: Msg | None = None  # why it failed, was waived or skipped (None when it passed)

    @property
    def id(self) -> str:
        return check_id(self.rule.id, self.subject)

    @property
    def name(self) -> str:
        """The stable test-case name: the check id, and the key when a subject has several checks."""
        return f"{self.id} {self.key}" if self.key else self.id

    @property
    def where(self) -> tuple[str, int, int]:
        return self.violation.where if self.violation is not None else self.rule.where


def _universe(rule: RuleResult, result: GateResult) -> list[tuple[str, str, Msg | None]]:
    """The subjects a rule checks, as ``(subject, key, reason it was skipped or None)``.

    Only passing subjects come from here; every violation the rule reports is a check too, so a
    subject missing here can never hide a failure.
    """
    evaluation = result.evaluation
    parts = rule.id.split("/")
    if rule.kind == "must-meet" and parts[:2] == ["must-meet", "severity"] and len(parts) == 3:
        return [(r.item.id, "", None) for r in evaluation.applicable if r.item.severity == parts[2]]
    if rule.kind == "evidence-required" and len(parts) == 2:
        group = [r for r in evaluation.applicable if r.item.severity == parts[1] and r.item.evidence != "none"]
        return [(r.item.id, "", None) for r in group]
    if rule.kind in ("finding-fields", "overdue-remediation"):
        found = answered_findings(evaluation)
        if rule.kind == "finding-fields" and len(parts) == 2:
            return [(r.item.id, "", None) for r in found if r.item.severity == parts[1]]
        return [(r.item.id, "", None) for r in found if r.answer is not None and r.answer.due]
    if rule.kind == "cover" and len(parts) == 2:
        return [(row.clause_id, "", None) for row in _covered_rows(result, parts[1])]
    if rule.kind == "evidence-integrity":
        out: list[tuple[str, str, Msg | None]] = []
        for r in evaluation.results:
            for e in r.answer.evidence if r.answer is not None else ():
                if e.path is None:
                    continue
                unrecorded = e.sha256 is None and e.size is None
                out.append((r.item.id, e.path, Msg("ci.junit.unrecorded", item=r.item.id, path=e.path) if unrecorded else None))
        return out
    return []


def _covered_rows(result: GateResult, framework_id: str) -> list:
    from ..library.catalog import frameworks

    catalog = frameworks()
    for cover in result.policy.cover:
        fw = catalog.get(cover.framework)
        if fw is not None and fw.id == framework_id:
            clauses = {c.id for c in fw.clauses if cover.selects(c.id)}
            return [row for row in result.evaluation.crosswalk(fw.id) if row.clause_id in clauses]
    return []


def checks(result: GateResult) -> list[Check]:
    """Every (policy rule, subject) check of the result, in rule order; ids are unique."""
    out: list[Check] = []
    for rule in result.rules:
        violations = {(v.subject, v.key): v for v in rule.violations}
        rule_checks: list[Check] = []
        seen: set[tuple[str, str]] = set()
        for subject, key, skipped in _universe(rule, result):
            if (subject, key) in seen:
                continue
            seen.add((subject, key))
            v = violations.get((subject, key))
            if v is not None:
                rule_checks.append(Check(rule, v.outcome, subject, key, v, v.message))
            elif skipped is not None:
                rule_checks.append(Check(rule, SKIPPED, subject, key, None, skipped))
            else:
                rule_checks.append(Check(rule, PASS, subject, key))
        for (subject, key), v in violations.items():
            if (subject, key) not in seen:
                seen.add((subject, key))
                rule_checks.append(Check(rule, v.outcome, subject, key, v, v.message))
        if not rule_checks or (not rule.passed and not rule.failures):
            # a rule without subjects, or one that failed as a whole: the rule itself is a check
            rule_checks.insert(0, Check(rule, rule.outcome, message=None if rule.passed else rule.message))
        out.extend(rule_checks)
    return out


# --- a gate that could not run ------------------------------------------------------------------


@record
class GateFailure:
    """A gate run that stopped on unusable input (exit 2): the audit and policy asked for, and why."""

    audit_file: str
    policy: str
    diagnostics: tuple[Diagnostic, ...]
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))

    @property
    def passed(self) -> bool:
        return False


def diagnostic_fingerprint(d: Diagnostic) -> str:
    return sha256_hex(f"{d.code}|{d.file}|{d.path}|{d.line}|{d.col}".encode())[:32]


# --- verdict, paths, regions --------------------------------------------------------------------


def verdict(result: GateResult | GateFailure) -> Msg:
    """The one-line verdict: passed (with the number of waived violations), failed, or unusable input."""
    if isinstance(result, GateFailure):
        return Msg("ci.gate.unusable", count=len(result.diagnostics))
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


_LINES: dict[tuple[str, int, int], list[str]] = {}


def _lines(file: str) -> list[str] | None:
    """The lines of a text file (cached by path, size and modification time); None if unreadable."""
    try:
        stat = os.stat(file)
    except OSError:
        return None
    key = (os.path.abspath(file), stat.st_size, stat.st_mtime_ns)
    if key not in _LINES:
        try:
            with open(file, encoding="utf-8", errors="replace", newline="") as fh:
                text = fh.read(16 * 1024 * 1024)
        except OSError:
            return None
        if len(_LINES) > 32:
            _LINES.clear()
        _LINES[key] = text.splitlines()
    return _LINES[key]


def region(file: str, line: int, col: int) -> dict[str, int]:
    """A one-line SARIF region from ``line:col`` to the end of that line's text (columns in code points).

    One line, so that GitHub shows the alert on a pull request whenever that line is in the diff.
    """
    lines = _lines(file)
    end = col + 1
    if lines is not None and 1 <= line <= len(lines):
        end = max(end, len(lines[line - 1].rstrip()) + 1)
    return {"startLine": line, "startColumn": col, "endLine": line, "endColumn": end}
