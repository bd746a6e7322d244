"""The served folder: its audits, their live state (progress, verdict, findings) and every save.

Nothing here knows about HTTP. A :class:`Workspace` finds the audits of the folder, keeps each
one's evaluated state until its file changes on disk, and saves answers and classifications with
the code of ``aiaudit answer`` and ``aiaudit classify``:

* every save takes the audit's lock (:mod:`aiaudit.audit.lock`), so an ``aiaudit fill`` running in
  a terminal, or another ``aiaudit serve``, makes the browser say so instead of writing over it;
  saves from this server's own threads wait for each other;
* the answer goes through :class:`aiaudit.audit.answer.Editor` (validated, atomic, comments and
  layout kept, evidence hashed), the classification through
  :func:`aiaudit.audit.classify.classification_changes` and the same editor;
* each form carries the *revision* of what it edits (a hash of the item's answer, or of the
  classification, as the page showed it): when the file has something else by the time the form
  is saved (another tab, the command line, an editor), the save is refused as a conflict and the
  browser shows both versions. Nothing is ever overwritten silently.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
from collections.abc import Iterable
from dataclasses import field
from pathlib import Path
from typing import Any, BinaryIO

from ..audit import evidence as ev
from ..audit.answer import MULTILINE_FINDING_FIELDS, AnswerInput, Editor
from ..audit.evaluation import Evaluation, ItemResult
from ..audit.load import audit_from_file
from ..audit.lock import LockBusy, audit_lock
from ..audit.status import Progress, progress
from ..diagnostics import AiauditError, Diagnostic, DiagnosticError
from ..files import file_levels, yaml_levels
from ..i18n import Msg
from ..loading import DEFAULT_MAX_BYTES, read_limited
from ..model import FINDING_FIELDS, Audit, Item
from ..records import record

#: Uploads larger than this are refused (``--max-upload``).
DEFAULT_MAX_UPLOAD = 25_000_000
#: How deep, and how many, audits are looked for under a served folder.
MAX_DEPTH = 3
MAX_AUDITS = 200
#: Folders never searched for audits.
SKIP_FOLDERS = frozenset({"node_modules", "__pycache__", "venv", "site-packages", "dist", "build"})
#: Files listed as evidence candidates (the path field's suggestions).
MAX_CANDIDATES = 400
_KIND_AUDIT = re.compile(rb"^kind:[ \t]*['\"]?audit['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)


@record
class Settings:
    """How the workspace was started (``aiaudit serve`` options)."""

    root: Path
    audit: Path | None = None  # one audit given on the command line
    lang: str = "en"
    answered_by: str | None = None
    allow_outside: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    max_upload: int = DEFAULT_MAX_UPLOAD
    policy: str | None = None


@record
class AuditEntry:
    """One audit of the served folder: a short id for URLs, its file, and its path as shown."""

    id: str
    path: Path
    rel: str


@record(frozen=False)
class AuditState:
    """An audit as its file is now: loaded and checked, its progress and readiness verdict."""

    entry: AuditEntry
    key: tuple
    audit: Audit | None
    problems: list[Diagnostic]
    progress: Progress | None = None
    verdict: Any = None  # policy.verdict.Verdict
    gate: Any = None  # policy.rules.GateResult
    verdict_error: Any = None  # a message when the policy cannot judge the audit

    @property
    def evaluation(self) -> Evaluation | None:
        return self.progress.evaluation if self.progress is not None else None

    @property
    def etag(self) -> str:
        return self.audit.sha256[:20] if self.audit is not None else "-".join(map(str, self.key))

    def result(self, item_id: str) -> ItemResult | None:
        if self.progress is None:
            return None
        return next((r for r in self.progress.results if r.item.id == item_id), None)

    def raw_answer(self, item_id: str) -> dict:
        answers = (self.audit.doc.data.get("answers") or {}) if self.audit is not None else {}
        value = answers.get(item_id)
        return dict(value) if isinstance(value, dict) else {}


@record
class AnswerForm:
    """What the answer form sent for one item (``None``: keep what the file has)."""

    item_id: str
    revision: str
    status: str | None = None
    notes: str | None = None
    remove: tuple[str, ...] = ()  # labels (path or URL) of recorded evidence to drop
    add_paths: tuple[str, ...] = ()
    add_urls: tuple[str, ...] = ()
    uploads: tuple[tuple[str, BinaryIO], ...] = ()
    #: The auditor's finding fields sent (names from :data:`aiaudit.model.FINDING_FIELDS`); a field
    #: left out is kept, ``""`` removes it.
    finding: dict[str, str] = field(default_factory=dict)


@record(frozen=False)
class Outcome:
    """How a save went: ``saved``, ``invalid`` (fix the input), ``conflict``, ``busy`` (locked) or ``failed``."""

    status: str
    messages: list = field(default_factory=list)  # Msg or str, shown at the top
    fields: dict[str, list] = field(default_factory=dict)  # form field → messages
    value: dict | None = None  # what was written
    current: dict | None = None  # what the file has now (conflicts)
    revision: str = ""  # the revision after the save (or of the file, for a conflict)
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == "saved"


def revision_of(value: Any) -> str:
    """A short hash of an answer (or any plain value) as the file has it: the form's revision."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def audit_id(rel: str) -> str:
    """The URL id of an audit: a short hash of its path in the served folder (no path ever appears in a URL)."""
    return hashlib.sha256(rel.encode("utf-8")).hexdigest()[:12]


