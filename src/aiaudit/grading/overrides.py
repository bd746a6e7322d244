"""The instructor's overrides file: manual points and comments per team, in YAML or CSV.

YAML::

    teams:
      team-03:
        presentation: 8                                  # points for a criterion
        quality: {points: 7, comment: Clear and honest.} # points and a comment
        evidence: {comment: Screenshots were hard to read.}  # a comment only: computed points stay
        late: {points: 0, comment: Extension granted}    # replaces the late penalty
        submitted_at: "2026-12-16T10:00:00+09:00"        # the LMS's submission time (wins over the audit's)
        comment: Good work overall.                      # a general comment for the feedback

CSV (UTF-8, a header row; ``criterion`` is a criterion id, ``late`` or ``comment``)::

    team,criterion,points,comment
    team-03,presentation,8,Clear slides
    team-03,late,0,Extension granted
"""

from __future__ import annotations

from dataclasses import field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..csvfile import read_csv
from ..diagnostics import Diagnostic, DiagnosticError
from ..i18n import Msg
from ..loading import DEFAULT_MAX_BYTES, Document, load_file, read_limited
from ..records import record
from .rubric import Rubric, parse_time


@record
class Adjustment:
    """Points (None: keep the computed points) and a comment for one criterion or the late penalty."""

    points: Decimal | None = None
    comment: str = ""


@record
class TeamOverrides:
    criteria: dict[str, Adjustment] = field(default_factory=dict)
    late: Adjustment | None = None
    submitted_at: object = None  # an aware datetime, or None
    comment: str = ""


@record
class Overrides:
    source: str = ""
    teams: dict[str, TeamOverrides] = field(default_factory=dict)
    #: Where each team is named in the file (line, col), for warnings about unknown teams.
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)

    def for_team(self, team: str) -> TeamOverrides:
        return self.teams.get(team) or TeamOverrides()

    def unknown_teams(self, teams: list[str]) -> list[Diagnostic]:
        """W601 for every team of the file that has no submission."""
        import difflib

        have = set(teams)
        out = []
        for name in sorted(set(self.teams) - have):
            hint = difflib.get_close_matches(name, teams, n=1)
            if hint:
                message = Msg("grading.diag.unknown_team_hint", team=name, hint=hint[0])
            else:
                message = Msg("grading.diag.unknown_team", team=name)
            line, col = self.positions.get(name, (1, 1))
            out.append(Diagnostic(self.source, line, col, "W601", message))
        return out


def load_overrides(path: str | Path, rubric: Rubric, max_bytes: int = DEFAULT_MAX_BYTES) -> Overrides:
    """Read a YAML or CSV overrides file; raise :class:`DiagnosticError` on any problem (nothing is graded then)."""
    name = str(path)
    if Path(name).suffix.lower() == ".csv":
        return _from_csv(read_limited(path, max_bytes, name), name, rubric)
    return _from_yaml(load_file(path, max_bytes=max_bytes, name=name), rubric)


# --- YAML -----------------------------------------------------------------------------------------


def _from_yaml(doc: Document, rubric: Rubric) -> Overrides:
    problems: list[Diagnostic] = []
    data = doc.data
    for key in data:
        if key not in ("teams", "kind"):
            problems.append(doc.diagnostic("E202", Msg("grading.diag.overrides_unknown_key", key=key), (key,), key=True))
    teams_raw = data.get("teams")
    if not isinstance(teams_raw, dict):
        problems.append(
            doc.diagnostic("E203" if teams_raw is None else "E201", Msg("grading.diag.overrides_no_teams"), ("teams",))
        )
        raise DiagnosticError(problems)
    teams: dict[str, TeamOverrides] = {}
    positions: dict[str, tuple[int, int]] = {}
    for team, entries in teams_raw.items():
        tpath = ("teams", team)
        positions[team] = doc.position(tpath, key=True)
        if not isinstance(entries, dict):
            problems.append(doc.diagnostic("E201", Msg("grading.diag.overrides_team_not_mapping", team=team), tpath))
            continue
        criteria: dict[str, Adjustment] = {}
        late = None
        submitted = None
        comment = ""
        for key, value in entries.items():
            where = tpath + (key,)
            if key == "comment":
                if not isinstance(value, str):
                    problems.append(doc.diagnostic("E201", Msg("grading.diag.comment_not_text"), where))
                comment = str(value or "")
            elif key == "submitted_at":
                try:
                    submitted = parse_time(str(value), rubric.late.deadline.tzinfo if rubric.late.deadline else None)
                except ValueError:
                    problems.append(doc.diagnostic("E204", Msg("grading.diag.overrides_submitted_at", value=value), where))
            else:
                adjustment = _yaml_adjustment(doc, value, where, problems)
                if adjustment is None:
                    continue
                problem = _check(rubric, team, key, adjustment)
                if problem:
                    problems.append(doc.diagnostic(problem[0], problem[1], where, key=problem[0] == "E501"))
                elif key == "late":
                    late = adjustment
                else:
                    criteria[key] = adjustment
        teams[team] = TeamOverrides(criteria, late, submitted, comment)
    if problems:
        raise DiagnosticError(problems)
    return Overrides(doc.name, teams, positions)


