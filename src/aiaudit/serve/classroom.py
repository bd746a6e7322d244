"""The instructor's view (``aiaudit serve --class``): a class graded in memory, its feedback, overrides and similarity hints.

The class is graded with the code of ``aiaudit grade`` (:func:`aiaudit.grading.batch.grade_in_memory`,
the same rubric measures, late penalty and overrides), but nothing is written except the
overrides file. Overrides for a team are saved into that file in the format ``aiaudit grade
--overrides`` reads (:mod:`aiaudit.grading.overrides`), with its comments and layout kept, under
the file's lock, refused as a conflict when the team's entry changed since the page showed it;
the team is then graded again.
"""

from __future__ import annotations

import threading
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..audit.lock import audit_lock
from ..audit.roundtrip import Change, apply
from ..diagnostics import AiauditError, DiagnosticError
from ..files import atomic_write
from ..grading.batch import discover, grade_in_memory
from ..grading.overrides import Overrides, load_overrides, overrides_from_document
from ..grading.results import ClassResult, Config, Submission, TeamGrade
from ..grading.rubric import Rubric
from ..grading.similarity import similar_pairs
from ..i18n import Msg
from ..loading import DEFAULT_MAX_BYTES, load_bytes, read_limited
from ..records import record
from .workspace import Outcome, refused, revision_of

_HEADER = (
    "# Grading overrides: manual points and comments per team, read by `aiaudit grade --overrides`.\n"
    "# Written by `aiaudit serve --class`; you may edit it by hand too.\n"
)


@record
class CriterionInput:
    """What the overrides form sent for one criterion (or ``late``): points as typed ('' = none) and a comment."""

    points: str = ""
    comment: str = ""


