"""Never lose work: SIGKILL `answer` and `fill` processes at random moments; the audit stays valid.

The processes run with a slowed-down ``fsync`` (through a tiny wrapper), which widens the window
between writing the temp file and renaming it, so many kills land in the middle of a save.
After every kill the file must load as a valid audit holding either the previous or the new
answer, never a mix and never half a file.
"""

from __future__ import annotations

import os
import random
import signal
import statistics
import subprocess
import sys
import time

import pytest

from aiaudit.audit.load import load_audit

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

# os.fsync sleeps first, so a save spends most of its time between write and rename
_SLOW_SAVE = (
    "import os, sys, time\n"
    "_fsync = os.fsync\n"
    "def _slow(fd):\n"
    "    time.sleep(0.02)\n"
    "    return _fsync(fd)\n"
    "os.fsync = _slow\n"
    "from aiaudit.cli import main\n"
    "sys.argv[0] = 'aiaudit'\n"
    "main()\n"
)


def _env():
    return dict(os.environ, AIAUDIT_LANG="en", AIAUDIT_USER="tester", NO_COLOR="1")


def _spawn(args, cwd, stdin=None):
    return subprocess.Popen(
        [sys.executable, "-c", _SLOW_SAVE, *args],
        cwd=cwd,
        env=_env(),
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _run_to_end(args, cwd, stdin=None) -> float:
    start = time.monotonic()
    proc = _spawn(args, cwd, stdin)
    _, err = proc.communicate(stdin, timeout=60)
    assert proc.returncode == 0, err.decode()
    return time.monotonic() - start


def _kill_after(proc, delay, stdin=None):
    if stdin is not None:
        try:
            proc.stdin.write(stdin)
            proc.stdin.close()
        except BrokenPipeError:
            pass
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)


def _kill_during_save(proc, folder, rng, after=0.0, stdin=None):
    """Wait until the process has a temp file of the audit open (it is saving), then kill it soon after."""
    if stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.close()
    time.sleep(after)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        if any(name.startswith(".audit.yaml.") and name.endswith(".tmp") for name in os.listdir(folder)):
            time.sleep(rng.uniform(0, 0.03))
            break
        time.sleep(0.0005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)


def _state(path, item):
    audit = load_audit(path)  # raises if the file is not a valid audit
    answer = audit.answers.get(item)
    return None if answer is None else (answer.status, answer.notes, answer.date)


def test_answer_killed_at_random_moments(mini):
    path = mini / "audit.yaml"
    rng = random.Random(20261125)
    base = ["answer", "audit.yaml", "ACC-01", "--date", "2026-11-25"]
    durations = [_run_to_end([*base, "--status", "met", "--note", "warm-up"], mini) for _ in range(3)]
    typical = statistics.median(durations)
    previous = _state(path, "ACC-01")
    outcomes = {"old": 0, "new": 0, "mid-save": 0}
    for n in range(36):
        status = ("met", "partial", "not_met")[n % 3]
        new = (status, f"attempt {n}", "2026-11-25")
        proc = _spawn([*base, "--status", status, "--note", f"attempt {n}"], mini)
        if n % 2:
            _kill_after(proc, rng.uniform(0.3, 1.2) * typical)  # anywhere in the process's life
        else:
            _kill_during_save(proc, mini, rng)  # while the temp file is being written or renamed
        if any(p.suffix == ".tmp" for p in mini.iterdir()):
            outcomes["mid-save"] += 1
        now = _state(path, "ACC-01")
        assert now in (previous, new), f"iteration {n}: {now!r} is neither {previous!r} nor {new!r}"
        outcomes["new" if now == new else "old"] += 1
        previous = now
        # the other answers are never touched
        assert _state(path, "TR-01") == ("met", "The chat shows an **AI 상담원** badge.", "2026-11-20")
    # a final clean run leaves no temp files and no lock behind
    _run_to_end([*base, "--status", "met", "--note", "final"], mini)
    assert _state(path, "ACC-01") == ("met", "final", "2026-11-25")
    assert sorted(p.name for p in mini.iterdir() if p.name.startswith(".")) == []
    print(f"kills: {outcomes}")


def test_fill_killed_at_random_moments(mini):
    path = mini / "audit.yaml"
    text = path.read_text(encoding="utf-8").split("answers:")[0]
    pristine = text + "answers: {}\n"
    rng = random.Random(7)
    # answers for TR-01, SEC-01, SEC-02, ACC-01 in order
    keys = b"m\nBadge.\nevidence/notice.txt\np\nManual test.\n\nn\n\nm\nKim.\n\n"
    expected = {
        "TR-01": ("met", "Badge."),
        "SEC-01": ("partial", "Manual test."),
        "SEC-02": ("not_met", ""),
        "ACC-01": ("met", "Kim."),
    }
    path.write_text(pristine, encoding="utf-8")
    typical = _run_to_end(["fill", "audit.yaml"], mini, stdin=keys)
    assert {k: (a.status, a.notes) for k, a in load_audit(path).answers.items()} == expected
    for n in range(12):
        path.write_text(pristine, encoding="utf-8")
        proc = _spawn(["fill", "audit.yaml"], mini, stdin=keys)
        if n % 2:
            _kill_after(proc, rng.uniform(0.2, 1.1) * typical, stdin=keys)
        else:
            _kill_during_save(proc, mini, rng, after=rng.uniform(0, 0.8) * typical, stdin=keys)
        answers = load_audit(path).answers  # always a valid audit
        got = {k: (a.status, a.notes) for k, a in answers.items()}
        # every answer present is complete, and they were saved in order
        assert all(expected[k] == v for k, v in got.items()), f"iteration {n}: {got}"
        assert list(got) == list(expected)[: len(got)], f"iteration {n}: {list(got)}"
        # the next fill resumes at the first unanswered item and finishes the job
        rest = keys.split(b"\n")
        per_item = [3, 3, 2, 3]  # prompts per item: status, notes, evidence (SEC-02 has no evidence prompt)
        skip = sum(per_item[: len(got)])
        remaining = b"\n".join(rest[skip:])
        _run_to_end(["fill", "audit.yaml"], mini, stdin=remaining)
        assert {k: (a.status, a.notes) for k, a in load_audit(path).answers.items()} == expected
