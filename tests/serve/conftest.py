"""Fixtures for the web workspace: a copy of the shipped example, an in-process client, and a real server process."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "support-chatbot"
USER = "tester@example.org"


#: Answers the tests give themselves: removed from the copy, with the classification, so the copy is a draft.
OPEN_ITEMS = ("TR-10", "TR-11", "PRIV-13", "PRIV-14", "ACC-13", "ACC-20")


def _drop_blocks(text: str, keys: tuple[str, ...], indent: str) -> str:
    """``text`` without the mapping entries ``keys`` at ``indent`` (each with its nested lines)."""
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        stripped = line[len(indent) :]
        at_level = line.startswith(indent) and stripped[:1] not in (" ", "")
        if line.strip() and not line.startswith(indent):  # a shallower line ends any block being dropped
            skipping = False
        elif at_level:
            skipping = any(stripped.startswith(f"{key}:") for key in keys)
        if not skipping:
            out.append(line)
    return "".join(out)


@pytest.fixture
def example(tmp_path) -> Path:
    """A writable copy of examples/support-chatbot, unclassified and with a few items left open (a draft)."""
    dest = tmp_path / "support-chatbot"
    shutil.copytree(EXAMPLE, dest)
    audit = dest / "audit.yaml"
    text = _drop_blocks(audit.read_text(encoding="utf-8"), OPEN_ITEMS, "  ")
    head, sep, rest = text.partition("\nanswers:")
    audit.write_text(_drop_blocks(head, ("classification",), "  ") + sep + rest, encoding="utf-8")
    return audit


@pytest.fixture
def workspace(example):
    from aiaudit.serve.workspace import Settings, Workspace

    return Workspace(Settings(root=example.parent, audit=example, answered_by=USER))


class Client:
    """Starlette's in-process client, signed in with the token, on this server's own address."""

    def __init__(self, site, port: int = 8765):
        from starlette.testclient import TestClient

        from aiaudit.serve.app import create_app

        self.site = site
        self.guard = site.guard
        self.base = f"http://127.0.0.1:{port}"
        self.http = TestClient(create_app(site), base_url=self.base, follow_redirects=False)

    def sign_in(self) -> Client:
        response = self.http.get("/?token=" + self.guard.token)
        assert response.status_code == 200, response.text
        return self

    def audit_url(self) -> str:
        entry = self.site.ws.entries[0]
        return f"/a/{entry.id}"


@pytest.fixture
def client(workspace) -> Client:
    from aiaudit.serve.security import Guard
    from aiaudit.serve.site import Site

    guard = Guard(port=8765, max_upload_body=2_000_000, upload_paths=("/a/",))
    return Client(Site(guard, workspace=workspace)).sign_in()


class Server:
    """``aiaudit serve`` in its own process: its URL (with the token) and its output."""

    def __init__(self, args: list[str], env: dict | None = None, cwd: Path | None = None):
        environ = dict(os.environ, AIAUDIT_USER=USER, AIAUDIT_LANG="en", PYTHONUNBUFFERED="1", **(env or {}))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aiaudit", "serve", "--no-browser", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environ,
            cwd=cwd,
            start_new_session=True,
        )
        self.lines: list[str] = []
        deadline = time.monotonic() + 30
        self.url = ""
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line)
            found = re.search(r"http://\S+\?token=\S+", line)
            if found:
                self.url = found.group(0)
                self.lines.append(self.proc.stdout.readline())  # the line that says how to stop
                break
        if not self.url:
            self.stop()
            raise AssertionError("aiaudit serve printed no URL:\n" + "".join(self.lines) + self.proc.stderr.read())
        self.base = self.url.split("/?")[0]
        self.token = self.url.split("token=")[1]

    def stop(self, sig: int = signal.SIGINT, timeout: float = 15) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode


@pytest.fixture
def serve_process():
    started: list[Server] = []

    def start(*args: str, **kwargs) -> Server:
        server = Server([str(a) for a in args], **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
