"""The pages of ``aiaudit serve``: filling in, reviewing, the report, changes, classification, and the class view.

Each handler reads its input, asks the workspace (or classroom) for the work, and renders a page,
a redirect (after a successful form post), or JSON when ``app.js`` asked for it.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..audit import evidence as ev
from ..audit.answer import valid_date
from ..diagnostics import AiauditError
from ..i18n import Msg, t
from ..model import FINDING_FIELDS, REMEDIATION_STATUSES, SEVERITIES
from ..render.notes import render_notes
from .site import STATUS_CODES, Site, document, download, file_download, outcome_json, with_query
from .workspace import AnswerForm, AuditEntry, AuditState, Outcome, revision_of

# --- routes --------------------------------------------------------------------------------------------


def audit_routes(site: Site) -> list[Route]:
    def r(path: str, fn, methods=("GET",)) -> Route:
        return Route(path, partial(fn, site), methods=list(methods))

    return [
        r("/", index),
        r("/a/{aid}/", overview),
        r("/a/{aid}/item/{item}", item_page),
        r("/a/{aid}/item/{item}", item_post, ("POST",)),
        r("/a/{aid}/preview", preview, ("POST",)),
        r("/a/{aid}/live", live),
        r("/a/{aid}/review", review),
        r("/a/{aid}/report", report_page),
        r("/a/{aid}/report.html", report_html),
        r("/a/{aid}/report.pdf", report_pdf),
        r("/a/{aid}/changes", changes_page),
        r("/a/{aid}/classify", classify_page),
        r("/a/{aid}/classify", classify_post, ("POST",)),
        r("/a/{aid}/evidence", evidence_download),
    ]


def class_routes(site: Site) -> list[Route]:
    def r(path: str, fn, methods=("GET",)) -> Route:
        return Route(path, partial(fn, site), methods=list(methods))

    return [
        r("/", class_overview),
        r("/regrade", class_regrade, ("POST",)),
        r("/team/{slug}", team_page),
        r("/team/{slug}", team_post, ("POST",)),
        r("/team/{slug}/feedback.html", team_feedback),
        r("/pair/{a}/{b}", pair_page),
    ]


# --- audits: the list and the overview ---------------------------------------------------------------


async def index(site: Site, request: Request) -> Response:
    entries = await run_in_threadpool(site.ws.refresh)
    if len(entries) == 1:
        return RedirectResponse(f"/a/{entries[0].id}/", status_code=303)
    states = [await run_in_threadpool(site.ws.state, e) for e in entries]
    return site.page(request, "index.html", states=states, root=str(site.ws.root))


def _audit_or_404(site: Site, request: Request):
    found = site.audit(request)
    if found is None:
        return None, site.not_found(request)
    entry, state = found
    if state.audit is None:
        return None, site.page(request, "broken.html", status=422, entry=entry, state=state, nav=_nav(entry, state, ""))
    return found, None


def _nav(entry: AuditEntry, state: AuditState, current: str) -> dict[str, Any]:
    return {"entry": entry, "state": state, "current": current}


async def overview(site: Site, request: Request) -> Response:
    found, error = await run_in_threadpool(_audit_or_404, site, request)
    if error is not None:
        return error
    entry, state = found
    p = state.progress
    in_section: dict[str, list] = {}
    for r in p.results:
        in_section.setdefault(r.section.id, []).append(r)
    sections = [{"progress": s, "results": in_section.get(s.id, [])} for s in p.sections]
    not_applicable = [r for r in p.results if not r.applicable]
    return site.page(
        request,
        "overview.html",
        nav=_nav(entry, state, "fill"),
        sections=sections,
        not_applicable=not_applicable,
        saved=request.query_params.get("saved", ""),
        classified=bool(state.audit.system.get("classification")),
    )


# --- one item -----------------------------------------------------------------------------------------


def _item_context(site: Site, entry: AuditEntry, state: AuditState, item_id: str, lang: str) -> dict[str, Any] | None:
    result = state.result(item_id)
    if result is None:
        return None
    from ..library.catalog import clause_index, frameworks

    item = result.item
    clauses = []
    index = clause_index()
    catalog = frameworks()
    for ref in item.refs:
        clause = index.get(ref)
        if clause is None:
            clauses.append({"id": ref, "title": "", "framework": "", "cite": ""})
            continue
        fw = catalog.get(clause.framework)
        clauses.append(
            {"id": ref, "title": clause.title.get(lang), "framework": fw.short.get(lang) if fw else "", "cite": clause.cite}
        )
    raw = state.raw_answer(item_id)
    answer = state.audit.answers.get(item_id)
    evidence = []
    for e in answer.evidence if answer is not None else ():
        checked = ev.check(e, entry.path.parent, site.ws.settings.allow_outside)
        evidence.append(
            {
                "label": e.label,
                "path": e.path,
                "url": e.url,
                "size": e.size,
                "check": checked.check,
                "description": e.description or "",
            }
        )
    order = [r for r in state.progress.results if r.applicable]
    ids = [r.item.id for r in order]
    position = ids.index(item_id) if item_id in ids else None
    prev_id = ids[position - 1] if position else None
    next_id = ids[position + 1] if position is not None and position + 1 < len(ids) else None
    return {
        "result": result,
        "item": item,
        "raw": raw,
        "clauses": clauses,
        "evidence": evidence,
        "position": (position + 1) if position is not None else None,
        "total": len(ids),
        "prev_id": prev_id,
        "next_id": next_id,
        "revision": revision_of(raw),
        "values": {
            "status": raw.get("status"),
            "notes": raw.get("notes") if isinstance(raw.get("notes"), str) else "",
            **{name: raw.get(name) if isinstance(raw.get(name), str) else "" for name in FINDING_FIELDS},
        },
        "candidates": site.ws.candidates(entry),
        "remediation_statuses": REMEDIATION_STATUSES,
        "max_upload": site.ws.settings.max_upload,
        "outcome": None,
        "preview": None,
        "conflict": None,
    }


def _finding_view(values: dict, outcome: Outcome | None) -> dict[str, Any]:
    """How the finding fields show: open when the answer is a gap or has (or had an error in) a finding field."""
    errors = outcome.fields if outcome is not None else {}
    due = values.get("due") or ""
    return {
        "open": values.get("status") in ("not_met", "partial")
        or any(values.get(name) for name in FINDING_FIELDS)
        or any(name in errors for name in FINDING_FIELDS),
        # an impossible date cannot be shown by a date picker (it would be emptied, and saving would remove it)
        "due_type": "date" if not due or valid_date(due) else "text",
    }


def _next_pending(state: AuditState, item_id: str) -> str | None:
    """The next applicable, unanswered item after ``item_id`` (wrapping around), for "Save and next"."""
    results = [r for r in state.progress.results if r.applicable]
    ids = [r.item.id for r in results]
    start = ids.index(item_id) + 1 if item_id in ids else 0
    for r in results[start:] + results[:start]:
        if r.status == "unanswered" and r.item.id != item_id:
            return r.item.id
    return None


async def item_page(site: Site, request: Request) -> Response:
    found, error = await run_in_threadpool(_audit_or_404, site, request)
    if error is not None:
        return error
    entry, state = found
    lang = site.lang(request)
    ctx = await run_in_threadpool(_item_context, site, entry, state, request.path_params["item"], lang)
    if ctx is None:
        return site.not_found(request)
    ctx["finding"] = _finding_view(ctx["values"], None)
    return site.page(request, "item.html", nav=_nav(entry, state, "fill"), saved=request.query_params.get("saved", ""), **ctx)


async def item_post(site: Site, request: Request) -> Response:
    found = site.audit(request)
    if found is None:
        return site.not_found(request)
    entry, _state = found
    item_id = request.path_params["item"]
    form = await site.form(request)
    if form is None:
        return site.refused(request)
    lang = site.lang(request)
    try:
        action = str(form.get("action") or "save")
        status = form.get("status")
        notes = form.get("notes")
        values = {"status": status if isinstance(status, str) else None, "notes": notes if isinstance(notes, str) else ""}
        sent = {name: _text_field(form.get(name)) for name in FINDING_FIELDS}
        finding = {name: value for name, value in sent.items() if value is not None}  # a field not sent is kept
        values.update(finding)
        if action == "preview":
            return await _item_again(site, request, entry, item_id, values, None, preview=True)
        uploads = tuple((f.filename, f.file) for f in form.getlist("upload") if isinstance(f, UploadFile) and f.filename)
        answer = AnswerForm(
            item_id=item_id,
            revision=str(form.get("revision") or ""),
            status=values["status"],
            notes=notes if isinstance(notes, str) else None,
            remove=tuple(str(v) for v in form.getlist("remove")),
            add_paths=tuple(str(v) for v in form.getlist("evidence_path")),
            add_urls=tuple(str(v) for v in form.getlist("evidence_url")),
            uploads=uploads,
            finding=finding,
        )
        outcome = await run_in_threadpool(site.ws.save_answer, entry, answer)
    finally:
        await form.close()
    state = await run_in_threadpool(site.ws.state, entry)
    if outcome.ok:
        target = item_id
        if action == "next":
            target = _next_pending(state, item_id)
        url = f"/a/{entry.id}/item/{target}" if target else f"/a/{entry.id}/"
        url = with_query(url, saved=item_id) + (f"#item-{item_id}" if not target else "")
        if site.wants_json(request):
            return JSONResponse(
                outcome_json(
                    outcome,
                    lang,
                    next=url,
                    live=_live_html(site, request, entry, state),
                    item_status=state.result(item_id).status if state.result(item_id) else "",
                )
            )
        return RedirectResponse(url, status_code=303)
    if site.wants_json(request):
        payload = outcome_json(outcome, lang, live=_live_html(site, request, entry, state))
        if outcome.status == "conflict":
            payload["current"] = _conflict_view(outcome.current or {}, lang)
        return JSONResponse(payload, status_code=STATUS_CODES.get(outcome.status, 500))
    return await _item_again(site, request, entry, item_id, values, outcome)


async def _item_again(
    site: Site, request: Request, entry, item_id: str, values: dict, outcome: Outcome | None, preview: bool = False
) -> Response:
    """The item page again with what was typed kept: after a preview, or a save that was refused."""
    state = await run_in_threadpool(site.ws.state, entry)
    if state.audit is None:
        return site.page(request, "broken.html", status=422, entry=entry, state=state, nav=_nav(entry, state, ""))
    lang = site.lang(request)
    ctx = await run_in_threadpool(_item_context, site, entry, state, item_id, lang)
    if ctx is None:
        return site.not_found(request)
    ctx["values"] = {**ctx["values"], **values}  # a finding field not sent shows the file's value
    ctx["outcome"] = outcome
    ctx["finding"] = _finding_view(ctx["values"], outcome)
    status = 200
    if preview:
        ctx["preview"] = render_notes(values.get("notes") or "")
        form_revision = None
    else:
        status = STATUS_CODES.get(outcome.status, 500) if outcome else 200
        form_revision = None
        if outcome is not None and outcome.status == "conflict":
            ctx["conflict"] = _conflict_view(outcome.current or {}, lang)
            form_revision = outcome.revision  # saving again is a deliberate choice, made after seeing both
    if form_revision is not None:
        ctx["revision"] = form_revision
    return site.page(request, "item.html", status=status, nav=_nav(entry, state, "fill"), saved="", **ctx)


def _conflict_view(current: dict, lang: str) -> dict[str, Any]:
    status = current.get("status")
    return {
        "status": t(f"status.{status}", lang) if status in ("met", "partial", "not_met", "na", "unanswered") else (status or "—"),
        "notes": render_notes(current.get("notes") if isinstance(current.get("notes"), str) else ""),
        "evidence": [str(e.get("path") or e.get("url")) for e in current.get("evidence") or [] if isinstance(e, dict)],
        "by": str(current.get("answered_by") or ""),
        "date": str(current.get("date") or ""),
        "finding": [
            (t(f"serve.item.{name}", lang), _finding_text(name, current.get(name), lang))
            for name in FINDING_FIELDS
            if current.get(name) not in (None, "")
        ],
    }


def _text_field(value: Any) -> str | None:
    """A text field of a posted form: its text (Windows line breaks as ``\\n``), or None when it was not sent."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else None


