"""The report model: one plain, JSON-ready dict built from an evaluation, shared by every format.

The JSON report *is* this dict (its schema is ``schemas/report.schema.json``); the HTML, PDF and
Markdown reports lay it out. Nothing here imports jinja2 or weasyprint.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import field
from pathlib import Path
from typing import Any

from .. import __version__
from ..audit import evidence as _evidence
from ..audit.evaluation import Evaluation, ItemResult, Score, score
from ..diagnostics import AiauditError
from ..i18n import localize, t
from ..library.builtins import BUILTIN_PREFIX
from ..library.catalog import clause_index, framework_of
from ..model import FINDING_FIELDS, PRINCIPLES, SEVERITIES, STATUSES, Answer, Evidence
from ..records import record
from ..text import percent
from .options import ReportOptions

REPORT_FORMAT = 3
#: How many findings the executive summary lists.
TOP_FINDINGS = 5
#: How many reasons for the verdict the executive summary lists (the rest are counted).
SUMMARY_REASONS = 5
#: Evidence checks, in the order the report explains them.
EVIDENCE_CHECKS = _evidence.CHECKS
#: Clause statuses in the crosswalk: the item statuses plus ``out_of_scope`` (no applicable item).
CLAUSE_STATUSES = ("met", "partial", "not_met", "unanswered", "na", "out_of_scope")


@record(frozen=False)
class Report:
    """The report model (``data``, JSON-ready) and the evidence files it may show (never serialised)."""

    data: dict[str, Any]
    #: Evidence path as written in the audit → the resolved file, for files that exist and may be read.
    files: dict[str, Path] = field(default_factory=dict)
    #: The evaluation the model was built from, for renderers that need more.
    evaluation: Evaluation | None = None


def build(evaluation: Evaluation, lang: str = "en", options: ReportOptions | None = None) -> Report:
    """The report model of ``evaluation`` in ``lang``."""
    options = options or ReportOptions()
    audit = evaluation.audit
    when = options.when()
    files: dict[str, Path] = {}
    evidence_rows, checks = _evidence_index(evaluation, options, files)
    findings = evaluation.findings
    overall = evaluation.overall
    by_section = evaluation.by_section()
    by_principle = evaluation.by_principle()
    verdict, gate = _verdict(evaluation, options, lang)
    today = when.date()
    frameworks = _frameworks(evaluation, lang)
    findings_in = Counter(f.section.id for f in findings)  # per section, counted once
    data: dict[str, Any] = {
        "kind": "report",
        "format": REPORT_FORMAT,
        "generator": {"name": "aiaudit", "version": __version__},
        "generated": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "lang": lang,
        "title": t("report.title", lang),
        "audit": {
            "file": Path(audit.name).name,
            "sha256": audit.sha256,
            "bytes": len(audit.raw),
            "submitted_at": _jsonable(audit.submitted_at),
            "checklists": [
                {
                    "id": c.id,
                    "version": c.version,
                    "title": c.title.get(lang),
                    "sha256": c.sha256,
                    "builtin": c.source.startswith(BUILTIN_PREFIX),
                    "items": len(c.items),
                }
                for c in audit.checklists
            ],
        },
        "system": _jsonable(audit.system),
        "engagement": _engagement(evaluation, verdict, lang),
        "verdict": verdict,
        "policy": _policy(gate.policy, lang),
        "score": _score(overall, len(findings)),
        "summary": _summary(evaluation, overall, findings, lang),
        "sections": [
            {
                "id": s.id,
                "title": s.title.get(lang),
                "principle": s.principle,
                "score": _score(by_section[s.id], findings_in.get(s.id, 0)),
            }
            for s in audit.sections
        ],
        "principles": [
            {
                "id": p,
                "title": t(f"principle.{p}", lang),
                "score": _score(by_principle[p], sum(1 for f in findings if f.item.principle == p)),
            }
            for p in PRINCIPLES
        ],
        "severities": [
            {"id": sev, "title": t(f"severity.{sev}", lang), "counts": dict(counts)}
            for sev, counts in evaluation.by_severity().items()
        ],
        "frameworks": frameworks,
        "unmapped_refs": _unmapped(evaluation),
        "findings": [_finding(n, r, lang, today) for n, r in enumerate(findings, 1)],
        "plan": [
            {"severity": sev, "items": [r.item.id for r in findings if r.item.severity == sev]}
            for sev in SEVERITIES
            if any(r.item.severity == sev for r in findings)
        ],
        "items": [_item(r, lang, checks) for r in evaluation.results],
        "method": _method(evaluation, frameworks, lang),
        "evidence": evidence_rows,
        "signoff": _signoff(audit, lang),
    }
    return Report(data, files, evaluation)


# --- pieces -----------------------------------------------------------------------------------


def _signoff(audit, lang: str) -> list[dict[str, Any]]:
    """Sign-off entries; a signed one carries its signature status now (``signature``: None when unsigned)."""
    from ..audit import signing

    checks: dict[int, signing.SignatureCheck] = {}
    if any(s.signature for s in audit.signoff) and audit.doc is not None:
        try:
            allowed = signing.allowed_signers_file(None, Path(audit.name).parent)
        except AiauditError:  # a missing allowed-signers file named in the environment: check integrity only
            allowed = None
        checks = {c.index: c for c in signing.check_signoffs(audit.doc.data, allowed)}
    out = []
    for n, s in enumerate(audit.signoff):
        entry: dict[str, Any] = {"name": s.name, "role": s.role, "date": _jsonable(s.date), "statement": s.statement}
        c = checks.get(n)
        entry["signature"] = (
            {"status": c.status, "principal": c.principal, "key": c.key, "text": c.message.text(lang)}
            if c is not None and c.status != signing.UNSIGNED
            else None
        )
        out.append(entry)
    return out


def _score(sc: Score, findings: int) -> dict[str, Any]:
    return {
        "percent": sc.percent,
        "earned": round(sc.earned, 4),
        "possible": round(sc.possible, 4),
        "counts": {s: sc.counts.get(s, 0) for s in STATUSES},
        "applicable": sc.total,
        "answered": sc.answered,
        "findings": findings,
    }


def _summary(evaluation: Evaluation, overall: Score, findings: tuple[ItemResult, ...], lang: str) -> str:
    """One plain sentence or two for the executive summary."""
    audit = evaluation.audit
    by_sev = {sev: sum(1 for f in findings if f.item.severity == sev) for sev in SEVERITIES}
    parts = [
        t(
            "report.summary.score" if overall.percent is not None else "report.summary.noscore",
            lang,
            system=audit.system_name,
            percent=percent(overall.percent),
            applicable=overall.total,
            checklists=", ".join(f"{c.id} {c.version}" for c in audit.checklists),
        ),
        t("report.summary.answered", lang, answered=overall.answered, applicable=overall.total),
    ]
    if findings:
        parts.append(t("report.summary.findings", lang, findings=len(findings), critical=by_sev["critical"], high=by_sev["high"]))
    else:
        parts.append(t("report.no_findings", lang))
    return " ".join(parts)


def _details(answer: Answer | None) -> dict[str, Any]:
    """The auditor's finding fields of an answer (empty strings and None when not written)."""
    out: dict[str, Any] = {}
    for name in FINDING_FIELDS:
        value = getattr(answer, name) if answer is not None else None
        out[name] = value if value not in ("",) else None
    return out


