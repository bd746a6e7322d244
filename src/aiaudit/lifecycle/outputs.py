"""What ``diff``, ``upgrade`` and ``verify`` print: text (terminal), Markdown (a pull-request comment), JSON, HTML.

Every text from a file goes through the shared sanitisers: :func:`aiaudit.text.terminal_safe` in
text, :func:`aiaudit.text.md_escape` in Markdown, Jinja's autoescaping in HTML.
"""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..audit.upgrade import Plan
from ..i18n import t
from ..text import clip, md_escape, one_line, percent, terminal_safe
from .diff import AnswerChange, AuditDiff, Side
from .verify import FAILED, OK, SKIPPED, Verification

#: At most this many ids are listed in a line; the rest are counted.
MAX_IDS = 12
#: At most this many answer changes are shown in Markdown before the rest fold into <details>.
MD_OPEN_ROWS = 25


def _ids(ids, lang: str, limit: int = MAX_IDS) -> str:
    ids = list(ids)
    shown = ", ".join(ids[:limit])
    return shown + (t("diff.more", lang, n=len(ids) - limit) if len(ids) > limit else "")


def _verdict(side: Side, lang: str) -> str:
    if side.verdict is None:
        return t("diff.verdict_unavailable", lang)
    return side.verdict.headline.text(lang)


def _status(status: str, lang: str) -> str:
    return t(f"status_word.{status}", lang)


def _scope(scope: str | None, lang: str) -> str:
    return t(f"diff.scope.{scope}", lang) if scope else "—"


def _pct(value: float | None) -> str:
    return percent(value) + ("%" if value is not None else "")


def describe(change: AnswerChange, lang: str) -> str:
    """One line saying what happened to an answer (plain text, file text not yet sanitised)."""
    parts = []
    if change.kind == "added":
        parts.append(t("diff.answer_added", lang, status=_status(change.new_status, lang)))
    elif change.kind == "removed":
        parts.append(t("diff.answer_removed", lang, status=_status(change.old_status, lang)))
    else:
        if "status" in change.fields:
            parts.append(t("diff.status", lang, old=_status(change.old_status, lang), new=_status(change.new_status, lang)))
        if "notes" in change.fields:
            parts.append(t("diff.notes", lang, notes=clip(one_line((change.new or {}).get("notes") or ""), 60)))
    for e in change.evidence:
        parts.append(t(f"diff.evidence.{e.change}", lang, path=e.label))
    review = (change.new or {}).get("review")
    if review and (change.kind == "added" or "review" in change.fields):
        parts.append(t("diff.review", lang, reason=review.get("reason", ""), sources=", ".join(review.get("from") or ()) or "-"))
    elif change.kind == "changed" and "review" in change.fields and not review:
        parts.append(t("diff.reviewed", lang))
    if change.kind == "changed" and not parts:
        parts.append(t("diff.fields", lang, fields=", ".join(change.fields)))
    return "; ".join(parts)


def _severity(change: AnswerChange, lang: str) -> str:
    return t(f"severity.{change.item.severity}", lang) if change.item is not None else "?"


# --- diff: text -----------------------------------------------------------------------------------


