"""Evaluate a policy's rules against an evaluated audit: one result per rule, with a stable rule id.

Rule ids (never renumbered; SARIF, JUnit and GitLab reports key on them):

====================================  =======================================================
``min-score/overall``                 the overall weighted score is at least the minimum
``min-score/section/<section>``       a section's score is at least the minimum
``min-score/framework/<framework>``   the score over items citing a framework is at least ...
``must-meet/severity/<severity>``     every applicable item of that severity is ``met``
``must-meet/item/<ITEM>``             that item is ``met`` (or does not apply)
``cover/<framework>``                 every (selected) clause is cited by an applicable item
``max-age``                           the audit is at most N days old
``evidence-required/<severity>``      met/partial items of that severity cite evidence
``evidence-integrity``                recorded evidence sha256/size still match the files
``require-signature``                 enough sign-off signatures are valid, and none is invalid
``finding-fields/<severity>``         findings (not met, partial) of that severity name an owner
                                      and a due date (or the fields the policy lists)
``overdue-remediation``               no finding is past its due date unless its remediation is
                                      resolved or the risk accepted
``waiver/<ITEM>``                     the waiver for that item has not expired
``complete``                          every applicable item is answered (always checked; an
                                      audit that fails only this rule is a *draft*)
====================================  =======================================================

Item-level violations (must-meet, evidence-required, evidence-integrity, finding-fields,
overdue-remediation) become ``waived`` when
the policy holds a valid waiver for the item; scores, coverage and age cannot be waived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import field
from pathlib import Path

from ..audit import evidence as ev
from ..audit.evaluation import Evaluation, ItemResult
from ..diagnostics import Diagnostic
from ..i18n import Listed, Msg
from ..loading import Document
from ..model import Item
from ..records import record
from ..text import number
from ..text import percent as percent_text
from .load import Policy, Waiver, Where

#: The rule every policy has: all applicable items answered. An audit failing only this rule is a draft.
COMPLETE = "complete"
PASS = "pass"
FAIL = "fail"
WAIVED = "waived"


@record
class Violation:
    """One item (or clause) that breaks a rule, located in the audit file."""

    subject: str  # an item id, or a clause id for coverage
    message: Msg
    where: Where
    outcome: str = FAIL  # fail | waived
    item: Item | None = None
    waiver: Waiver | None = None
    key: str = ""  # tells apart several violations of one rule by one subject (e.g. evidence paths)

    @property
    def subject_kind(self) -> str:
        return "item" if self.item is not None else "clause"


@record
class RuleResult:
    """The outcome of one policy rule."""

    id: str
    kind: str  # min-score | must-meet | cover | max-age | evidence-required | evidence-integrity | waiver
    title: Msg  # what the rule requires
    outcome: str  # pass | fail
    message: Msg
    where: Where  # where a rule-level result points in the audit (or the policy, for waivers)
    violations: tuple[Violation, ...] = ()
    notes: tuple[Msg, ...] = ()

    @property
    def passed(self) -> bool:
        return self.outcome == PASS

    @property
    def failures(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if v.outcome == FAIL)

    @property
    def waived(self) -> tuple[Violation, ...]:
        return tuple(v for v in self.violations if v.outcome == WAIVED)


@record
class GateResult:
    """Everything an output format needs: the policy, the evaluation and each rule's result."""

    policy: Policy
    evaluation: Evaluation
    audit_file: str
    rules: tuple[RuleResult, ...]
    today: dt.date
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    warnings: tuple[Diagnostic, ...] = ()  # the audit's warnings (e.g. a changed checklist)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.rules)

    @property
    def failed_rules(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.rules if not r.passed)

    @property
    def waived_count(self) -> int:
        return sum(len(r.waived) for r in self.rules)


