"""Creating and filling in an audit: ``init``, ``fill``, ``answer``, ``classify``, ``status``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..diagnostics import DiagnosticError, UsageError
from ..i18n import Msg, t
from .base import echo, echo_diagnostics, lang_option, max_bytes_option, outside_option


@click.command()
@click.option("-o", "--output", type=click.Path(path_type=Path), default="audit.yaml", show_default=True)
@click.option("-n", "--name", required=True, help="Name of the AI system being audited.")
@click.option(
    "-c",
    "--checklist",
    "checklists",
    multiple=True,
    default=["genai-baseline"],
    show_default=True,
    help="Built-in checklist id or a checklist file (repeatable).",
)
@click.option("--owner", default="", help="Team or person responsible for the system.")
@click.option("--purpose", default="", help="Intended purpose, one sentence.")
@click.option(
    "--modality",
    "modalities",
    multiple=True,
    type=click.Choice(["text", "image", "audio", "video", "code"]),
    help="What the system generates (repeatable; default text).",
)
@click.option("--region", "regions", multiple=True, help="Where it is offered: EU, KR, US, ... or GLOBAL (repeatable).")
@click.option("--user", "users", multiple=True, help="Intended users, e.g. consumers, employees, students, minors (repeatable).")
@click.option(
    "--risk-tier",
    type=click.Choice(["prohibited", "high", "limited", "minimal", "unknown"]),
    default="unknown",
    show_default=True,
    help="EU AI Act risk tier, if known (`aiaudit classify` can determine it).",
)
@click.option("--public-facing/--internal", "public_facing", default=None, help="Whether outputs reach the public.")
@click.option("--role", type=click.Choice(["provider", "deployer", "provider-deployer"]), default=None)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@lang_option
def init(
    output, name, checklists, owner, purpose, modalities, regions, users, risk_tier, public_facing, role, force, lang
) -> None:
    """Create a new audit file listing every applicable item, ready to fill in an editor."""
    from ..audit.create import Profile, init_audit
    from ..files import check_output
    from ..library.builtins import builtin_checklist_path
    from ..library.checklists import load_checklist

    for source in checklists:  # read the checklist files first, so that -o cannot name one of them
        if builtin_checklist_path(source) is None:
            load_checklist(source)
    check_output(output)
    profile = Profile(
        name=name,
        owner=owner,
        purpose=purpose,
        modalities=tuple(modalities) or ("text",),
        regions=tuple(r.upper() for r in regions),
        users=tuple(users),
        risk_tier=risk_tier,
        public_facing=public_facing,
        role=role,
    )
    listed, skipped = init_audit(output, list(checklists), profile, lang=lang, force=force)
    echo(t("init.done", lang, path=str(output), listed=listed, skipped=skipped))


@click.command("fill")
@click.argument("audit", type=click.Path(path_type=str))
@click.option("--section", "sections", multiple=True, help="Only the items of this section id (repeatable).")
@click.option("--item", "items", multiple=True, help="Only this item, answered or not (repeatable).")
@click.option("--all", "include_all", is_flag=True, help="Also revisit items that already have an answer.")
@click.option("--by", "answered_by", default=None, help="Who answers (default: $AIAUDIT_USER, git user.email, $USER).")
@lang_option
@max_bytes_option
@outside_option
def fill(audit, sections, items, include_all, answered_by, lang, max_bytes, allow_outside_evidence) -> None:
    """Answer the audit's open items interactively, one question at a time.

    Saves after every answer (atomic, comments kept); a new run resumes at the first unanswered
    applicable item. Keys: m met, p partial, n not met, a n/a, s skip, b back, h help, q quit.
    Exit 0 when done or quit, 130 when interrupted (answers so far are saved), 2 when another
    aiaudit process is editing the file.
    """
    from ..fill.session import run_fill

    code = run_fill(
        audit,
        lang=lang,
        sections=sections,
        items=items,
        include_all=include_all,
        answered_by=answered_by,
        allow_outside=allow_outside_evidence,
        max_bytes=max_bytes,
    )
    sys.exit(code)


@click.command("answer")
@click.argument("audit", type=click.Path(path_type=str))
@click.argument("item_id", required=False)
@click.option("-s", "--status", default=None, help="met | partial | not_met | na | unanswered.")
@click.option("-n", "--note", "--notes", "notes", default=None, help="Notes (Markdown); `-` reads them from stdin.")
@click.option("-e", "--evidence", multiple=True, help="Evidence file or http(s) URL (repeatable); replaces the recorded list.")
@click.option("--no-evidence", is_flag=True, help="Remove the recorded evidence.")
@click.option("--from", "source", type=click.Path(path_type=str), help="Import answers from a CSV or YAML file.")
@click.option("--by", "answered_by", default=None, help="Who answers (default: $AIAUDIT_USER, git user.email, $USER).")
@click.option("--date", default=None, help="Answer date YYYY-MM-DD (default: today).")
@lang_option
@max_bytes_option
@outside_option
def answer(
    audit, item_id, status, notes, evidence, no_evidence, source, answered_by, date, lang, max_bytes, allow_outside_evidence
) -> None:
    """Set one answer (AUDIT ITEM_ID --status ...) or import many (AUDIT --from FILE), without prompts.

    The file is checked and saved atomically with its comments kept; an invalid answer leaves it untouched.
    """
    from ..audit.answer import AnswerInput, answer_one, import_answers

    options = {"allow_outside": allow_outside_evidence, "max_bytes": max_bytes, "answered_by": answered_by, "date": date}
    if (item_id is None) == (source is None):
        raise UsageError(Msg("answer.item_or_from"))
    if source is not None:
        if status or notes is not None or evidence or no_evidence:
            raise UsageError(Msg("answer.from_alone"))
        ids = import_answers(audit, source, **options)
        echo(t("answer.imported", lang, count=len(ids), path=audit, source=source))
        return
    if evidence and no_evidence:
        raise UsageError(Msg("answer.evidence_conflict"))
    if notes == "-":
        notes = sys.stdin.read()
    given = tuple(evidence) if evidence else (() if no_evidence else None)
    value = answer_one(audit, AnswerInput(item_id, status=status, notes=notes, evidence=given), **options)
    echo(t("answer.saved", lang, item=item_id, status=value["status"], path=audit))


@click.command("classify")
@click.argument("audit", type=click.Path(path_type=str))
@click.option("--answers", "answers_file", type=click.Path(path_type=str), help="YAML/JSON answers; no prompts.")
@click.option("--date", default=None, help="Classification date YYYY-MM-DD (default: today).")
@lang_option
@max_bytes_option
@outside_option
def classify(audit, answers_file, date, lang, max_bytes, allow_outside_evidence) -> None:
    """Classify the system under the EU AI Act and Korea's AI Basic Act; write the result into AUDIT.

    Sets system.classification (categories, duties, reasoning, answers) and system.risk_tier, so
    item applicability follows. Exit 130 when interrupted (nothing is written).
    """
    from ..fill.classify import run_classify

    code = run_classify(
        audit, lang=lang, answers_file=answers_file, date=date, max_bytes=max_bytes, allow_outside=allow_outside_evidence
    )
    sys.exit(code)


@click.command("status")
@click.argument("audit", type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@lang_option
@max_bytes_option
@outside_option
def status(audit, fmt, lang, max_bytes, allow_outside_evidence) -> None:
    """Show how far AUDIT is filled in: per section, unanswered critical items, the next item."""
    from ..audit.load import audit_from_file
    from ..audit.status import format_text, progress

    loaded, problems = audit_from_file(audit, allow_outside=allow_outside_evidence, max_bytes=max_bytes)
    if loaded is None:
        raise DiagnosticError(problems)
    echo_diagnostics(problems, lang, err=True)
    state = progress(loaded)
    if fmt == "json":
        echo(json.dumps(state.to_dict(lang), ensure_ascii=False, indent=2))
    else:
        echo(format_text(state, lang))


COMMANDS = (init, fill, answer, classify, status)
