"""``aiaudit upgrade``: carry an audit's answers to the installed version of its checklists.

A checklist records what changed in each version as data (its ``changes:`` list, see
:class:`aiaudit.model.ChecklistChange`). :func:`plan_upgrade` turns the records between the
version an audit pinned and the installed version into a plan, and :func:`upgrade` writes it:

=============  ================================================================================
``renamed``    the answer moves to the new id as it is
``split``      the answer is copied to every new item, each marked ``review: {reason: split}``
``merged``     the old answers are combined (status: the same when they agree, ``not_met`` when
               none is met, else ``partial``; notes joined with their item ids; evidence
               united) into the new item, marked ``review: {reason: merged}``
``removed``    the answer moves to ``retired_answers`` (kept, not scored)
``reworded``   the answer stays, marked ``review: {reason: reworded}``
``recited``    the answer stays as it is (the item cites other clauses now)
``added``      nothing to carry: the new items that apply to the system are listed to answer
=============  ================================================================================

No answer is ever dropped: an answer that cannot be placed (its new item already has an answer
of its own, or is not part of the audit's checklists) goes to ``retired_answers`` with the reason
``conflict`` or ``unplaced``, and the plan says so. The checklist pins (``version``, ``sha256``)
are updated in the same atomic save. Answering a marked item again removes its ``review`` mark.

Which records apply: those of a checklist the audit pins by version, from the pinned version
(exclusive) to the installed one. Records a checklist inherits from the checklists it includes,
or of a checklist pinned without a version, apply by their effect: renames, splits, merges and
removals to answers whose item no longer exists, and rewordings to answers dated before the record
(or undated).
"""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diagnostics import DiagnosticError, UsageError, has_errors
from ..i18n import Msg
from ..library.checklists import version_key
from ..loading import DEFAULT_MAX_BYTES, Document, load_file
from ..model import Audit, ChecklistChange, Text
from ..records import record
from .evaluation import evaluate
from .load import audit_from_document

if TYPE_CHECKING:
    from .roundtrip import Change

#: Step kinds, in the order a plan lists them.
KINDS = ("renamed", "split", "merged", "removed", "reworded", "recited", "added", "unexplained")


@record
class Step:
    """One thing the upgrade does (or only reports) for one or more items."""

    kind: str
    checklist: str
    version: str
    sources: tuple[str, ...] = ()  # the old ids whose answers move
    targets: tuple[str, ...] = ()  # the new ids that receive them (or the items concerned)
    status: str | None = None  # the carried status
    review: bool = False  # the carried answers are marked for review
    retired: tuple[str, ...] = ()  # old ids whose answers went to retired_answers
    conflicts: tuple[str, ...] = ()  # new ids that kept an answer of their own


@record
class Pin:
    """A checklist pin before and after the upgrade."""

    index: int
    label: str
    old_version: str | None
    new_version: str
    old_sha256: str | None
    new_sha256: str

    @property
    def changed(self) -> bool:
        return self.old_version != self.new_version or self.old_sha256 != self.new_sha256


@record
class Plan:
    """What :func:`upgrade` will write, and everything it reports."""

    audit: str
    pins: tuple[Pin, ...]
    summaries: tuple[tuple[str, str, Text | None], ...]  # (checklist, version, summary) of the records applied
    steps: tuple[Step, ...]
    answers: dict[str, Any]
    retired: dict[str, Any]
    checklists: list[dict]
    signed: int = 0  # sign-off signatures the upgrade will invalidate
    old_answers: dict[str, Any] = field(default_factory=dict, repr=False)
    old_retired: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def changes(self) -> list[Change]:
        from .roundtrip import Change  # only an upgrade that writes needs the editing machinery

        """The edits to save (nothing when the audit is up to date)."""
        out = []
        if any(p.changed for p in self.pins):
            out.append(Change(("checklists",), self.checklists))
        if list(self.answers.items()) != list(self.old_answers.items()):
            out.append(Change(("answers",), self.answers))
        if self.retired != self.old_retired:
            out.append(Change(("retired_answers",), self.retired))
        return out

    @property
    def up_to_date(self) -> bool:
        return not self.changes

    def count(self, what: str) -> int:
        """How many answers were ``carried``, marked for ``review``, ``retired``; or items ``added``."""
        if what == "carried":
            return sum(len(s.sources) for s in self.steps if s.kind in ("renamed", "split", "merged"))
        if what == "review":
            return sum(len(s.targets) for s in self.steps if s.review)
        if what == "retired":
            return sum(len(s.retired) for s in self.steps) + sum(len(s.sources) for s in self.steps if s.kind == "removed")
        if what == "added":
            return sum(len(s.targets) for s in self.steps if s.kind == "added")
        raise KeyError(what)


# --- planning -------------------------------------------------------------------------------------


