"""What grading produces: a submission, the worker's configuration, and the grades of teams and criteria."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from ..diagnostics import ERROR, Diagnostic
from ..loading import DEFAULT_MAX_BYTES
from .criteria import Lost
from .overrides import Overrides
from .rubric import Rubric


@dataclass(frozen=True)
class Submission:
    """One entry of the submissions folder."""

    team: str
    path: str  # as the grader reaches it (the user's folder joined with the entry name)
    rel: str  # relative to the submissions folder, with ``/``
    is_dir: bool
    slug: str  # a safe, unique file name stem for the team's feedback


@dataclass(frozen=True)
class Config:
    """Everything a worker needs, sent once per worker."""

    rubric: Rubric
    overrides: Overrides
    out: str
    lang: str = "en"
    pdf: bool = False
    submitted_from: str = "field"  # field | mtime
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == ERROR)

    @property
    def broken(self) -> bool:
        return self.status in ("invalid", "flagged")


@dataclass(frozen=True)
class ClassResult:
    rubric: Rubric
    grades: tuple[TeamGrade, ...]
    pairs: tuple
    ignored: tuple[str, ...]
    warnings: tuple[Diagnostic, ...]
    files: tuple[str, ...]  # every file written
