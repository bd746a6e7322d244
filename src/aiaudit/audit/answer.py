"""Setting answers in an audit: checks (item, status, notes, evidence), who and when, bulk import, safe save.

One :class:`Editor` per command run. It loads and checks the audit once, turns each
:class:`AnswerInput` into the answer mapping that goes into the file (evidence hashed, ``answered_by``
and ``date`` filled in), and saves through :mod:`aiaudit.roundtrip`: the file is re-read, edited
with its comments kept, re-loaded and re-checked, then written atomically. A save that would add
an error the file did not have before is refused and the file is left as it was.

Saving one answer costs a few milliseconds on a 300-item audit: the answer's text span is
edited in place (:mod:`aiaudit.audit.spanedit`) and only the changed answers are checked again.

Only the fields an input gives change; ``notes`` and ``evidence`` that are not given keep their
old values. The caller holds the audit's lock (:mod:`aiaudit.locking`).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
import re
from dataclasses import field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, DiagnosticError, UsageError, has_errors
from ..files import WriteError, atomic_write
from ..i18n import Msg
from ..loading import DEFAULT_MAX_BYTES, Document, json_path, load_bytes, load_file, read_limited
from ..model import FINDING_FIELDS, REMEDIATION_STATUSES, STATUSES, Answer, Audit, Item
from ..records import record
from ..schemas import schema_diagnostics
from ..text import visible
from . import evidence as ev
from .justification import is_placeholder
from .load import audit_from_document, check_answer
from .roundtrip import Change, apply, new_problems

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: What an answer's text never holds: C0 and C1 controls except tab and newline, DEL, and bidirectional
#: controls (they reorder or hide what a reader sees). ``fill`` removes them as they are typed.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_URL = re.compile(r"^https?://\S+$")

#: Accepted spellings of each status (spreadsheets and people write them in many ways).
_STATUS_ALIASES = {
    "met": "met",
    "yes": "met",
    "충족": "met",
    "partial": "partial",
    "partially_met": "partial",
    "partly": "partial",
    "부분_충족": "partial",
    "부분충족": "partial",
    "not_met": "not_met",
    "notmet": "not_met",
    "no": "not_met",
    "미충족": "not_met",
    "na": "na",
    "n/a": "na",
    "not_applicable": "na",
    "해당_없음": "na",
    "해당없음": "na",
    "unanswered": "unanswered",
    "미응답": "unanswered",
}


#: Accepted spellings of each remediation status.
_REMEDIATION_ALIASES = {
    "open": "open",
    "todo": "open",
    "미착수": "open",
    "in_progress": "in_progress",
    "progress": "in_progress",
    "doing": "in_progress",
    "진행_중": "in_progress",
    "진행중": "in_progress",
    "resolved": "resolved",
    "done": "resolved",
    "closed": "resolved",
    "fixed": "resolved",
    "완료": "resolved",
    "risk_accepted": "risk_accepted",
    "accepted": "risk_accepted",
    "위험_수용": "risk_accepted",
    "위험수용": "risk_accepted",
}
#: The finding fields that may hold several lines (Markdown is not rendered in them, newlines are kept).
MULTILINE_FINDING_FIELDS = ("observation", "risk", "recommendation", "management_response")
#: The finding fields that hold free text (``due`` is a date, ``remediation_status`` a choice).
FINDING_TEXT_FIELDS = ("observation", "risk", "recommendation", "owner", "management_response")


def normalize_remediation(value: Any) -> str | None:
    """The canonical remediation status for a spelling such as ``in progress``, ``done`` or ``완료``; None if unknown."""
    if not isinstance(value, str):
        return None
    key = re.sub(r"[\s-]+", "_", value.strip().lower())
    return _REMEDIATION_ALIASES.get(key)


def normalize_status(value: Any) -> str | None:
    """The canonical status for a spelling such as ``Not met``, ``n/a`` or ``충족``; None if unknown."""
    if not isinstance(value, str):
        return None
    key = re.sub(r"[\s-]+", "_", value.strip().lower())
    return _STATUS_ALIASES.get(key)


@record
class AnswerInput:
    """What a user gives for one item; ``None`` means "keep what the audit has"."""

    item_id: str
    status: str | None = None
    notes: str | None = None
    evidence: tuple[str | dict, ...] | None = None
    answered_by: str | None = None
    date: str | None = None
    # The auditor's finding fields; ``""`` removes the field from the answer.
    observation: str | None = None
    risk: str | None = None
    recommendation: str | None = None
    owner: str | None = None
    due: str | None = None
    management_response: str | None = None
    remediation_status: str | None = None
    #: (line, column) per field in an import file, for diagnostics.
    where: dict[str, tuple[int, int]] = field(default_factory=dict, compare=False)


@record
class Problem:
    """Why an input cannot be saved: a diagnostic code, a message, and the field it concerns."""

    code: str
    message: Msg
    field: str = "item"


class SaveFailed(UsageError):
    """An answer could not be written to disk (full disk, read-only file system, ...); the file is untouched.

    ``input`` is what the user gave, so an interactive command can offer to save it again once the
    problem is fixed (``retryable``) without asking for the answer again.
    """

    def __init__(self, inp: AnswerInput, error: WriteError):
        super().__init__(Msg("answer.not_saved_retry", item=inp.item_id, reason=error.message))
        self.input = inp
        self.error = error
        self.retryable = error.retryable


def unknown_item(item_id: str, known: list[str]) -> Msg:
    """No checklist of the audit has ``item_id``; names the closest known id when there is one."""
    import difflib

    close = difflib.get_close_matches(item_id, known, n=1)
    hint = Msg("answer.did_you_mean", item=close[0]) if close else ""
    return Msg("answer.unknown_item", item=item_id, hint=hint)


def today() -> str:
    """Today's date (local time) as YYYY-MM-DD."""
    return _dt.date.today().isoformat()


