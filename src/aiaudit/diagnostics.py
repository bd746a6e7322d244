"""Diagnostics: the one user-facing problem type, its code table, and the fatal error types."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field

from .i18n import localize
from .records import record

#: Exit codes, documented in docs/diagnostics.md.
EXIT_OK = 0
EXIT_INVALID = 1  # invalid content, or a policy gate that failed
EXIT_UNUSABLE = 2  # unreadable input, or a usage error
EXIT_INTERNAL = 3  # a bug in aiaudit

ERROR = "error"
WARNING = "warning"


@record
class Code:
    """One published diagnostic code. Never renumber: tools and users match on them."""

    code: str
    name: str
    severity: str
    summary: str
    exit_code: int = EXIT_INVALID


_CODES = [
    # Reading the file: the input is unusable (exit 2).
    Code(
        "E001",
        "unreadable-file",
        ERROR,
        "The file does not exist, cannot be read, or is not a regular file (a FIFO, device or system file is never opened).",
        EXIT_UNUSABLE,
    ),
    Code("E002", "file-too-large", ERROR, "The file is larger than the size limit (default 5 MB).", EXIT_UNUSABLE),
    Code("E003", "not-utf8", ERROR, "The file is not valid UTF-8 text.", EXIT_UNUSABLE),
    # YAML structure: invalid content (exit 1).
    Code("E101", "yaml-syntax", ERROR, "The YAML cannot be parsed."),
    Code("E102", "duplicate-key", ERROR, "A mapping has the same key twice."),
    Code("E103", "forbidden-tag", ERROR, "A language-specific or unknown YAML tag (e.g. !!python/object) is used."),
    Code("E104", "alias-bomb", ERROR, "Anchors and aliases would expand beyond the node or size limit, or refer to themselves."),
    Code("E105", "too-deep", ERROR, "Nesting is deeper than the limit."),
    Code("E106", "not-a-mapping", ERROR, "The file is empty, holds several documents, or its top level is not a mapping."),
    Code("E107", "unknown-kind", ERROR, "The top-level `kind:` is missing or not a known kind."),
    Code("E108", "number-out-of-range", ERROR, "A number is NaN or infinite, or an integer does not fit in 64 bits."),
    # JSON Schema.
    Code("E201", "wrong-type", ERROR, "A value has the wrong type."),
    Code("E202", "unknown-key", ERROR, "A key is not allowed here (often a typo)."),
    Code("E203", "missing-key", ERROR, "A required key is missing."),
    Code("E204", "invalid-value", ERROR, "A value is not allowed (enum, pattern, range, length)."),
    Code("E205", "schema", ERROR, "The value does not match the schema."),
    # Checklists.
    Code("E301", "duplicate-item-id", ERROR, "Two items have the same id."),
    Code("E302", "duplicate-section-id", ERROR, "Two sections have the same id."),
    Code("E303", "unknown-checklist", ERROR, "An include or an audit names a checklist that does not exist."),
    Code("E304", "unknown-selection", ERROR, "An include selects an item or section that the source checklist lacks."),
    Code("E305", "unknown-field", ERROR, "An applies_when condition tests a field the system profile does not have."),
    Code("E306", "unresolved-clause", ERROR, "An item refers to a framework clause that is not in the catalog."),
    Code("E307", "item-without-refs", ERROR, "An item refers to no framework clause."),
    Code("E308", "include-cycle", ERROR, "Checklists include each other in a cycle."),
    Code("E309", "blank-text", ERROR, "An English or Korean text is only whitespace."),
    Code("E310", "untranslated-text", ERROR, "A Korean text has no Hangul and reads as English (or an English text is Korean)."),
    Code("E311", "clause-prefix", ERROR, "A framework clause or date id does not start with the framework's prefix."),
    Code("E312", "duplicate-clause-id", ERROR, "A framework file uses the same clause or date id twice."),
    Code(
        "E313",
        "invalid-change-record",
        ERROR,
        "A checklist's `changes` record does not fit it (version order, unknown or kept item ids).",
    ),
    Code("E314", "path-outside", ERROR, "A checklist path or include leaves its folder, or names a special file."),
    Code("E315", "include-too-deep", ERROR, "Includes nest deeper than the limit (32 checklists)."),
    Code("W301", "empty-selection", WARNING, "An include selects no item."),
    Code("W302", "uncovered-clause", WARNING, "Clauses of a framework the checklist targets are covered by no item."),
    Code("W304", "korean-term", WARNING, "A Korean text uses a variant the terms table replaces (checklists/terms)."),
    Code("W303", "needs-translation", WARNING, "Items tagged needs-translation still have English text in `ko`."),
    # Audits.
    Code("E401", "unknown-item", ERROR, "An answer refers to an item that none of the audit's checklists has."),
    Code(
        "E402",
        "na-without-justification",
        ERROR,
        "An `na` answer has no real reason: no visible text, a placeholder, or a note copied across many items.",
    ),
    Code("E403", "missing-evidence", ERROR, "An evidence file does not exist."),
    Code("E404", "evidence-outside", ERROR, "An evidence path leaves the audit's folder."),
    Code("E405", "conflicting-item", ERROR, "Two checklists of the audit define the same item id differently."),
    Code("E406", "invalid-checklist", ERROR, "A checklist the audit uses is itself invalid."),
    Code("E407", "future-date", ERROR, "A sign-off, answer or classification date lies in the future."),
    Code("E408", "impossible-date", ERROR, "A date does not exist in the calendar (2026-02-30)."),
    Code("W401", "checklist-changed", WARNING, "The checklist's version or sha256 differs from what the audit recorded."),
    Code("W402", "evidence-changed", WARNING, "An evidence file's sha256 or size differs from what the answer recorded."),
    Code("W403", "unknown-profile-value", WARNING, "A profile value (users, regions) is unknown; no condition can match it."),
    Code("W404", "classification-regions", WARNING, "The classification and system.regions disagree on a law."),
    Code(
        "W405",
        "answer-needs-review",
        WARNING,
        "`aiaudit upgrade` carried this answer over from a changed item; check it and answer again.",
    ),
    # Other kinds.
    Code("E501", "invalid-reference", ERROR, "A policy or rubric refers to something that does not exist."),
    # Grading (a class of submissions).
    Code("E601", "no-submission", ERROR, "A submission folder holds no audit file (a YAML file with `kind: audit`)."),
    Code("E602", "ambiguous-submission", ERROR, "A submission folder holds several audit files; keep one."),
    Code("E603", "grading-failed", ERROR, "The submission could not be graded: an unexpected problem (please report it)."),
    Code("E604", "missing-checklist", ERROR, "The submission does not use a checklist the rubric requires."),
    Code("E605", "grading-time-limit", ERROR, "Grading the submission took longer than `--team-timeout`; it was stopped."),
    Code("E606", "grading-worker-died", ERROR, "The process grading the submission died (crash, out of memory, kill)."),
    Code("E607", "not-the-builtin-checklist", ERROR, "A checklist has the id of a required built-in one but not its content."),
    Code("W601", "unknown-team", WARNING, "The overrides file names a team that has no submission."),
    Code("W602", "similarity-incomplete", WARNING, "The similarity search did not finish for some items; pairs may be missing."),
]

CODES: dict[str, Code] = {c.code: c for c in _CODES}


@record(order=True)
class Diagnostic:
    """A problem found in a file, with a stable code and a 1-based position."""

    file: str
    line: int
    col: int
    code: str
    message: str
    path: str = field(default="$", compare=False)

    @property
    def severity(self) -> str:
        return CODES[self.code].severity

    @property
    def exit_code(self) -> int:
        return CODES[self.code].exit_code if self.severity == ERROR else EXIT_OK

    def format(self, lang: str) -> str:
        """The one-line text form: ``path:line:col: error[CODE]: message`` (message in ``lang``).

        Always one line, whatever the file name or message holds, and with controls shown escaped:
        a file cannot forge another diagnostic, a CI workflow command or a terminal escape.
        """
        from .text import log_safe

        return log_safe(f"{self.file}:{self.line}:{self.col}: {self.severity}[{self.code}]: {localize(self.message, lang)}")

    def to_dict(self, lang: str) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "code": self.code,
            "name": CODES[self.code].name,
            "message": localize(self.message, lang),
            "path": self.path,
        }


def exit_code_for(diagnostics: Iterable[Diagnostic]) -> int:
    """The exit code a set of diagnostics calls for: the most severe one wins (2 > 1 > 0)."""
    return max((d.exit_code for d in diagnostics), default=EXIT_OK)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity == ERROR for d in diagnostics)


class AiauditError(Exception):
    """A fatal error that owns its exit code and formats itself as one line."""

    exit_code = EXIT_INVALID

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def format(self, lang: str) -> str:
        return localize(self.message, lang)


class UsageError(AiauditError):
    """Unusable input or a usage mistake (exit 2)."""

    exit_code = EXIT_UNUSABLE


class DiagnosticError(AiauditError):
    """A file could not be used because of these diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(d.format("en") for d in self.diagnostics), exit_code_for(self.diagnostics) or 1)

    def format(self, lang: str) -> str:
        return "\n".join(d.format(lang) for d in self.diagnostics)