def _overdue_days(answer: Answer | None, status: str, today: _dt.date) -> int | None:
    """Days a finding's remediation is past its due date (None when it is not overdue)."""
    from ..policy.rules import CLOSED_REMEDIATION, FINDING_STATUSES

    if answer is None or not answer.due or status not in FINDING_STATUSES or answer.remediation_status in CLOSED_REMEDIATION:
        return None
    try:
        days = (today - _dt.date.fromisoformat(answer.due)).days
    except ValueError:
        return None
    return days if days > 0 else None


def _finding(rank: int, r: ItemResult, lang: str, today: _dt.date) -> dict[str, Any]:
    return {
        "rank": rank,
        "id": r.item.id,
        "section": r.section.id,
        "severity": r.item.severity,
        "status": r.status,
        "weight": r.weight,
        "question": r.item.question.get(lang),
        "remediation": r.item.remediation.get(lang),
        "refs": list(r.item.refs),
        "notes": r.answer.notes if r.answer else "",
        **_details(r.answer),
        "overdue_days": _overdue_days(r.answer, r.status, today),
    }


def _item(r: ItemResult, lang: str, checks: dict[tuple[str, int], str]) -> dict[str, Any]:
    answer = r.answer
    return {
        "id": r.item.id,
        "section": r.section.id,
        "principle": r.item.principle,
        "checklist": r.item.origin,
        "question": r.item.question.get(lang),
        "guidance": r.item.guidance.get(lang),
        "remediation": r.item.remediation.get(lang),
        "severity": r.item.severity,
        "weight": r.weight,
        "evidence_expected": r.item.evidence,
        "refs": list(r.item.refs),
        "applicable": r.applicable,
        "status": r.status,
        "scored": r.scored,
        "value": r.value if r.scored else None,
        "finding": r.is_finding,
        "notes": answer.notes if answer else "",
        "evidence": [
            _evidence_entry(e, checks.get((r.item.id, n), "link" if e.url else "missing"))
            for n, e in enumerate(answer.evidence if answer else ())
        ],
        "answered_by": answer.answered_by if answer else None,
        "date": _jsonable(answer.date) if answer else None,
        **_details(answer),
    }


