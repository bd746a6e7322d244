"""Rubrics (``kind: rubric``): load a rubric file or a built-in preset, check it, and build the model."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

from .. import paths
from ..diagnostics import Diagnostic, DiagnosticError, UsageError, has_errors
from ..i18n import Msg, t
from ..loading import DEFAULT_MAX_BYTES, Document, load_file
from ..model import Text
from ..paths import PRESET_PREFIX
from ..records import record
from ..schemas import schema_diagnostics

MEASURES = (
    "answered_ratio",
    "evidence_present_ratio",
    "justified_ratio",
    "framework_coverage",
    "classification_present",
    "manual",
)
SCHEMES = ("eu_ai_act", "kr_ai_basic_act")
#: Measure-specific options: the measure each belongs to.
OPTION_MEASURE = {
    "min_note_chars": "justified_ratio",
    "accept_urls": "evidence_present_ratio",
    "frameworks": "framework_coverage",
    "schemes": "classification_present",
}
#: Criterion ids that would clash with grades.csv's fixed columns or the overrides file's keys.
RESERVED_IDS = frozenset(
    {"team", "members", "total", "late", "late_penalty", "status", "flags", "submission", "comment", "submitted_at"}
)


@record
class Criterion:
    """One graded criterion: a measure (0..1 of the points) or ``manual`` (points from the overrides file)."""

    id: str
    measure: str
    points: Decimal
    title: Text | None = None
    guidance: Text | None = None
    min_note_chars: int = 0
    accept_urls: bool = False
    frameworks: tuple[str, ...] = ()
    schemes: tuple[str, ...] = ("eu_ai_act",)

    @property
    def manual(self) -> bool:
        return self.measure == "manual"

    def label(self, lang: str) -> str:
        """The criterion's title in ``lang`` (the measure's name when the rubric gives none)."""
        return self.title.get(lang) if self.title else t(f"grading.measure.{self.measure}", lang)

    def help(self, lang: str) -> str:
        """Guidance for students who lost points here."""
        return self.guidance.get(lang) if self.guidance else t(f"grading.guidance.{self.measure}", lang)


@record
class Late:
    """The late penalty: ``penalty_per_day`` points per started day after deadline + grace, capped."""

    deadline: _dt.datetime | None = None
    penalty_per_day: Decimal = Decimal(0)
    max_penalty: Decimal | None = None
    grace_minutes: int = 0


@record
class SimilarityRule:
    """When two teams' notes count as near-identical (a hint in the overview; never a penalty)."""

    enabled: bool = True
    threshold: float = 0.8  # Jaccard similarity of the notes' character shingles, per item
    min_items: int = 3  # a pair is shown when at least this many items are near-identical
    min_chars: int = 40  # shorter notes ("Done.", "N/A") are ignored
    shingle: int = 5  # characters per shingle


@record
class Rubric:
    id: str
    title: Text
    criteria: tuple[Criterion, ...]
    source: str
    version: str = ""
    description: Text | None = None
    checklists: tuple[str, ...] = ()
    late: Late = Late()
    invalid: str = "zero"  # zero | flag
    similarity: SimilarityRule = SimilarityRule()
    sha256: str = ""

    @property
    def max_points(self) -> Decimal:
        return sum((c.points for c in self.criteria), Decimal(0))

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    def with_deadline(self, deadline: _dt.datetime) -> Rubric:
        """This rubric with another deadline (``grade --deadline``)."""
        return dataclasses.replace(self, late=dataclasses.replace(self.late, deadline=deadline))


# --- presets ------------------------------------------------------------------------------------


def preset_names() -> list[str]:
    """Names of the built-in rubric presets, sorted."""
    return paths.preset_names("rubrics")


def preset_path(name: str) -> Path:
    """The file of a built-in rubric preset; :class:`UsageError` when there is none."""
    return paths.preset_path("rubrics", name)