def plan_upgrade(doc: Document, audit: Audit) -> Plan:
    """The upgrade plan of a loaded audit (``audit`` built from ``doc``, unknown items allowed)."""
    data = doc.data
    old_answers = {k: v for k, v in data["answers"].items()}
    answers: dict[str, Any] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in old_answers.items()}
    old_retired = dict(data.get("retired_answers") or {})
    retired = dict(old_retired)
    known = {item.id for item in audit.items}
    applicable = {r.item.id for r in evaluate(audit).results if r.applicable}
    entries = _entries(audit)
    steps: list[Step] = []
    summaries = []
    for n, (change, by_version) in enumerate(entries):
        summaries.append((change.checklist, change.version, change.summary))
        later = set()
        for other, _ in entries[n + 1 :]:
            later.update(other.renamed, other.split, other.removed, *other.merged.values())
        placeable = known | later
        for old, new in change.renamed.items():
            _carry(change, "renamed", (old,), (new,), answers, retired, known, placeable, steps, review=False)
        for old, new_ids in change.split.items():
            _carry(change, "split", (old,), new_ids, answers, retired, known, placeable, steps, review=True)
        for new, old_ids in change.merged.items():
            _carry(change, "merged", old_ids, (new,), answers, retired, known, placeable, steps, review=True)
        for old in change.removed:
            if old in answers and old not in known:
                retired[old] = _retired(answers.pop(old), "removed", change)
                steps.append(Step("removed", change.checklist, change.version, (old,), (), _status(retired[old]["answer"])))
        marked = []
        for item_id in change.reworded:
            value = answers.get(item_id)
            if item_id not in known or not _answered(value) or value.get("review"):
                continue
            if by_version or _dated_before(value, change.date):
                value["review"] = {"reason": "reworded", "checklist": change.checklist, "version": change.version}
                marked.append(item_id)
        if marked:
            steps.append(Step("reworded", change.checklist, change.version, (), tuple(marked), review=True))
        recited = tuple(i for i in change.recited if i in known and _answered(answers.get(i)))
        if recited:
            steps.append(Step("recited", change.checklist, change.version, (), recited))
        added = tuple(i for i in change.added if i in applicable and not _answered(answers.get(i)))
        if added:
            steps.append(Step("added", change.checklist, change.version, (), added))
    unexplained = tuple(k for k in answers if k not in known)
    if unexplained:
        steps.append(Step("unexplained", "", "", unexplained))
    checklists, pins = _pins(data, audit)
    signed = sum(1 for s in data.get("signoff") or () if isinstance(s, dict) and s.get("signature"))
    return Plan(
        audit=doc.name,
        pins=tuple(pins),
        summaries=tuple(summaries),
        steps=tuple(steps),
        answers=answers,
        retired=retired,
        checklists=checklists,
        signed=signed,
        old_answers=old_answers,
        old_retired=old_retired,
    )


def _entries(audit: Audit) -> list[tuple[ChecklistChange, bool]]:
    """The change records that apply, oldest first, each with whether it applies by version (else by effect)."""
    pinned: dict[str, tuple[str | None, str]] = {}  # checklist id -> (recorded version, installed version)
    for ref, checklist in zip(audit.checklist_refs, audit.checklists, strict=False):
        pinned.setdefault(checklist.id, (ref.version, checklist.version))
    out: dict[tuple[str, str], tuple[ChecklistChange, bool]] = {}
    for checklist in audit.checklists:
        for change in checklist.changes:
            key = (change.checklist, change.version)
            if key in out:
                continue
            recorded, installed = pinned.get(change.checklist, (None, None))
            if recorded is not None:
                if not (version_key(recorded) < version_key(change.version) <= version_key(installed)):
                    continue
                out[key] = (change, True)
            else:
                out[key] = (change, False)
    return sorted(out.values(), key=lambda pair: version_key(pair[0].version))


def _carry(
    change: ChecklistChange,
    kind: str,
    sources: tuple[str, ...],
    targets: tuple[str, ...],
    answers: dict,
    retired: dict,
    known: set[str],
    placeable: set[str],
    steps: list[Step],
    review: bool,
) -> None:
    """Move the answers of ``sources`` (items that no longer exist) to ``targets``; retire what cannot be placed."""
    present = tuple(s for s in sources if s in answers and s not in known)
    if not present:
        return
    values = [answers[s] for s in present]
    value = _combine(present, values) if kind == "merged" else _clean(values[0])
    worth = _answered(value) or value.get("notes") or value.get("evidence")
    placed, conflicts = [], []
    for target in targets:
        if target not in placeable:
            continue
        if _answered(answers.get(target)) and target not in present:
            conflicts.append(target)
            continue
        new = dict(value)
        if review and worth:
            new["review"] = {"reason": kind, "from": list(present), "checklist": change.checklist, "version": change.version}
        answers[target] = new
        placed.append(target)
    for source in present:
        old = answers.pop(source)
        if not placed:
            retired[source] = _retired(old, "conflict" if conflicts else "unplaced", change)
    steps.append(
        Step(
            kind,
            change.checklist,
            change.version,
            present,
            tuple(placed),
            _status(value),
            review=bool(review and worth and placed),
            retired=present if not placed else (),
            conflicts=tuple(conflicts),
        )
    )