def _finding_text(name: str, value: Any, lang: str) -> str:
    if name == "remediation_status" and value in REMEDIATION_STATUSES:
        return t(f"remediation.{value}", lang)
    return str(value)


async def preview(site: Site, request: Request) -> Response:
    form = await site.form(request)
    if form is None:
        return site.refused(request)
    notes = form.get("notes")
    await form.close()
    return JSONResponse({"html": str(render_notes(notes if isinstance(notes, str) else ""))})


def _live_html(site: Site, request: Request, entry: AuditEntry, state: AuditState) -> str:
    from .site import environment

    lang = site.lang(request)
    return environment().get_template("_live.html").render(**site.context(request, lang), nav=_nav(entry, state, ""))


async def live(site: Site, request: Request) -> Response:
    found = site.audit(request)
    if found is None:
        return site.not_found(request)
    entry, state = found
    lang = site.lang(request)
    etag = f'"{state.etag}-{lang}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    html = await run_in_threadpool(_live_html, site, request, entry, state)
    return JSONResponse({"etag": state.etag, "html": html}, headers={"ETag": etag})


# --- review, report, changes ---------------------------------------------------------------------------


async def review(site: Site, request: Request) -> Response:
    found, error = await run_in_threadpool(_audit_or_404, site, request)
    if error is not None:
        return error
    entry, state = found
    evaluation = state.evaluation
    by_section = evaluation.by_section()
    sections = [{"section": s, "score": by_section.get(s.id)} for s in state.audit.sections if s.id in by_section]
    standings = list(evaluation.standings().values())
    counts = {sev: 0 for sev in SEVERITIES}
    for r in evaluation.findings:
        counts[r.item.severity] += 1
    return site.page(
        request,
        "review.html",
        nav=_nav(entry, state, "review"),
        overall=evaluation.overall,
        sections=sections,
        standings=standings,
        findings=evaluation.findings,
        finding_counts=counts,
        problems=state.problems,
    )


