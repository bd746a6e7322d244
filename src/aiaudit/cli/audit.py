"""Creating and filling in an audit: ``init``, ``fill``, ``answer``, ``classify`` (``status`` is :mod:`.status`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..diagnostics import UsageError
from ..i18n import Msg, t
from .base import echo, lang_option, max_bytes_option, outside_option
from .complete import complete_checklist, complete_remediation, complete_status


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
    shell_complete=complete_checklist,
    help="Built-in checklist id or a checklist file (repeatable).",
)
@click.option("--owner", default="", help="Team or person responsible for the system.")
@click.option("--purpose", default="", help="Intended purpose, one sentence.")
@click.option(
    "--modality",
    "modalities",
    multiple=True,
    help="What it generates: text, image, audio, video, code, music, voice (repeatable; Korean words work; default text).",
)
@click.option(
    "--region", "regions", multiple=True, help="Where it is offered: EU, KR, US, ... or GLOBAL; 한국, 유럽 work too (repeatable)."
)
@click.option("--user", "users", multiple=True, help="Intended users: consumers, employees, students, minors, ... (repeatable).")
@click.option(
    "--sector", "sectors", multiple=True, help="Sector: education, healthcare, search, code, creative-media, ... (repeatable)."
)
@click.option(
    "--risk-tier",
    type=click.Choice(["prohibited", "high", "limited", "minimal", "unknown"]),
    default="unknown",
    show_default=True,
    help="EU AI Act risk tier, if known (`aiaudit classify` can determine it).",
)
@click.option("--public-facing/--internal", "public_facing", default=None, help="Whether outputs reach the public.")
@click.option("--role", default=None, help="provider, deployer, provider-deployer, importer or distributor.")
@click.option("--agentic/--not-agentic", default=None, help="Whether it calls tools, browses or acts for the user.")
@click.option("--releases-weights", is_flag=True, default=None, help="The team releases model weights.")
@click.option("--uses-open-weights", is_flag=True, default=None, help="The system builds on open-weight models.")
@click.option(
    "--add-modules", is_flag=True, help="Also add the library modules that fit the profile (they are listed either way)."
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@lang_option
def init(
    output,
    name,
    checklists,
    owner,
    purpose,
    modalities,
    regions,
    users,
    sectors,
    risk_tier,
    public_facing,
    role,
    agentic,
    releases_weights,
    uses_open_weights,
    add_modules,
    force,
    lang,
) -> None:
    """Create a new audit file listing every applicable item, ready to fill in an editor.

    Profile values are checked (a typo gets a "did you mean"); Korean forms such as 한국 or 학생 work.
    The library modules that fit the profile (creative media, agents, education, ...) are proposed
    with the reason; --add-modules adds them.
    """
    from ..audit.create import Profile, init_audit, proposed_modules
    from ..audit.profile import normalize, normalize_all
    from ..files import check_output
    from ..library.builtins import builtin_checklist_path
    from ..library.checklists import load_checklist

    extra = {}
    if sectors:
        extra["sectors"] = list(normalize_all("sectors", sectors))
    for key, value in (("agentic", agentic), ("releases_weights", releases_weights), ("uses_open_weights", uses_open_weights)):
        if value is not None:
            extra[key] = value
    for source in checklists:  # read the checklist files first, so that -o cannot name one of them
        if builtin_checklist_path(source) is None:
            load_checklist(source)
    check_output(output)
    profile = Profile(
        name=name,
        owner=owner,
        purpose=purpose,
        modalities=normalize_all("modalities", modalities) or ("text",),
        regions=normalize_all("regions", regions),
        users=normalize_all("users", users),
        risk_tier=risk_tier,
        public_facing=public_facing,
        role=normalize("role", role) if role else None,
        extra=extra,
    )
    modules = proposed_modules(profile, list(checklists))
    chosen = list(checklists) + ([m.id for m in modules] if add_modules else [])
    listed, skipped = init_audit(output, chosen, profile, lang=lang, force=force)
    echo(t("init.done", lang, path=str(output), listed=listed, skipped=skipped))
    for module in modules:
        key = "init.module_added" if add_modules else "init.module_proposed"
        echo(t(key, lang, id=module.id, title=module.title.get(lang), reason=module.reason.get(lang)))
    if modules and not add_modules:
        echo(t("init.modules_hint", lang))


@click.command("fill")
@click.argument("audit", type=click.Path(path_type=str))
@click.option("--section", "sections", multiple=True, help="Only the items of this section id (repeatable).")
@click.option("--item", "items", multiple=True, help="Only this item, answered or not (repeatable).")
@click.option("--all", "include_all", is_flag=True, help="Also revisit items that already have an answer.")
@click.option("--review", is_flag=True, help="Only the answers `aiaudit upgrade` marked for review.")
@click.option("--by", "answered_by", default=None, help="Who answers (default: $AIAUDIT_USER, git user.email, $USER).")
@click.option(
    "--findings/--no-findings",
    default=None,
    help="Ask a finding's details (observation, owner, due date, ...) after a not met or partial answer "
    "(default: on a terminal, not for piped input).",
)
@lang_option
@max_bytes_option
@outside_option
def fill(
    audit, sections, items, include_all, review, answered_by, findings, lang, max_bytes, allow_outside_evidence
) -> None:
    """Answer the audit's open items interactively, one question at a time.

    Saves after every answer (atomic, comments kept); a new run resumes at the first unanswered
    applicable item. Keys: m met, p partial, n not met, a n/a, s skip, b back, h help, q quit.
    Exit 0 when done or quit, 130 when interrupted (answers so far are saved), 2 when another
    aiaudit process is editing the file.
    """
    from ..fill.session import run_fill

    if review:
        from ..audit.load import load_audit

        items = tuple(items) + tuple(i for i in load_audit(audit, allow_outside_evidence, max_bytes).to_review if i not in items)
        if not items:
            echo(t("upgrade.nothing_to_review", lang, path=audit))
            return
    code = run_fill(
        audit,
        lang=lang,
        sections=sections,
        items=items,
        include_all=include_all,
        answered_by=answered_by,
        allow_outside=allow_outside_evidence,
        max_bytes=max_bytes,
        findings=findings,
    )
    sys.exit(code)


@click.command("answer")
@click.argument("audit", type=click.Path(path_type=str))
@click.argument("item_id", required=False)
@click.option("-s", "--status", default=None, shell_complete=complete_status, help="met | partial | not_met | na | unanswered.")
@click.option("-n", "--note", "--notes", "notes", default=None, help="Notes (Markdown); `-` reads them from stdin.")
@click.option("-e", "--evidence", multiple=True, help="Evidence file or http(s) URL (repeatable); replaces the recorded list.")
@click.option("--no-evidence", is_flag=True, help="Remove the recorded evidence.")
@click.option("--from", "source", type=click.Path(path_type=str), help="Import answers from a CSV or YAML file.")
@click.option("--by", "answered_by", default=None, help="Who answers (default: $AIAUDIT_USER, git user.email, $USER).")
@click.option("--date", default=None, help="Answer date YYYY-MM-DD (default: today).")
@click.option("--observation", default=None, help="Finding: what was found (the condition).")
@click.option("--risk", default=None, help="Finding: what can go wrong because of it, and for whom.")
@click.option(
    "--recommendation", default=None, help="Finding: what should be done (reports show the checklist's remediation without it)."
)
@click.option("--owner", default=None, help="Finding: who is accountable for the remediation.")
@click.option("--due", default=None, help="Finding: remediation due date YYYY-MM-DD.")
@click.option("--response", "management_response", default=None, help="Finding: management's response.")
@click.option(
    "--remediation",
    "remediation_status",
    default=None,
    shell_complete=complete_remediation,
    help="Finding: open | in_progress | resolved | risk_accepted.",
)
@lang_option
@max_bytes_option
@outside_option
def answer(
    audit,
    item_id,
    status,
    notes,
    evidence,
    no_evidence,
    source,
    answered_by,
    date,
    observation,
    risk,
    recommendation,
    owner,
    due,
    management_response,
    remediation_status,
    lang,
    max_bytes,
    allow_outside_evidence,
) -> None:
    """Set one answer (AUDIT ITEM_ID --status ...) or import many (AUDIT --from FILE), without prompts.

    For a finding (not met or partial) the auditor's fields can be set too: --observation, --risk,
    --recommendation, --owner, --due, --response, --remediation. Options not given keep what the
    audit has; an empty value (--owner "") removes the field. The file is checked and saved
    atomically with its comments kept; an invalid answer leaves it untouched.
    """
    from ..audit.answer import AnswerInput, answer_one, import_answers

    options = {"allow_outside": allow_outside_evidence, "max_bytes": max_bytes, "answered_by": answered_by, "date": date}
    finding = {
        "observation": observation,
        "risk": risk,
        "recommendation": recommendation,
        "owner": owner,
        "due": due,
        "management_response": management_response,
        "remediation_status": remediation_status,
    }
    given_finding = any(v is not None for v in finding.values())
    if (item_id is None) == (source is None):
        raise UsageError(Msg("answer.item_or_from"))
    if source is not None:
        if status or notes is not None or evidence or no_evidence or given_finding:
            raise UsageError(Msg("answer.from_alone"))
        ids = import_answers(audit, source, **options)
        echo(t("answer.imported", lang, count=len(ids), path=audit, source=source))
        return
    if evidence and no_evidence:
        raise UsageError(Msg("answer.evidence_conflict"))
    if notes == "-":
        notes = sys.stdin.read()
    given = tuple(evidence) if evidence else (() if no_evidence else None)
    value = answer_one(audit, AnswerInput(item_id, status=status, notes=notes, evidence=given, **finding), **options)
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


COMMANDS = (init, fill, answer, classify)
