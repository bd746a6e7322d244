"""One writer per audit: the lock refuses a second fill/answer/classify, and never outlives its process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from aiaudit.audit.load import load_audit
from aiaudit.audit.lock import LockBusy, audit_lock, lock_path

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX locking and signals")


def _env():
    env = dict(os.environ, AIAUDIT_LANG="en", AIAUDIT_USER="tester", NO_COLOR="1", PYTHONUNBUFFERED="1")
    env.pop("LC_ALL", None)
    return env


def _unanswer(mini):
    """Make every answer of the mini audit open again, so `fill` has questions to ask."""
    path = mini / "audit.yaml"
    text = path.read_text(encoding="utf-8").split("answers:")[0]
    path.write_text(text + "answers: {}\n", encoding="utf-8")
    return path


def _start_fill(path, lang="en"):
    proc = subprocess.Popen(
        [sys.executable, "-m", "aiaudit", "fill", str(path), "--lang", lang],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
        cwd=path.parent,
    )
    # wait until it holds the lock and shows its first question
    seen = b""
    deadline = time.monotonic() + 30
    while b"[1/" not in seen:
        chunk = proc.stdout.read1(4096)
        assert chunk, proc.stderr.read().decode()
        seen += chunk
        assert time.monotonic() < deadline
    return proc


def test_lock_is_exclusive_and_released(mini):
    audit = mini / "audit.yaml"
    with audit_lock(audit) as held:
        assert held == lock_path(audit) == mini / ".audit.yaml.lock"
        assert held.read_text().strip() == str(os.getpid())
        with (
            pytest.raises(LockBusy, match=r"audit\.yaml is being edited by another aiaudit process \(pid \d+\)"),
            audit_lock(audit),
        ):
            pass
    assert not lock_path(audit).exists()
    with audit_lock(audit):  # free again
        pass


def test_lock_message_in_korean(mini):
    audit = mini / "audit.yaml"
    with audit_lock(audit), pytest.raises(LockBusy) as info, audit_lock(audit):
        pass
    assert "다른 aiaudit 프로세스" in info.value.format("ko")


def test_second_fill_is_refused_while_the_first_runs(mini):
    path = _unanswer(mini)
    first = _start_fill(path)
    try:
        second = subprocess.run(
            [sys.executable, "-m", "aiaudit", "fill", str(path)],
            input=b"m\n\n\n",
            capture_output=True,
            env=_env(),
            cwd=mini,
            timeout=60,
        )
        assert second.returncode == 2
        message = second.stderr.decode().strip()
        assert message.count("\n") == 0, message
        assert "is being edited by another aiaudit process (pid" in message
        assert str(first.pid) in message
        assert "Traceback" not in message
        # `answer` is refused the same way, and the file is untouched
        other = subprocess.run(
            [sys.executable, "-m", "aiaudit", "answer", str(path), "TR-01", "--status", "met"],
            capture_output=True,
            env=_env(),
            timeout=60,
        )
        assert other.returncode == 2
        assert "being edited" in other.stderr.decode()
        assert load_audit(path).answers == {}
        # the first session goes on undisturbed
        out, err = first.communicate(b"n\n\n\nq\n", timeout=60)
        assert first.returncode == 0, err.decode()
        assert load_audit(path).answers["TR-01"].status == "not_met"
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert not lock_path(path).exists()


def test_lock_of_a_killed_process_does_not_block(mini):
    path = _unanswer(mini)
    proc = _start_fill(path)
    assert lock_path(path).exists()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert lock_path(path).exists()  # left behind, but the OS released the lock
    done = subprocess.run(
        [sys.executable, "-m", "aiaudit", "answer", str(path), "TR-01", "--status", "met", "-e", "evidence/notice.txt"],
        capture_output=True,
        env=_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert not lock_path(path).exists()


def test_stale_temp_files_are_cleaned_up_by_the_next_writer(mini, invoke):
    path = mini / "audit.yaml"
    stale = mini / ".audit.yaml.abc123.tmp"
    stale.write_text("half a file")
    unrelated = mini / ".other.yaml.abc123.tmp"
    unrelated.write_text("not ours")
    assert invoke("answer", path, "ACC-01", "--status", "met").exit_code == 0
    assert not stale.exists()
    assert unrelated.exists()


def test_status_needs_no_lock(mini, invoke):
    path = mini / "audit.yaml"
    with audit_lock(path):
        result = invoke("status", path)
    assert result.exit_code == 0
    assert "4 of 4" in result.output