def _yaml_adjustment(doc: Document, value, where: tuple, problems: list[Diagnostic]) -> Adjustment | None:
    if isinstance(value, dict):
        extra = [k for k in value if k not in ("points", "comment")]
        for k in extra:
            problems.append(doc.diagnostic("E202", Msg("grading.diag.adjustment_unknown_key", key=k), where + (k,), key=True))
        points = value.get("points")
        comment = value.get("comment", "")
        if comment is not None and not isinstance(comment, str):
            problems.append(doc.diagnostic("E201", Msg("grading.diag.comment_not_text"), where + ("comment",)))
            return None
        if extra:
            return None
    else:
        points, comment = value, ""
    if points is not None and (isinstance(points, bool) or not isinstance(points, (int, float))):
        problems.append(doc.diagnostic("E201", Msg("grading.diag.points_not_number", value=points), where))
        return None
    return Adjustment(Decimal(str(points)) if points is not None else None, comment or "")


def _check(rubric: Rubric, team: str, key: str, adjustment: Adjustment) -> tuple[str, Msg] | None:
    """(code, message) when a team's adjustment does not fit the rubric."""
    if key == "late":
        if adjustment.points is not None and adjustment.points < 0:
            return "E204", Msg("grading.diag.late_negative", team=team)
        return None
    criterion = rubric.criterion(key)
    if criterion is None:
        known = ", ".join(c.id for c in rubric.criteria)
        return "E501", Msg("grading.diag.unknown_criterion", team=team, key=key, rubric=rubric.id, known=known)
    if adjustment.points is not None and not (0 <= adjustment.points <= criterion.points):
        points, most = str(adjustment.points), str(criterion.points)
        return "E204", Msg("grading.diag.points_range", team=team, key=key, points=points, max=most)
    return None


# --- CSV ------------------------------------------------------------------------------------------


def _from_csv(raw: bytes, name: str, rubric: Rubric) -> Overrides:
    header, rows = read_csv(raw, name, delimiter=",")
    if any(c not in header for c in ("team", "criterion")) or not ({"points", "comment"} & set(header)):
        raise DiagnosticError([Diagnostic(name, 1, 1, "E203", Msg("grading.diag.csv_header"))])
    problems: list[Diagnostic] = []
    teams: dict[str, dict] = {}
    positions: dict[str, tuple[int, int]] = {}
    try:
        for row in rows:
            line = row.line
            cells = {h: row.cells.get(h, "").strip() for h in header if h}
            team, key = cells["team"], cells["criterion"]
            if not team or not key:
                problems.append(Diagnostic(name, line, 1, "E203", Msg("grading.diag.csv_row_incomplete")))
                continue
            positions.setdefault(team, (line, 1))
            entry = teams.setdefault(team, {"criteria": {}, "late": None, "comment": ""})
            comment = cells.get("comment", "")
            if key == "comment":
                entry["comment"] = comment
                continue
            points_text = cells.get("points", "")
            try:
                points = Decimal(points_text) if points_text else None
                if points is not None and not points.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                message = Msg("grading.diag.points_not_number", value=points_text)
                problems.append(Diagnostic(name, line, row.columns.get("points", 1), "E201", message))
                continue
            adjustment = Adjustment(points, comment)
            problem = _check(rubric, team, key, adjustment)
            if problem:
                problems.append(Diagnostic(name, line, row.columns.get("criterion", 1), problem[0], problem[1]))
            elif key == "late":
                entry["late"] = adjustment
            else:
                entry["criteria"][key] = adjustment
    except DiagnosticError as exc:  # a malformed row: report it with the problems found so far
        problems.extend(exc.diagnostics)
    if problems:
        raise DiagnosticError(problems)
    built = {team: TeamOverrides(e["criteria"], e["late"], None, e["comment"]) for team, e in teams.items()}
    return Overrides(name, built, positions)


def overrides_from_document(doc: Document, rubric: Rubric) -> Overrides:
    """The overrides of a loaded YAML document; raise :class:`DiagnosticError` on any problem.

    ``aiaudit serve --class`` checks the overrides file with this before it saves an edit of it.
    """
    return _from_yaml(doc, rubric)
