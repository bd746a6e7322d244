"""Grade a class: find the submissions, grade each in a worker process, then write the class outputs.

A submission is one entry of SUBMISSIONS_DIR (hidden entries are skipped):

* a YAML file (``*.yaml``/``*.yml``): the team is the file name without extension, and evidence
  lies beside it; a YAML file of another known kind (checklist, rubric, ...) is ignored;
* a folder: the team is the folder name; its audit is the one YAML file with ``kind: audit`` found
  at the shallowest level (up to 3 folders deep). An empty folder, a folder without an audit file,
  or one with several audit files at the same level is a broken submission.

Every submission is graded; a broken or invalid one gets its diagnostics and the rubric's
``invalid`` rule (``zero`` or ``flag``), and the batch goes on. Results are sorted by team name
(natural order: team2 before team10), so the outputs do not depend on the number of workers.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import gc
import os
import re
import shutil
import stat
import sys
import tempfile
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from ..diagnostics import ERROR, Diagnostic, DiagnosticError, UsageError
from ..files import yaml_levels
from ..i18n import Msg
from ..library.checklists import keep_parsed
from ..loading import DEFAULT_MAX_BYTES, Document, load_file
from .criteria import days_late, late_penalty, measure, note_length, points_for
from .criteria import lost as make_lost
from .overrides import Overrides, TeamOverrides
from .results import ClassResult, Config, CriterionGrade, ItemTally, Submission, TeamGrade
from .rubric import Rubric, parse_time

YAML_SUFFIXES = (".yaml", ".yml")
OTHER_KINDS = ("checklist", "framework", "policy", "rubric", "report")
MAX_DEPTH = 3
MAX_CANDIDATES = 50  # YAML files examined per folder level
DEFAULT_TEAM_TIMEOUT = 120.0  # seconds; ``--team-timeout``
KEEP_DIAGNOSTICS = 25  # per team, in the parent (the overview shows as many)


# --- discovery ------------------------------------------------------------------------------------


def team_key(name: str) -> tuple:
    """Natural sort key: numbers compare as numbers, text case-insensitively; the name breaks ties."""
    parts = tuple(
        (0, int(p), "") if p.isascii() and p.isdigit() else (1, 0, p.casefold()) for p in re.split(r"([0-9]+)", name) if p
    )
    return (parts, name)


def _slug(name: str) -> str:
    stem = re.sub(r"[^\w.-]+", "_", name).strip("._-")[:80]
    return stem or "team"


def discover(root: str | Path, exclude: Path | None = None) -> tuple[list[Submission], list[str]]:
    """The submissions in ``root`` (sorted by team) and the entries ignored, with the reason."""
    root_path = Path(root)
    if not root_path.is_dir():
        raise UsageError(Msg("grading.error.not_a_folder", root=str(root)))
    excluded = exclude.resolve() if exclude is not None else None
    subs: list[Submission] = []
    ignored: list[str] = []  # Msg texts: the entry and why it was ignored
    teams: set[str] = set()
    slugs: set[str] = set()
    try:
        entries = sorted(os.scandir(root_path), key=lambda e: e.name)
    except OSError as exc:
        raise UsageError(Msg("grading.error.cannot_list", root=str(root), reason=str(exc.strerror or exc))) from None
    for entry in entries:
        name = entry.name
        if name.startswith((".", "~$", "__")):
            continue
        path = root_path / name
        if excluded is not None and path.resolve() == excluded:
            continue
        if entry.is_symlink():
            ignored.append(Msg("grading.ignored.symlink", name=name))
            continue
        if entry.is_dir():
            team, is_dir = name, True
        elif entry.is_file() and Path(name).suffix.lower() in YAML_SUFFIXES:
            team, is_dir = Path(name).stem, False
        else:
            ignored.append(Msg("grading.ignored.not_submission", name=name))
            continue
        if team in teams:
            team = name
        teams.add(team)
        slug = base = _slug(team)
        n = 2
        while slug.casefold() in slugs:
            slug = f"{base}-{n}"
            n += 1
        slugs.add(slug.casefold())
        subs.append(Submission(team, str(path), name, is_dir, slug))
    subs.sort(key=lambda s: team_key(s.team))
    return subs, ignored


def _yaml_files(folder: Path) -> list[list[Path]]:
    """YAML files under ``folder`` grouped by depth (0 = the folder itself), hidden entries and symlinks skipped."""
    return list(yaml_levels(folder, MAX_DEPTH))


_KIND_LINE = re.compile(r"^kind:[ \t]*['\"]?([A-Za-z][A-Za-z0-9_-]*)['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)


def _sniff_kind(path: Path) -> str | None:
    """The top-level ``kind:`` of a YAML file from its first 64 KiB of text, when it is plainly written there."""
    try:
        # non-blocking, and only a regular file: a FIFO swapped in after the listing cannot stall grading
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None
            head = fh.read(65536).decode("utf-8", errors="replace")
    except OSError:
        return None
    match = _KIND_LINE.search(head)
    return match.group(1) if match else None


def _find_audit(folder: Path, max_bytes: int) -> tuple[Document | None, list[Diagnostic]]:
    """The one audit document in a submission folder, or None with the diagnostics that explain why."""
    unreadable: list[Diagnostic] = []
    seen_yaml = False
    for files in _yaml_files(folder):
        audits: list[Document] = []
        for path in files[:MAX_CANDIDATES]:
            seen_yaml = True
            if _sniff_kind(path) in OTHER_KINDS:
                continue  # a checklist or other known kind beside the audit: no need to load it
            try:
                doc = load_file(path, max_bytes=max_bytes)
            except DiagnosticError as exc:
                unreadable.extend(exc.diagnostics)
                continue
            if doc.data.get("kind") == "audit":
                audits.append(doc)
            elif doc.data.get("kind") not in OTHER_KINDS:
                # Not recognisably anything else: it may be a damaged audit, so say why it was not used.
                unreadable.append(doc.diagnostic("E107", Msg("grading.diag.not_audit"), ("kind",)))
        if len(audits) == 1:
            return audits[0], []
        if len(audits) > 1:
            names = ", ".join(str(Path(d.name).relative_to(folder)) for d in audits)
            return None, [Diagnostic(str(folder), 1, 1, "E602", Msg("grading.diag.several_audits", names=names))]
    missing = Msg("grading.diag.no_usable_audit") if seen_yaml else Msg("grading.diag.no_audit")
    return None, sorted(set(unreadable)) + [Diagnostic(str(folder), 1, 1, "E601", missing)]


# --- grading one submission -----------------------------------------------------------------------


def grade_submission(sub: Submission, config: Config) -> TeamGrade:
    """Grade one submission and write its feedback; never raises for bad input."""
    try:
        grade, ev = _grade(sub, config)
    except Exception as exc:  # a bug or an unexpected input: this team is listed, the class goes on
        diag = Diagnostic(sub.path, 1, 1, "E603", Msg("grading.diag.failed", error=f"{type(exc).__name__}: {exc}"))
        grade, ev = _invalid(sub, [diag], config, ""), None
    from .outputs import write_feedback

    grade = _replace(grade, diagnostics=_relative(grade.diagnostics, Path(sub.path).parent))
    try:
        return write_feedback(grade, ev, config)
    except Exception as exc:
        diag = Diagnostic(sub.path, 1, 1, "E603", Msg("grading.diag.feedback_failed", error=f"{type(exc).__name__}: {exc}"))
        return _replace(grade, diagnostics=grade.diagnostics + (diag,), flags=grade.flags + ("feedback-failed",))


def _relative(diagnostics: tuple[Diagnostic, ...], root: Path) -> tuple[Diagnostic, ...]:
    """Diagnostics naming files relative to the submissions folder (``team-03/audit.yaml``), as students know them."""
    import dataclasses

    out = []
    for d in diagnostics:
        path = Path(d.file)
        out.append(dataclasses.replace(d, file=path.relative_to(root).as_posix()) if path.is_relative_to(root) else d)
    return tuple(out)


def _replace(grade: TeamGrade, **changes) -> TeamGrade:
    import dataclasses

    return dataclasses.replace(grade, **changes)


def _grade(sub: Submission, config: Config):
    from ..audit.load import audit_from_document

    path = Path(sub.path)
    if sub.is_dir:
        doc, problems = _find_audit(path, config.max_bytes)
        if doc is None:
            return _invalid(sub, problems, config, ""), None
    else:
        try:
            doc = load_file(path, max_bytes=config.max_bytes)
        except DiagnosticError as exc:
            return _invalid(sub, exc.diagnostics, config, sub.path), None
        if doc.data.get("kind") in OTHER_KINDS:
            return TeamGrade(sub.team, sub.rel, "skipped", (), None, audit_file=sub.path, slug=sub.slug), None
    audit, problems = audit_from_document(doc, allow_outside=False, max_bytes=config.max_bytes)
    system = doc.data.get("system") if isinstance(doc.data.get("system"), dict) else {}
    members = _members(system)
    if audit is None:
        return _invalid(sub, problems, config, doc.name, members, str(system.get("name", ""))), None
    missing = [c for c in config.rubric.checklists if c not in {cl.id for cl in audit.checklists}]
    if missing:
        problems = list(problems) + [
            doc.diagnostic("E604", Msg("grading.diag.missing_checklist", id=c), ("checklists",)) for c in missing
        ]
        return _invalid(sub, problems, config, doc.name, members, audit.system_name), None
    impostors = _impostors(audit, doc, config.rubric.checklists)
    if impostors:
        return _invalid(sub, list(problems) + impostors, config, doc.name, members, audit.system_name), None
    from ..audit.evaluation import evaluate

    ev = evaluate(audit)
    return _score(sub, ev, problems, config, doc, members), ev


def _impostors(audit, doc: Document, required: tuple[str, ...]) -> list[Diagnostic]:
    """E607 for each required built-in checklist the audit uses under its id with other content."""
    from ..library.checklists import builtin_impostor

    out = []
    for n, checklist in enumerate(audit.checklists):
        if checklist.id not in required:
            continue
        builtin = builtin_impostor(checklist)
        if builtin is not None:
            message = Msg("grading.diag.not_builtin", id=checklist.id, got=checklist.sha256[:12], expected=builtin.sha256[:12])
            out.append(doc.diagnostic("E607", message, ("checklists", n)))
    return out


def _members(system: dict) -> tuple[str, ...]:
    raw = system.get("members")
    if isinstance(raw, list):
        return tuple(str(m) for m in raw if str(m).strip())
    return ()


def _criterion_grade(criterion, measured, override) -> CriterionGrade:
    graded = True
    if override is not None and override.points is not None:
        points, adjusted = override.points, True
    elif criterion.manual:
        points, adjusted, graded = Decimal(0), False, False
    else:
        points, adjusted = points_for(criterion, measured.ratio), False
    lost = measured.lost
    if criterion.manual and not graded:
        lost = (make_lost("", "not_graded"),)
    return CriterionGrade(
        criterion.id,
        criterion.points,
        points,
        measured.ratio,
        measured.numerator,
        measured.denominator,
        lost,
        override.comment if override is not None else "",
        adjusted,
        graded,
    )


def _score(sub: Submission, ev, problems: list[Diagnostic], config: Config, doc: Document, members) -> TeamGrade:
    rubric = config.rubric
    team_over = config.overrides.for_team(sub.team)
    criteria = tuple(_criterion_grade(c, measure(ev, c), team_over.criteria.get(c.id)) for c in rubric.criteria)
    flags: list[str] = []
    submitted, source, problem = _submitted(ev.audit, doc, team_over, config)
    if problem:
        flags.append("submitted_at-invalid")
        problems = list(problems) + [problem]
    days = days_late(rubric.late, submitted)
    penalty = late_penalty(rubric.late, days)
    late_comment = ""
    if team_over.late is not None:
        late_comment = team_over.late.comment
        if team_over.late.points is not None:
            penalty = team_over.late.points
            flags.append("late-adjusted")
    if days:
        flags.append(f"late:{days}d")
    total = _total(criteria, penalty)
    flags.extend(f"ungraded:{c.id}" for c in criteria if not c.graded)
    flags.extend(f"adjusted:{c.id}" for c in criteria if c.adjusted)
    errors = sum(d.severity == ERROR for d in problems)
    if errors:
        flags.append(f"problems:{errors}")
    applicable = ev.applicable
    questions = {r.item.id: (r.item.question.en, r.item.question.ko) for r in applicable if r.status != "met"}
    return TeamGrade(
        team=sub.team,
        submission=sub.rel,
        status="ok",
        criteria=criteria,
        total=total,
        audit_file=doc.name,
        members=members,
        system_name=ev.audit.system_name,
        late_days=days,
        late_penalty=penalty,
        late_comment=late_comment,
        submitted_at=submitted.isoformat() if submitted else "",
        submitted_source=source,
        diagnostics=tuple(sorted(set(problems))),
        flags=tuple(flags),
        item_status=tuple((r.item.id, r.status) for r in applicable),
        questions=questions,
        notes=_notes(ev, rubric.similarity.min_chars),
        comment=team_over.comment,
        slug=sub.slug,
    )


def _total(criteria: tuple[CriterionGrade, ...], penalty: Decimal) -> Decimal | None:
    if any(c.points is None for c in criteria):
        return None
    earned = sum((c.points for c in criteria), Decimal(0))
    return max(Decimal(0), earned - penalty).quantize(Decimal("0.01"))


def _notes(ev, min_chars: int) -> dict[str, str]:
    """Notes long enough to compare, whitespace collapsed; notes that merely repeat the item's text are left out."""
    out = {}
    for r in ev.applicable:
        if r.answer is None or note_length(r.answer.notes) < min_chars:
            continue
        note = " ".join(r.answer.notes.split())
        folded = note.casefold()
        texts = (r.item.question.en, r.item.question.ko, r.item.guidance.en, r.item.guidance.ko)
        if any(folded == " ".join(x.split()).casefold() for x in texts):
            continue
        out[r.item.id] = note
    return out