def _report_options(site: Site):
    from ..render import ReportOptions

    s = site.ws.settings
    return ReportOptions(allow_outside_evidence=s.allow_outside, policy=s.policy)


async def report_page(site: Site, request: Request) -> Response:
    found, error = await run_in_threadpool(_audit_or_404, site, request)
    if error is not None:
        return error
    entry, state = found
    return site.page(request, "report.html", nav=_nav(entry, state, "report"))


async def report_html(site: Site, request: Request) -> Response:
    found, error = await run_in_threadpool(_audit_or_404, site, request)
    if error is not None:
        return error
    entry, state = found
    from ..render import render

    body = await run_in_threadpool(render, "html", state.evaluation, site.lang(request), _report_options(site))
    return document(body.decode("utf-8"))


async def report_pdf(site: Site, request: Request) -> Response:
    found, error = await run_in_threadpool(_audit_or_404, site, request)
    if error is not None:
        return error
    entry, state = found
    lang = site.lang(request)
    key = (entry.id, state.etag, lang)
    body = site._pdf_cache.get(key)
    if body is None:
        from ..render import render

        try:
            body = await run_in_threadpool(render, "pdf", state.evaluation, lang, _report_options(site))
        except AiauditError as exc:
            return site.page(request, "error.html", status=500, title=t("serve.error.pdf_title", lang), message=exc.message)
        site._pdf_cache.clear()
        site._pdf_cache[key] = body
    stem = entry.path.stem
    return download(body, f"{stem}-report-{lang}.pdf", "application/pdf")