def _clean(value: Any) -> dict:
    """An answer mapping to carry: its answer keys, without an older review mark."""
    return {k: v for k, v in value.items() if k != "review"} if isinstance(value, dict) else {"status": "unanswered"}


def _combine(ids: tuple[str, ...], values: list) -> dict:
    """One answer for merged items: see the module docstring."""
    values = [_clean(v) for v in values]
    statuses = [v.get("status", "unanswered") for v in values]
    scored = {s for s in statuses if s not in ("na", "unanswered")}
    if not scored:
        status = "na" if all(s == "na" for s in statuses) else "unanswered"
    elif scored == {"met"}:
        status = "met"
    elif "met" not in scored and "partial" not in scored:
        status = "not_met"
    else:
        status = "partial"
    out: dict[str, Any] = {"status": status}
    noted = [(i, v) for i, v in zip(ids, values, strict=False) if (v.get("notes") or "").strip()]
    if len(noted) == 1:
        out["notes"] = noted[0][1]["notes"]
    elif noted:
        out["notes"] = "\n\n".join(f"{i} ({v.get('status', 'unanswered')}): {v['notes'].strip()}" for i, v in noted)
    evidence, seen = [], set()
    for v in values:
        for entry in v.get("evidence") or ():
            key = (entry.get("path"), entry.get("url")) if isinstance(entry, dict) else entry
            if key not in seen:
                seen.add(key)
                evidence.append(entry)
    if evidence:
        out["evidence"] = evidence
    dated = sorted((v for v in values if v.get("date")), key=lambda v: v["date"])
    if dated:
        if dated[-1].get("answered_by"):
            out["answered_by"] = dated[-1]["answered_by"]
        out["date"] = dated[-1]["date"]
    return out


def _retired(value: Any, reason: str, change: ChecklistChange) -> dict:
    return {"answer": _clean(value), "reason": reason, "checklist": change.checklist, "version": change.version}


def _answered(value: Any) -> bool:
    return isinstance(value, dict) and value.get("status", "unanswered") != "unanswered"


def _status(value: Any) -> str | None:
    return value.get("status") if isinstance(value, dict) else None


def _dated_before(value: dict, date: str | None) -> bool:
    """Whether an answer was given before a change record's date (undated answers and records: yes)."""
    return not date or not value.get("date") or str(value["date"]) < str(date)


def _pins(data: dict, audit: Audit) -> tuple[list[dict], list[Pin]]:
    checklists, pins = [], []
    for n, (raw, checklist) in enumerate(zip(data["checklists"], audit.checklists, strict=False)):
        new = dict(raw)
        new["version"] = checklist.version
        new["sha256"] = checklist.sha256
        checklists.append(new)
        label = raw.get("id") or raw.get("path") or ""
        pins.append(Pin(n, label, raw.get("version"), checklist.version, raw.get("sha256"), checklist.sha256))
    return checklists, pins


# --- loading and writing ----------------------------------------------------------------------------


def load_for_upgrade(path: str | Path, allow_outside: bool = False, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Document, Audit]:
    """The audit's document and model, refused when it has errors other than answers to unknown items."""
    doc = load_file(path, max_bytes=max_bytes)
    audit, problems = audit_from_document(doc, allow_outside=allow_outside, max_bytes=max_bytes)
    blocking = [d for d in problems if d.severity == "error" and d.code != "E401"]
    if audit is None or has_errors(blocking):
        raise DiagnosticError(blocking or problems)
    return doc, audit


def upgrade(path: str | Path, allow_outside: bool = False, max_bytes: int = DEFAULT_MAX_BYTES, dry_run: bool = False) -> Plan:
    """Plan the upgrade of the audit at ``path`` and, unless ``dry_run``, write it (locked, verified, atomic)."""
    if dry_run:
        return plan_upgrade(*load_for_upgrade(path, allow_outside, max_bytes))
    from .answer import Editor
    from .lock import audit_lock

    with audit_lock(path):
        doc, audit = load_for_upgrade(path, allow_outside, max_bytes)
        plan = plan_upgrade(doc, audit)
        if plan.up_to_date:
            return plan
        editor = Editor(path, allow_outside=allow_outside, max_bytes=max_bytes)
        if editor.doc.raw != doc.raw:  # pragma: no cover - the lock keeps aiaudit writers out
            raise UsageError(Msg("upgrade.changed_meanwhile", path=str(path)))
        editor.save_changes(plan.changes)
    return plan