def _submitted(audit, doc: Document, over: TeamOverrides, config: Config):
    """(submission time, its source, a diagnostic when the audit's ``submitted_at`` is unusable)."""
    deadline = config.rubric.late.deadline
    tz = deadline.tzinfo if deadline is not None else None
    if over.submitted_at is not None:
        return over.submitted_at, "overrides", None
    problem = None
    if audit.submitted_at is not None:
        try:
            return parse_time(str(audit.submitted_at), tz), "audit", None
        except ValueError:
            problem = doc.diagnostic(
                "E204", Msg("grading.diag.submitted_at_ignored", value=audit.submitted_at), ("submitted_at",)
            )
    if config.submitted_from == "mtime":
        stamp = _dt.datetime.fromtimestamp(int(os.stat(doc.name).st_mtime), _dt.timezone.utc)
        return (stamp.astimezone(tz) if tz else stamp), "mtime", problem
    return None, "", problem


def _invalid(
    sub: Submission, problems, config: Config, audit_file: str, members=(), system_name: str = "", flag: bool = False
) -> TeamGrade:
    """A broken or invalid submission, graded by the rubric's ``invalid`` rule (overrides with points still apply).

    ``flag``: leave the points blank whatever the rule (the grader failed, not necessarily the team).
    """
    rubric = config.rubric
    over = config.overrides.for_team(sub.team)
    zero = rubric.invalid == "zero" and not flag
    criteria = []
    for c in rubric.criteria:
        o = over.criteria.get(c.id)
        if o is not None and o.points is not None:
            criteria.append(CriterionGrade(c.id, c.points, o.points, comment=o.comment, adjusted=True))
        else:
            criteria.append(CriterionGrade(c.id, c.points, Decimal(0) if zero else None, comment=o.comment if o else ""))
    criteria_t = tuple(criteria)
    penalty = over.late.points if over.late is not None and over.late.points is not None else Decimal(0)
    return TeamGrade(
        team=sub.team,
        submission=sub.rel,
        status="invalid" if zero else "flagged",
        criteria=criteria_t,
        total=_total(criteria_t, penalty),
        audit_file=audit_file,
        members=tuple(members),
        system_name=system_name,
        late_penalty=penalty,
        diagnostics=tuple(dict.fromkeys(problems)),  # in the order found: the cause first
        flags=("invalid",) if zero else ("flagged",),
        comment=over.comment,
        slug=sub.slug,
    )