async def changes_page(site: Site, request: Request) -> Response:
    found, error = await run_in_threadpool(_audit_or_404, site, request)
    if error is not None:
        return error
    entry, state = found
    from .changes import committed, compare

    head = await run_in_threadpool(committed, entry.path)
    comparison = None
    if head.state == "ok":
        comparison = await run_in_threadpool(compare, head.raw, state.audit.raw, entry.path.name, site.ws.settings.max_bytes)
    return site.page(request, "changes.html", nav=_nav(entry, state, "changes"), head=head, comparison=comparison)


async def evidence_download(site: Site, request: Request) -> Response:
    found = site.audit(request)
    if found is None:
        return site.not_found(request)
    entry, _state = found
    recorded = request.query_params.get("path", "")
    target = await run_in_threadpool(site.ws.evidence_file, entry, recorded)
    if target is None:
        return site.not_found(request)
    try:
        return file_download(target, target.name)
    except OSError:
        return site.not_found(request)


# --- classification ------------------------------------------------------------------------------------

_MULTI_NONE: list = []


def _classify_values(system: dict) -> dict[str, Any]:
    from ..audit.classify import defaults

    return defaults(system)


def _read_classify(form, system: dict) -> tuple[dict[str, Any], dict[str, Msg], list[str]]:
    """Answers from the classify form: (answers, problems per question, follow-up questions the form did not show)."""
    from ..audit.classify import QUESTIONS, AnswerValueError, defaults, normalize

    base = defaults(system)
    shown = set(form.getlist("shown"))
    answers: dict[str, Any] = {}
    problems: dict[str, Msg] = {}
    unseen: list[str] = []
    for q in QUESTIONS:
        if not q.when(answers):
            continue
        if q.id not in shown:  # a follow-up the page did not show yet: a provisional answer, never saved
            unseen.append(q.id)
            fallback = {"yesno": False, "multi": [], "number": None}[q.kind]
            answers[q.id] = base.get(q.id, fallback) if base.get(q.id) is not None else fallback
            continue
        try:
            if q.kind == "yesno":
                value = form.get(q.id)
                if value is None:
                    problems[q.id] = Msg("serve.classify.choose")
                    answers[q.id] = None
                    continue
                answers[q.id] = normalize(q, str(value))
            elif q.kind == "multi":
                answers[q.id] = normalize(q, [str(v) for v in form.getlist(q.id)])
            else:
                answers[q.id] = normalize(q, str(form.get(q.id) or ""))
        except AnswerValueError as exc:
            problems[q.id] = exc.message
            answers[q.id] = form.get(q.id)
    return answers, problems, unseen