class _Context:
    """Shared state while the rules run: the audit document, date and waivers."""

    def __init__(self, evaluation: Evaluation, policy: Policy, doc: Document, today: dt.date, allow_outside: bool):
        self.evaluation = evaluation
        self.policy = policy
        self.doc = doc
        self.today = today
        self.allow_outside = allow_outside
        self.waivers = {w.item: w for w in policy.waivers}
        self.waivers_used: dict[str, list[str]] = {}

    def t(self, key: str, **kw: object) -> Msg:
        return Msg(f"gate.{key}", **kw)

    def where(self, path: tuple = (), key: bool = False) -> Where:
        line, col = self.doc.position(path, key=key)
        return (self.doc.name, line, col)

    def item_where(self, item_id: str) -> Where:
        """The line of the item's answer key; the ``answers:`` key when the item has no answer."""
        if self.doc.has(("answers", item_id)):
            return self.where(("answers", item_id), key=True)
        return self.where(("answers",), key=True)

    def summary(self, prefix: str, violations: list[Violation], **kw: object) -> Msg:
        """``<prefix>.fail`` when a violation stands, ``.waived`` when all are waived, else ``.ok``."""
        failed = sum(v.outcome == FAIL for v in violations)
        waived = len(violations) - failed
        key = "fail" if failed else "waived" if waived else "ok" if kw.get("count") else "none"
        return self.t(f"{prefix}.{key}", failed=failed, waived=waived, **kw)

    def severity(self, severity: str) -> Msg:
        return Msg(f"severity.{severity}")

    def status(self, status: str) -> Msg:
        return Msg(f"status_word.{status}")

    def violation(self, rule_id: str, r: ItemResult, message: Msg, where: Where | None = None, key: str = "") -> Violation:
        """A violation for ``r``'s item, waived when the policy holds a valid waiver for it."""
        where = where or self.item_where(r.item.id)
        waiver = self.waivers.get(r.item.id)
        if waiver is not None and waiver.valid_on(self.today):
            if rule_id not in self.waivers_used.setdefault(waiver.item, []):
                self.waivers_used[waiver.item].append(rule_id)
            note = self.t("waiver.applied", reason=waiver.reason, approver=waiver.approver, expires=waiver.expires.isoformat())
            return Violation(r.item.id, Msg("gate.with_waiver", message=message, note=note), where, WAIVED, r.item, waiver, key)
        return Violation(r.item.id, message, where, FAIL, r.item, None, key)


def _result(rule_id: str, kind: str, title: Msg, ok: bool, message: Msg, where: Where, violations=(), notes=()) -> RuleResult:
    violations = tuple(violations)
    outcome = PASS if ok and not any(v.outcome == FAIL for v in violations) else FAIL
    return RuleResult(rule_id, kind, title, outcome, message, where, violations, tuple(notes))


def evaluate_rules(
    evaluation: Evaluation,
    policy: Policy,
    doc: Document,
    today: dt.date,
    allow_outside: bool = False,
) -> GateResult:
    """Run every rule of ``policy`` on ``evaluation`` (whose audit was loaded from ``doc``)."""
    ctx = _Context(evaluation, policy, doc, today, allow_outside)
    rules: list[RuleResult] = []
    checks = (
        _complete,
        _min_scores,
        _must_meet,
        _coverage,
        _max_age,
        _evidence_required,
        _evidence_integrity,
        _signature,
        _finding_fields,
        _overdue,
        _waivers,
    )
    for check in checks:
        rules.extend(check(ctx))
    return GateResult(policy, evaluation, doc.name, tuple(rules), today)


# --- completeness -----------------------------------------------------------------------------


def _complete(ctx: _Context) -> Iterator[RuleResult]:
    """Every applicable item has an answer; unanswered ones are violations located at their answer (or ``answers:``)."""
    title = ctx.t("rule.complete")
    applicable = ctx.evaluation.applicable
    open_items = [r for r in applicable if r.status == "unanswered"]
    violations = []
    for r in open_items:
        message = ctx.t("complete.item", item=r.item.id, severity=ctx.severity(r.item.severity))
        violations.append(Violation(r.item.id, message, ctx.item_where(r.item.id), FAIL, r.item))
    if violations:
        message = ctx.t("complete.fail", open=len(violations), count=len(applicable))
    else:
        message = ctx.t("complete.ok", count=len(applicable))
    yield _result(COMPLETE, "complete", title, True, message, ctx.where(("answers",), key=True), violations)


# --- scores -----------------------------------------------------------------------------------


