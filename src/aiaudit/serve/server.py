"""Running the workspace: a socket on a free port, the uvicorn server, the printed URL and the browser.

The socket is bound before anything is printed, so the URL always works; uvicorn serves it with
its own signal handling (Ctrl-C or SIGTERM stop it cleanly: open requests finish, then the
process exits 0). The browser is opened through a private file that redirects to the URL, so the
token never appears on another process's command line.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from ..diagnostics import UsageError
from ..i18n import Msg
from .security import Guard, is_loopback


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free port chosen by the system)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio turns Nagle's algorithm off only on sockets that say they are TCP, and
    # with it on, a small response written in two parts waits for the browser's delayed ACK (40 ms).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(Msg("serve.cannot_bind", host=host, port=port, reason=exc.strerror or str(exc))) from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def check_host(host: str, allow_remote: bool) -> None:
    """A non-loopback address needs ``--allow-remote`` (the workspace would be reachable from other machines)."""
    if not is_loopback(host) and not allow_remote:
        raise UsageError(Msg("serve.remote_needs_flag", host=host))


def open_browser(url: str) -> Path | None:
    """Open ``url`` in the user's browser through a private redirect file; returns the file (removed at exit)."""
    import webbrowser

    folder = Path(tempfile.mkdtemp(prefix="aiaudit-serve-"))
    page = folder / "open.html"
    from markupsafe import escape

    page.write_text(
        f'<!DOCTYPE html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={escape(url)}">'
        f'<title>aiaudit</title><p><a href="{escape(url)}">aiaudit</a></p>',
        encoding="utf-8",
    )
    os.chmod(page, 0o600)
    try:
        opened = webbrowser.open(page.as_uri(), new=2)
    except Exception:  # no browser on this machine: the printed URL is enough
        opened = False
    if not opened:
        remove_quietly(folder)
        return None
    return folder


def remove_quietly(folder: Path | None) -> None:
    if folder is None:
        return
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def serve(
    app_factory: Callable[[Guard], object],
    host: str,
    port: int,
    guard_options: dict,
    announce: Callable[[str], None],
    browser: bool = True,
    ready: threading.Event | None = None,
) -> int:
    """Bind, build the application for this port, print the URL, open the browser and serve until stopped."""
    import uvicorn

    sock = bind(host, port)
    actual = sock.getsockname()[1]
    guard = Guard(port=actual, hosts=(host,), **guard_options)
    app = app_factory(guard)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = guard.url(shown)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,  # the first request's URL holds the token
        server_header=False,
        proxy_headers=False,
        lifespan="off",
        ws="none",
        http="h11",
        timeout_keep_alive=5,
        timeout_graceful_shutdown=5,
        limit_concurrency=64,
    )
    server = uvicorn.Server(config)
    previous = _stop_on_signals(server)
    try:
        announce(url)
        folder = open_browser(url) if browser else None
        try:
            if ready is not None:
                ready.set()
            server.run(sockets=[sock])
        finally:
            remove_quietly(folder)
            with contextlib.suppress(OSError):
                sock.close()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    sys.stdout.flush()
    return 0


def _stop_on_signals(server) -> dict:
    """Ctrl-C and SIGTERM stop the server cleanly, also when they arrive before uvicorn listens for them.

    uvicorn puts back the handlers it found when it stops and then raises the signal again; with
    these in place that second delivery only asks an already stopped server to stop.
    """
    if threading.current_thread() is not threading.main_thread():
        return {}

    def stop(sig, frame) -> None:
        server.should_exit = True

    return {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
