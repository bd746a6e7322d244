"""What every page of ``aiaudit serve`` shares: the site's state, templates, static files and responses.

Templates live in ``templates/serve/`` and render with autoescaping and ``StrictUndefined``;
static files are the shipped ``app.css`` and ``app.js`` only. :meth:`Site.form` is the one way a
handler reads a posted form, and it refuses a form without the session's CSRF token.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from functools import cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse

from .. import __version__
from ..diagnostics import Diagnostic
from ..i18n import LANGS, Msg, localize, t
from ..model import STATUSES
from ..paths import data_dir
from ..render.notes import render_notes
from ..text import percent
from .security import DOWNLOAD_CSP, Guard, document_csp
from .workspace import AuditEntry, AuditState, Outcome, Workspace

#: Form limits (the body size itself is limited by :mod:`.security`).
MAX_FILES = 10
MAX_FIELDS = 300
MAX_FIELD_BYTES = 1_000_000
LANG_COOKIE = "aiaudit_lang"
#: Evidence types sent with their own content type (still as attachments); anything else is application/octet-stream.
SAFE_DOWNLOAD_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "application/pdf", "text/plain"})
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}


# --- templates and static files -----------------------------------------------------------------------


def template_dir() -> Path:
    return data_dir("templates") / "serve"


@cache
def environment():
    """The workspace's Jinja2 environment: autoescaped, strict, the reports' filters."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(template_dir())),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(notes=render_notes, pct=percent, filesize=filesize)
    return env


@cache
def static_files() -> dict[str, tuple[bytes, str, str]]:
    """The shipped CSS and JavaScript: name → (bytes, content type, ETag). Nothing else is ever served as static."""
    out = {}
    folder = template_dir() / "static"
    for path in sorted(folder.iterdir()):
        if path.suffix in STATIC_TYPES and path.is_file():
            body = path.read_bytes()
            out[path.name] = (body, STATIC_TYPES[path.suffix], '"' + hashlib.sha256(body).hexdigest()[:16] + '"')
    return out


def filesize(n: int | None) -> str:
    if n is None:
        return ""
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return str(n)  # pragma: no cover


def text_of(value: Any, lang: str) -> str:
    """A message, diagnostic or text in ``lang``, as one string (the template escapes it)."""
    if isinstance(value, Diagnostic):
        return f"{Path(value.file).name}:{value.line}:{value.col}: {value.code}: {localize(value.message, lang)}"
    return localize(value, lang)


# --- the application ----------------------------------------------------------------------------------


class Site:
    """The application's state: the workspace (or classroom), the guard, and the page helpers."""

    def __init__(self, guard: Guard, workspace: Workspace | None = None, classroom=None, default_lang: str = "en"):
        self.guard = guard
        self.ws = workspace
        self.classroom = classroom
        self.default_lang = default_lang
        self._pdf_cache: dict[tuple, bytes] = {}

    # -- helpers ---------------------------------------------------------------------------------------

    def lang(self, request: Request) -> str:
        chosen = request.cookies.get(LANG_COOKIE)
        return chosen if chosen in LANGS else self.default_lang

    def page(self, request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        lang = ctx.pop("lang", None) or self.lang(request)
        html = environment().get_template(name).render(**self.context(request, lang), **ctx)
        return HTMLResponse(html, status_code=status)

    def context(self, request: Request, lang: str) -> dict[str, Any]:
        query = request.url.query
        return {
            "lang": lang,
            "other_lang": "ko" if lang == "en" else "en",
            "t": partial(_t, lang),
            "text": partial(text_of, lang=lang),
            "csrf": self.guard.csrf,
            "version": __version__,
            "here": request.url.path + ("?" + query if query else ""),
            "statuses": STATUSES,
            "class_mode": self.classroom is not None,
        }

    def wants_json(self, request: Request) -> bool:
        return "application/json" in request.headers.get("accept", "")

    async def form(self, request: Request):
        """The request's form, or None when its CSRF token is missing or wrong (then nothing may happen)."""
        form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS, max_part_size=MAX_FIELD_BYTES)
        given = form.get("csrf") or request.headers.get("x-csrf-token")
        if not self.guard.csrf_ok(given if isinstance(given, str) else None):
            await form.close()
            return None
        return form

    def refused(self, request: Request, reason: str = "csrf") -> HTMLResponse:
        return self.page(
            request,
            "error.html",
            status=403,
            title=_t(self.lang(request), "serve.error.csrf_title"),
            message=Msg("serve.error.csrf"),
        )

    def not_found(self, request: Request) -> HTMLResponse:
        lang = self.lang(request)
        return self.page(
            request, "error.html", status=404, title=_t(lang, "serve.error.not_found_title"), message=Msg("serve.error.not_found")
        )

    def audit(self, request: Request) -> tuple[AuditEntry, AuditState] | None:
        if self.ws is None:
            return None
        entry = self.ws.entry(request.path_params.get("aid", ""))
        if entry is None:
            return None
        return entry, self.ws.state(entry)


def _t(lang: str, key: str, **args: Any) -> str:
    return t(key, lang, **args)


# --- shared responses ---------------------------------------------------------------------------------


def document(html: str) -> HTMLResponse:
    """A self-contained HTML document (report, feedback) under its own sandboxing CSP."""
    return HTMLResponse(html, headers={"Content-Security-Policy": document_csp(html), "X-Frame-Options": "SAMEORIGIN"})


def download(body: bytes, filename: str, media_type: str = "application/octet-stream") -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": content_disposition(filename), "Content-Security-Policy": DOWNLOAD_CSP},
    )


def content_disposition(filename: str) -> str:
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in filename) or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def file_download(path: Path, filename: str) -> Response:
    """Stream a regular file as an attachment, opened without following links and checked on the open descriptor."""
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise FileNotFoundError(str(path))

    def chunks():
        with os.fdopen(fd, "rb") as fh:
            while block := fh.read(1 << 16):
                yield block

    guessed = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    headers = {
        "Content-Disposition": content_disposition(filename),
        "Content-Security-Policy": DOWNLOAD_CSP,
        "Content-Length": str(info.st_size),
        "X-Content-Type-Options": "nosniff",
    }
    # An HTML or SVG file must never be shown as a page of this origin: sent as an opaque download.
    media = guessed if guessed in SAFE_DOWNLOAD_TYPES else "application/octet-stream"
    return StreamingResponse(chunks(), media_type=media, headers=headers)


def outcome_json(outcome: Outcome, lang: str, **extra: Any) -> dict[str, Any]:
    return {
        "status": outcome.status,
        "messages": [text_of(m, lang) for m in outcome.messages],
        "fields": {k: [text_of(m, lang) for m in v] for k, v in outcome.fields.items()},
        "revision": outcome.revision,
        **extra,
    }


STATUS_CODES = {"saved": 200, "invalid": 422, "conflict": 409, "busy": 423, "failed": 500}


def with_query(path: str, **params: str) -> str:
    params = {k: v for k, v in params.items() if v}
    return path + ("?" + urlencode(params) if params else "")