def _min_scores(ctx: _Context) -> Iterator[RuleResult]:
    policy, evaluation = ctx.policy, ctx.evaluation
    top = ctx.where(("answers",), key=True)
    if policy.min_overall is not None:
        minimum = policy.min_overall
        title = ctx.t("rule.min_overall", min=number(minimum))
        percent = evaluation.overall.percent
        what = ctx.t("what.overall")
        if percent is None:
            yield _result("min-score/overall", "min-score", title, False, ctx.t("score.none_overall"), top)
        else:
            ok = percent >= minimum
            message = ctx.t("score.ok" if ok else "score.low", what=what, score=percent_text(percent), min=number(minimum))
            yield _result("min-score/overall", "min-score", title, ok, message, top)
    if policy.min_sections:
        sections = evaluation.by_section()
        first_answer = _first_answer_by_section(ctx)
        for section_id, minimum in policy.min_sections.items():
            rule_id = f"min-score/section/{section_id}"
            title = ctx.t("rule.min_section", section=section_id, min=number(minimum))
            where = first_answer.get(section_id, top)
            missing = (ctx.t("score.no_section", id=section_id), top)
            unscored = (ctx.t("score.section_unscored", id=section_id), where)
            what = ctx.t("what.section", id=section_id)
            yield _min_score(ctx, rule_id, title, sections.get(section_id), minimum, what, missing, unscored, where)
    if policy.min_frameworks:
        from ..library.catalog import frameworks

        catalog = frameworks()
        scores = evaluation.by_framework()
        for fw_id, minimum in policy.min_frameworks.items():
            rule_id = f"min-score/framework/{fw_id}"
            name = catalog[fw_id].short if fw_id in catalog else fw_id
            title = ctx.t("rule.min_framework", framework=name, min=number(minimum))
            scope = ctx.evaluation.scope(fw_id) if fw_id in catalog else None
            if scope is not None and not scope.reaches:
                yield _result(
                    rule_id, "min-score", title, True, ctx.t("score.framework_not_in_scope", name=name, reason=scope.reason), top
                )
                continue
            missing = (ctx.t("score.no_framework", name=name), top)
            unscored = (ctx.t("score.framework_unscored", name=name), top)
            what = ctx.t("what.framework", name=name)
            yield _min_score(ctx, rule_id, title, scores.get(fw_id), minimum, what, missing, unscored, top)


def _min_score(ctx, rule_id, title, score, minimum, what, missing, unscored, where):
    """One min-score result: fails when the group is absent, passes when nothing in it is scored."""
    if score is None:
        return _result(rule_id, "min-score", title, False, *missing)
    if score.percent is None:
        return _result(rule_id, "min-score", title, True, *unscored)
    ok = score.percent >= minimum
    message = ctx.t("score.ok" if ok else "score.low", what=what, score=percent_text(score.percent), min=number(minimum))
    return _result(rule_id, "min-score", title, ok, message, where)


def _first_answer_by_section(ctx: _Context) -> dict[str, Where]:
    out: dict[str, Where] = {}
    for r in ctx.evaluation.results:
        if r.section.id not in out and r.answer is not None:
            out[r.section.id] = ctx.item_where(r.item.id)
    return out


# --- must meet --------------------------------------------------------------------------------


def _meets(ctx: _Context, r: ItemResult) -> bool:
    return r.status == "met" or (ctx.policy.allow_na and r.justified_na)


def _not_met(ctx: _Context, rule_id: str, r: ItemResult) -> Violation:
    message = ctx.t("must_meet.item_fail", item=r.item.id, severity=ctx.severity(r.item.severity), status=ctx.status(r.status))
    return ctx.violation(rule_id, r, message)


def _must_meet(ctx: _Context) -> Iterator[RuleResult]:
    top = ctx.where(("answers",), key=True)
    for severity in ctx.policy.must_meet_severities:
        rule_id = f"must-meet/severity/{severity}"
        sev = ctx.severity(severity)
        title = ctx.t("rule.must_meet_severity", severity=sev)
        group = [r for r in ctx.evaluation.applicable if r.item.severity == severity]
        violations = [_not_met(ctx, rule_id, r) for r in group if not _meets(ctx, r)]
        message = ctx.summary("must_meet", violations, count=len(group), severity=sev)
        yield _result(rule_id, "must-meet", title, True, message, top, violations)
    by_id = {r.item.id: r for r in ctx.evaluation.results}
    for item_id, _where in ctx.policy.must_meet_items:
        rule_id = f"must-meet/item/{item_id}"
        title = ctx.t("rule.must_meet_item", item=item_id)
        r = by_id[item_id]  # item ids were checked against the audit before the rules run
        where = ctx.item_where(item_id)
        if not r.applicable:
            yield _result(rule_id, "must-meet", title, True, ctx.t("must_meet.item_inapplicable", item=item_id), where)
        elif _meets(ctx, r):
            key = "must_meet.item_ok" if r.status == "met" else "must_meet.item_na"
            yield _result(rule_id, "must-meet", title, True, ctx.t(key, item=item_id), where)
        else:
            violation = _not_met(ctx, rule_id, r)
            yield _result(rule_id, "must-meet", title, True, violation.message, where, [violation])


