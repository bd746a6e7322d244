"""The rules every request to ``aiaudit serve`` passes, as one ASGI middleware in front of the application.

A local web server is reachable by every program and web page on the machine, so:

* **Host** must name this server (``127.0.0.1``, ``localhost`` or ``[::1]`` with its port, or an
  address given with ``--host``): a page on another name that resolves to 127.0.0.1 (DNS
  rebinding) gets 421 and nothing else.
* **Origin**, when the browser sends one, must be this server's own; a cross-site request (also
  by ``Sec-Fetch-Site: cross-site``) that changes something is refused with 403.
* **The token** printed with the URL is required on every request: given once as ``?token=``, it
  is exchanged for a cookie (``HttpOnly``, ``SameSite=Strict``, path ``/``) that holds a separate
  session secret. Requests with neither get 401.
* **State changes** are POST only, and each carries the session's CSRF token (a form field or the
  ``X-CSRF-Token`` header); :func:`csrf_ok` checks it, and the application refuses without it.
* **Size**: a request body larger than the limit is cut off with 413 before it is read further.
* **Headers** on every response: a strict Content-Security-Policy (scripts and styles only from
  this server, no inline script, no frames of it elsewhere), ``nosniff``, a same-origin referrer only, no caching.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import field
from urllib.parse import parse_qsl, urlencode

from ..records import record

#: The application's own pages: nothing from elsewhere, no inline script or style.
APP_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'"
)
#: Documents shown as they are (the rendered report, grading feedback): no script at all, sandboxed,
#: their inline stylesheet allowed by hash (see :func:`document_csp`).
DOCUMENT_CSP = "default-src 'none'; img-src data:; {style}; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox"
#: Files handed out (evidence downloads, PDFs): never run as a page of this origin.
DOWNLOAD_CSP = "default-src 'none'; sandbox"
SAFE_METHODS = ("GET", "HEAD")
ALLOWED_METHODS = ("GET", "HEAD", "POST")
LOOPBACK_NAMES = ("localhost",)


@record(frozen=False)
class Guard:
    """The secrets and limits of one server run."""

    port: int
    hosts: tuple[str, ...] = ("127.0.0.1",)  # names or addresses this server answers to (without port)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    session: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    max_body: int = 1_000_000
    max_upload_body: int = 26_000_000
    upload_paths: tuple[str, ...] = ()  # path prefixes that take uploads (the larger limit)

    @property
    def cookie(self) -> str:
        """The session cookie's name: one per port, since cookies do not tell ports apart."""
        return f"aiaudit_{self.port}"

    def host_ok(self, host: str | None) -> bool:
        """Whether a ``Host`` header names this server (name or address, and this port)."""
        if not host:
            return False
        name, port = _split_host(host)
        if port != self.port:
            return False
        if name in self.allowed_names:
            return True
        # An address cannot be rebound the way a name can: with --allow-remote, any IP literal is fine.
        return self.remote and _is_ip(name)

    @property
    def allowed_names(self) -> set[str]:
        names = {h.lower().strip("[]") for h in self.hosts}
        if any(_is_loopback(h) for h in self.hosts):
            names |= {"127.0.0.1", "localhost", "::1"}
        return names

    @property
    def remote(self) -> bool:
        """Listening beyond loopback (``--allow-remote``): then any IP address may be named as Host."""
        return not all(_is_loopback(h) for h in self.hosts)

    def origin_ok(self, origin: str) -> bool:
        """Whether an ``Origin`` header is this server's own (``http://host:port``)."""
        if not origin.startswith("http://"):
            return False
        return self.host_ok(origin[len("http://") :].rstrip("/"))

    def token_ok(self, value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(value.encode(), self.token.encode())

    def session_ok(self, value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(value.encode(), self.session.encode())

    def csrf_ok(self, value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(str(value).encode(), self.csrf.encode())

    def url(self, host: str | None = None) -> str:
        """The URL to open, with the token."""
        name = host or self.hosts[0]
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{self.port}/?token={self.token}"


def _split_host(host: str) -> tuple[str, int | None]:
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        name, rest = host[1:end], host[end + 1 :]
        port = rest[1:] if rest.startswith(":") else ""
    else:
        name, _, port = host.partition(":")
    return name, int(port) if port.isdigit() else None


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def is_loopback(host: str) -> bool:
    """Whether a bind address is on the loopback interface only."""
    return _is_loopback(host)


def document_csp(html: str) -> str:
    """The CSP of a self-contained document: its ``<style>`` elements allowed by their sha256, nothing else."""
    import base64
    import hashlib
    import re

    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode("utf-8")).digest()).decode() + "'"
        for m in re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.DOTALL | re.IGNORECASE)
    ]
    style = "style-src " + (" ".join(hashes) if hashes else "'none'")
    return DOCUMENT_CSP.format(style=style)