def diff_text(d: AuditDiff, lang: str) -> str:
    lines = [t("diff.header", lang, old=d.old.label, new=d.new.label)]
    lines.append(t("diff.verdict_line", lang, old=_verdict(d.old, lang), new=_verdict(d.new, lang), policy=d.policy))
    lines.append(t("diff.score_line", lang, old=_pct(d.old_score), new=_pct(d.new_score)))
    if not d.changed:
        lines.append(t("diff.no_changes", lang))
    for pin in d.pins:
        lines.append(t("diff.pin", lang, checklist=pin.label, old=pin.old_version or "?", new=pin.new_version or "?"))
    for record in d.records:
        summary = record.summary.get(lang) if record.summary else ""
        lines.append("  " + t("diff.record", lang, checklist=record.checklist, version=record.version, summary=summary))
    if d.items_added:
        lines.append(t("diff.items_added", lang, n=len(d.items_added), ids=_ids(d.items_added, lang)))
    if d.items_removed:
        lines.append(t("diff.items_removed", lang, n=len(d.items_removed), ids=_ids(d.items_removed, lang)))
    if d.answers:
        lines.append(t("diff.answers", lang, n=len(d.answers)))
        mark = {"added": "+", "removed": "-", "changed": "~"}
        for c in d.answers:
            lines.append(f"  {mark[c.kind]} {c.item_id} [{_severity(c, lang)}] {describe(c, lang)}")
    for key, found in (("diff.findings_opened", d.findings_opened), ("diff.findings_closed", d.findings_closed)):
        if found:
            lines.append(t(key, lang, n=len(found)))
            lines += [f"  {r.item.id} [{t('severity.' + r.item.severity, lang)}] {_status(r.status, lang)}" for r in found]
    changed = [s for s in d.standings if s.changed]
    if changed:
        lines.append(t("diff.frameworks", lang))
        for s in changed:
            lines.append(
                "  "
                + t(
                    "diff.standing",
                    lang,
                    name=s.name.get(lang),
                    old=f"{_scope(s.old_scope, lang)} {_pct(s.old_percent)}",
                    new=f"{_scope(s.new_scope, lang)} {_pct(s.new_percent)}",
                )
            )
    if d.system:
        lines.append(t("diff.system", lang, keys=", ".join(d.system)))
    if d.signoff_added:
        lines.append(t("diff.signoff_added", lang, names="; ".join(d.signoff_added)))
    if d.signoff_removed:
        lines.append(t("diff.signoff_removed", lang, names="; ".join(d.signoff_removed)))
    return terminal_safe("\n".join(lines))


# --- diff: Markdown -------------------------------------------------------------------------------


def diff_markdown(d: AuditDiff, lang: str) -> str:
    """A pull-request comment: the verdict and score first, then tables; long lists fold into <details>."""
    m = md_escape
    out = [f"### {m(t('diff.md_title', lang, name=d.new.audit.system_name or d.new.label))}", ""]
    verdict = f"**{m(t('diff.verdict', lang))}:** {m(_verdict(d.old, lang))} → **{m(_verdict(d.new, lang))}**"
    score = f"{m(t('diff.score', lang))}: {_pct(d.old_score)} → **{_pct(d.new_score)}**"
    out.append(f"{verdict} · {score} · {m(t('diff.policy', lang))}: `{m(d.policy)}`")
    out.append("")
    out.append(m(t("diff.compared", lang, old=d.old.label, new=d.new.label)))
    out.append("")
    if not d.changed:
        out += [m(t("diff.no_changes", lang)), ""]
    if d.new.verdict is not None and d.new.verdict.reasons:
        out += [f"- {m(r.text(lang))}" for r in d.new.verdict.reasons[:5]] + [""]
    if d.pins or d.records:
        out += [f"#### {m(t('diff.checklists', lang))}", ""]
        for pin in d.pins:
            out.append(f"- {m(t('diff.pin', lang, checklist=pin.label, old=pin.old_version or '?', new=pin.new_version or '?'))}")
        for record in d.records:
            summary = record.summary.get(lang) if record.summary else ""
            out.append(f"  - {m(t('diff.record', lang, checklist=record.checklist, version=record.version, summary=summary))}")
        out.append("")
    if d.items_added or d.items_removed:
        if d.items_added:
            out.append(f"- {m(t('diff.items_added', lang, n=len(d.items_added), ids=_ids(d.items_added, lang, 40)))}")
        if d.items_removed:
            out.append(f"- {m(t('diff.items_removed', lang, n=len(d.items_removed), ids=_ids(d.items_removed, lang, 40)))}")
        out.append("")
    if d.answers:
        out += [f"#### {m(t('diff.answers', lang, n=len(d.answers)))}", ""]
        head = f"| {m(t('diff.col.item', lang))} | {m(t('diff.col.severity', lang))} | {m(t('diff.col.change', lang))} |"
        rows = [f"| {m(c.item_id)} | {m(_severity(c, lang))} | {m(describe(c, lang))} |" for c in d.answers]
        out += [head, "|---|---|---|", *rows[:MD_OPEN_ROWS], ""]
        if len(rows) > MD_OPEN_ROWS:
            out += ["<details>", f"<summary>{m(t('diff.more', lang, n=len(rows) - MD_OPEN_ROWS))}</summary>", ""]
            out += [head, "|---|---|---|", *rows[MD_OPEN_ROWS:], "", "</details>", ""]
    for key, found in (("diff.findings_opened", d.findings_opened), ("diff.findings_closed", d.findings_closed)):
        if found:
            out += [f"#### {m(t(key, lang, n=len(found)))}", ""]
            out += [
                f"- {m(r.item.id)} ({m(t('severity.' + r.item.severity, lang))}, {m(_status(r.status, lang))})" for r in found
            ]
            out.append("")
    changed = [s for s in d.standings if s.changed]
    if changed:
        out += [f"#### {m(t('diff.frameworks', lang))}", ""]
        out += [
            f"| {m(t('diff.col.framework', lang))} | {m(t('diff.col.before', lang))} | {m(t('diff.col.after', lang))} |",
            "|---|---|---|",
        ]
        for s in changed:
            before = f"{m(_scope(s.old_scope, lang))} {_pct(s.old_percent)}"
            after = f"{m(_scope(s.new_scope, lang))} {_pct(s.new_percent)}"
            out.append(f"| {m(s.name.get(lang))} | {before} | {after} |")
        out.append("")
    extra = []
    if d.system:
        extra.append(t("diff.system", lang, keys=", ".join(d.system)))
    if d.signoff_added:
        extra.append(t("diff.signoff_added", lang, names="; ".join(d.signoff_added)))
    if d.signoff_removed:
        extra.append(t("diff.signoff_removed", lang, names="; ".join(d.signoff_removed)))
    out += [f"- {m(x)}" for x in extra] + ([""] if extra else [])
    out.append(f"<sub>{m(t('diff.footer', lang, version=__version__))}</sub>")
    return "\n".join(out) + "\n"