def is_audit_file(path: Path) -> bool:
    """Whether a YAML file says ``kind: audit`` at its top level (read from its first 64 KiB)."""
    try:
        with open(path, "rb") as fh:
            return bool(_KIND_AUDIT.search(fh.read(65536)))
    except OSError:
        return False


def discover(root: Path) -> list[Path]:
    """The audit files under ``root`` (up to :data:`MAX_DEPTH` folders deep; hidden entries, links and tool folders skipped)."""
    found: list[Path] = []
    for files in yaml_levels(root, MAX_DEPTH, SKIP_FOLDERS):
        for path in files:
            if is_audit_file(path):
                found.append(path)
                if len(found) >= MAX_AUDITS:
                    return found
    return found


class Workspace:
    """The audits of a served folder and everything done to them."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.root = Path(os.path.abspath(settings.root))
        self._entries: dict[str, AuditEntry] = {}
        self._states: dict[str, AuditState] = {}
        self._editors: dict[str, Editor] = {}
        self._mutexes: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.refresh()

    # -- the audits ---------------------------------------------------------------------------------

    def refresh(self) -> list[AuditEntry]:
        """Look for audits again (a single audit given on the command line stays the only one)."""
        paths = [Path(os.path.abspath(self.settings.audit))] if self.settings.audit is not None else discover(self.root)
        entries = {}
        for path in paths:
            try:
                rel = path.relative_to(self.root).as_posix()
            except ValueError:
                rel = path.name
            entries[audit_id(rel)] = AuditEntry(audit_id(rel), path, rel)
        with self._guard:
            self._entries = entries
        return list(entries.values())

    @property
    def entries(self) -> list[AuditEntry]:
        return list(self._entries.values())

    def entry(self, audit_id: str) -> AuditEntry | None:
        return self._entries.get(audit_id)

    def _mutex(self, audit_id: str) -> threading.Lock:
        with self._guard:
            return self._mutexes.setdefault(audit_id, threading.Lock())

    def state(self, entry: AuditEntry) -> AuditState:
        """The audit's state, computed again only when its file changed (size, time or inode)."""
        try:
            info = os.stat(entry.path)
            key: tuple = (info.st_ino, info.st_size, info.st_mtime_ns)
        except OSError:
            key = ("missing",)
        cached = self._states.get(entry.id)
        if cached is not None and cached.key == key:
            return cached
        state = self._build(entry, key)
        self._states[entry.id] = state
        return state

    def _build(self, entry: AuditEntry, key: tuple) -> AuditState:
        s = self.settings
        audit, problems = audit_from_file(entry.path, allow_outside=s.allow_outside, max_bytes=s.max_bytes)
        state = AuditState(entry, key, audit, problems)
        if audit is None:
            return state
        state.progress = progress(audit)
        from ..policy.verdict import audit_verdict

        try:
            state.verdict, state.gate = audit_verdict(
                state.progress.evaluation, audit.doc, s.policy, allow_outside=s.allow_outside, max_bytes=s.max_bytes
            )
        except AiauditError as exc:
            state.verdict_error = exc.message
        return state

    def forget(self, entry: AuditEntry) -> None:
        self._states.pop(entry.id, None)

    def _editor(self, entry: AuditEntry) -> Editor:
        """The audit's editor, read again when the file changed since (call with the lock held)."""
        s = self.settings
        editor = self._editors.get(entry.id)
        if editor is None:
            editor = Editor(entry.path, allow_outside=s.allow_outside, max_bytes=s.max_bytes, answered_by=s.answered_by)
            self._editors[entry.id] = editor
        elif read_limited(entry.path, s.max_bytes, str(entry.path)) != editor.doc.raw:
            editor.reload()
        return editor

    # -- saving an answer ---------------------------------------------------------------------------

    def save_answer(self, entry: AuditEntry, form: AnswerForm) -> Outcome:
        """Save one item's answer as ``aiaudit answer`` would, under the audit's lock; never raises for bad input."""
        return self._locked(entry, lambda: self._save_answer(entry, form))

    def _locked(self, entry: AuditEntry, save) -> Outcome:
        """Run ``save`` under the audit's lock (one writer per audit in this process too): a busy lock or an
        error becomes an Outcome, never an exception, and the cached state is dropped afterwards."""
        with self._mutex(entry.id):
            try:
                with audit_lock(entry.path):
                    return save()
            except AiauditError as exc:
                return refused(exc)
            finally:
                self.forget(entry)

    def _save_answer(self, entry: AuditEntry, form: AnswerForm) -> Outcome:
        editor = self._editor(entry)
        item_id = form.item_id
        if item_id not in editor.items:
            return Outcome("failed", [Msg("answer.unknown_item", item=item_id, hint="")])
        old = editor.raw_answer(item_id)
        if form.revision != revision_of(old):
            return Outcome("conflict", [Msg("serve.conflict", item=item_id)], current=old, revision=revision_of(old))
        notes = form.notes
        if notes is not None:
            notes = notes.replace("\r\n", "\n")
            if notes == (old.get("notes") if isinstance(old.get("notes"), str) else ""):
                notes = None  # unchanged: keep the file's text as it is
        status = form.status or None
        evidence = _evidence_list(old, form)
        finding = finding_changes(old, form)
        first = AnswerInput(item_id, status=status, notes=notes, evidence=evidence, **finding)
        problems = editor.problems(first)
        if problems:
            return _invalid(problems, item_id)
        created: list[Path] = []
        if form.uploads:
            paths = []
            try:
                for name, stream in form.uploads:
                    found, recorded, new = ev.store(editor.folder, name, stream, self.settings.max_upload)
                    if new:
                        created.append(found.path)
                    paths.append(recorded)
            except ev.EvidenceTooLarge as exc:
                _remove(created)
                return Outcome("invalid", [exc.args[0]], fields={"upload": [exc.args[0]]})
            except (ev.EvidenceOutside, ev.EvidenceUnreadable, OSError) as exc:
                _remove(created)
                reason = exc.args[0] if exc.args and isinstance(exc.args[0], Msg) else str(exc)
                return Outcome("invalid", [Msg("serve.upload_failed", reason=reason)], fields={"upload": [reason]})
            evidence = tuple(evidence or ()) + tuple(paths)
        inp = AnswerInput(item_id, status=status, notes=notes, evidence=evidence, **finding)
        try:
            value = editor.answer(inp)
        except BaseException:
            _remove(created)
            raise
        return Outcome("saved", [Msg("serve.saved", item=item_id)], value=value, revision=revision_of(editor.raw_answer(item_id)))

    # -- classification -----------------------------------------------------------------------------

    def save_classification(self, entry: AuditEntry, answers: dict[str, Any], revision: str, lang: str) -> Outcome:
        """Write a classification as ``aiaudit classify`` does (same changes, same editor), under the lock."""
        from ..audit.classify import classification_changes

        def save() -> Outcome:
            editor = self._editor(entry)
            system = editor.audit.system
            now = revision_of(system.get("classification") or {})
            if revision != now:
                return Outcome("conflict", [Msg("serve.classify_conflict")], revision=now)
            before = progress(editor.audit).applicable
            result, changes, regions = classification_changes(system, answers, editor.date, lang)
            editor.save_changes(changes)
            after = progress(editor.audit).applicable
            saved = revision_of(editor.audit.system.get("classification") or {})
            extra = {"result": result, "regions": regions, "before": before, "after": after}
            return Outcome("saved", [Msg("serve.classified")], revision=saved, extra=extra)

        return self._locked(entry, save)

    # -- evidence ------------------------------------------------------------------------------------

    def evidence_file(self, entry: AuditEntry, recorded: str) -> Path | None:
        """The file of an evidence path the audit cites now, confined to the audit's folder; None otherwise."""
        state = self.state(entry)
        if state.audit is None:
            return None
        cited = {e.path for a in state.audit.answers.values() for e in a.evidence if e.path}
        if recorded not in cited:
            return None
        try:
            target = ev.resolve(entry.path.parent, recorded, allow_outside=False)
            ev.facts(target)
        except (ev.EvidenceOutside, ev.EvidenceUnreadable, OSError):
            return None
        return target

    def candidates(self, entry: AuditEntry) -> list[str]:
        """Files under the audit's folder that could be cited as evidence (for the path field's suggestions)."""
        base = entry.path.parent
        out: list[str] = []
        for files in file_levels(base, 3, SKIP_FOLDERS):
            for path in files:
                if path != entry.path:
                    out.append(path.relative_to(base).as_posix())
                    if len(out) >= MAX_CANDIDATES:
                        return sorted(out)
        return sorted(out)