# --- the class --------------------------------------------------------------------------------------

_CONFIG: Config | None = None


def _init_worker(config: Config) -> None:
    global _CONFIG
    _CONFIG = config
    gc.enable()  # the parent may have paused the collector around the fork (see _warm)


def _work(sub: Submission) -> tuple[TeamGrade, tuple, dict, dict]:
    """A pool task: grade one team; return its slim grade, item statuses, questions and notes."""
    assert _CONFIG is not None
    grade = grade_submission(sub, _CONFIG)
    return grade.slim(KEEP_DIAGNOSTICS), grade.item_status, grade.questions, grade.notes


def _warm(config: Config) -> None:
    """Load what every worker needs once, before forking, so each child inherits it."""
    from ..library.builtins import builtin_checklist_path
    from ..library.catalog import frameworks
    from ..library.checklists import builtin_checklist
    from ..schemas import is_valid

    is_valid("audit", {})  # compiles the audit schema once (the slow error-reporting validator is loaded only if needed)
    # A broken catalog or checklist shows up per submission instead.
    with contextlib.suppress(Exception):
        frameworks()
    for checklist_id in config.rubric.checklists:
        if builtin_checklist_path(checklist_id) is not None:
            with contextlib.suppress(Exception):
                builtin_checklist(checklist_id)
    from . import outputs

    env = outputs.environment()
    for name in ("grading/feedback.html", "grading/overview.html"):  # compiled once, shared by the workers
        with contextlib.suppress(Exception):
            env.get_template(name)
    # What the children inherit is never scanned again by their collectors, so forking does not
    # copy the pages the collector would otherwise touch (Python's gc.freeze() advice).
    gc.collect()
    gc.freeze()