def default_user(explicit: str | None = None, folder: Path | None = None) -> str | None:
    """Who answers: ``--by``, then ``$AIAUDIT_USER``, git's ``user.email``, then ``$USER``."""
    for value in (explicit, os.environ.get("AIAUDIT_USER")):
        if value and value.strip():
            return value.strip()
    import subprocess

    try:
        done = subprocess.run(
            ["git", "config", "user.email"],
            cwd=folder or None,
            capture_output=True,
            text=True,
            timeout=3,
            check=False,
        )
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    for var in ("USER", "USERNAME"):
        if os.environ.get(var, "").strip():
            return os.environ[var].strip()
    return None


class Editor:
    """An audit opened for answering (the caller holds its lock)."""

    def __init__(
        self,
        path: str | Path,
        allow_outside: bool = False,
        max_bytes: int = DEFAULT_MAX_BYTES,
        answered_by: str | None = None,
        date: str | None = None,
        checked: bool = True,
    ):
        """``checked=False``: the answers already in the file are not checked on opening (their
        diagnostics are not in :attr:`baseline`); a save still checks the answers it changes,
        before and after. For one scripted answer, where nothing shows the others' problems."""
        self.checked = checked
        self.path = Path(path)
        self.name = str(path)
        self.allow_outside = allow_outside
        self.max_bytes = max_bytes
        self.folder = Path(os.path.abspath(self.path)).parent
        if date is not None and not _valid_date(date):
            raise UsageError(Msg("answer.bad_date", value=date))
        self._date = date
        self._by_given = answered_by
        self._by: str | None | bool = False  # looked up on first use
        self._items: tuple[Any, dict[str, Item]] | None = None
        self.doc, self.audit, self.baseline = self._open()

    # -- loading -----------------------------------------------------------------------------

    def _open(self) -> tuple[Document, Audit, list[Diagnostic]]:
        # Evidence files are read only for the answers a save changes (see _check_answers), so
        # opening a large audit never hashes every file it cites.
        doc = load_file(self.path, max_bytes=self.max_bytes, name=self.name, keep_tree=True)
        audit, problems = audit_from_document(
            doc, allow_outside=self.allow_outside, max_bytes=self.max_bytes, evidence=False, answers_checked=self.checked
        )
        if audit is None:
            raise DiagnosticError(problems)
        return doc, audit, problems

    def reload(self) -> None:
        """Read the file again (after a save, or when someone else may have changed it)."""
        self.doc, self.audit, self.baseline = self._open()

    @property
    def items(self) -> dict[str, Item]:
        """The audit's items by id (built once per set of checklists)."""
        if self._items is None or self._items[0] is not self.audit.checklists:
            self._items = (self.audit.checklists, {item.id: item for item in self.audit.items})
        return self._items[1]

    @property
    def answered_by(self) -> str | None:
        if self._by is False:
            self._by = default_user(self._by_given, self.folder)
        return self._by  # type: ignore[return-value]

    @property
    def date(self) -> str:
        return self._date or today()

    def raw_answer(self, item_id: str, doc: Document | None = None) -> dict:
        """The answer mapping of an item as the file has it (empty when there is none)."""
        answers = (doc or self.doc).data.get("answers") or {}
        value = answers.get(item_id)
        return dict(value) if isinstance(value, dict) else {}

    # -- checking one input --------------------------------------------------------------------

    def problems(self, inp: AnswerInput, old: dict | None = None) -> list[Problem]:
        """Everything wrong with an input; empty when it can be saved."""
        out: list[Problem] = []
        if inp.item_id not in self.items:
            return [Problem("E401", unknown_item(inp.item_id, list(self.items)), "item")]
        old = self.raw_answer(inp.item_id) if old is None else old
        status = inp.status
        if status is not None:
            status = normalize_status(status)
            if status is None:
                choices = ", ".join(STATUSES)
                out.append(Problem("E204", Msg("answer.bad_status", value=inp.status, choices=choices), "status"))
        elif "status" not in old:
            out.append(Problem("E203", Msg("answer.status_required", item=inp.item_id), "status"))
        texts = [("notes", inp.notes), ("answered_by", inp.answered_by)]
        texts += [(name, getattr(inp, name)) for name in FINDING_TEXT_FIELDS]
        for name, text in texts:
            found = CONTROL_CHARACTERS.search(_newlines(text)) if isinstance(text, str) else None
            if found is not None:
                char = f"U+{ord(found.group()):04X}"
                out.append(Problem("E204", Msg("answer.control_character", name=name, item=inp.item_id, char=char), name))
        notes = inp.notes if inp.notes is not None else old.get("notes")
        if (status or old.get("status")) == "na":
            if not (isinstance(notes, str) and visible(notes)):
                out.append(Problem("E402", Msg("answer.na_needs_notes", item=inp.item_id), "status"))
            elif is_placeholder(notes):
                out.append(Problem("E402", Msg("audit.na_placeholder", item=inp.item_id), "notes"))
        if inp.date is not None and not _valid_date(inp.date):
            out.append(Problem("E204", Msg("answer.bad_date", value=inp.date), "date"))
        if inp.due and not _valid_date(inp.due.strip()):
            out.append(Problem("E204", Msg("answer.bad_due", value=inp.due), "due"))
        if inp.remediation_status and normalize_remediation(inp.remediation_status) is None:
            choices = ", ".join(REMEDIATION_STATUSES)
            message = Msg("answer.bad_remediation", value=inp.remediation_status, choices=choices)
            out.append(Problem("E204", message, "remediation_status"))
        for entry in inp.evidence or ():
            problem = self.evidence_problem(entry)
            if problem is not None:
                out.append(problem)
        return out

    def evidence_problem(self, entry: str | dict) -> Problem | None:
        """Why an evidence path or URL cannot be recorded (missing, outside the folder, malformed), or None."""
        if isinstance(entry, dict):
            if entry.get("url") is not None:
                url = entry.get("url")
                ok = isinstance(url, str) and _URL.match(url)
                return None if ok else Problem("E204", Msg("answer.bad_url", value=url), "evidence")
            entry = entry.get("path")
        if not isinstance(entry, str) or not entry.strip():
            return Problem("E204", Msg("answer.bad_evidence", value=entry), "evidence")
        if _URL.match(entry):
            return None
        try:
            located = ev.locate(self.folder, entry, self.allow_outside)
        except ev.EvidenceOutside:
            return Problem("E404", Msg("answer.evidence_outside", path=entry), "evidence")
        except ev.EvidenceUnreadable as exc:
            return Problem("E403", exc.args[0], "evidence")
        if located is None:
            return Problem("E403", Msg("answer.evidence_missing", path=entry), "evidence")
        return None

    # -- building the answer mapping -----------------------------------------------------------

    def build(self, inp: AnswerInput, old: dict | None = None) -> dict:
        """The answer mapping to write for a valid input (raises :class:`UsageError` if it is invalid)."""
        old = self.raw_answer(inp.item_id) if old is None else old
        problems = self.problems(inp, old)
        if problems:
            raise UsageError(problems[0].message)
        new: dict[str, Any] = dict(old)
        if inp.status is not None:
            new["status"] = normalize_status(inp.status)
        if inp.notes is not None:
            new["notes"] = _newlines(inp.notes)
        if inp.evidence is not None:
            new["evidence"] = [self._evidence_entry(e, old.get("evidence") or []) for e in inp.evidence]
        if inp.status is not None:
            new.pop("review", None)  # answering a marked item again is its review (aiaudit upgrade)
        for name in FINDING_FIELDS:
            value = getattr(inp, name)
            if value is None:
                continue
            value = _newlines(value) if name in MULTILINE_FINDING_FIELDS else value.strip()
            if name == "remediation_status" and value:
                value = normalize_remediation(value)
            if value.strip():
                new[name] = value
            else:
                new.pop(name, None)
        by = inp.answered_by or self.answered_by
        if by:
            new["answered_by"] = by
        new["date"] = inp.date or self.date
        # a fresh answer gets its keys in the usual order
        order = ["status", "notes", "evidence", *FINDING_FIELDS, "answered_by", "date"]
        if not old:
            new = {k: new[k] for k in order if k in new}
        return new

    def _evidence_entry(self, entry: str | dict, old_entries: list) -> dict:
        description = None
        if isinstance(entry, dict):
            if entry.get("url") is not None:
                return {k: entry[k] for k in ("url", "description") if entry.get(k) is not None}
            description = entry.get("description")
            entry = entry["path"]
        if _URL.match(entry):
            return {"url": entry}
        located = ev.locate(self.folder, entry, self.allow_outside)
        assert located is not None  # checked in problems()
        found, stored = located
        out: dict[str, Any] = {"path": stored, "sha256": found.sha256, "size": found.size}
        if description is None:
            description = next(
                (o.get("description") for o in old_entries if isinstance(o, dict) and o.get("path") == stored), None
            )
        if description:
            out["description"] = description
        return out

    # -- saving ----------------------------------------------------------------------------------

    def save(self, answers: dict[str, dict]) -> Document:
        """Write these answer mappings (item id → mapping) into the file: verified, atomic, comments kept."""
        return self.save_changes([Change(("answers", item_id), value) for item_id, value in answers.items()])

    def save_changes(self, changes: list[Change]) -> Document:
        """Apply changes to the file; refused (file untouched) if they would add an error.

        The file is read again first. When it is still what this editor loaded and only answers
        change, the new document is checked answer by answer (the schema over the whole file, then
        :func:`aiaudit.audit.load.check_answer` for each changed answer, evidence files included,
        against the same answers before): the rest of the data is proven unchanged by
        :func:`aiaudit.audit.roundtrip.apply`. Otherwise (someone edited the file in between, or
        the change is not an answer) the whole audit is checked, before and after.
        """
        raw = read_limited(self.path, self.max_bytes, self.name)
        item_ids = [c.path[1] for c in changes if len(c.path) == 2 and c.path[0] == "answers"]
        quick = raw == self.doc.raw and len(item_ids) == len(changes)
        if quick:
            old = self.doc
            before = self._answer_problems(old, item_ids)
        else:
            old = load_bytes(raw, self.name, self.max_bytes)
            audit, before = audit_from_document(old, allow_outside=self.allow_outside, max_bytes=self.max_bytes)
            if audit is None:
                raise DiagnosticError(before)
        checked: dict[str, Any] = {}

        def check(doc: Document) -> None:
            if quick:
                audit, problems = self._check_answers(doc, item_ids, before)
            else:
                audit, problems = audit_from_document(doc, allow_outside=self.allow_outside, max_bytes=self.max_bytes)
                added = new_problems(before, problems)
                if added or audit is None:
                    raise DiagnosticError(added or problems)
            checked.update(audit=audit, problems=problems)

        new_raw, self.doc = apply(raw, changes, self.name, check=check, max_bytes=self.max_bytes, old=old)
        if new_raw != raw:
            atomic_write(self.path, new_raw)
        self.audit, self.baseline = checked["audit"], checked["problems"]
        return self.doc

    def _answer_problems(self, doc: Document, item_ids: list[str]) -> list[Diagnostic]:
        """Every diagnostic of these answers in ``doc`` (evidence files read)."""
        answers = doc.data.get("answers") or {}
        out: list[Diagnostic] = []
        for item_id in item_ids:
            if isinstance(answers.get(item_id), dict):
                out.extend(check_answer(doc, item_id, answers[item_id], self.items, self.allow_outside)[1])
        return out

    def _check_answers(self, doc: Document, item_ids: list[str], before: list[Diagnostic]) -> tuple[Audit, list[Diagnostic]]:
        """The audit after a save that changed only these answers, checked; raises when an error was added."""
        problems = schema_diagnostics(doc, "audit")
        if has_errors(problems):
            raise DiagnosticError(problems)
        answers = doc.data["answers"]
        changed: dict[str, Answer] = {}
        fresh: list[Diagnostic] = []
        for item_id in item_ids:
            answer, found = check_answer(doc, item_id, answers[item_id], self.items, self.allow_outside)
            if answer is not None:
                changed[item_id] = answer
            fresh.extend(found)
        added = new_problems([*self.baseline, *before], fresh)
        if added:
            raise DiagnosticError(added)
        old = self.audit.answers
        merged = {k: changed.get(k) or old[k] for k in answers if k in changed or k in old}
        audit = dataclasses.replace(self.audit, raw=doc.raw, answers=merged, doc=doc)
        prefixes = tuple(json_path(("answers", i)) for i in item_ids)
        kept = [d for d in self.baseline if not any(d.path == p or d.path.startswith((p + ".", p + "[")) for p in prefixes)]
        return audit, sorted(set(kept + fresh))

    def answer(self, inp: AnswerInput) -> dict:
        """Check, build and save one answer; returns the mapping written.

        Raises :class:`SaveFailed` (keeping ``inp``) when the file cannot be written.
        """
        value = self.build(inp)
        try:
            self.save({inp.item_id: value})
        except WriteError as exc:
            raise SaveFailed(inp, exc) from None
        return value

    # -- bulk import -----------------------------------------------------------------------------

    def import_file(self, source: str | Path) -> list[str]:
        """Import answers from a CSV or YAML file, all or nothing; returns the item ids written."""
        inputs, name = read_answers_file(source, self.max_bytes)
        diagnostics: list[Diagnostic] = []
        built: dict[str, dict] = {}
        first_seen: dict[str, int] = {}
        for inp in inputs:
            line, col = inp.where.get("item", (1, 1))
            if inp.item_id in first_seen:
                message = Msg("answer.duplicate", item=inp.item_id, line=first_seen[inp.item_id])
                diagnostics.append(Diagnostic(name, line, col, "E102", message))
                continue
            first_seen[inp.item_id] = line
            problems = self.problems(inp)
            for p in problems:
                pline, pcol = inp.where.get(p.field, (line, col))
                message = p.message
                if not message.startswith(inp.item_id):
                    message = Msg("answer.item_problem", item=inp.item_id, problem=message)
                diagnostics.append(Diagnostic(name, pline, pcol, p.code, message))
            if not problems:
                built[inp.item_id] = self.build(inp)
        if has_errors(diagnostics):
            raise DiagnosticError(diagnostics)
        if built:
            self.save(built)
        return list(built)


