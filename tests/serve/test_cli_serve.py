"""`aiaudit serve` on the command line: the printed URL, Ctrl-C, usage errors, and the extra stays optional."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import textwrap
from urllib.parse import urlsplit

import pytest

pytest.importorskip("starlette", reason="the 'web' extra is not installed")


def _get(url: str, headers: dict | None = None) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    conn.request("GET", parts.path + ("?" + parts.query if parts.query else ""), headers=headers or {})
    return conn.getresponse()


def test_serve_prints_a_token_url_on_loopback_and_stops_on_ctrl_c(serve_process, example):
    server = serve_process(example)
    parts = urlsplit(server.url)
    assert parts.hostname == "127.0.0.1" and parts.port and parts.port > 0
    assert len(server.token) >= 40
    assert any("Ctrl-C" in line for line in server.lines)
    assert _get(server.base + "/").status == 401
    signed = _get(server.url)
    assert signed.status == 200
    cookie = signed.getheader("Set-Cookie").split(";")[0]
    page = _get(server.base + "/", {"Cookie": cookie})
    assert page.status == 303
    assert server.stop(signal.SIGINT) == 0
    out = server.proc.stdout.read()
    assert "aiaudit serve stopped." in out
    assert server.token not in server.proc.stderr.read()  # no access log with the token


def test_sigterm_stops_it_too(serve_process, example):
    server = serve_process(example)
    assert server.stop(signal.SIGTERM) == 0


def test_port_option_and_a_busy_port(serve_process, example):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free = sock.getsockname()[1]
    server = serve_process(example, "--port", free)
    assert f":{free}/" in server.url
    busy = subprocess.run(
        [sys.executable, "-m", "aiaudit", "serve", str(example), "--no-browser", "--port", str(free)],
        capture_output=True,
        text=True,
        timeout=30,
        env=dict(os.environ, AIAUDIT_LANG="en"),
    )
    assert busy.returncode == 2
    assert busy.stderr.startswith(f"aiaudit: error: cannot listen on 127.0.0.1:{free}")
    assert len(busy.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args,message",
    [
        (["--host", "0.0.0.0"], "is not a loopback address"),
        (["--host", "192.168.1.5"], "add --allow-remote"),
        (["--rubric", "preset:classroom-default"], "--rubric is for the instructor view"),
        (["--class", "."], "--class needs --rubric"),
        (["nope/"], "does not exist"),
    ],
)
def test_usage_errors_are_one_line_exit_2(invoke, example, args, message):
    target = [] if args[0].startswith("nope") or "--class" in args else [example]
    result = invoke("serve", *target, *args, "--no-browser")
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_folder_without_audits(invoke, tmp_path):
    result = invoke("serve", tmp_path, "--no-browser")
    assert result.exit_code == 2 and "no audit file (kind: audit) found" in result.stderr


def test_korean_messages(invoke, tmp_path):
    result = invoke("serve", tmp_path, "--no-browser", "--lang", "ko")
    assert result.exit_code == 2 and "감사 파일(kind: audit)을 찾지 못했습니다" in result.stderr


def test_without_the_web_extra_serve_says_what_to_install(tmp_path):
    code = textwrap.dedent(
        """
        import sys
        sys.modules["starlette"] = None  # as if the extra were not installed
        from aiaudit.cli import main
        sys.argv = ["aiaudit", "serve", "--no-browser"]
        main()
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=dict(os.environ, AIAUDIT_LANG="en"),
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "aiaudit: error: the web workspace needs the 'web' extra (starlette is not installed): install aiaudit with it, "
        "e.g. pip install '.[web]' in its checkout"
    )


def test_the_cli_and_the_gate_never_import_the_web_framework(tmp_path, example):
    code = textwrap.dedent(
        f"""
        import sys
        from click.testing import CliRunner
        from aiaudit.cli import cli
        runner = CliRunner()
        for args in (["validate", {str(example)!r}], ["status", {str(example)!r}], ["gate", {str(example)!r},
                     "--policy", "preset:genai-baseline"], ["--help"], ["serve", "--help"]):
            runner.invoke(cli, args)
        import aiaudit.gate, aiaudit.render
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("starlette", "uvicorn", "multipart", "python_multipart"))
        print(",".join(loaded))
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