# --- coverage ---------------------------------------------------------------------------------


def _coverage(ctx: _Context) -> Iterator[RuleResult]:
    if not ctx.policy.cover:
        return  # the catalog takes a while to load
    from ..library.catalog import frameworks

    catalog = frameworks()
    top = ctx.where(("answers",), key=True)
    for cover in ctx.policy.cover:
        fw = catalog[cover.framework]
        name = fw.short
        rule_id = f"cover/{fw.id}"
        title = ctx.t("rule.cover_some" if cover.clauses else "rule.cover_all", framework=name, clauses=", ".join(cover.clauses))
        clauses = {c.id: c for c in fw.clauses if cover.selects(c.id)}
        scope = ctx.evaluation.scope(fw.id)
        if not scope.reaches:
            yield _result(rule_id, "cover", title, True, ctx.t("cover.not_in_scope", name=name, reason=scope.reason), top)
            continue
        selected = [row for row in ctx.evaluation.crosswalk(fw.id) if row.clause_id in clauses]
        rows = [row for row in selected if row.applicability.applies]
        notes = [ctx.t("cover.not_applicable", count=len(selected) - len(rows))] if len(rows) < len(selected) else []
        gaps = [
            Violation(
                row.clause_id,
                ctx.t("cover.gap", clause=row.clause_id, title=clauses[row.clause_id].title),
                top,
            )
            for row in rows
            if not row.items
        ]
        if gaps:
            message = ctx.t("cover.fail", gaps=len(gaps), count=len(rows), name=name)
        else:
            message = ctx.t("cover.ok", count=len(rows), name=name)
        yield _result(rule_id, "cover", title, True, message, top, gaps, notes)


# --- age --------------------------------------------------------------------------------------


def audit_date(doc: Document) -> tuple[str | None, str | None, tuple]:
    """The date an audit's age is counted from: its latest sign-off, or without one its latest answer.

    Returns ``(date, source, path)`` with source ``signoff`` or ``answer`` (all None when undated).
    """
    data = doc.data
    signoffs = [(s.get("date"), ("signoff", n, "date")) for n, s in enumerate(data.get("signoff") or []) if s.get("date")]
    if signoffs:
        date, path = max(signoffs, key=lambda x: x[0])
        return date, "signoff", path
    answers = [
        (a.get("date"), ("answers", k, "date"))
        for k, a in (data.get("answers") or {}).items()
        if isinstance(a, dict) and a.get("date")
    ]
    if answers:
        date, path = max(answers, key=lambda x: x[0])
        return date, "answer", path
    return None, None, ()


def _max_age(ctx: _Context) -> Iterator[RuleResult]:
    maximum = ctx.policy.max_age_days
    if maximum is None:
        return
    title = ctx.t("rule.max_age", days=maximum)
    date, source, path = audit_date(ctx.doc)
    if date is None:
        yield _result("max-age", "max-age", title, False, ctx.t("age.none"), ctx.where())
        return
    where = ctx.where(path)
    try:
        when = dt.date.fromisoformat(date)
    except ValueError:
        yield _result("max-age", "max-age", title, False, ctx.t("age.bad_date", date=date), where)
        return
    age = max((ctx.today - when).days, 0)
    ok = age <= maximum
    message = ctx.t("age.ok" if ok else "age.old", age=age, date=date, source=ctx.t(f"age.source.{source}"), max=maximum)
    yield _result("max-age", "max-age", title, ok, message, where)


# --- evidence ---------------------------------------------------------------------------------