def _context():
    import multiprocessing

    # fork shares the parent's warmed caches; use it only where it is safe (Linux, no other threads).
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def run(
    root: str | Path,
    rubric: Rubric,
    out: str | Path,
    overrides: Overrides | None = None,
    lang: str = "en",
    jobs: int | None = None,
    pdf: bool = False,
    excel: bool = False,
    submitted_from: str = "field",
    max_bytes: int = DEFAULT_MAX_BYTES,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[TeamGrade], None] | None = None,
    time_limit: float | None = DEFAULT_TEAM_TIMEOUT,
) -> ClassResult:
    """Grade every submission in ``root`` and write grades.csv, overview.html and feedback/ to ``out``.

    Each team is graded in a worker process with ``time_limit`` seconds (None: no limit); a team
    whose worker overruns, crashes or is killed is flagged (E605, E606) and the class goes on.
    """
    from . import outputs

    out_dir = Path(out)
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(Msg("grading.error.output_not_folder", out=str(out)))
    subs, ignored = discover(root, exclude=out_dir if out_dir.exists() else None)
    if not subs:
        raise UsageError(Msg("grading.error.no_submissions", root=str(root)))
    overrides = overrides or Overrides()
    warnings = overrides.unknown_teams([s.team for s in subs])
    try:
        (out_dir / "feedback").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(Msg("grading.error.cannot_create_output", out=str(out), reason=str(exc.strerror or exc))) from None
    config = Config(rubric, overrides, str(out_dir), lang, pdf, submitted_from, max_bytes, time_limit)
    if on_start:
        on_start(len(subs))
    work = Path(tempfile.mkdtemp(prefix="aiaudit-grade-"))
    # A class's one-off checklists would only churn the user's cache of parsed checklists.
    kept = keep_parsed(False)
    try:
        graded, tally, spool = _grade_all(subs, config, jobs, on_result, work)
        pairs, incomplete = _similarity(graded, spool, config, jobs)
        ignored += [Msg("grading.ignored.not_audit", name=g.submission) for g in graded if g.status == "skipped"]
        grades = [g for g in graded if g.status != "skipped"]
        warnings = list(warnings) + incomplete
        spool.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
        keep_parsed(kept)
    result = ClassResult(rubric, tuple(grades), tuple(pairs), tuple(sorted(ignored)), tuple(warnings), (), tally)
    files = outputs.write_class(result, out_dir, lang=lang, excel=excel)
    files += [str(out_dir / g.feedback) for g in grades if g.feedback]
    if pdf:
        files += [
            str(out_dir / Path(g.feedback).with_suffix(".pdf")) for g in grades if g.feedback and "pdf-failed" not in g.flags
        ]
    return dataclasses.replace(result, files=tuple(files))