# --- diff: JSON and HTML --------------------------------------------------------------------------


def diff_data(d: AuditDiff, lang: str) -> dict[str, Any]:
    def side(s: Side, score) -> dict:
        v = s.verdict
        return {
            "label": s.label,
            "sha256": s.doc.sha256,
            "verdict": v.status if v else None,
            "verdict_text": _verdict(s, lang),
            "score": score,
            "errors": [p.to_dict(lang) for p in s.problems if p.severity == "error"],
        }

    return {
        "kind": "audit-diff",
        "format": 1,
        "generator": {"name": "aiaudit", "version": __version__},
        "lang": lang,
        "policy": d.policy,
        "changed": d.changed,
        "old": side(d.old, d.old_score),
        "new": side(d.new, d.new_score),
        "checklists": [vars(p) for p in d.pins],
        "change_records": [
            {
                "checklist": r.checklist,
                "version": r.version,
                "date": r.date,
                "summary": r.summary.get(lang) if r.summary else None,
            }
            for r in d.records
        ],
        "items_added": list(d.items_added),
        "items_removed": list(d.items_removed),
        "answers": [
            {
                "item": c.item_id,
                "change": c.kind,
                "severity": c.item.severity if c.item else None,
                "fields": list(c.fields),
                "status": {
                    "old": c.old_status if c.old is not None else None,
                    "new": c.new_status if c.new is not None else None,
                },
                "evidence": [vars(e) for e in c.evidence],
                "review": (c.new or {}).get("review"),
                "summary": describe(c, lang),
            }
            for c in d.answers
        ],
        "findings_opened": [{"item": r.item.id, "severity": r.item.severity, "status": r.status} for r in d.findings_opened],
        "findings_closed": [{"item": r.item.id, "severity": r.item.severity, "status": r.status} for r in d.findings_closed],
        "frameworks": [
            {
                "id": s.framework,
                "name": s.name.get(lang),
                "old": {"scope": s.old_scope, "percent": s.old_percent},
                "new": {"scope": s.new_scope, "percent": s.new_percent},
                "changed": s.changed,
            }
            for s in d.standings
        ],
        "system_changed": list(d.system),
        "signoff_added": list(d.signoff_added),
        "signoff_removed": list(d.signoff_removed),
    }


def diff_json(d: AuditDiff, lang: str) -> str:
    return json.dumps(diff_data(d, lang), ensure_ascii=False, indent=2) + "\n"