def _evidence_required(ctx: _Context) -> Iterator[RuleResult]:
    top = ctx.where(("answers",), key=True)
    for severity in ctx.policy.evidence_required_for:
        rule_id = f"evidence-required/{severity}"
        sev = ctx.severity(severity)
        title = ctx.t("rule.evidence_required", severity=sev)
        group = [
            r
            for r in ctx.evaluation.applicable
            if r.item.severity == severity and r.status in ("met", "partial") and r.item.evidence != "none"
        ]
        violations = [
            ctx.violation(
                rule_id,
                r,
                ctx.t("evidence.missing", item=r.item.id, severity=sev, status=ctx.status(r.status)),
            )
            for r in group
            if not (r.answer and r.answer.evidence)
        ]
        message = ctx.summary("evidence", violations, count=len(group), severity=sev)
        yield _result(rule_id, "evidence-required", title, True, message, top, violations)


def _evidence_integrity(ctx: _Context) -> Iterator[RuleResult]:
    if not ctx.policy.evidence_integrity:
        return
    rule_id = "evidence-integrity"
    title = ctx.t("rule.evidence_integrity")
    folder = Path(ctx.doc.name).parent
    checked = unrecorded = 0
    violations = []
    for r in ctx.evaluation.results:
        if r.answer is None:
            continue
        for n, item in enumerate(r.answer.evidence):
            if item.path is None:
                continue
            if item.sha256 is None and item.size is None:
                unrecorded += 1
                continue
            checked += 1
            problem = _integrity_problem(ctx, folder, r.item.id, item, n)
            if problem is not None:
                where = ctx.where(("answers", r.item.id, "evidence", n))
                violations.append(ctx.violation(rule_id, r, problem, where, key=item.path))
    message = ctx.summary("integrity", violations, count=checked)
    notes = [ctx.t("integrity.unrecorded", count=unrecorded)] if unrecorded else []
    yield _result(rule_id, "evidence-integrity", title, True, message, ctx.where(("answers",), key=True), violations, notes)


def _integrity_problem(ctx: _Context, folder: Path, item_id: str, item, n: int) -> Msg | None:
    checked = ev.check_in(ctx.evaluation.audit, item_id, n, item, folder, ctx.allow_outside)
    if checked.check == ev.OUTSIDE:
        return ctx.t("integrity.outside", item=item_id, path=item.path)
    if checked.check == ev.MISSING:
        return ctx.t("integrity.missing", item=item_id, path=item.path)
    if checked.check == ev.UNREADABLE:
        return ctx.t("integrity.problem", item=item_id, problem=checked.problem)
    if checked.check == ev.CHANGED:
        if item.size is not None and checked.file.size != item.size:
            return ctx.t("integrity.size", item=item_id, path=item.path, size=item.size)
        return ctx.t("integrity.changed", item=item_id, path=item.path)
    return None


# --- signatures -------------------------------------------------------------------------------


def _signature(ctx: _Context) -> Iterator[RuleResult]:
    """``require-signature``: at least N valid sign-off signatures (checked against the allowed signers) and none invalid."""
    wanted = ctx.policy.require_signatures
    if not wanted:
        return
    from ..audit import signing
    from ..diagnostics import AiauditError

    rule_id = "require-signature"
    title = ctx.t("rule.require_signature", count=wanted)
    top = ctx.where(("signoff",), key=True) if ctx.doc.has(("signoff",)) else ctx.where()
    try:
        allowed = signing.allowed_signers_file(ctx.policy.allowed_signers, Path(ctx.doc.name).parent)
    except AiauditError as exc:
        yield _result(rule_id, "require-signature", title, False, exc.message, top)
        return
    checks = signing.check_signoffs(ctx.doc.data, allowed)
    violations = [
        Violation(f"signoff-{c.index + 1}", c.message, ctx.where(("signoff", c.index, "signature")), FAIL)
        for c in checks
        if c.status in (signing.INVALID, signing.UNTRUSTED, signing.UNCHECKED)
    ]
    valid = sum(c.status == signing.VALID for c in checks)
    if allowed is None:
        message = ctx.t("signature.no_allowed_signers")
        yield _result(rule_id, "require-signature", title, False, message, top, violations)
        return
    ok = valid >= wanted
    key = "signature.ok" if ok and not violations else "signature.fail"
    message = ctx.t(key, valid=valid, count=wanted, failed=len(violations))
    yield _result(rule_id, "require-signature", title, ok, message, top, violations)