def _questions(values: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    from ..audit.classify import ANNEX_III, QUESTIONS

    out = []
    answers: dict[str, Any] = {}
    for q in QUESTIONS:
        if not q.when(answers):
            continue
        value = values.get(q.id)
        answers[q.id] = value
        options = [
            {"id": o, "label": t(f"classify.o.{q.id}.{o}", lang), "key": o if q.options == ANNEX_III else str(n)}
            for n, o in enumerate(q.options, start=1)
        ]
        out.append(
            {
                "q": q,
                "value": value,
                "options": options,
                "text": t(f"classify.q.{q.id}", lang),
                "help": t(f"classify.h.{q.id}", lang),
            }
        )
    return out


def _flops_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return "" if value is None else str(value)


async def classify_page(site: Site, request: Request) -> Response:
    found, error = await run_in_threadpool(_audit_or_404, site, request)
    if error is not None:
        return error
    entry, state = found
    lang = site.lang(request)
    system = state.audit.system
    values = _classify_values(system)
    return site.page(
        request,
        "classify.html",
        nav=_nav(entry, state, "classify"),
        questions=_questions(values, lang),
        problems={},
        unseen=[],
        result=None,
        saved=None,
        revision=revision_of(system.get("classification") or {}),
        current=system.get("classification") or {},
        flops=_flops_text,
        outcome=None,
        kr_names="",
    )


async def classify_post(site: Site, request: Request) -> Response:
    found, error = await run_in_threadpool(_audit_or_404, site, request)
    if error is not None:
        return error
    entry, state = found
    form = await site.form(request)
    if form is None:
        return site.refused(request)
    lang = site.lang(request)
    system = state.audit.system
    try:
        action = str(form.get("action") or "check")
        answers, problems, unseen = _read_classify(form, system)
        revision = str(form.get("revision") or "")
    finally:
        await form.close()
    from ..audit.classify import classify

    result = None
    outcome = None
    status = 200
    if not problems:
        result = classify(answers, lang)
        if action == "save" and not unseen:
            outcome = await run_in_threadpool(site.ws.save_classification, entry, answers, revision, lang)
            status = STATUS_CODES.get(outcome.status, 500)
            if outcome.ok:
                revision = outcome.revision
        elif action == "save":
            status = 422
    else:
        status = 422
    state = await run_in_threadpool(site.ws.state, entry)
    page = site.page(
        request,
        "classify.html",
        status=status,
        nav=_nav(entry, state, "classify"),
        questions=_questions(answers, lang),
        problems=problems,
        unseen=unseen if action == "save" else [],
        result=result,
        saved=outcome.extra if outcome is not None and outcome.ok else None,
        revision=revision,
        current=(state.audit.system.get("classification") or {}) if state.audit is not None else {},
        flops=_flops_text,
        outcome=outcome,
        kr_names=", ".join(t(f"classify.kr_category.{c}", lang) for c in result.kr_categories) if result else "",
    )
    return page


# --- the class (instructor) ----------------------------------------------------------------------------


async def class_overview(site: Site, request: Request) -> Response:
    from ..grading.outputs import format_points, overview_context

    lang = site.lang(request)
    room = site.classroom
    result = await run_in_threadpool(room.result)
    ctx = await run_in_threadpool(overview_context, result, lang)
    slugs = {g.team: room.slug_of(g.team) for g in result.grades}
    return site.page(
        request,
        "class_overview.html",
        room=room,
        o=ctx,
        slugs=slugs,
        pts=format_points,
        overrides_path=str(room.overrides_path),
        saved=request.query_params.get("saved", ""),
    )


async def class_regrade(site: Site, request: Request) -> Response:
    form = await site.form(request)
    if form is None:
        return site.refused(request)
    await form.close()
    await run_in_threadpool(site.classroom.regrade)
    return RedirectResponse("/?saved=regraded", status_code=303)


def _team_context(site: Site, slug: str, lang: str) -> dict[str, Any] | None:
    from ..grading.outputs import format_points
    from .classroom import team_form_values

    room = site.classroom
    sub = room.submission(slug)
    found = room.grade(slug)
    if sub is None or found is None:
        return None
    grade, _ev = found
    raw = room.raw_team(sub.team)
    criteria, late, comment = team_form_values(room.rubric, raw)
    rows = []
    for criterion, cg in zip(room.rubric.criteria, grade.criteria, strict=True):
        rows.append({"criterion": criterion, "grade": cg, "label": criterion.label(lang), "value": criteria[criterion.id]})
    ordered = [s.slug for s in room.subs]
    position = ordered.index(slug)
    return {
        "sub": sub,
        "grade": grade,
        "rows": rows,
        "late": late,
        "comment": comment,
        "revision": revision_of(raw),
        "pts": format_points,
        "prev_slug": ordered[position - 1] if position else None,
        "next_slug": ordered[position + 1] if position + 1 < len(ordered) else None,
        "outcome": None,
        "max_points": format_points(room.rubric.max_points),
    }


async def team_page(site: Site, request: Request) -> Response:
    lang = site.lang(request)
    ctx = await run_in_threadpool(_team_context, site, request.path_params["slug"], lang)
    if ctx is None:
        return site.not_found(request)
    return site.page(request, "class_team.html", saved=request.query_params.get("saved", ""), **ctx)


async def team_post(site: Site, request: Request) -> Response:
    from .classroom import CriterionInput

    slug = request.path_params["slug"]
    room = site.classroom
    form = await site.form(request)
    if form is None:
        return site.refused(request)
    try:
        criteria = {
            c.id: CriterionInput(str(form.get(f"points.{c.id}") or ""), str(form.get(f"comment.{c.id}") or ""))
            for c in room.rubric.criteria
        }
        late = CriterionInput(str(form.get("points.late") or ""), str(form.get("comment.late") or ""))
        comment = str(form.get("comment") or "")
        revision = str(form.get("revision") or "")
    finally:
        await form.close()
    outcome = await run_in_threadpool(room.save_overrides, slug, revision, criteria, late, comment)
    if outcome.ok:
        return RedirectResponse(f"/team/{slug}?saved=1", status_code=303)
    lang = site.lang(request)
    ctx = await run_in_threadpool(_team_context, site, slug, lang)
    if ctx is None:
        return site.not_found(request)
    ctx["outcome"] = outcome
    for row in ctx["rows"]:
        row["value"] = criteria[row["criterion"].id]
    ctx["late"], ctx["comment"] = late, comment
    if outcome.status == "conflict":
        ctx["revision"] = outcome.revision
    return site.page(request, "class_team.html", status=STATUS_CODES.get(outcome.status, 500), saved="", **ctx)


async def team_feedback(site: Site, request: Request) -> Response:
    html = await run_in_threadpool(site.classroom.feedback_html, request.path_params["slug"], site.lang(request))
    if html is None:
        return site.not_found(request)
    return document(html)


async def pair_page(site: Site, request: Request) -> Response:
    room = site.classroom
    a, b = request.path_params["a"], request.path_params["b"]
    ga, gb = room.grade(a), room.grade(b)
    if ga is None or gb is None:
        return site.not_found(request)
    result = await run_in_threadpool(room.result)
    pair = next((p for p in result.pairs if {p.a, p.b} == {ga[0].team, gb[0].team}), None)
    if pair is None:
        return site.not_found(request)
    first, second = (ga, gb) if pair.a == ga[0].team else (gb, ga)
    lang = site.lang(request)
    questions = {}
    for _grade, evaluation in (first, second):
        if evaluation is not None:
            for r in evaluation.results:
                questions.setdefault(r.item.id, r.item.question.get(lang))
    rows = [
        {
            "match": m,
            "question": questions.get(m.item_id, ""),
            "a": first[0].notes.get(m.item_id, m.a),
            "b": second[0].notes.get(m.item_id, m.b),
        }
        for m in pair.items
    ]
    return site.page(request, "class_pair.html", pair=pair, rows=rows, slug_a=room.slug_of(pair.a), slug_b=room.slug_of(pair.b))