def diff_html(d: AuditDiff, lang: str) -> str:
    """A standalone page (inline CSS, no scripts, nothing fetched), from ``templates/lifecycle/diff.html``."""
    from ..i18n import messages
    from ..render.templating import environment

    template = environment().get_template("lifecycle/diff.html")
    return template.render(d=diff_data(d, lang), m=messages(lang, "diff."), lang=lang)


DIFF_FORMATS = {"text": diff_text, "md": diff_markdown, "json": diff_json, "html": diff_html}


# --- upgrade plan ---------------------------------------------------------------------------------


def plan_text(plan: Plan, lang: str) -> str:
    lines = [t("upgrade.header", lang, path=plan.audit)]
    for pin in plan.pins:
        if pin.changed:
            lines.append(
                "  "
                + t(
                    "upgrade.pin",
                    lang,
                    checklist=pin.label,
                    old=pin.old_version or "?",
                    new=pin.new_version,
                    old_sha=(pin.old_sha256 or "?")[:12],
                    new_sha=pin.new_sha256[:12],
                )
            )
    for checklist, version, summary in plan.summaries:
        lines.append(
            "  " + t("diff.record", lang, checklist=checklist, version=version, summary=summary.get(lang) if summary else "")
        )
    for step in plan.steps:
        lines.append("    " + step_text(step, lang))
    if plan.up_to_date:
        lines.append("  " + t("upgrade.up_to_date", lang))
    else:
        counts = {k: plan.count(k) for k in ("carried", "review", "retired", "added")}
        lines.append("  " + t("upgrade.summary", lang, **counts))
    if plan.signed and not plan.up_to_date:
        lines.append("  " + t("upgrade.signatures", lang, n=plan.signed))
    return terminal_safe("\n".join(lines))


def step_text(step, lang: str) -> str:
    args = {
        "sources": ", ".join(step.sources),
        "targets": _ids(step.targets, lang),
        "n": len(step.targets),
        "status": _status(step.status, lang) if step.status else "",
    }
    text = t(f"upgrade.step.{step.kind}", lang, **args)
    if step.review:
        text += " " + t("upgrade.marked", lang)
    if step.retired:
        text += " " + t("upgrade.retired", lang, ids=", ".join(step.retired))
    if step.conflicts:
        text += " " + t("upgrade.conflicts", lang, ids=", ".join(step.conflicts))
    return text


def plan_data(plan: Plan, lang: str) -> dict[str, Any]:
    return {
        "audit": plan.audit,
        "up_to_date": plan.up_to_date,
        "checklists": [vars(p) | {"changed": p.changed} for p in plan.pins],
        "records": [{"checklist": c, "version": v, "summary": s.get(lang) if s else None} for c, v, s in plan.summaries],
        "steps": [vars(s) | {"text": step_text(s, lang)} for s in plan.steps],
        "counts": {k: plan.count(k) for k in ("carried", "review", "retired", "added")},
        "signatures_invalidated": plan.signed if not plan.up_to_date else 0,
    }


# --- verify ---------------------------------------------------------------------------------------


def verify_text(v: Verification, lang: str, verbose: bool = False) -> str:
    mark = {OK: "ok  ", FAILED: "FAIL", SKIPPED: "skip"}
    lines = [t("verify.header", lang, target=v.target, sha=(v.audit_sha256 or "?")[:16])]
    for c in v.checks:
        if c.outcome == OK and not verbose and c.kind == "evidence":
            continue
        where = f"{c.where[0]}:{c.where[1]}:{c.where[2]}: " if c.where is not None and c.outcome == FAILED else ""
        lines.append(f"  {mark[c.outcome]} {t('verify.kind.' + c.kind, lang)}: {where}{c.message.text(lang)}")
    counts = {o: sum(c.outcome == o for c in v.checks) for o in (OK, FAILED, SKIPPED)}
    hidden = sum(1 for c in v.checks if c.outcome == OK and c.kind == "evidence") if not verbose else 0
    if hidden:
        lines.append("  " + t("verify.evidence_ok_count", lang, n=hidden))
    key = "verify.failed" if counts[FAILED] else "verify.verified"
    lines.append(t(key, lang, ok=counts[OK], failed=counts[FAILED], skipped=counts[SKIPPED], total=len(v.checks)))
    return terminal_safe("\n".join(lines))
