"""The interactive ``fill`` flow: prompts in English or Korean, saving after every answer.

``fill`` walks the applicable items that have no answer yet, in checklist order, so a new run
resumes where the last one stopped. Each answer is saved on its own (verified, atomic, comments
kept, see :mod:`aiaudit.audit.answer`) before the next question, so Ctrl-C, a closed terminal or a
killed process loses at most the answer being typed. While a session runs it holds the audit's
lock (:mod:`aiaudit.audit.lock`). Lines are read with line editing on a terminal
(:mod:`aiaudit.fill.lineedit`), and what is saved is exactly the text the line showed.

Keys at the status prompt: ``m`` met, ``p`` partial, ``n`` not met, ``a`` not applicable,
``u`` unanswered. For a finding (not met, partial) the auditor's fields follow the evidence, one
prompt each (observation, risk, recommendation, owner, due date, management response,
remediation status): Enter keeps a field, ``-`` clears it, ``.`` finishes the finding. At every
prompt (status, notes, the justification of n/a, evidence, finding fields): ``s``
skips the item, ``b`` goes back one prompt, ``h`` helps, ``q`` quits. At the notes prompt ``e``
opens ``$EDITOR`` (Markdown), ``+`` starts multi-line notes ended by a line holding ``.``, ``-``
clears, and ↑ recalls the current notes to edit them; at the evidence prompt paths are
comma-separated (Tab completes file names) and ``-`` clears. Enter keeps what the audit already
has.

Exit codes: 0 when the session ends (all done, or ``q``), 130 when interrupted (Ctrl-C or end
of input); answers given before the interruption are saved either way.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..audit.answer import (
    AnswerInput,
    Editor,
    SaveFailed,
    normalize_remediation,
    normalize_status,
    unknown_item,
    valid_date,
)
from ..audit.evaluation import ItemResult
from ..audit.lock import audit_lock
from ..audit.status import progress
from ..diagnostics import AiauditError, UsageError
from ..i18n import Msg, t
from ..loading import DEFAULT_MAX_BYTES
from ..model import FINDING_FIELDS, STATUSES
from ..text import one_line, terminal_safe
from .lineedit import clean, key_of
from .prompts import EXIT_INTERRUPTED, Quit, prompt, reader

#: Navigation keys, the same at every prompt.
_NAV = {
    "s": "skip",
    "skip": "skip",
    "건너뛰기": "skip",
    "b": "back",
    "back": "back",
    "뒤로": "back",
    "h": "help",
    "?": "help",
    "help": "help",
    "도움말": "help",
    "q": "quit",
    "quit": "quit",
    "종료": "quit",
}

_KEYS = {
    **_NAV,
    "m": "met",
    "p": "partial",
    "n": "not_met",
    "a": "na",
    "u": "unanswered",
}


#: Keys at the remediation-status prompt.
_REMEDIATION_KEYS = {"o": "open", "i": "in_progress", "r": "resolved", "a": "risk_accepted"}
#: Answer statuses that make a finding, for which ``fill`` asks the auditor's fields.
_FINDING_STATUSES = ("not_met", "partial")


class _Nav(str):
    """A navigation key typed at a notes or evidence prompt: ``skip`` or ``back`` (``quit`` raises)."""


# --- fill ----------------------------------------------------------------------------------------


def select_items(
    editor: Editor, sections: tuple[str, ...] = (), items: tuple[str, ...] = (), include_all: bool = False
) -> list[ItemResult]:
    """The items a ``fill`` session asks, in order (explicit ``items`` in the order given)."""
    results = progress(editor.audit).results
    by_id = {r.item.id: r for r in results}
    if items:
        out = []
        for item_id in items:
            if item_id not in by_id:
                raise UsageError(unknown_item(item_id, list(by_id)))
            out.append(by_id[item_id])
        return out
    known = [s.id for s in editor.audit.sections]
    for section in sections:
        if section not in known:
            raise UsageError(Msg("fill.unknown_section", section=section, choices=", ".join(known)))
    return [
        r
        for r in results
        if r.applicable and (include_all or r.status == "unanswered") and (not sections or r.section.id in sections)
    ]


def run_fill(
    path: str | Path,
    lang: str = "en",
    sections: tuple[str, ...] = (),
    items: tuple[str, ...] = (),
    include_all: bool = False,
    answered_by: str | None = None,
    allow_outside: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    findings: bool | None = None,
) -> int:
    """Run an interactive ``fill`` session on ``path``; returns the exit code.

    ``findings``: ask the auditor's fields of each finding (observation, owner, due date, ...);
    None asks them when standard input is a terminal, so answers piped in by a script keep the
    prompts they always had.
    """
    if findings is None:
        findings = _stdin_is_terminal()
    with audit_lock(path):
        editor = Editor(path, allow_outside=allow_outside, max_bytes=max_bytes, answered_by=answered_by)
        queue = select_items(editor, sections, items, include_all)
        if not queue:
            p = progress(editor.audit)
            click.echo(t("fill.nothing", lang, path=str(path), answered=p.answered, applicable=p.applicable))
            return 0
        return _FillSession(editor, queue, lang, findings).run()


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams
        return False


class _FillSession:
    def __init__(self, editor: Editor, queue: list[ItemResult], lang: str, findings: bool = False):
        self.editor = editor
        self.queue = queue
        self.lang = lang
        self.findings = findings
        self.saved: list[str] = []
        self.skipped: set[str] = set()
        from ..library.catalog import clause_index

        self.clauses = clause_index()

    def run(self) -> int:
        lang = self.lang
        click.echo(t("fill.intro", lang, path=self.editor.name, count=len(self.queue)))
        click.echo(t("fill_edit.keys", lang))
        if reader().editing:
            click.echo(t("fill_edit.editing", lang))
        index = 0
        show = True
        try:
            while index < len(self.queue):
                result = self.queue[index]
                if show:
                    self._show(index, result)
                show = True
                action = self._ask_status(result)
                if action == "help":
                    click.echo(t("fill_edit.help", lang))
                    show = False
                    continue
                if action == "quit":
                    raise Quit
                if action == "skip":
                    self.skipped.add(result.item.id)
                    index += 1
                    continue
                if action == "back":
                    if index == 0:
                        click.echo(t("fill.at_first", lang))
                        show = False
                    else:
                        index -= 1
                    continue
                outcome = self._answer(result, action)
                if outcome in ("saved", "skip"):
                    if outcome == "skip":
                        self.skipped.add(result.item.id)
                    index += 1
                else:  # back to the status of this item, or the save was refused
                    show = outcome != "status"
        except Quit:
            click.echo(self._summary("fill.quit"))
            return 0
        except (KeyboardInterrupt, click.Abort, EOFError):
            click.echo("", err=True)
            click.echo(self._summary("fill.interrupted"), err=True)
            return EXIT_INTERRUPTED
        click.echo(self._summary("fill.done"))
        if self.skipped:
            click.echo(t("fill.skipped", lang, count=len(self.skipped), path=self.editor.name))
        return 0

    def _summary(self, key: str) -> str:
        p = progress(self.editor.audit)
        return t(key, self.lang, saved=len(self.saved), answered=p.answered, applicable=p.applicable, path=self.editor.name)

    # -- showing an item ------------------------------------------------------------------------

    def _current(self, result: ItemResult) -> dict:
        return self.editor.raw_answer(result.item.id)

    def _show(self, index: int, result: ItemResult) -> None:
        lang = self.lang
        item = result.item
        click.echo("")
        header = f"[{index + 1}/{len(self.queue)}] {item.id} · {result.section.title.get(lang)}"
        click.echo(click.style(terminal_safe(header), bold=True))
        click.echo(terminal_safe(f"  {item.question.get(lang)}"))
        if item.guidance.get(lang):
            click.echo(terminal_safe(f"  {t('fill.guidance', lang)}: {item.guidance.get(lang)}"))
        severity = t("severity." + item.severity, lang)
        click.echo(f"  {t('fill.severity', lang)}: {severity} · {t('init.evidence.' + item.evidence, lang)}")
        refs = []
        for ref in item.refs:
            clause = self.clauses.get(ref)
            refs.append(f"{ref} ({clause.title.get(lang)})" if clause is not None and clause.title.get(lang) else ref)
        click.echo(terminal_safe(f"  {t('fill.clauses', lang)}: {'; '.join(refs)}"))
        if not result.applicable:
            click.echo(f"  {t('fill.not_applicable', lang)}")
        current = self._current(result)
        if current.get("status") and current.get("status") != "unanswered":
            status = t("status." + current["status"], lang) if current["status"] in STATUSES else str(current["status"])
            notes = " ".join(str(current.get("notes") or "").split())
            notes = (notes[:60] + "…") if len(notes) > 60 else notes
            evidence = ", ".join(str(e.get("path") or e.get("url")) for e in current.get("evidence") or [] if isinstance(e, dict))
            line = t("fill.current", lang, status=status, notes=notes or "-", evidence=evidence or "-")
            click.echo(f"  {terminal_safe(line)}")

    # -- prompts --------------------------------------------------------------------------------

    def _nav(self, raw: str, help_key: str) -> _Nav | None:
        """The navigation key ``raw`` is (``quit`` raises, ``help`` is shown here and returns ``help``), else None."""
        action = _NAV.get(key_of(raw))
        if action == "quit":
            raise Quit
        if action == "help":
            click.echo(t(help_key, self.lang))
        return _Nav(action) if action else None

    def _ask_status(self, result: ItemResult) -> str:
        lang = self.lang
        current = self._current(result).get("status")
        keep = current if current and current != "unanswered" else None
        text = t("fill.status_prompt_keep" if keep else "fill.status_prompt", lang, current=keep or "")
        while True:
            raw = prompt(text, lang, history="status").strip()
            key = key_of(raw)
            if not key and keep:
                return keep
            action = _KEYS.get(key) or normalize_status(raw)
            if action:
                return action
            click.echo(t("fill.bad_key", lang, name=raw or "⏎"))

    def _ask_notes(self, result: ItemResult, status: str, draft: str | None = None) -> str | None | _Nav:
        """The new notes: text, ``""`` to clear, None to keep; or a navigation key.

        ``draft`` is what was typed for this item before going back from the evidence prompt: ↑
        recalls it first.
        """
        lang = self.lang
        old = str(self._current(result).get("notes") or "")
        recall = tuple(x for x in (old, draft) if x and x.strip())
        if status == "na" and not old.strip():
            click.echo(t("fill_edit.na_reason", lang))
        text = t("fill_edit.notes_prompt_keep" if old.strip() else "fill_edit.notes_prompt", lang)
        while True:
            raw = prompt(text, lang, history="notes", recall=recall, multiline=True)
            command = raw.strip()
            nav = self._nav(command, "fill_edit.help_notes")
            notes: str | None
            if nav == "help":
                continue
            if nav is not None:
                return nav
            if key_of(command) == "e":
                edited = click.edit(old, extension=".md", require_save=True)
                if edited is None:
                    click.echo(t("fill.editor_unchanged", lang))
                    notes = None
                else:
                    notes, removed = clean(edited.rstrip(), multiline=True)
                    if removed:
                        click.echo(t("fill_edit.removed", lang, count=removed, text=one_line(notes) or "⏎"))
            elif command == "+":
                notes = self._ask_lines()
                if notes is None:
                    continue
            elif command == "-":
                notes = ""
            elif command == "":
                notes = None
            else:
                notes = command
            effective = old if notes is None else notes
            if status == "na" and not effective.strip():
                click.echo(t("fill.na_needs_notes", lang))
                continue
            return notes

    def _ask_lines(self) -> str | None:
        """Multi-line notes, one prompt per line, ended by a line holding only ``.``; None when empty."""
        lang = self.lang
        click.echo(t("fill_edit.multiline", lang))
        lines: list[str] = []
        while True:
            try:
                line = prompt(t("fill_edit.line_prompt", lang, n=len(lines) + 1), lang, history="lines")
            except EOFError:
                break
            if line.strip() == ".":
                break
            lines.append(line.rstrip())
        text = "\n".join(lines).strip("\n")
        return text or None

    def _ask_evidence(self, result: ItemResult, status: str) -> tuple[str, ...] | None | _Nav:
        """The new evidence: paths or URLs, ``()`` to clear, None to keep; or a navigation key."""
        lang = self.lang
        item = result.item
        old = [e for e in self._current(result).get("evidence") or [] if isinstance(e, dict)]
        text = t("fill.evidence_prompt_keep" if old else "fill.evidence_prompt", lang)
        recall = ", ".join(str(e.get("path") or e.get("url")) for e in old)
        while True:
            raw = prompt(text, lang, history="evidence", recall=(recall,) if recall else (), complete=self._complete_path)
            raw = raw.strip()
            nav = self._nav(raw, "fill_edit.help_evidence")
            if nav == "help":
                continue
            if nav is not None:
                return nav
            if raw == "":
                chosen: tuple[str, ...] | None = None
            elif raw == "-":
                chosen = ()
            else:
                chosen = tuple(p.strip() for p in raw.split(",") if p.strip())
                problems = [p for p in (self.editor.evidence_problem(x) for x in chosen) if p is not None]
                if problems:
                    for problem in problems:
                        click.echo(f"  {problem.message.text(lang)}")
                    continue
            remaining = old if chosen is None else chosen
            if item.evidence == "required" and status in ("met", "partial") and not remaining:
                click.echo(t("fill.evidence_expected", lang))
            return chosen

    def _complete_path(self, text: str) -> list[str]:
        """File names under the audit's folder that start with ``text`` (folders end with ``/``)."""
        base = self.editor.folder
        head, _, tail = text.rpartition("/")
        folder = (base / head) if head else base
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            return []
        out = []
        for name in names:
            if name.startswith(tail) and not (name.startswith(".") and not tail.startswith(".")):
                path = f"{head}/{name}" if head else name
                out.append(path + "/" if (folder / name).is_dir() else path)
        return out

    def _ask_finding(self, result: ItemResult) -> dict[str, str] | _Nav:
        """The auditor's finding fields, one prompt each: a mapping of the fields given, or a navigation key.

        Enter keeps a field, ``-`` clears it, ``.`` ends the finding (the rest kept), ``b`` goes back
        one field (from the first, back to the previous step), ``s`` skips the item.
        """
        lang = self.lang
        current = self._current(result)
        click.echo(t("fill13.finding_intro", lang))
        given: dict[str, str] = {}
        index = 0
        while index < len(FINDING_FIELDS):
            name = FINDING_FIELDS[index]
            old = str(current.get(name) or "")
            shown = old if name != "remediation_status" or not old else t(f"remediation.{old}", lang)
            text = t(f"fill13.prompt.{name}", lang)
            if old:
                text = t("fill13.keep", lang, prompt=text, current=one_line(shown)[:60])
            recall = (old,) if old and name != "remediation_status" else ()
            raw = prompt(text + " ", lang, history=f"finding-{name}", recall=recall)
            command = raw.strip()
            nav = self._nav(command, "fill13.help_finding")
            if nav == "help":
                continue
            if nav == "back":
                if index == 0:
                    return nav
                index -= 1
                continue
            if nav is not None:
                return nav
            if command == ".":
                break
            if command == "":
                index += 1
                continue
            if command == "-":
                given[name] = ""
                index += 1
                continue
            if name == "due" and not valid_date(command):
                click.echo(t("answer.bad_due", lang, value=command))
                continue
            if name == "remediation_status":
                value = _REMEDIATION_KEYS.get(key_of(command)) or normalize_remediation(command)
                if value is None:
                    click.echo(t("fill.bad_key", lang, name=command))
                    continue
                command = value
            given[name] = command
            index += 1
        return given

    def _answer(self, result: ItemResult, status: str) -> str:
        """Ask notes, evidence and (for a finding) the auditor's fields, then save.

        Returns ``saved``, ``skip``, ``status`` (back to the status) or ``retry``.
        """
        item = result.item
        has_evidence = bool([e for e in self._current(result).get("evidence") or [] if isinstance(e, dict)])
        ask_evidence = status not in ("na", "unanswered") and (item.evidence != "none" or has_evidence)
        ask_finding = self.findings and status in _FINDING_STATUSES
        notes: str | None | _Nav = None
        evidence: tuple[str, ...] | None | _Nav = None
        finding: dict[str, str] | _Nav = {}
        step = 0
        while step < 3:
            if step == 0:
                notes = self._ask_notes(result, status, draft=notes if isinstance(notes, str) else None)
                if isinstance(notes, _Nav):
                    return "status" if notes == "back" else "skip"
                step = 1 if ask_evidence else 2
            elif step == 1:
                evidence = self._ask_evidence(result, status)
                if isinstance(evidence, _Nav):
                    if evidence == "skip":
                        return "skip"
                    step = 0
                    continue
                step = 2
            else:
                if not ask_finding:
                    break
                finding = self._ask_finding(result)
                if isinstance(finding, _Nav):
                    if finding == "skip":
                        return "skip"
                    step = 1 if ask_evidence else 0
                    continue
                step = 3
        fields = finding if isinstance(finding, dict) else {}
        inp = AnswerInput(item.id, status=status, notes=notes, evidence=evidence, **fields)  # type: ignore[arg-type]
        while True:
            try:
                self.editor.answer(inp)
                break
            except SaveFailed as exc:  # full disk, read-only folder: the answer is kept, not asked again
                click.echo(t("fill.not_saved", self.lang, reason=exc.format(self.lang)), err=True)
                if not (exc.retryable and click.confirm(t("fill.save_again", self.lang), default=True, err=True)):
                    return "retry"
            except AiauditError as exc:
                click.echo(t("fill.not_saved", self.lang, reason=exc.format(self.lang)), err=True)
                return "retry"
        self.saved.append(item.id)
        self.skipped.discard(item.id)
        p = progress(self.editor.audit)
        click.echo(t("fill.saved", self.lang, item=item.id, answered=p.answered, applicable=p.applicable))
        return "saved"