def _headers(scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookies(header: str) -> dict[str, str]:
    out = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep:
            out.setdefault(name, value)
    return out


class GuardMiddleware:
    """ASGI middleware applying :class:`Guard` to every HTTP request; ``pages`` renders the refusal pages."""

    def __init__(self, app, guard: Guard, refusal=None):
        self.app = app
        self.guard = guard
        self.refusal = refusal or (lambda status, reason, scope: (f"{status} {reason}\n".encode(), "text/plain; charset=utf-8"))

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self.app(scope, receive, send)
        if scope["type"] != "http":  # websockets: never
            return
        g = self.guard
        headers = _headers(scope)
        method = scope["method"]
        if not g.host_ok(headers.get("host")):
            return await self._refuse(scope, send, 421, "host")
        origin = headers.get("origin")
        if origin is not None and not g.origin_ok(origin):
            return await self._refuse(scope, send, 403, "origin")
        if method not in SAFE_METHODS and headers.get("sec-fetch-site") == "cross-site":
            return await self._refuse(scope, send, 403, "origin")
        if method not in ALLOWED_METHODS:
            return await self._refuse(scope, send, 405, "method")
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        cookies = _cookies(headers.get("cookie", ""))
        if method in SAFE_METHODS and "token" in query:
            if not g.token_ok(query["token"]):
                return await self._refuse(scope, send, 401, "token")
            return await self._sign_in(scope, send, query)
        if not g.session_ok(cookies.get(g.cookie)):
            return await self._refuse(scope, send, 401, "token")
        limit = g.max_upload_body if scope["path"].startswith(g.upload_paths) and g.upload_paths else g.max_body
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            return await self._refuse(scope, send, 413, "size")
        return await self.app(scope, _limited(receive, limit), _secured(send))

    async def _sign_in(self, scope, send, query: dict[str, str]):
        """The token URL: set the session cookie and go on to the page without the token.

        A small page with a same-origin refresh, not a redirect: a ``SameSite=Strict`` cookie is
        not sent on a redirect that a cross-site page (or a file:// page) started.
        """
        rest = {k: v for k, v in query.items() if k != "token"}
        target = scope["path"] + ("?" + urlencode(rest) if rest else "")
        if not target.startswith("/") or target.startswith("//"):
            target = "/"
        from markupsafe import escape

        body = (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">'
            f'<meta http-equiv="refresh" content="0;url={escape(target)}"><title>aiaudit</title></head>'
            f'<body><p><a href="{escape(target)}">aiaudit</a></p></body></html>'
        ).encode()
        cookie = f"{self.guard.cookie}={self.guard.session}; Path=/; HttpOnly; SameSite=Strict"
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"set-cookie", cookie.encode()),
                    (b"content-length", str(len(body)).encode()),
                    *[h for h in _SECURITY_HEADERS if h[0] != b"referrer-policy"],
                    (b"referrer-policy", b"no-referrer"),  # the token URL is never sent on
                    (b"cache-control", b"no-store"),
                    (b"content-security-policy", APP_CSP.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _refuse(self, scope, send, status: int, reason: str):
        body, content_type = self.refusal(status, reason, scope)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", content_type.encode()),
                    (b"content-length", str(len(body)).encode()),
                    *_SECURITY_HEADERS,
                    (b"content-security-policy", APP_CSP.encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body if scope.get("method") != "HEAD" else b""})


_SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    # same-origin, not no-referrer: with no-referrer, browsers send "Origin: null" on form posts
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]


class BodyTooLarge(Exception):
    """The request body passed the limit while it was read."""


def _limited(receive, limit: int):
    seen = 0

    async def wrapped():
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge
        return message

    return wrapped


def _secured(send):
    async def wrapped(message):
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            names = {k.lower() for k, _ in headers}
            extra = [h for h in _SECURITY_HEADERS if h[0] not in names]
            if b"content-security-policy" not in names:
                extra.append((b"content-security-policy", APP_CSP.encode()))
            if b"cache-control" not in names:
                extra.append((b"cache-control", b"no-store"))
            message = dict(message, headers=headers + extra)
        await send(message)

    return wrapped