def preset_text(name: str) -> str:
    """The YAML text of a built-in preset (``aiaudit rubric show``)."""
    return preset_path(name).read_text(encoding="utf-8")


# --- loading ------------------------------------------------------------------------------------


def load_rubric(source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Rubric:
    """Load ``preset:NAME`` or a rubric file; raise :class:`DiagnosticError` / :class:`UsageError` if unusable."""
    source = str(source)
    if source.startswith(PRESET_PREFIX):
        name = source[len(PRESET_PREFIX) :]
        return _load_preset(name)
    path = Path(source)
    if not path.exists() and source in preset_names():
        raise UsageError(Msg("grading.error.rubric_missing_hint", path=source, preset=f"{PRESET_PREFIX}{source}"))
    doc = load_file(path, max_bytes=max_bytes)
    rubric, problems = rubric_from_document(doc)
    if rubric is None or has_errors(problems):
        raise DiagnosticError(problems)
    return rubric


@cache
def _load_preset(name: str) -> Rubric:
    doc = load_file(preset_path(name), name=f"{PRESET_PREFIX}{name}")
    rubric, problems = rubric_from_document(doc)
    if rubric is None or has_errors(problems):
        raise DiagnosticError(problems)
    return rubric


def rubric_from_document(doc: Document) -> tuple[Rubric | None, list[Diagnostic]]:
    """Build a :class:`Rubric` from a loaded document, with schema and semantic diagnostics."""
    if doc.data.get("kind") != "rubric":
        return None, [doc.diagnostic("E107", Msg("grading.diag.not_rubric"), ("kind",))]
    problems = schema_diagnostics(doc, "rubric")
    if has_errors(problems):
        return None, problems
    problems.extend(_semantic(doc))
    if has_errors(problems):
        return None, sorted(set(problems))
    data = doc.data
    criteria = tuple(_criterion(raw) for raw in data["criteria"])
    late_raw = data.get("late") or {}
    late = Late(
        deadline=parse_deadline(late_raw["deadline"]) if late_raw.get("deadline") else None,
        penalty_per_day=_dec(late_raw.get("penalty_per_day", 0)),
        max_penalty=_dec(late_raw["max_penalty"]) if "max_penalty" in late_raw else None,
        grace_minutes=int(late_raw.get("grace_minutes", 0)),
    )
    sim_raw = data.get("similarity") or {}
    defaults = SimilarityRule()
    similarity = SimilarityRule(
        enabled=bool(sim_raw.get("enabled", defaults.enabled)),
        threshold=float(sim_raw.get("threshold", defaults.threshold)),
        min_items=int(sim_raw.get("min_items", defaults.min_items)),
        min_chars=int(sim_raw.get("min_chars", defaults.min_chars)),
        shingle=int(sim_raw.get("shingle", defaults.shingle)),
    )
    rubric = Rubric(
        id=data["id"],
        title=Text.of(data["title"]),
        criteria=criteria,
        source=doc.name,
        version=str(data.get("version", "")),
        description=Text.of(data.get("description")),
        checklists=tuple(data.get("checklists", ())),
        late=late,
        invalid=data.get("invalid", "zero"),
        similarity=similarity,
        sha256=doc.sha256,
    )
    return rubric, sorted(set(problems))


def _dec(value) -> Decimal:
    return Decimal(str(value))


def _criterion(raw: dict) -> Criterion:
    return Criterion(
        id=raw["id"],
        measure=raw["measure"],
        points=_dec(raw["points"]),
        title=Text.of(raw.get("title")),
        guidance=Text.of(raw.get("guidance")),
        min_note_chars=int(raw.get("min_note_chars", 0)),
        accept_urls=bool(raw.get("accept_urls", False)),
        frameworks=tuple(raw.get("frameworks", ())),
        schemes=tuple(raw.get("schemes", ("eu_ai_act",))),
    )


def _semantic(doc: Document) -> list[Diagnostic]:
    """Checks beyond the schema: unique and unreserved ids, options that fit the measure, known frameworks, the deadline."""
    out: list[Diagnostic] = []
    seen: dict[str, int] = {}
    known_frameworks = None
    for n, raw in enumerate(doc.data["criteria"]):
        where = ("criteria", n)
        cid = raw["id"]
        if cid in seen:
            out.append(doc.diagnostic("E204", Msg("grading.diag.duplicate_criterion", id=cid, first=seen[cid]), where + ("id",)))
        seen.setdefault(cid, n)
        if cid in RESERVED_IDS:
            out.append(doc.diagnostic("E204", Msg("grading.diag.reserved_criterion", id=cid), where + ("id",)))
        for option, measure in OPTION_MEASURE.items():
            if option in raw and raw["measure"] != measure:
                message = Msg("grading.diag.option_measure", option=option, measure=measure, actual=raw["measure"])
                out.append(doc.diagnostic("E202", message, where + (option,), key=True))
        for m, fw_id in enumerate(raw.get("frameworks", ())):
            if known_frameworks is None:
                known_frameworks = _framework_ids()
            if fw_id not in known_frameworks:
                message = Msg("grading.diag.unknown_framework", id=fw_id, known=", ".join(sorted(known_frameworks)))
                out.append(doc.diagnostic("E501", message, where + ("frameworks", m)))
    deadline = (doc.data.get("late") or {}).get("deadline")
    if deadline is not None:
        try:
            parse_deadline(deadline)
        except ValueError as exc:
            out.append(doc.diagnostic("E204", exc.args[0], ("late", "deadline")))
    return out


_EXAMPLE = "2026-12-15T23:59:00+09:00"
_HAS_ZONE = re.compile(r"[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})$")


def _framework_ids() -> set[str]:
    from ..library.catalog import frameworks

    try:
        return set(frameworks())
    except (DiagnosticError, FileNotFoundError):  # pragma: no cover - a broken installation
        return set()


def rubric_checks(doc: Document, options) -> list[Diagnostic]:
    """``aiaudit validate`` for ``kind: rubric`` (``validation.CHECKS``): schema, then meaning."""
    _, problems = rubric_from_document(doc)
    return problems


# --- time ----------------------------------------------------------------------------------------


def _deadline(text: str) -> tuple[_dt.datetime | None, str]:
    """(the deadline, '') or (None, what is wrong: ``invalid`` or ``no_zone``)."""
    try:
        stamp = parse_time(text)
    except ValueError:
        return None, "invalid"
    if not _HAS_ZONE.search(str(text).strip()):
        return None, "no_zone"
    return stamp, ""


def parse_deadline(text: str) -> _dt.datetime:
    """A deadline: an ISO 8601 date-time with a time zone; ValueError (its ``args[0]`` a :class:`Msg`) otherwise."""
    return _checked_deadline(text, ValueError, "grading.diag")


def deadline_option(text: str) -> _dt.datetime:
    """``grade --deadline TEXT``: like :func:`parse_deadline`, but a :class:`UsageError` naming the option."""
    return _checked_deadline(text, UsageError, "grading.error")


def _checked_deadline(text: str, error: type[Exception], prefix: str) -> _dt.datetime:
    stamp, problem = _deadline(text)
    if problem:
        raise error(Msg(f"{prefix}.deadline_{problem}", value=text, example=_EXAMPLE))
    return stamp


def parse_time(text: str, default_tz: _dt.tzinfo | None = None) -> _dt.datetime:
    """An ISO 8601 date or date-time as an aware datetime; a value without a zone takes ``default_tz`` (else UTC).

    Raises ValueError for anything else.
    """
    value = str(text).strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    if len(value) == 10:
        stamp = _dt.datetime.combine(_dt.date.fromisoformat(value), _dt.time())
    else:
        stamp = _dt.datetime.fromisoformat(value.replace(" ", "T", 1))
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=default_tz or _dt.timezone.utc)
    return stamp
