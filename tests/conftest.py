"""Shared fixtures: one CliRunner, a copy of the mini audit project, and the conformance folder."""

from __future__ import annotations

import http.server
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from aiaudit.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]


def pytest_configure(config) -> None:
    """The tests use a cache folder of their own (compiled templates, parsed checklists), not the user's."""
    if "AIAUDIT_CACHE_DIR" not in os.environ:
        os.environ["AIAUDIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="aiaudit-test-cache-")
        config._aiaudit_cache = os.environ["AIAUDIT_CACHE_DIR"]


def pytest_unconfigure(config) -> None:
    folder = getattr(config, "_aiaudit_cache", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"NO_COLOR": "1", "AIAUDIT_LANG": "en"})


@pytest.fixture
def invoke(runner):
    """Run the CLI with arguments; returns click's Result (stdout and stderr apart)."""

    def run(*args, **kwargs):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, **kwargs)

    return run


@pytest.fixture
def mini(tmp_path) -> Path:
    """A writable copy of tests/fixtures/mini (checklist, audit, evidence); returns its folder."""
    dest = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", dest)
    return dest


@pytest.fixture
def conformance_dir() -> Path:
    """shared/conformance (SARIF schema, JUnit XSD): $AIAUDIT_CONFORMANCE_DIR or ../shared/conformance."""
    path = Path(os.environ.get("AIAUDIT_CONFORMANCE_DIR") or ROOT.parent / "shared" / "conformance")
    if not path.is_dir():
        pytest.skip(f"conformance files not found at {path} (set AIAUDIT_CONFORMANCE_DIR)")
    return path


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Records every request; answers with a marker body that must never appear in any output."""

    requests: list[str] = []

    def do_GET(self):
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"LEAKED-FROM-SERVER")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A local HTTP server on 127.0.0.1 recording every request: (port, requests). Stopped after the test."""
    _Recorder.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    httpd.timeout = 1
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1], _Recorder.requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
