"""The interactive ``fill`` and ``classify`` flows: click prompts in English or Korean, saving after every answer.

``fill`` walks the applicable items that have no answer yet, in checklist order, so a new run
resumes where the last one stopped. Each answer is saved on its own (verified, atomic, comments
kept, see :mod:`aiaudit.answering`) before the next question, so Ctrl-C, a closed terminal or a
killed process loses at most the answer being typed. While a session runs it holds the audit's
lock (:mod:`aiaudit.locking`).

Keys at the status prompt: ``m`` met, ``p`` partial, ``n`` not met, ``a`` not applicable,
``u`` unanswered, ``s`` skip, ``b`` back, ``h`` help, ``q`` quit. At the notes prompt ``e`` opens
``$EDITOR`` (Markdown) and ``-`` clears; at the evidence prompt paths are comma-separated and
``-`` clears. Enter keeps what the audit already has.

Exit codes: 0 when the session ends (all done, or ``q``), 130 when interrupted (Ctrl-C or end
of input); answers given before the interruption are saved either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..audit.answer import AnswerInput, Editor, normalize_status
from ..audit.evaluation import ItemResult
from ..audit.lock import audit_lock
from ..audit.status import progress
from ..diagnostics import AiauditError, UsageError
from ..i18n import t
from ..loading import DEFAULT_MAX_BYTES

EXIT_INTERRUPTED = 130

_KEYS = {
    "m": "met",
    "p": "partial",
    "n": "not_met",
    "a": "na",
    "u": "unanswered",
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


class _Quit(Exception):
    """The user asked to stop (``q``)."""


def _prompt(text: str) -> str:
    return click.prompt(text, default="", show_default=False, prompt_suffix=" ")


# --- fill ----------------------------------------------------------------------------------------


def select_items(
    editor: Editor, sections: tuple[str, ...] = (), items: tuple[str, ...] = (), include_all: bool = False
) -> list[ItemResult]:
    """The items a ``fill`` session asks, in order (explicit ``items`` in the order given)."""
    lang = editor.lang
    results = progress(editor.audit).results
    by_id = {r.item.id: r for r in results}
    if items:
        out = []
        for item_id in items:
            if item_id not in by_id:
                import difflib

                close = difflib.get_close_matches(item_id, list(by_id), n=1)
                hint = t("answer.did_you_mean", lang, item=close[0]) if close else ""
                raise UsageError(t("answer.unknown_item", lang, item=item_id) + hint)
            out.append(by_id[item_id])
        return out
    known = [s.id for s in editor.audit.sections]
    for section in sections:
        if section not in known:
            raise UsageError(t("fill.unknown_section", lang, section=section, choices=", ".join(known)))
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
) -> int:
    """Run an interactive ``fill`` session on ``path``; returns the exit code."""
    with audit_lock(path, lang):
        editor = Editor(path, lang, allow_outside=allow_outside, max_bytes=max_bytes, answered_by=answered_by)
        queue = select_items(editor, sections, items, include_all)
        if not queue:
            p = progress(editor.audit)
            click.echo(t("fill.nothing", lang, path=str(path), answered=p.answered, applicable=p.applicable))
            return 0
        return _FillSession(editor, queue).run()


class _FillSession:
    def __init__(self, editor: Editor, queue: list[ItemResult]):
        self.editor = editor
        self.queue = queue
        self.lang = editor.lang
        self.saved: list[str] = []
        self.skipped: set[str] = set()
        try:
            from ..library.catalog import clause_index

            self.clauses = clause_index()
        except Exception:  # the catalog is optional here: show bare ids if it cannot load
            self.clauses = {}

    def run(self) -> int:
        lang = self.lang
        click.echo(t("fill.intro", lang, path=self.editor.name, count=len(self.queue)))
        click.echo(t("fill.keys", lang))
        index = 0
        try:
            while index < len(self.queue):
                result = self.queue[index]
                self._show(index, result)
                action = self._ask_status(result)
                if action == "help":
                    click.echo(t("fill.help", lang))
                    continue
                if action == "quit":
                    raise _Quit
                if action == "skip":
                    self.skipped.add(result.item.id)
                    index += 1
                    continue
                if action == "back":
                    if index == 0:
                        click.echo(t("fill.at_first", lang))
                    else:
                        index -= 1
                    continue
                if self._answer(result, action):
                    index += 1
        except _Quit:
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
        click.echo(click.style(header, bold=True))
        click.echo(f"  {item.question.get(lang)}")
        if item.guidance.get(lang):
            click.echo(f"  {t('fill.guidance', lang)}: {item.guidance.get(lang)}")
        severity = t("severity." + item.severity, lang)
        click.echo(f"  {t('fill.severity', lang)}: {severity} · {t('init.evidence.' + item.evidence, lang)}")
        refs = []
        for ref in item.refs:
            clause = self.clauses.get(ref)
            refs.append(f"{ref} ({clause.title.get(lang)})" if clause is not None and clause.title.get(lang) else ref)
        click.echo(f"  {t('fill.clauses', lang)}: {'; '.join(refs)}")
        if not result.applicable:
            click.echo(f"  {t('fill.not_applicable', lang)}")
        current = self._current(result)
        if current.get("status") and current.get("status") != "unanswered":
            status = t("status." + current["status"], lang)
            notes = " ".join(str(current.get("notes") or "").split())
            notes = (notes[:60] + "…") if len(notes) > 60 else notes
            evidence = ", ".join(str(e.get("path") or e.get("url")) for e in current.get("evidence") or [] if isinstance(e, dict))
            click.echo(f"  {t('fill.current', lang, status=status, notes=notes or '-', evidence=evidence or '-')}")

    # -- prompts --------------------------------------------------------------------------------

    def _ask_status(self, result: ItemResult) -> str:
        lang = self.lang
        current = self._current(result).get("status")
        keep = current if current and current != "unanswered" else None
        text = t("fill.status_prompt_keep" if keep else "fill.status_prompt", lang, current=keep or "")
        while True:
            raw = _prompt(text).strip()
            key = raw.lower()
            if not key and keep:
                return keep
            action = _KEYS.get(key) or normalize_status(key)
            if action:
                return action
            click.echo(t("fill.bad_key", lang, name=raw or "⏎"))

    def _ask_notes(self, result: ItemResult, status: str) -> str | None:
        lang = self.lang
        old = str(self._current(result).get("notes") or "")
        text = t("fill.notes_prompt_keep" if old.strip() else "fill.notes_prompt", lang)
        while True:
            raw = _prompt(text)
            notes: str | None
            if raw.strip().lower() == "e":
                edited = click.edit(old, extension=".md", require_save=True)
                if edited is None:
                    click.echo(t("fill.editor_unchanged", lang))
                    notes = None
                else:
                    notes = edited.rstrip()
            elif raw.strip() == "-":
                notes = ""
            elif raw.strip() == "":
                notes = None
            else:
                notes = raw.strip()
            effective = old if notes is None else notes
            if status == "na" and not effective.strip():
                click.echo(t("fill.na_needs_notes", lang))
                continue
            return notes

    def _ask_evidence(self, result: ItemResult, status: str) -> tuple[str, ...] | None:
        lang = self.lang
        item = result.item
        old = [e for e in self._current(result).get("evidence") or [] if isinstance(e, dict)]
        if status in ("na", "unanswered") or (item.evidence == "none" and not old):
            return None
        text = t("fill.evidence_prompt_keep" if old else "fill.evidence_prompt", lang)
        while True:
            raw = _prompt(text).strip()
            if raw == "":
                chosen: tuple[str, ...] | None = None
            elif raw == "-":
                chosen = ()
            else:
                chosen = tuple(p.strip() for p in raw.split(",") if p.strip())
                problems = [p for p in (self.editor.evidence_problem(x) for x in chosen) if p is not None]
                if problems:
                    for problem in problems:
                        click.echo(f"  {problem.message}")
                    continue
            remaining = old if chosen is None else chosen
            if item.evidence == "required" and status in ("met", "partial") and not remaining:
                click.echo(t("fill.evidence_expected", lang))
            return chosen

    def _answer(self, result: ItemResult, status: str) -> bool:
        """Ask notes and evidence, then save; False (ask the item again) when the save is refused."""
        notes = self._ask_notes(result, status)
        evidence = self._ask_evidence(result, status)
        inp = AnswerInput(result.item.id, status=status, notes=notes, evidence=evidence)
        try:
            self.editor.answer(inp)
        except AiauditError as exc:
            click.echo(t("fill.not_saved", self.lang, reason=exc.format(self.lang)), err=True)
            return False
        self.saved.append(result.item.id)
        self.skipped.discard(result.item.id)
        p = progress(self.editor.audit)
        click.echo(t("fill.saved", self.lang, item=result.item.id, answered=p.answered, applicable=p.applicable))
        return True


# --- classify ----------------------------------------------------------------------------------------


_BACK = object()


def ask_classification(system: dict[str, Any], lang: str = "en") -> dict[str, Any]:
    """Ask the classification questions one by one (``b`` goes back, ``q`` quits); returns the answers."""
    from ..audit.classify import QUESTIONS, defaults

    base = defaults(system)
    answers: dict[str, Any] = {}
    history: list[int] = []
    click.echo(t("classify.intro", lang))
    index = 0
    while index < len(QUESTIONS):
        question = QUESTIONS[index]
        if not question.when(answers):
            answers.pop(question.id, None)
            index += 1
            continue
        value = _ask_question(question, answers.get(question.id, base.get(question.id)), lang, len(history) + 1)
        if value is _BACK:
            if history:
                index = history.pop()
            else:
                click.echo(t("fill.at_first", lang))
            continue
        answers[question.id] = value
        history.append(index)
        index += 1
    return answers


def _ask_question(question: Any, default: Any, lang: str, number: int) -> Any:
    from ..audit.classify import ANNEX_III, AnswerValueError, normalize

    click.echo("")
    click.echo(click.style(f"{number}. {t('classify.q.' + question.id, lang)}", bold=True))
    click.echo(f"   {t('classify.h.' + question.id, lang)}")
    click.echo(f"   {t('fill.clauses', lang)}: {', '.join(question.refs)}")
    if question.kind == "multi":
        for n, option in enumerate(question.options, start=1):
            label = option if question.options == ANNEX_III else str(n)
            click.echo(f"   {label:>2}) {t(f'classify.o.{question.id}.{option}', lang)}")
    if question.kind == "yesno":
        shown = "" if default is None else ("y" if default else "n")
        text = t("classify.prompt_yesno", lang, default=shown)
    elif question.kind == "multi":
        if default:
            shown = ",".join(o if question.options == ANNEX_III else str(question.options.index(o) + 1) for o in default)
        else:
            shown = "-"
        text = t("classify.prompt_multi", lang, default=shown)
    else:
        text = t("classify.prompt_number", lang, default="" if default is None else f"{default:.3g}")
    while True:
        raw = _prompt(text).strip()
        low = raw.lower()
        if low in ("b", "back", "뒤로"):
            return _BACK
        if low in ("q", "quit", "종료"):
            raise _Quit
        if low in ("h", "?", "help", "도움말"):
            click.echo(t("classify.help", lang))
            continue
        if raw == "":
            if default is not None or question.kind != "yesno":
                return default if default is not None else ([] if question.kind == "multi" else None)
            click.echo(t("classify.bad_yesno", lang, value="⏎"))
            continue
        try:
            return normalize(question, raw)
        except AnswerValueError as exc:
            click.echo(t(exc.key, lang, **exc.fields))


def run_classify(
    path: str | Path,
    lang: str = "en",
    answers_file: str | None = None,
    date: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_outside: bool = False,
) -> int:
    """``aiaudit classify``: ask (or read) the answers, classify, and write the result into the audit."""
    from ..audit.classify import classify, complete, read_answers_file
    from ..audit.roundtrip import Change

    given = read_answers_file(answers_file, lang, max_bytes) if answers_file else None
    with audit_lock(path, lang):
        editor = Editor(path, lang, allow_outside=allow_outside, max_bytes=max_bytes, date=date)
        system = editor.audit.system
        before = progress(editor.audit).applicable
        assumed: list[str] = []
        if given is not None:
            answers, assumed = complete(given, system)
        else:
            try:
                answers = ask_classification(system, lang)
            except _Quit:
                click.echo(t("classify.quit", lang))
                return 0
            except (KeyboardInterrupt, click.Abort, EOFError):
                click.echo("", err=True)
                click.echo(t("classify.interrupted", lang), err=True)
                return EXIT_INTERRUPTED
        result = classify(answers, lang)
        block = result.to_classification(answers, editor.date)
        editor.save_changes([Change(("system", "classification"), block), Change(("system", "risk_tier"), result.risk_tier)])
        after = progress(editor.audit).applicable
    if assumed:
        click.echo(t("classify.assumed", lang, questions=", ".join(assumed)), err=True)
    click.echo("")
    scope = t("classify.in_scope" if result.eu_in_scope else "classify.out_of_scope", lang)
    click.echo(t("classify.eu_result", lang, category=t("classify.category." + result.eu_category, lang), scope=scope))
    for line in result.eu_reasoning:
        click.echo(f"  - {line}")
    scope = t("classify.in_scope" if result.kr_in_scope else "classify.out_of_scope", lang)
    categories = ", ".join(t("classify.kr_category." + c, lang) for c in result.kr_categories)
    click.echo(t("classify.kr_result", lang, categories=categories, scope=scope))
    for line in result.kr_reasoning:
        click.echo(f"  - {line}")
    click.echo(t("classify.saved", lang, path=str(path), tier=result.risk_tier, after=after, before=before))
    return 0
