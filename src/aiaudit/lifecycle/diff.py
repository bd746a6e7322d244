"""``aiaudit diff OLD NEW``: what changed between two versions of an audit, and what it does to the verdict.

Both versions are loaded with the normal loader (``OLD`` may come from git, see :mod:`.git`) and
evaluated with the *installed* checklists and one policy (``--policy``, else the new version's
default), so the verdicts, scores and framework standings before and after are comparable. The
diff holds:

* answers added, removed or changed (status, notes, evidence added, removed or re-hashed, review
  marks, who and when), in checklist order;
* checklist pins that moved, the items the checklists' change records add and remove between the
  pinned versions, and items added or removed because the audit uses other checklists;
* the readiness verdict, the overall score and each framework's standing, before → after;
* findings opened and closed;
* system-profile keys that changed, and sign-off entries added or removed.

Nothing here writes a file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from ..audit.evaluation import Evaluation, ItemResult, evaluate
from ..audit.load import audit_from_document
from ..diagnostics import AiauditError, Diagnostic, DiagnosticError
from ..i18n import Msg
from ..library.checklists import version_key
from ..loading import DEFAULT_MAX_BYTES, Document, load_bytes, load_file
from ..model import Audit, ChecklistChange, Item, Text
from ..policy.verdict import Verdict, audit_verdict, default_policy
from ..records import record
from .git import GitFile

#: Fields of an answer, in the order a diff lists them.
FIELDS = ("status", "notes", "evidence", "review", "answered_by", "date")


@record
class Side:
    """One version of the audit, loaded and evaluated."""

    label: str
    doc: Document
    audit: Audit
    evaluation: Evaluation
    problems: tuple[Diagnostic, ...]
    verdict: Verdict | None = None
    verdict_error: Msg | None = None


@record
class EvidenceChange:
    label: str
    change: str  # added | removed | rehashed
    old_sha256: str | None = None
    new_sha256: str | None = None


@record
class AnswerChange:
    item_id: str
    kind: str  # added | removed | changed
    old: dict | None
    new: dict | None
    fields: tuple[str, ...]
    evidence: tuple[EvidenceChange, ...] = ()
    item: Item | None = None  # None: no checklist of the new version has the item

    @property
    def old_status(self) -> str:
        return (self.old or {}).get("status", "unanswered") if self.old is not None else "unanswered"

    @property
    def new_status(self) -> str:
        return (self.new or {}).get("status", "unanswered") if self.new is not None else "unanswered"


@record
class StandingChange:
    framework: str
    name: Text
    old_scope: str | None
    new_scope: str | None
    old_percent: float | None
    new_percent: float | None

    @property
    def changed(self) -> bool:
        return self.old_scope != self.new_scope or self.old_percent != self.new_percent


@record
class PinChange:
    label: str
    old_version: str | None
    new_version: str | None
    old_sha256: str | None
    new_sha256: str | None


@record
class AuditDiff:
    old: Side
    new: Side
    policy: str
    pins: tuple[PinChange, ...]
    records: tuple[ChecklistChange, ...]  # change records between the pinned versions
    items_added: tuple[str, ...]
    items_removed: tuple[str, ...]
    answers: tuple[AnswerChange, ...]
    findings_opened: tuple[ItemResult, ...]
    findings_closed: tuple[ItemResult, ...]
    standings: tuple[StandingChange, ...]
    system: tuple[str, ...]  # profile keys that changed
    signoff_added: tuple[str, ...]
    signoff_removed: tuple[str, ...]
    old_score: float | None
    new_score: float | None

    @property
    def changed(self) -> bool:
        return bool(
            self.pins
            or self.items_added
            or self.items_removed
            or self.answers
            or self.system
            or self.signoff_added
            or self.signoff_removed
            or self.old.doc.data.get("retired_answers") != self.new.doc.data.get("retired_answers")
        )

    @property
    def verdict_changed(self) -> bool:
        a, b = self.old.verdict, self.new.verdict
        return (a.status if a else None) != (b.status if b else None)


# --- loading --------------------------------------------------------------------------------------


def load_side(
    source: str | Path | GitFile, allow_outside: bool = False, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[str, Document, Audit, tuple[Diagnostic, ...]]:
    """Load one version: a file, or an old version from git (evidence files are not read for it)."""
    if isinstance(source, GitFile):
        doc = load_bytes(source.raw, str(source.path), max_bytes)  # named after its real place: relative paths resolve
        audit, problems = audit_from_document(doc, allow_outside=allow_outside, max_bytes=max_bytes, evidence=False)
        problems = [dataclasses.replace(d, file=source.label) if d.file == str(source.path) else d for d in problems]
        label = source.label
    else:
        doc = load_file(source, max_bytes=max_bytes)
        audit, problems = audit_from_document(doc, allow_outside=allow_outside, max_bytes=max_bytes)
        label = str(source)
    if audit is None:
        raise DiagnosticError(problems)
    return label, doc, audit, tuple(problems)


def _side(label, doc, audit, problems, policy_spec, today, allow_outside, max_bytes) -> Side:
    evaluation = evaluate(audit)
    try:
        verdict, _ = audit_verdict(evaluation, doc, policy_spec, today, allow_outside, max_bytes)
        return Side(label, doc, audit, evaluation, problems, verdict)
    except DiagnosticError as exc:
        first = exc.diagnostics[0] if exc.diagnostics else None
        return Side(label, doc, audit, evaluation, problems, None, Msg("diff.no_verdict", problem=first.message if first else ""))
    except AiauditError as exc:
        return Side(label, doc, audit, evaluation, problems, None, Msg("diff.no_verdict", problem=exc.message))


# --- comparing ------------------------------------------------------------------------------------


def diff_audits(
    old: str | Path | GitFile,
    new: str | Path,
    policy_spec: str | None = None,
    today: dt.date | None = None,
    allow_outside: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> AuditDiff:
    """Compare two versions of an audit (see the module docstring)."""
    today = today or dt.date.today()
    new_loaded = load_side(new, allow_outside, max_bytes)
    old_loaded = load_side(old, allow_outside, max_bytes)
    spec = policy_spec or default_policy(evaluate(new_loaded[2]))
    new_side = _side(*new_loaded, spec, today, allow_outside, max_bytes)
    old_side = _side(*old_loaded, spec, today, allow_outside, max_bytes)
    return compare(old_side, new_side, spec)


def compare(old: Side, new: Side, policy: str) -> AuditDiff:
    items = {i.id: i for i in new.audit.items}
    old_items = {i.id: i for i in old.audit.items}
    order = {item_id: n for n, item_id in enumerate([*items, *(i for i in old_items if i not in items)])}
    old_answers = old.doc.data.get("answers") or {}
    new_answers = new.doc.data.get("answers") or {}
    changes = []
    for item_id in sorted(set(old_answers) | set(new_answers), key=lambda i: (order.get(i, len(order)), i)):
        change = _answer_change(
            item_id, old_answers.get(item_id), new_answers.get(item_id), items.get(item_id) or old_items.get(item_id)
        )
        if change is not None:
            changes.append(change)
    pins, records = _pins(old, new)
    added = set(items) - set(old_items)
    removed = set(old_items) - set(items)
    for change_record in records:
        added.update(change_record.added, change_record.renamed.values(), *change_record.split.values(), change_record.merged)
        removed.update(change_record.renamed, change_record.split, change_record.removed, *change_record.merged.values())
    added &= set(items)
    removed -= set(items)
    before = {r.item.id: r for r in old.evaluation.findings}
    after = {r.item.id: r for r in new.evaluation.findings}
    return AuditDiff(
        old=old,
        new=new,
        policy=policy,
        pins=pins,
        records=records,
        items_added=tuple(sorted(added, key=lambda i: order.get(i, 0))),
        items_removed=tuple(sorted(removed)),
        answers=tuple(changes),
        findings_opened=tuple(r for i, r in after.items() if i not in before),
        findings_closed=tuple(r for i, r in before.items() if i not in after),
        standings=_standings(old.evaluation, new.evaluation),
        system=tuple(
            k
            for k in [*(new.audit.system or {}), *(k for k in (old.audit.system or {}) if k not in (new.audit.system or {}))]
            if (old.audit.system or {}).get(k) != (new.audit.system or {}).get(k)
        ),
        signoff_added=_names(new.doc, old.doc),
        signoff_removed=_names(old.doc, new.doc),
        old_score=old.evaluation.overall.percent,
        new_score=new.evaluation.overall.percent,
    )


def _answer_change(item_id: str, old: Any, new: Any, item: Item | None) -> AnswerChange | None:
    old = old if isinstance(old, dict) else None
    new = new if isinstance(new, dict) else None
    if old == new:
        return None
    if old is None:
        return AnswerChange(item_id, "added", None, new, tuple(f for f in FIELDS if f in new), _evidence(None, new), item)
    if new is None:
        return AnswerChange(item_id, "removed", old, None, (), _evidence(old, None), item)
    fields = tuple(f for f in FIELDS if old.get(f) != new.get(f))
    fields += tuple(k for k in new if k not in FIELDS and old.get(k) != new.get(k))
    return AnswerChange(item_id, "changed", old, new, fields, _evidence(old, new), item)


def _evidence(old: dict | None, new: dict | None) -> tuple[EvidenceChange, ...]:
    def index(answer: dict | None) -> dict[str, dict]:
        out = {}
        for entry in (answer or {}).get("evidence") or ():
            if isinstance(entry, dict):
                out[str(entry.get("path") or entry.get("url") or "")] = entry
        return out

    a, b = index(old), index(new)
    out = []
    for label, entry in b.items():
        if label not in a:
            out.append(EvidenceChange(label, "added", None, entry.get("sha256")))
        elif a[label].get("sha256") != entry.get("sha256") or a[label].get("size") != entry.get("size"):
            out.append(EvidenceChange(label, "rehashed", a[label].get("sha256"), entry.get("sha256")))
    out += [EvidenceChange(label, "removed", entry.get("sha256"), None) for label, entry in a.items() if label not in b]
    return tuple(out)


def _pins(old: Side, new: Side) -> tuple[tuple[PinChange, ...], tuple[ChecklistChange, ...]]:
    def pinned(side: Side) -> dict[str, tuple[str | None, str | None]]:
        return {
            str(raw.get("id") or raw.get("path")): (raw.get("version"), raw.get("sha256"))
            for raw in side.doc.data.get("checklists") or ()
        }

    a, b = pinned(old), pinned(new)
    none = (None, None)
    pins = tuple(
        PinChange(label, a.get(label, none)[0], b.get(label, none)[0], a.get(label, none)[1], b.get(label, none)[1])
        for label in [*b, *(k for k in a if k not in b)]
        if a.get(label) != b.get(label)
    )
    records: list[ChecklistChange] = []
    by_id = {c.id: c for c in new.audit.checklists}
    for pin in pins:
        checklist = by_id.get(pin.label)
        if checklist is None or pin.new_version is None:
            continue
        low = version_key(pin.old_version) if pin.old_version else None
        for change in checklist.changes:
            if change.checklist != checklist.id:
                continue
            key = version_key(change.version)
            if (low is None or key > low) and key <= version_key(pin.new_version):
                records.append(change)
    return pins, tuple(records)


def _standings(old: Evaluation, new: Evaluation) -> tuple[StandingChange, ...]:
    a, b = old.standings(), new.standings()
    out = []
    for fw_id in [*b, *(k for k in a if k not in b)]:
        sa, sb = a.get(fw_id), b.get(fw_id)
        framework = (sb or sa).framework
        out.append(
            StandingChange(
                fw_id,
                framework.short,
                sa.scope.status if sa else None,
                sb.scope.status if sb else None,
                sa.score.percent if sa and sa.score else None,
                sb.score.percent if sb and sb.score else None,
            )
        )
    return tuple(out)


def _names(doc: Document, other: Document) -> tuple[str, ...]:
    theirs = {(s.get("name"), s.get("date")) for s in other.data.get("signoff") or () if isinstance(s, dict)}
    return tuple(
        f"{s.get('name')} ({s.get('date')})"
        for s in doc.data.get("signoff") or ()
        if isinstance(s, dict) and (s.get("name"), s.get("date")) not in theirs
    )
