"""What grading produces: a submission, the worker's configuration, and the grades of teams and criteria."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import field
from decimal import Decimal
from fractions import Fraction

from ..diagnostics import ERROR, Diagnostic
from ..loading import DEFAULT_MAX_BYTES
from ..records import record
from .criteria import Lost
from .overrides import Overrides
from .rubric import Rubric


@record
class Submission:
    """One entry of the submissions folder."""

    team: str
    path: str  # as the grader reaches it (the user's folder joined with the entry name)
    rel: str  # relative to the submissions folder, with ``/``
    is_dir: bool
    slug: str  # a safe, unique file name stem for the team's feedback


@record
class Config:
    """Everything a worker needs, sent once per worker."""

    rubric: Rubric
    overrides: Overrides
    out: str
    lang: str = "en"
    pdf: bool = False
    submitted_from: str = "field"  # field | mtime
    max_bytes: int = DEFAULT_MAX_BYTES
    time_limit: float | None = None  # seconds per team (--team-timeout); None: no limit


@record
class CriterionGrade:
    id: str
    possible: Decimal
    points: Decimal | None  # None: left blank (a flagged submission)
    ratio: Fraction | None = None
    numerator: Fraction = Fraction(0)
    denominator: int = 0
    lost: tuple[Lost, ...] = ()
    comment: str = ""
    adjusted: bool = False  # the instructor set the points
    graded: bool = True  # False: a manual criterion without points yet


@record
class TeamGrade:
    team: str
    submission: str  # relative to the submissions folder
    status: str  # ok | invalid | flagged | skipped
    criteria: tuple[CriterionGrade, ...]
    total: Decimal | None
    audit_file: str = ""  # the audit file as given to the loader ('' when none was found)
    members: tuple[str, ...] = ()
    system_name: str = ""
    late_days: int = 0
    late_penalty: Decimal = Decimal(0)
    late_comment: str = ""
    submitted_at: str = ""
    submitted_source: str = ""  # overrides | audit | mtime | ''
    diagnostics: tuple[Diagnostic, ...] = ()
    flags: tuple[str, ...] = ()
    item_status: tuple[tuple[str, str], ...] = ()  # (item id, status) of the applicable items
    questions: dict[str, tuple[str, str]] = field(default_factory=dict)  # item id → (en, ko), items not met
    notes: dict[str, str] = field(default_factory=dict)  # item id → note, for the similarity hint
    feedback: str = ""  # the feedback file, relative to the output folder
    slug: str = ""  # the feedback file's name stem
    comment: str = ""
    # Set when the grade was slimmed for the class outputs (:meth:`slim`): the counts before cutting.
    diagnostic_count: int | None = None
    error_count: int | None = None

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == ERROR)

    @property
    def n_diagnostics(self) -> int:
        return len(self.diagnostics) if self.diagnostic_count is None else self.diagnostic_count

    @property
    def n_errors(self) -> int:
        return len(self.errors) if self.error_count is None else self.error_count

    def slim(self, keep: int) -> TeamGrade:
        """What the class outputs need of this grade (grades.csv, the overview): no notes, item
        statuses, questions or lost points, and at most ``keep`` diagnostics and ``keep`` errors,
        with their counts. The parent process keeps one of these per team, so its memory follows
        grades.csv, not the size of the audits."""
        errors = self.errors
        kept = dict.fromkeys(self.diagnostics[:keep] + errors[:keep])
        return dataclasses.replace(
            self,
            criteria=tuple(dataclasses.replace(c, lost=()) for c in self.criteria),
            diagnostics=tuple(d for d in self.diagnostics if d in kept),
            item_status=(),
            questions={},
            notes={},
            diagnostic_count=self.n_diagnostics,
            error_count=len(errors),
        )

    @property
    def broken(self) -> bool:
        return self.status in ("invalid", "flagged")


class ItemTally:
    """How the graded teams answered each applicable item, counted as grades arrive (for the overview).

    Its size follows the checklist (items and statuses), never the number of teams.
    """

    def __init__(self) -> None:
        self.counts: dict[str, Counter] = {}
        self.questions: dict[str, tuple[str, str]] = {}

    def add(self, item_status: tuple[tuple[str, str], ...], questions: dict[str, tuple[str, str]]) -> None:
        for item_id, status in item_status:
            counter = self.counts.get(item_id)
            if counter is None:
                counter = self.counts[item_id] = Counter()
            counter[status] += 1
        for item_id, question in questions.items():
            self.questions.setdefault(item_id, question)

    @classmethod
    def of(cls, grades) -> ItemTally:
        tally = cls()
        for g in grades:
            if g.status == "ok":
                tally.add(g.item_status, g.questions)
        return tally


@record
class ClassResult:
    rubric: Rubric
    grades: tuple[TeamGrade, ...]
    pairs: tuple
    ignored: tuple[str, ...]
    warnings: tuple[Diagnostic, ...]
    files: tuple[str, ...]  # every file written
    tally: ItemTally | None = None  # None: counted from the grades' item statuses