def _newlines(text: str) -> str:
    """Windows line breaks (from a spreadsheet or a pasted text) as ``\n``."""
    return text.replace("\r\n", "\n")


def valid_date(value: Any) -> bool:
    """Whether ``value`` is a YYYY-MM-DD string naming a day of the calendar."""
    return _valid_date(value)


def _valid_date(value: Any) -> bool:
    if not isinstance(value, str) or not _DATE.match(value):
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


# --- answer files (CSV, YAML) --------------------------------------------------------------------

_COLUMNS = {
    "item": "item",
    "id": "item",
    "item_id": "item",
    "status": "status",
    "notes": "notes",
    "note": "notes",
    "evidence": "evidence",
    "answered_by": "answered_by",
    "by": "answered_by",
    "date": "date",
    "observation": "observation",
    "risk": "risk",
    "recommendation": "recommendation",
    "owner": "owner",
    "due": "due",
    "due_date": "due",
    "management_response": "management_response",
    "response": "management_response",
    "remediation_status": "remediation_status",
    "remediation": "remediation_status",
}


def read_answers_file(source: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[list[AnswerInput], str]:
    """Parse an answers file: ``.csv``/``.tsv`` (a header row) or ``.yaml``/``.yml``/``.json`` (an ``answers:`` mapping)."""
    name = str(source)
    suffix = Path(name).suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        raw = read_limited(source, max_bytes, name)
        return _read_csv(raw, name, delimiter="\t" if suffix == ".tsv" else None), name
    if suffix in (".yaml", ".yml", ".json"):
        return _read_yaml(load_file(source, max_bytes=max_bytes, name=name)), name
    raise UsageError(Msg("answer.bad_format", path=name))


def _read_csv(raw: bytes, name: str, delimiter: str | None = None) -> list[AnswerInput]:
    from ..csvfile import read_csv

    header, rows = read_csv(raw, name, delimiter)
    columns = {h: _COLUMNS[h] for h in header if h in _COLUMNS}
    if "item" not in columns.values():
        raise UsageError(Msg("answer.csv_no_item", path=name))
    inputs = []
    for row in rows:
        values: dict[str, str] = {}
        where: dict[str, tuple[int, int]] = {}
        for header_key, column in columns.items():
            cell = row.cells.get(header_key, "")
            if cell.strip() != "" and column not in values:
                values[column] = cell
                where[column] = (row.line, row.columns[header_key])
        where.setdefault("item", (row.line, 1))
        evidence = None
        if "evidence" in values:
            evidence = tuple(p.strip() for p in re.split(r"[;\n]", values["evidence"]) if p.strip())
        inputs.append(
            AnswerInput(
                item_id=values.get("item", "").strip(),
                status=values.get("status", "").strip() or None,
                notes=values.get("notes"),
                evidence=evidence,
                answered_by=(values.get("answered_by") or "").strip() or None,
                date=(values.get("date") or "").strip() or None,
                where=where,
                **{name: values[name] for name in FINDING_FIELDS if name in values},
            )
        )
    return inputs


def _read_yaml(doc: Document) -> list[AnswerInput]:
    data = doc.data
    answers = data.get("answers")
    if not isinstance(answers, dict):
        raise DiagnosticError([doc.diagnostic("E203", Msg("answer.yaml_no_answers"), ())])
    inputs = []
    problems = []
    for item_id, value in answers.items():
        path = ("answers", item_id)
        if isinstance(value, str):  # `TR-01: met`
            value = {"status": value}
        if not isinstance(value, dict):
            problems.append(doc.diagnostic("E201", Msg("answer.yaml_not_mapping", item=item_id), path))
            continue
        unknown = [k for k in value if k not in ("status", "notes", "evidence", "answered_by", "date", *FINDING_FIELDS)]
        if unknown:
            problems.append(
                doc.diagnostic("E202", Msg("answer.yaml_unknown_key", name=unknown[0]), path + (unknown[0],), key=True)
            )
            continue
        evidence = value.get("evidence")
        if evidence is not None:
            if not isinstance(evidence, list):
                evidence = [evidence]
            evidence = tuple(evidence)
        for key in ("notes", "answered_by", "date", *FINDING_FIELDS):
            if key in value and value[key] is not None and not isinstance(value[key], str):
                problems.append(doc.diagnostic("E201", Msg("answer.yaml_not_text", name=key), path + (key,)))
        where = {"item": doc.position(path, key=True)}
        for key in ("status", "notes", "evidence", "date", *FINDING_FIELDS):
            if key in value:
                where[key] = doc.position(path + (key,))
        inputs.append(
            AnswerInput(
                item_id=str(item_id),
                status=value.get("status") if value.get("status") is not None else None,
                notes=value.get("notes") if isinstance(value.get("notes"), str) else None,
                evidence=evidence,
                answered_by=value.get("answered_by") if isinstance(value.get("answered_by"), str) else None,
                date=value.get("date") if isinstance(value.get("date"), str) else None,
                where=where,
                **{name: value[name] for name in FINDING_FIELDS if isinstance(value.get(name), str)},
            )
        )
    if problems:
        raise DiagnosticError(problems)
    return inputs


# --- command entry points (they take the audit's lock) -------------------------------------------


def answer_one(
    path: str | Path,
    inp: AnswerInput,
    allow_outside: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    answered_by: str | None = None,
    date: str | None = None,
) -> dict:
    """``aiaudit answer AUDIT ITEM ...``: set one answer under the lock; returns the mapping written."""
    from .lock import audit_lock

    with audit_lock(path):
        editor = Editor(path, allow_outside=allow_outside, max_bytes=max_bytes, answered_by=answered_by, date=date, checked=False)
        return editor.answer(inp)


def import_answers(
    path: str | Path,
    source: str | Path,
    allow_outside: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    answered_by: str | None = None,
    date: str | None = None,
) -> list[str]:
    """``aiaudit answer AUDIT --from FILE``: import all answers of a CSV/YAML file in one save, or none."""
    from .lock import audit_lock

    with audit_lock(path):
        editor = Editor(path, allow_outside=allow_outside, max_bytes=max_bytes, answered_by=answered_by, date=date)
        return editor.import_file(source)