def _evidence_entry(e: Evidence, check: str) -> dict[str, Any]:
    out: dict[str, Any] = {"path": e.path} if e.path else {"url": e.url}
    out.update({"sha256": e.sha256, "size": e.size, "description": e.description, "check": check})
    return out


def _evidence_index(
    evaluation: Evaluation, options: ReportOptions, files: dict[str, Path]
) -> tuple[list[dict[str, Any]], dict[tuple[str, int], str]]:
    """Every evidence entry of the audit, checked against the file on disk now (each file hashed once)."""
    audit = evaluation.audit
    folder = None if audit.name.startswith(BUILTIN_PREFIX) else Path(audit.name).parent
    rows: list[dict[str, Any]] = []
    checks: dict[tuple[str, int], str] = {}
    for r in evaluation.results:
        if r.answer is None:
            continue
        for n, e in enumerate(r.answer.evidence):
            checked = _evidence.check_in(audit, r.item.id, n, e, folder, options.allow_outside_evidence)
            found = checked.file
            if found is not None:
                files[e.path] = found.path
            checks[(r.item.id, n)] = checked.check
            actual = {"actual_sha256": found.sha256 if found else None, "actual_size": found.size if found else None}
            rows.append({"item": r.item.id, **_evidence_entry(e, checked.check), **actual})
    return rows, checks


def _clause_status(results: Iterable[ItemResult]) -> str:
    """One status for a clause from the applicable items that refer to it."""
    applicable = [r for r in results if r.applicable]
    if not applicable:
        return "out_of_scope"
    scored = [r for r in applicable if r.scored]
    if not scored:
        return "na"
    statuses = {r.status for r in scored}
    if statuses == {"met"}:
        return "met"
    if statuses == {"unanswered"}:
        return "unanswered"
    if not statuses & {"met", "partial"}:
        return "not_met"
    return "partial"


def _frameworks(evaluation: Evaluation, lang: str) -> list[dict[str, Any]]:
    """The crosswalk: for every framework the audit's items cite, whether it reaches the system, and for each
    clause that binds the system the items that serve it; the clauses that do not bind it, with the reason."""
    findings = evaluation.findings
    out = []
    for st in evaluation.standings().values():
        fw = st.framework
        clauses, uncovered = [], []
        for row in st.applicable:
            clause = row.clause
            if not row.items:
                uncovered.append(clause.id)
                continue
            clauses.append(
                {
                    "id": clause.id,
                    "title": clause.title.get(lang),
                    "cite": clause.cite,
                    "verified": clause.verified,
                    "status": _clause_status(row.items),
                    "percent": score(row.items).percent,
                    "applies_from": row.applicability.applies_from,
                    "items": [{"id": r.item.id, "status": r.status, "applicable": r.applicable} for r in row.items],
                }
            )
        relevant = {r.item.id for row in st.applicable for r in row.items}
        out.append(
            {
                "id": fw.id,
                "title": fw.title.get(lang),
                "short": fw.short.get(lang),
                "edition": fw.edition,
                "source": fw.source,
                "scope": st.scope.status,
                "scope_reason": localize(st.scope.reason, lang),
                "score": _score(st.score, sum(1 for r in findings if r.item.id in relevant)) if st.score is not None else None,
                "clauses_total": len(fw.clauses),
                "clauses_applicable": len(st.applicable),
                "clauses": clauses,
                "uncovered": uncovered,
                "not_applicable": [_not_applicable(row, lang) for row in st.not_applicable if not row.clause.informational],
                "informational": sum(1 for row in st.rows if row.clause.informational),
                "undetermined": [_not_applicable(row, lang) for row in st.undetermined],
            }
        )
    return out


def _not_applicable(row, lang: str) -> dict[str, Any]:
    clause = row.clause
    reason = localize(row.applicability.reason, lang) if row.applicability.reason is not None else ""
    return {"id": clause.id, "title": clause.title.get(lang), "cite": clause.cite, "reason": reason}


def _verdict(evaluation: Evaluation, options: ReportOptions, lang: str) -> tuple[dict[str, Any], Any]:
    """The readiness verdict under the report's policy, computed by the gate's engine (and the gate result)."""
    from ..policy.verdict import audit_verdict

    verdict, result = audit_verdict(
        evaluation,
        evaluation.audit.doc,
        options.policy,
        today=options.when().date(),
        allow_outside=options.allow_outside_evidence,
    )
    unanswered = sum(1 for r in evaluation.applicable if r.status == "unanswered")
    data = {
        "status": verdict.status,
        "headline": verdict.headline.text(lang),
        "policy": verdict.policy,
        "passed": verdict.passed,
        "reasons": [m.text(lang) for m in verdict.reasons],
        "more": verdict.more,
        "draft": unanswered > 0,
        "unanswered": unanswered,
        "rules": [
            {
                "id": r.id,
                "outcome": r.outcome,
                "message": localize(r.message, lang),
                "items": sorted({v.subject for v in r.failures if v.item is not None}),
            }
            for r in result.rules
        ],
    }
    return data, result