def refused(exc: AiauditError) -> Outcome:
    """The outcome of a save that raised: ``busy`` (another writer holds the lock), ``invalid`` (the
    diagnostics of what would have been written) or ``failed``."""
    if isinstance(exc, LockBusy):
        return Outcome("busy", [exc.message])
    if isinstance(exc, DiagnosticError):
        return Outcome("invalid", list(exc.diagnostics))
    return Outcome("failed", [exc.message])


def _evidence_list(old: dict, form: AnswerForm) -> tuple | None:
    """The evidence to record: None (keep) when the form removes and adds nothing, else the kept entries and the new ones."""
    added = [p.strip() for p in form.add_paths if p and p.strip()] + [u.strip() for u in form.add_urls if u and u.strip()]
    recorded = [e for e in old.get("evidence") or [] if isinstance(e, dict)]
    removed = set(form.remove)
    if not added and not removed and not form.uploads:
        return None
    kept = [e for e in recorded if str(e.get("path") or e.get("url") or "") not in removed]
    return tuple(kept) + tuple(added)


def finding_changes(old: dict, form: AnswerForm) -> dict[str, str | None]:
    """The finding fields to pass to :class:`AnswerInput`: None (keep) for a field not sent or sent as the file has it.

    A textarea's Windows line breaks become ``\\n``; one-line fields are compared without surrounding
    spaces, as :meth:`aiaudit.audit.answer.Editor.build` writes them. ``""`` for a field the file has
    removes it.
    """
    out: dict[str, str | None] = {}
    for name in FINDING_FIELDS:
        value = form.finding.get(name)
        if value is not None:
            value = value.replace("\r\n", "\n")
            current = old.get(name) if isinstance(old.get(name), str) else ""
            sent = value if name in MULTILINE_FINDING_FIELDS else value.strip()
            if sent == current or (not sent.strip() and not current):
                value = None  # unchanged: keep the file's value as it is
        out[name] = value
    return out


def _invalid(problems: Iterable, item_id: str) -> Outcome:
    out = Outcome("invalid")
    for p in problems:
        message = Msg("serve.status_required") if p.code == "E203" and p.field == "status" else p.message
        out.messages.append(message)
        out.fields.setdefault(p.field, []).append(message)
    return out


def _remove(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def item_ids_in_order(state: AuditState) -> list[str]:
    return [r.item.id for r in state.progress.results] if state.progress is not None else []


def find_item(state: AuditState, item_id: str) -> Item | None:
    result = state.result(item_id)
    return result.item if result is not None else None