class Classroom:
    """A submissions folder graded against a rubric, with the instructor's overrides file."""

    def __init__(
        self,
        root: str | Path,
        rubric: Rubric,
        overrides_path: str | Path,
        max_bytes: int = DEFAULT_MAX_BYTES,
        submitted_from: str = "field",
    ):
        self.root = Path(root)
        self.rubric = rubric
        self.overrides_path = Path(overrides_path)
        self.max_bytes = max_bytes
        self.submitted_from = submitted_from
        self.overrides = self._load_overrides()
        self._mutex = threading.Lock()
        self.subs: list[Submission] = []
        self.ignored: list = []
        self.grades: dict[str, tuple[TeamGrade, Any]] = {}
        self.regrade()

    # -- grading -------------------------------------------------------------------------------------

    def _load_overrides(self) -> Overrides:
        if self.overrides_path.suffix.lower() == ".csv":
            from ..diagnostics import UsageError

            raise UsageError(Msg("serve.class.overrides_csv", path=str(self.overrides_path)))
        if not self.overrides_path.exists():
            return Overrides(str(self.overrides_path))
        return load_overrides(self.overrides_path, self.rubric, max_bytes=self.max_bytes)

    def config(self, lang: str = "en") -> Config:
        return Config(
            rubric=self.rubric,
            overrides=self.overrides,
            out="",
            lang=lang,
            pdf=False,
            submitted_from=self.submitted_from,
            max_bytes=self.max_bytes,
        )

    def regrade(self) -> None:
        """Find the submissions again and grade every team (the overrides file is read again too)."""
        subs, ignored = discover(self.root)
        config = self.config()
        grades: dict[str, tuple[TeamGrade, Any]] = {}
        kept: list[Submission] = []
        for sub in subs:
            grade, ev = grade_in_memory(sub, config)
            if grade.status == "skipped":
                ignored.append(Msg("grading.ignored.not_audit", name=sub.rel))
                continue
            grades[sub.slug] = (grade, ev)
            kept.append(sub)
        self.subs, self.ignored, self.grades = kept, ignored, grades

    def submission(self, slug: str) -> Submission | None:
        return next((s for s in self.subs if s.slug == slug), None)

    def grade(self, slug: str) -> tuple[TeamGrade, Any] | None:
        return self.grades.get(slug)

    def result(self) -> ClassResult:
        """The class as ``aiaudit grade`` would sum it up (for the overview's statistics)."""
        grades = tuple(g for g, _ in self.grades.values())
        order = [g.team for g in grades if g.status == "ok"]
        notes = {g.team: g.notes for g in grades if g.status == "ok"}
        pairs = similar_pairs(notes, self.rubric.similarity, order=order)
        warnings = self.overrides.unknown_teams([s.team for s in self.subs])
        return ClassResult(self.rubric, grades, tuple(pairs), tuple(sorted(self.ignored)), tuple(warnings), ())

    def slug_of(self, team: str) -> str:
        return next((s.slug for s in self.subs if s.team == team), "")

    def feedback_html(self, slug: str, lang: str) -> str | None:
        """The team's feedback page, as ``aiaudit grade`` writes it, in ``lang``."""
        from ..grading.outputs import feedback_html

        found = self.grades.get(slug)
        if found is None:
            return None
        grade, ev = found
        return feedback_html(grade, ev, self.config(lang))

    # -- overrides -----------------------------------------------------------------------------------

    def raw_team(self, team: str) -> dict:
        """The team's entry in the overrides file as written (empty when there is none)."""
        if not self.overrides_path.exists():
            return {}
        try:
            data = load_bytes(read_limited(self.overrides_path, self.max_bytes), str(self.overrides_path), self.max_bytes).data
        except DiagnosticError:
            return {}
        teams = data.get("teams") if isinstance(data, dict) else None
        entry = teams.get(team) if isinstance(teams, dict) else None
        return dict(entry) if isinstance(entry, dict) else {}

    def save_overrides(
        self, slug: str, revision: str, criteria: dict[str, CriterionInput], late: CriterionInput, comment: str
    ) -> Outcome:
        """Write one team's overrides (points and comments) into the overrides file, then grade the team again."""
        sub = self.submission(slug)
        if sub is None:
            return Outcome("failed", [Msg("serve.class.no_team", team=slug)])
        problems = []
        with self._mutex:
            old = self.raw_team(sub.team)
            if revision != revision_of(old):
                return Outcome("conflict", [Msg("serve.class.conflict", team=sub.team)], current=old, revision=revision_of(old))
            mapping: dict[str, Any] = {}
            for key, given in [*criteria.items(), ("late", late)]:
                entry, problem = _adjustment(key, given)
                if problem is not None:
                    problems.append(problem)
                elif entry is not None:
                    mapping[key] = entry
            if comment.strip():
                mapping["comment"] = comment.replace("\r\n", "\n").strip()
            if "submitted_at" in old:
                mapping["submitted_at"] = old["submitted_at"]
            if problems:
                return Outcome("invalid", problems)
            try:
                self._write(sub.team, mapping)
            except AiauditError as exc:
                return refused(exc)
            self.overrides = self._load_overrides()
            grade, ev = grade_in_memory(sub, self.config())
            self.grades[slug] = (grade, ev)
            return Outcome("saved", [Msg("serve.class.saved", team=sub.team)], revision=revision_of(self.raw_team(sub.team)))

    def _write(self, team: str, mapping: dict[str, Any]) -> None:
        path = self.overrides_path
        name = str(path)

        def check(doc) -> None:
            overrides_from_document(doc, self.rubric)

        if not path.exists():
            import yaml

            text = _HEADER + yaml.safe_dump({"teams": {team: mapping}}, allow_unicode=True, sort_keys=False, width=100)
            doc = load_bytes(text.encode("utf-8"), name, self.max_bytes)
            check(doc)
            atomic_write(path, text)
            return
        with audit_lock(path):
            raw = read_limited(path, self.max_bytes, name)
            old = load_bytes(raw, name, self.max_bytes)
            teams = old.data.get("teams") if isinstance(old.data, dict) else None
            if not isinstance(teams, dict) or not teams:
                change = Change(("teams",), {team: mapping})
            else:
                change = Change(("teams", team), mapping)
            new_raw, _ = apply(raw, [change], name, check=check, max_bytes=self.max_bytes, old=old)
            if new_raw != raw:
                atomic_write(path, new_raw)


def _adjustment(key: str, given: CriterionInput) -> tuple[Any, Msg | None]:
    """The overrides entry for one criterion: ``8``, ``{points: 7, comment: ...}``, ``{comment: ...}`` or None."""
    text = given.points.strip().replace(",", ".")
    comment = given.comment.replace("\r\n", "\n").strip()
    points: int | float | None = None
    if text:
        try:
            value = Decimal(text)
            if not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            return None, Msg("serve.class.bad_points", criterion=key, value=given.points)
        points = int(value) if value == value.to_integral_value() else float(value)
    if points is None and not comment:
        return None, None
    if not comment:
        return points, None
    return ({"points": points, "comment": comment} if points is not None else {"comment": comment}), None


def team_form_values(rubric: Rubric, raw: dict) -> tuple[dict[str, CriterionInput], CriterionInput, str]:
    """The overrides form's values from the team's entry in the file."""

    def one(value: Any) -> CriterionInput:
        if isinstance(value, dict):
            points = value.get("points")
            return CriterionInput("" if points is None else str(points), str(value.get("comment") or ""))
        if value is None:
            return CriterionInput()
        return CriterionInput(str(value), "")

    criteria = {c.id: one(raw.get(c.id)) for c in rubric.criteria}
    return criteria, one(raw.get("late")), str(raw.get("comment") or "")
