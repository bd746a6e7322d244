"""Audit files: load one, resolve its checklists, check its answers and evidence, build the model."""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

from ..diagnostics import Diagnostic, DiagnosticError, has_errors
from ..files import Outside, Special, confine, regular
from ..i18n import Msg
from ..library.builtins import BUILTIN_PREFIX, builtin_checklist_ids, builtin_checklist_path
from ..library.checklists import builtin_checklist, checklist_from_file, version_key
from ..loading import DEFAULT_MAX_BYTES, Document, load_file
from ..model import Answer, Audit, Checklist, ChecklistRef, Evidence, Signoff
from ..schemas import schema_diagnostics
from . import evidence as ev
from .justification import judge


def load_audit(path: str | Path, allow_outside: bool = False, max_bytes: int = DEFAULT_MAX_BYTES) -> Audit:
    """Load and check an audit file; raise :class:`DiagnosticError` when it has errors."""
    audit, problems = audit_from_file(path, allow_outside=allow_outside, max_bytes=max_bytes)
    if audit is None or has_errors(problems):
        raise DiagnosticError(problems)
    return audit


def audit_from_file(
    path: str | Path, allow_outside: bool = False, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[Audit | None, list[Diagnostic]]:
    """Load an audit file and return it (None when unusable) with every diagnostic."""
    try:
        doc = load_file(path, max_bytes=max_bytes)
    except DiagnosticError as exc:
        return None, exc.diagnostics
    return audit_from_document(doc, allow_outside=allow_outside, max_bytes=max_bytes)


def audit_from_document(
    doc: Document,
    allow_outside: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    evidence: bool = True,
    answers_checked: bool = True,
) -> tuple[Audit | None, list[Diagnostic]]:
    """Build an :class:`Audit` from a loaded document, with schema and semantic diagnostics.

    ``evidence=False`` skips reading the evidence files (no E403/E404/W402): for an editor that
    checks the evidence of the answers it changes, before and after (:mod:`aiaudit.audit.answer`).
    ``answers_checked=False`` also skips the semantic checks of the answers and the profile (the
    schema and the checklists are still checked): for a command that changes one answer and checks
    that one before and after (``aiaudit answer``).
    """
    if doc.data.get("kind") != "audit":
        return None, [doc.diagnostic("E107", Msg("audit.not_audit"), ("kind",))]
    problems = schema_diagnostics(doc, "audit")
    if has_errors(problems):
        return None, problems
    data = doc.data
    refs: list[ChecklistRef] = []
    checklists: list[Checklist] = []
    loaded: set[tuple[str, str]] = set()
    memo: dict = {}  # includes shared by several checklists are resolved once
    for n, raw in enumerate(data["checklists"]):
        ref = ChecklistRef(raw.get("id"), raw.get("path"), raw.get("version"), raw.get("sha256"))
        refs.append(ref)
        checklist = _resolve_checklist(ref, doc, ("checklists", n), problems, max_bytes, allow_outside, memo)
        if checklist is not None and (checklist.id, checklist.sha256) not in loaded:
            loaded.add((checklist.id, checklist.sha256))
            checklists.append(checklist)
    if has_errors(problems):
        return None, sorted(set(problems))

    problems.extend(_conflicting_items(checklists, doc))
    known = {item.id for c in checklists for item in c.items}
    answers: dict[str, Answer] = {}
    looks: dict = {}
    if not answers_checked:
        answers = {item_id: _answer(item_id, raw) for item_id, raw in data["answers"].items() if item_id in known}
        return _audit(doc, data, refs, checklists, answers, looks), sorted(set(problems))
    folder = _real_folder(doc)  # resolved once: each evidence path is then resolved under it
    for item_id, raw in data["answers"].items():
        answer, found = check_answer(doc, item_id, raw, known, allow_outside, evidence, looks, folder, justify=False)
        if answer is not None:
            answers[item_id] = answer
            if answer.review is not None:
                problems.append(_review_warning(doc, answer))
        elif found and found[0].code == "E401":
            found = [_moved_item(doc, item_id, checklists) or found[0], *found[1:]]
        problems.extend(found)
    problems.extend(_justification_problems(answers, doc))
    problems.extend(_date_problems(doc))

    problems.extend(_profile_problems(data["system"], doc))
    problems.extend(_engagement_problems(data.get("engagement") or {}, doc))
    return _audit(doc, data, refs, checklists, answers, looks), sorted(set(problems))


def _audit(doc: Document, data: dict, refs: list, checklists: list, answers: dict, looks: dict) -> Audit:
    return Audit(
        name=doc.name,
        checklist_refs=tuple(refs),
        checklists=tuple(checklists),
        system=data["system"],
        answers=answers,
        signoff=tuple(
            Signoff(s["name"], s["date"], s.get("role", ""), s.get("statement", ""), s.get("signature"))
            for s in data.get("signoff", [])
        ),
        submitted_at=data.get("submitted_at"),
        engagement=dict(data.get("engagement") or {}),
        raw=doc.raw,
        doc=doc,
        evidence_checked=looks,
    )


def check_answer(
    doc: Document,
    item_id: str,
    raw: dict,
    known: set[str] | dict,
    allow_outside: bool = False,
    evidence: bool = True,
    looks: dict | None = None,
    folder: str | None = None,
    justify: bool = True,
) -> tuple[Answer | None, list[Diagnostic]]:
    """One answer of a schema-valid audit: its model (None for an unknown item) and its diagnostics.

    ``known`` holds the item ids of the audit's checklists. Saving one answer re-checks only that
    answer with this (:mod:`aiaudit.audit.answer`), so it must stay the whole per-answer check.
    ``folder``: the audit's folder, already resolved (see :func:`_real_folder`). ``justify=False``
    leaves the ``na`` reason to the caller, which judges all the audit's reasons together (a
    superset: copies across answers count there).
    """
    where = ("answers", item_id)
    if item_id not in known:
        return None, [doc.diagnostic("E401", Msg("audit.unknown_item", item=repr(item_id)), where, key=True)]
    answer = _answer(item_id, raw)
    # the copies across answers are checked per audit
    problems = _justification_problems({item_id: answer}, doc) if justify and answer.status == "na" else []
    problems.extend(_check_dates(doc, [((*where, "date"), raw.get("date"))]))
    if answer.due is not None and not _real_date(answer.due):  # a due date may lie ahead, but must exist
        problems.append(doc.diagnostic("E408", Msg("audit.impossible_date", date=answer.due), where + ("due",)))
    if evidence:
        problems.extend(_evidence_problems(answer, raw, doc, where, allow_outside, looks, folder))
    return answer, problems


def _real_folder(doc: Document) -> str | None:
    """The symlink-free folder of an audit file (None for a built-in example: its evidence is missing)."""
    return None if doc.name.startswith(BUILTIN_PREFIX) else os.path.realpath(Path(doc.name).parent)


def _resolve_checklist(
    ref: ChecklistRef,
    doc: Document,
    where: tuple,
    problems: list[Diagnostic],
    max_bytes: int,
    allow_outside: bool = False,
    memo: dict | None = None,
) -> Checklist | None:
    if ref.id is not None:
        if builtin_checklist_path(ref.id) is None:
            import difflib

            hint = difflib.get_close_matches(ref.id, builtin_checklist_ids(), n=1)
            message = (
                Msg("audit.no_builtin_hint", id=repr(ref.id), hint=hint[0]) if hint else Msg("audit.no_builtin", id=repr(ref.id))
            )
            problems.append(doc.diagnostic("E303", message, where))
            return None
        try:
            checklist = builtin_checklist(ref.id)
        except DiagnosticError as exc:
            problems.extend(exc.diagnostics)
            return None
    else:
        try:
            path = confine(Path(doc.name).parent, ref.path, allow_outside)
            regular(path)
        except Outside:
            problems.append(doc.diagnostic("E314", Msg("audit.checklist_outside", path=repr(ref.path)), where + ("path",)))
            return None
        except (Special, OSError) as exc:
            if isinstance(exc, (FileNotFoundError, NotADirectoryError)):
                message = Msg("audit.no_checklist_file", path=repr(ref.path))
                problems.append(doc.diagnostic("E303", message, where + ("path",)))
            else:
                problems.append(doc.diagnostic("E314", Msg("audit.checklist_special", path=repr(ref.path)), where + ("path",)))
            return None
        display = str(Path(doc.name).parent / ref.path)
        checklist, sub = checklist_from_file(path, name=display, max_bytes=max_bytes, allow_outside=allow_outside, memo=memo)
        if checklist is None or has_errors(sub):
            problems.extend(sub)
            problems.append(doc.diagnostic("E406", Msg("audit.checklist_invalid", path=repr(ref.path)), where + ("path",)))
            return None
    if ref.version is not None and ref.version != checklist.version:
        newer = version_key(ref.version) > version_key(checklist.version)
        key = "audit.version_newer" if newer else "audit.version_behind"
        message = Msg(key, id=checklist.id, recorded=ref.version, version=checklist.version, audit=doc.name)
        problems.append(doc.diagnostic("W401", message, where))
    elif ref.sha256 is not None and ref.sha256 != checklist.sha256:
        message = Msg("audit.checklist_changed_upgrade", checklist=repr(ref.label), audit=doc.name)
        problems.append(doc.diagnostic("W401", message, where))
    return checklist


def _conflicting_items(checklists: list[Checklist], doc: Document) -> list[Diagnostic]:
    seen = {}
    out = []
    for n, checklist in enumerate(checklists):
        for item in checklist.items:
            if item.id in seen and seen[item.id][0] != item:
                other = seen[item.id][1]
                message = Msg("audit.conflicting_item", item=repr(item.id), first=repr(other), second=repr(checklist.id))
                out.append(doc.diagnostic("E405", message, ("checklists", n)))
            seen.setdefault(item.id, (item, checklist.id))
    return out


def _moved_item(doc: Document, item_id: str, checklists: list[Checklist]) -> Diagnostic | None:
    """E401 for an answer to an item that change records renamed, split, merged or removed: says so, names ``upgrade``."""
    for checklist in checklists:
        for change in checklist.changes:
            targets = change.split.get(item_id) or ((change.renamed[item_id],) if item_id in change.renamed else ())
            targets = targets or tuple(new for new, olds in change.merged.items() if item_id in olds)
            if targets or item_id in change.removed:
                what = Msg("audit.moved_to", items=", ".join(targets)) if targets else Msg("audit.moved_removed")
                message = Msg(
                    "audit.moved_item",
                    item=repr(item_id),
                    checklist=change.checklist,
                    version=change.version,
                    what=what,
                    audit=doc.name,
                )
                return doc.diagnostic("E401", message, ("answers", item_id), key=True)
    return None


def _review_warning(doc: Document, answer: Answer) -> Diagnostic:
    review = answer.review
    sources = ", ".join(review.get("from") or ()) or answer.item_id
    message = Msg(f"audit.review.{review.get('reason', 'reworded')}", item=answer.item_id, sources=sources)
    return doc.diagnostic("W405", message, ("answers", answer.item_id, "review"))


def _answer(item_id: str, raw: dict) -> Answer:
    return Answer(
        item_id=item_id,
        status=raw["status"],
        notes=raw.get("notes") or "",
        evidence=tuple(
            Evidence(e.get("path"), e.get("url"), e.get("sha256"), e.get("size"), e.get("description"))
            for e in raw.get("evidence", [])
        ),
        answered_by=raw.get("answered_by"),
        date=raw.get("date"),
        review=raw.get("review"),
        observation=raw.get("observation") or "",
        risk=raw.get("risk") or "",
        recommendation=raw.get("recommendation") or "",
        owner=raw.get("owner") or "",
        due=raw.get("due"),
        management_response=raw.get("management_response") or "",
        remediation_status=raw.get("remediation_status"),
    )


def _justification_problems(answers: dict[str, Answer], doc: Document) -> list[Diagnostic]:
    """E402 for ``na`` answers without a real reason (see :mod:`aiaudit.audit.justification`)."""
    notes = {item_id: a.notes for item_id, a in answers.items() if a.status == "na"}
    out = []
    for item_id, verdict in judge(notes).items():
        if verdict.ok:
            continue
        where = ("answers", item_id, "notes" if verdict.problem != "missing" else "status")
        if verdict.problem == "missing":
            message = Msg("audit.na_without_notes", item=item_id)
        elif verdict.problem == "placeholder":
            message = Msg("audit.na_placeholder", item=item_id)
        else:
            message = Msg("audit.na_boilerplate", item=item_id, copies=verdict.copies)
        out.append(doc.diagnostic("E402", message, where))
    return out


#: Dates may run this far ahead of the local date (the author may sit in another time zone).
FUTURE_SLACK = _dt.timedelta(days=1)


def _date_problems(doc: Document, today: _dt.date | None = None) -> list[Diagnostic]:
    """E408 for dates that do not exist (2026-02-30), E407 for dates in the future (sign-off, answers, classification)."""
    data = doc.data
    dated: list[tuple[tuple, object]] = []
    for n, s in enumerate(data.get("signoff") or []):
        dated.append((("signoff", n, "date"), s.get("date")))
    for item_id, raw in (data.get("answers") or {}).items():
        if isinstance(raw, dict):
            dated.append((("answers", item_id, "date"), raw.get("date")))
    classification = (data.get("system") or {}).get("classification")
    if isinstance(classification, dict):
        dated.append((("system", "classification", "date"), classification.get("date")))
    return _check_dates(doc, dated, today)


def _check_dates(doc: Document, dated: list[tuple[tuple, object]], today: _dt.date | None = None) -> list[Diagnostic]:
    latest = (today or _dt.date.today()) + FUTURE_SLACK
    out = []
    for path, value in dated:
        if not isinstance(value, str):
            continue
        try:
            when = _dt.date.fromisoformat(value)
        except ValueError:
            out.append(doc.diagnostic("E408", Msg("audit.impossible_date", date=value), path))
            continue
        if when > latest:
            out.append(
                doc.diagnostic("E407", Msg("audit.future_date", date=value, today=(latest - FUTURE_SLACK).isoformat()), path)
            )
    return out


def _evidence_problems(
    answer: Answer,
    raw: dict,
    doc: Document,
    where: tuple,
    allow_outside: bool,
    looks: dict | None = None,
    folder: str | None = None,
) -> list[Diagnostic]:
    """E403/E404 for evidence that is missing, unreadable or outside the folder; W402 when it changed.

    ``looks`` receives what was found of each entry (see :attr:`Audit.evidence_checked`); ``folder``
    is the audit's resolved folder when the caller has it."""
    if doc.name.startswith(BUILTIN_PREFIX):
        return []
    if folder is None:
        folder = _real_folder(doc)
    out = []
    for n, item in enumerate(answer.evidence):
        if item.path is None:
            continue
        epath = where + ("evidence", n, "path")
        checked = ev.check(item, folder, allow_outside, real=True)
        if looks is not None:
            looks[(answer.item_id, n, allow_outside)] = checked
        if checked.check == ev.OUTSIDE:
            out.append(doc.diagnostic("E404", checked.problem, epath))
        elif checked.check in (ev.MISSING, ev.UNREADABLE):
            out.append(doc.diagnostic("E403", checked.problem, epath))
        elif checked.check == ev.CHANGED:
            resized = item.size is not None and item.size != checked.file.size
            changed = "audit.evidence_size" if resized else "audit.evidence_sha256"
            out.append(doc.diagnostic("W402", Msg(changed, path=repr(item.path)), epath))
    return out


def _real_date(value: str) -> bool:
    """Whether a YYYY-MM-DD string (the schema checked the pattern) is a date of the calendar."""
    import datetime as dt

    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _engagement_problems(engagement: dict, doc: Document) -> list[Diagnostic]:
    """E408 for an audit period whose dates do not exist, E204 for one that ends before it starts."""
    period = engagement.get("period")
    if not isinstance(period, dict):
        return []
    out = []
    for key in ("from", "to"):
        if not _real_date(period[key]):
            out.append(doc.diagnostic("E408", Msg("audit.impossible_date", date=period[key]), ("engagement", "period", key)))
    if not out and period["to"] < period["from"]:
        message = Msg("audit.period_reversed", start=period["from"], end=period["to"])
        out.append(doc.diagnostic("E204", message, ("engagement", "period", "to")))
    return out


def _profile_problems(system: dict, doc: Document) -> list[Diagnostic]:
    """W403 for users and regions no condition knows; W404 when the classification and the regions disagree."""
    from .applicability import EU_MEMBERS, GLOBAL
    from .profile import lookup, suggestion

    out = []
    for field in ("users", "regions"):
        for n, value in enumerate(system.get(field) or ()):
            if lookup(field, str(value)) != value:
                hint = suggestion(field, str(value))
                message = Msg(
                    "profile.unknown_in_audit",
                    field=field,
                    value=repr(value),
                    hint=Msg("profile.did_you_mean", value=hint) if hint else "",
                )
                out.append(doc.diagnostic("W403", message, ("system", field, n)))
    regions = set(system.get("regions") or ())
    classification = system.get("classification") or {}
    if GLOBAL not in regions:
        for scheme, law, codes in (
            ("eu_ai_act", "EU AI Act", {"EU"} | EU_MEMBERS),
            ("kr_ai_basic_act", "Korea AI Basic Act", {"KR"}),
        ):
            block = classification.get(scheme) or {}
            if "in_scope" not in block or bool(block["in_scope"]) == bool(regions & codes):
                continue
            state = Msg("profile.state.applies" if block["in_scope"] else "profile.state.not_applies")
            message = Msg("profile.regions_disagree", law=law, state=state, regions=", ".join(sorted(regions)) or "[]")
            out.append(doc.diagnostic("W404", message, ("system", "classification", scheme, "in_scope")))
    return out


def audit_checks(doc: Document, options) -> list[Diagnostic]:
    """Everything ``aiaudit validate`` checks in an audit (``options``: max_bytes, allow_outside_evidence)."""
    _, problems = audit_from_document(doc, allow_outside=options.allow_outside_evidence, max_bytes=options.max_bytes)
    return problems