# --- findings: owners, due dates, overdue remediation ---------------------------------------

#: Answer statuses that make an answered finding (unanswered items are the ``complete`` rule's).
FINDING_STATUSES = ("not_met", "partial")
#: Remediation statuses that close a finding's remediation for the overdue rule.
CLOSED_REMEDIATION = ("resolved", "risk_accepted")


def field_names(names) -> Listed:
    """Finding fields named in words (``owner, due date``), in the language of the message they go into."""
    return Listed(f"finding.field.{n}" for n in names)


def answered_findings(evaluation: Evaluation) -> list[ItemResult]:
    """Applicable items answered not met or partial: the findings an auditor writes up."""
    return [r for r in evaluation.applicable if r.status in FINDING_STATUSES]


def is_overdue(r: ItemResult, today: dt.date) -> bool:
    """Whether a finding's remediation is past its due date and neither resolved nor accepted."""
    answer = r.answer
    if answer is None or not answer.due or r.status not in FINDING_STATUSES:
        return False
    if answer.remediation_status in CLOSED_REMEDIATION:
        return False
    try:
        return dt.date.fromisoformat(answer.due) < today
    except ValueError:
        return False


def _finding_fields(ctx: _Context) -> Iterator[RuleResult]:
    top = ctx.where(("answers",), key=True)
    required = ctx.policy.finding_fields_required
    names = field_names(required)
    for severity in ctx.policy.finding_fields_for:
        rule_id = f"finding-fields/{severity}"
        sev = ctx.severity(severity)
        title = ctx.t("rule.finding_fields", severity=sev, fields=names)
        group = [r for r in answered_findings(ctx.evaluation) if r.item.severity == severity]
        violations = []
        for r in group:
            missing = [name for name in required if not getattr(r.answer, name)]
            if missing:
                message = ctx.t(
                    "finding_fields.missing",
                    item=r.item.id,
                    severity=sev,
                    status=ctx.status(r.status),
                    fields=field_names(missing),
                )
                violations.append(ctx.violation(rule_id, r, message))
        message = ctx.summary("finding_fields", violations, count=len(group), severity=sev, fields=names)
        yield _result(rule_id, "finding-fields", title, True, message, top, violations)


def _overdue(ctx: _Context) -> Iterator[RuleResult]:
    if not ctx.policy.no_overdue:
        return
    rule_id = "overdue-remediation"
    title = ctx.t("rule.overdue")
    dated = [r for r in answered_findings(ctx.evaluation) if r.answer is not None and r.answer.due]
    violations = []
    for r in dated:
        if is_overdue(r, ctx.today):
            days = (ctx.today - dt.date.fromisoformat(r.answer.due)).days
            message = ctx.t("overdue.item", item=r.item.id, severity=ctx.severity(r.item.severity), due=r.answer.due, days=days)
            violations.append(ctx.violation(rule_id, r, message, ctx.where(("answers", r.item.id, "due"))))
    message = ctx.summary("overdue", violations, count=len(dated), today=ctx.today.isoformat())
    yield _result(rule_id, "overdue-remediation", title, True, message, ctx.where(("answers",), key=True), violations)


# --- waivers ----------------------------------------------------------------------------------


def _waivers(ctx: _Context) -> Iterator[RuleResult]:
    in_policy_file = not ctx.policy.source.startswith("preset:")
    for waiver in ctx.policy.waivers:
        rule_id = f"waiver/{waiver.item}"
        title = ctx.t("rule.waiver", item=waiver.item)
        where = waiver.where if in_policy_file and waiver.where[0] == ctx.policy.source else ctx.item_where(waiver.item)
        expires = waiver.expires.isoformat()
        if not waiver.valid_on(ctx.today):
            message = ctx.t("waiver.expired", item=waiver.item, expires=expires, approver=waiver.approver)
            yield _result(rule_id, "waiver", title, False, message, where)
            continue
        message = ctx.t("waiver.valid", item=waiver.item, expires=expires, approver=waiver.approver)
        used = ctx.waivers_used.get(waiver.item)
        note = ctx.t("waiver.used", rules=", ".join(used)) if used else ctx.t("waiver.unused", item=waiver.item)
        yield _result(rule_id, "waiver", title, True, message, where, notes=[note])