def _cores() -> int:
    """The cores this process may run on (the affinity mask, where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def _lost_team(sub: Submission, config: Config, code: str, message: Msg) -> TeamGrade:
    """The grade of a team whose worker failed (time limit, crash): flagged, with its feedback page."""
    from .outputs import write_feedback

    grade = _invalid(sub, [Diagnostic(sub.rel, 1, 1, code, message)], config, "", flag=True)
    try:
        return write_feedback(grade, None, config)
    except Exception as exc:
        diag = Diagnostic(sub.rel, 1, 1, "E603", Msg("grading.diag.feedback_failed", error=f"{type(exc).__name__}: {exc}"))
        return _replace(grade, diagnostics=grade.diagnostics + (diag,), flags=grade.flags + ("feedback-failed",))


def _grade_all(subs: list[Submission], config: Config, jobs: int | None, on_result, work: Path):
    """Every team's slim grade (in submission order), the item tally and the spool of notes."""
    from .pool import DIED, ERROR, OK, TIMEOUT, run_tasks
    from .similarity import NoteSpool

    jobs = max(1, min(jobs or _cores(), len(subs) or 1))
    grades: list[TeamGrade | None] = [None] * len(subs)
    tally = ItemTally()
    spool = NoteSpool(work / "notes.sqlite", create=True)
    context = _context()
    collecting = gc.isenabled()
    if context.get_start_method() == "fork":
        gc.disable()  # until the workers are forked: no collection may dirty the shared pages
        _warm(config)
    try:
        outcomes = run_tasks(
            ((_work, sub) for sub in subs),
            jobs,
            context,
            initializer=_init_worker,
            initargs=(config,),
            time_limit=config.time_limit,
        )
        for outcome in outcomes:
            if collecting and not gc.isenabled():
                gc.enable()
            sub = subs[outcome.index]
            if outcome.status == OK:
                grade, item_status, questions, notes = outcome.value
                if grade.status == "ok":
                    tally.add(item_status, questions)
                    if notes:
                        spool.add(outcome.index, notes)
            elif outcome.status == TIMEOUT:
                grade = _lost_team(sub, config, "E605", Msg("grading.diag.time_limit", seconds=outcome.detail))
            elif outcome.status == DIED:
                grade = _lost_team(sub, config, "E606", Msg("grading.diag.worker_died", how=outcome.detail))
            else:
                assert outcome.status == ERROR
                grade = _lost_team(sub, config, "E603", Msg("grading.diag.failed", error=outcome.detail))
            grades[outcome.index] = grade
            if on_result:
                on_result(grade)
    finally:
        if collecting:
            gc.enable()
    spool.commit()
    return grades, tally, spool


