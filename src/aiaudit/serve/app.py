"""The web application of ``aiaudit serve``: the routes behind the security middleware.

Every page works without JavaScript (forms post, the server answers with a page or a redirect);
``static/app.js`` only makes saving and previewing happen in place and keeps the verdict panel
live. Pages are Jinja2 templates with autoescaping (``templates/serve/``); notes are rendered by
the reports' safe Markdown renderer (:func:`aiaudit.render.notes.render_notes`). Every POST checks
the CSRF token before it does anything (:meth:`.site.Site.form`), and :mod:`.security` wraps the
whole application.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..i18n import LANGS, Msg, t
from . import pages
from .security import BodyTooLarge, GuardMiddleware
from .site import LANG_COOKIE, Site, _t, environment, filesize, static_files


def create_app(site: Site) -> Any:
    """The ASGI application: the routes of the workspace (or classroom) behind the security middleware."""
    routes = [
        Route("/static/{name}", partial(static, site), methods=["GET"]),
        Route("/lang", partial(set_lang, site), methods=["POST"]),
    ]
    routes += pages.class_routes(site) if site.classroom is not None else pages.audit_routes(site)
    app = Starlette(routes=routes, exception_handlers={BodyTooLarge: partial(too_large, site), 404: partial(missing, site)})
    return GuardMiddleware(app, site.guard, refusal=partial(refusal_page, site))


async def static(site: Site, request: Request) -> Response:
    found = static_files().get(request.path_params["name"])
    if found is None:
        return site.not_found(request)
    body, content_type, etag = found
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=content_type, headers=headers)


async def set_lang(site: Site, request: Request) -> Response:
    form = await site.form(request)
    if form is None:
        return site.refused(request)
    lang = form.get("lang")
    target = str(form.get("next") or "/")
    await form.close()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"
    response = RedirectResponse(target, status_code=303)
    if lang in LANGS:
        response.set_cookie(LANG_COOKIE, str(lang), path="/", httponly=True, samesite="strict", max_age=365 * 86400)
    return response


async def too_large(site: Site, request: Request, exc: Exception) -> Response:
    lang = site.lang(request)
    limit = site.ws.settings.max_upload if site.ws is not None else site.guard.max_body
    return site.page(
        request,
        "error.html",
        status=413,
        title=_t(lang, "serve.error.too_large_title"),
        message=Msg("serve.error.too_large", limit=filesize(limit)),
    )


async def missing(site: Site, request: Request, exc: Exception) -> Response:
    return site.not_found(request)


def refusal_page(site: Site, status: int, reason: str, scope) -> tuple[bytes, str]:
    """The page the security middleware answers with (both languages: no cookie says which one)."""
    keys = {
        "host": "serve.refused.host",
        "origin": "serve.refused.origin",
        "token": "serve.refused.token",
        "size": "serve.refused.size",
        "method": "serve.refused.method",
    }
    key = keys.get(reason, "serve.refused.token")
    args = {"limit": filesize(site.guard.max_upload_body)}
    html = (
        environment()
        .get_template("refused.html")
        .render(
            status=status,
            en=t(key, "en", **args),
            ko=t(key, "ko", **args),
            title_en=t("serve.refused.title", "en"),
            title_ko=t("serve.refused.title", "ko"),
        )
    )
    return html.encode("utf-8"), "text/html; charset=utf-8"