def _policy(policy, lang: str) -> dict[str, Any]:
    """What the policy that judged readiness requires: the figures the charts draw as targets."""
    return {
        "id": policy.id,
        "label": policy.label,
        "title": policy.title.get(lang) if policy.title else None,
        "min_overall": policy.min_overall,
        "min_sections": dict(policy.min_sections),
        "min_frameworks": dict(policy.min_frameworks),
        "must_meet_severities": list(policy.must_meet_severities),
        "must_meet_items": [item for item, _ in policy.must_meet_items],
        "evidence_required_for": list(policy.evidence_required_for),
        "finding_fields_for": list(policy.finding_fields_for),
        "finding_fields_required": list(policy.finding_fields_required),
        "no_overdue": policy.no_overdue,
        "max_age_days": policy.max_age_days,
        "waivers": len(policy.waivers),
    }


def _engagement(evaluation: Evaluation, verdict: dict[str, Any], lang: str) -> dict[str, Any]:
    """The cover and document-control facts: what the audit says, else what its answers show."""
    audit = evaluation.audit
    given = audit.engagement
    answers = [r.answer for r in evaluation.results if r.answer is not None]
    dates = sorted(str(a.date) for a in answers if a.date)
    if "period" in given:
        period = {"from": given["period"]["from"], "to": given["period"]["to"], "source": "engagement"}
    elif dates:
        period = {"from": dates[0], "to": dates[-1], "source": "answers"}
    else:
        period = None
    prepared = given.get("prepared_by")
    if prepared:
        prepared_by, prepared_source = ([prepared] if isinstance(prepared, str) else list(prepared)), "engagement"
    else:
        counts: dict[str, int] = {}
        for a in answers:
            if a.answered_by:
                counts[a.answered_by] = counts.get(a.answered_by, 0) + 1
        prepared_by, prepared_source = sorted(counts, key=lambda k: (-counts[k], k)), "answers"
    draft = verdict["draft"] or given.get("status") == "draft"
    signoff = sorted(audit.signoff, key=lambda s: str(s.date))
    applicable = len(evaluation.applicable)
    regions = ", ".join(audit.system.get("regions") or []) or "—"
    checklists = ", ".join(f"{c.id} {c.version}" for c in audit.checklists)
    scope = given.get("scope")
    return {
        "organisation": given.get("organisation"),
        "scope": scope or t("report2.scope_default", lang, applicable=applicable, checklists=checklists, regions=regions),
        "scope_source": "engagement" if scope else "derived",
        "period": period,
        "version": str(given["version"]) if given.get("version") is not None else None,
        "status": "draft" if draft else "final",
        "confidentiality": given.get("confidentiality"),
        "prepared_by": prepared_by,
        "prepared_by_source": prepared_source,
        "prepared_for": given.get("prepared_for"),
        "exclusions": list(given.get("exclusions") or []),
        "signed": bool(signoff),
        "latest_signoff": _jsonable(signoff[-1].date) if signoff else None,
    }


def _method(evaluation: Evaluation, frameworks: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """Scope and method: what was assessed against what, and what was not assessed."""
    from ..library.checklists import modules_not_included as _modules_not_included

    return {
        "out_of_scope_items": [r.item.id for r in evaluation.results if not r.applicable],
        "justified_na": [
            {"id": r.item.id, "notes": r.answer.notes if r.answer else ""} for r in evaluation.applicable if r.justified_na
        ],
        "frameworks_in_scope": [f["id"] for f in frameworks if f["scope"] != "not_in_scope"],
        "frameworks_not_in_scope": [f["id"] for f in frameworks if f["scope"] == "not_in_scope"],
        "undetermined_clauses": sum(len(f["undetermined"]) for f in frameworks),
        "modules_not_included": [
            {"id": c.id, "title": c.title.get(lang), "items": c.item_count, "reason": c.reason.get(lang)}
            for c in _modules_not_included(evaluation.audit)
        ],
    }


def _framework_id(ref: str) -> str | None:
    fw = framework_of(ref)
    return fw.id if fw is not None else None


def _unmapped(evaluation: Evaluation) -> list[dict[str, Any]]:
    """References that name no clause of the catalog (a framework not in the catalog, or a typo)."""
    known = clause_index()
    refs: dict[str, list[str]] = {}
    for r in evaluation.results:
        for ref in r.item.refs:
            if ref not in known:
                refs.setdefault(ref, []).append(r.item.id)
    return [{"ref": ref, "items": items} for ref, items in sorted(refs.items())]


def _jsonable(value: Any) -> Any:
    """A JSON-ready copy of YAML data (dates become ISO strings)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
