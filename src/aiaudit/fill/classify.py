"""The interactive ``classify`` flow: the EU AI Act and Korea AI Basic Act questions, then the result written into the audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..audit.answer import Editor
from ..audit.lock import audit_lock
from ..audit.status import progress
from ..i18n import t
from ..loading import DEFAULT_MAX_BYTES
from .lineedit import key_of
from .prompts import EXIT_INTERRUPTED, Quit, prompt

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
        raw = prompt(text, lang, history="classify." + question.kind).strip()
        low = key_of(raw)
        if len(raw) == 1 and low != raw.lower():
            raw = low  # a jamo typed with the Korean input method on: the key it sits on
        if low in ("b", "back", "뒤로"):
            return _BACK
        if low in ("q", "quit", "종료"):
            raise Quit
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
            click.echo(exc.message.text(lang))


def run_classify(
    path: str | Path,
    lang: str = "en",
    answers_file: str | None = None,
    date: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_outside: bool = False,
) -> int:
    """``aiaudit classify``: ask (or read) the answers, classify, and write the result into the audit."""
    from ..audit.classify import classification_changes, complete, read_answers_file

    given = read_answers_file(answers_file, max_bytes) if answers_file else None
    with audit_lock(path):
        editor = Editor(path, allow_outside=allow_outside, max_bytes=max_bytes, date=date)
        system = editor.audit.system
        before = progress(editor.audit).applicable
        assumed: list[str] = []
        if given is not None:
            answers, assumed = complete(given, system)
        else:
            try:
                answers = ask_classification(system, lang)
            except Quit:
                click.echo(t("classify.quit", lang))
                return 0
            except (KeyboardInterrupt, click.Abort, EOFError):
                click.echo("", err=True)
                click.echo(t("classify.interrupted", lang), err=True)
                return EXIT_INTERRUPTED
        result, changes, regions = classification_changes(system, answers, editor.date, lang)
        editor.save_changes(changes)
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
    if regions is not None:
        click.echo(t("classify.regions_updated", lang, regions=", ".join(regions) or "-"))
    click.echo(t("classify.saved", lang, path=str(path), tier=result.risk_tier, after=after, before=before))
    return 0