def grade_in_memory(sub: Submission, config: Config):
    """Grade one submission without writing anything: its grade and its evaluation (None when it is broken).

    For ``aiaudit serve --class``, which shows the feedback in the browser and grades a team again
    after the instructor changes its overrides. Diagnostics name files relative to the submissions
    folder, as in the written outputs; never raises for bad input.
    """
    try:
        grade, ev = _grade(sub, config)
    except Exception as exc:  # a bug or an unexpected input: this team is listed, the class goes on
        diag = Diagnostic(sub.path, 1, 1, "E603", Msg("grading.diag.failed", error=f"{type(exc).__name__}: {exc}"))
        grade, ev = _invalid(sub, [diag], config, ""), None
    return _replace(grade, diagnostics=_relative(grade.diagnostics, Path(sub.path).parent)), ev


def _similarity(grades: list[TeamGrade], spool, config: Config, jobs: int | None):
    """The similar pairs of the graded teams, searched item by item in the worker pool.

    ``grades`` is in submission order (skipped entries included): the spool's ranks index it.
    """
    from .pool import OK, run_tasks
    from .similarity import build_pairs, chunks, spool_matches

    rule = config.rubric.similarity
    if not rule.enabled:
        return [], []
    # The spool is keyed by submission index; pairs are named by team, ranked in grade order.
    names = {n: g.team for n, g in enumerate(grades)}
    items = spool.items()
    jobs = max(1, min(jobs or _cores(), len(items) or 1))
    parts = chunks([(item_id, n) for item_id, n in items if n > 1], jobs * 4)
    tasks = [(spool_matches, (spool.path, part, rule)) for part in parts]
    matches: dict[tuple[int, int], list[tuple[str, float]]] = {}
    incomplete: list[Diagnostic] = []
    for outcome in run_tasks(tasks, jobs, _context(), time_limit=config.time_limit):
        if outcome.status != OK:
            part = parts[outcome.index]
            shown = ", ".join(part[:5]) + (", …" if len(part) > 5 else "")
            why = f"{outcome.status}: {outcome.detail}"
            message = Msg("grading.similarity_incomplete", n=len(part), items=shown, why=why)
            incomplete.append(Diagnostic(config.out, 1, 1, "W602", message))
            continue
        for item_id, a, b, score in outcome.value:
            matches.setdefault((a, b), []).append((item_id, score))
    for found in matches.values():
        found.sort()
    pairs = build_pairs(matches, rule, names, spool.note, spool.compared)
    return pairs, incomplete
