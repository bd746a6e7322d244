"""`aiaudit fill` on a real terminal: Korean text, Backspace, arrow keys and history through a pseudo-terminal.

These tests type what a person types (the bytes a terminal sends for Backspace, ←, Home, ↑) into
`fill` running on a pseudo-terminal (pexpect), then compare the notes saved in the audit with the
text that was on the line. One test also reads the rendered screen through tmux, when tmux is
installed, to check that the screen and the file agree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from aiaudit.audit.load import load_audit

pexpect = pytest.importorskip("pexpect", reason="pexpect drives the pseudo-terminal")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminals")

BACKSPACE = "\x7f"  # what xterm-like terminals send for Backspace
LEFT, RIGHT, UP = "\x1b[D", "\x1b[C", "\x1b[A"
HOME, END = "\x1b[H", "\x1b[F"


def _env(**extra):
    env = dict(os.environ, AIAUDIT_LANG="en", AIAUDIT_USER="tester", NO_COLOR="1", TERM="xterm", LANG="C.UTF-8")
    for var in ("LC_ALL", "LC_CTYPE", "INPUTRC", "AIAUDIT_NO_READLINE"):
        env.pop(var, None)
    env["INPUTRC"] = os.devnull  # readline's defaults, not the machine's
    env.update(extra)
    return env


def _open(mini):
    """The mini audit with no answers (TR-01, SEC-01, SEC-02 and ACC-01 apply)."""
    path = mini / "audit.yaml"
    path.write_text(path.read_text(encoding="utf-8").split("answers:")[0] + "answers: {}\n", encoding="utf-8")
    return path


def _spawn(mini, *args, **env):
    child = pexpect.spawn(
        sys.executable,
        ["-m", "aiaudit", "fill", "audit.yaml", *args],
        cwd=str(mini),
        env=_env(**env),
        encoding="utf-8",
        dimensions=(40, 200),
        timeout=30,
    )
    child.expect("Line editing:")  # readline is on
    return child


def _type(child, *keys):
    """Send keys one group at a time, as a person does (readline reads an escape sequence as one key)."""
    for key in keys:
        child.send(key)
        time.sleep(0.05)


def _finish(child):
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before


def test_korean_backspace_and_arrows_are_saved_as_shown(mini):
    path = _open(mini)
    child = _spawn(mini, "--item", "ACC-01")
    child.expect(r"Status \[")
    _type(child, "m\r")
    child.expect("Notes ")
    # "결과: 미반영", three Backspaces erase 영, 반 and 미 (two columns each), then "반영"
    _type(child, "결과: 미반영", BACKSPACE, BACKSPACE, BACKSPACE, "반영")
    # "확인 abc", ← ← then X: "확인 aXbc"; Home "[" and End "]"
    _type(child, " 확인 abc", LEFT, LEFT, "X", HOME, "[", END, "]")
    # ← over the wide characters and a Backspace in the middle: drop "확" from "확인"
    _type(child, LEFT * 7, BACKSPACE, RIGHT * 7)
    _type(child, "\r")
    child.expect("Evidence files")
    _type(child, "\r")
    child.expect("Saved ACC-01")
    _finish(child)
    assert load_audit(path).answers["ACC-01"].notes == "[결과: 반영 인 aXbc]"
    text = path.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\\e" not in text and "\\x1b" not in text


def test_up_arrow_recalls_the_current_notes_to_edit_them(mini):
    path = mini / "audit.yaml"
    child = _spawn(mini, "--item", "SEC-01", "--all")
    child.expect(r"Status \[")
    _type(child, "\r")  # keep "partial"
    child.expect("Notes ")
    _type(child, UP, END, " 다음 분기에 자동화 예정.", "\r")
    child.expect("Evidence files")
    _type(child, "\r")
    child.expect("Finding details")  # a partial answer is a finding: its details follow on a terminal
    _type(child, ".\r")
    child.expect("Saved SEC-01")
    _finish(child)
    answer = load_audit(path).answers["SEC-01"]
    assert (answer.status, answer.notes) == ("partial", "Tested manually only. 다음 분기에 자동화 예정.")


def test_back_at_the_justification_prompt_and_keys_typed_in_korean_mode(mini):
    path = _open(mini)
    child = _spawn(mini, "--item", "SEC-02")
    child.expect(r"Status \[")
    _type(child, "a\r")
    child.expect("Not applicable needs a justification")
    child.expect("Notes ")
    _type(child, "b\r")  # back to the status, not a reason "b"
    child.expect(r"Status \[")
    _type(child, "ㅡ\r")  # the m key with the Korean input method still on
    child.expect("Notes ")
    _type(child, "게이트웨이에서 제한함\r")
    child.expect("Saved SEC-02")
    _finish(child)
    answer = load_audit(path).answers["SEC-02"]
    assert (answer.status, answer.notes) == ("met", "게이트웨이에서 제한함")


def test_multiline_notes_and_tab_completion(mini):
    path = _open(mini)
    child = _spawn(mini, "--item", "TR-01")
    child.expect(r"Status \[")
    _type(child, "p\r")
    child.expect("Notes ")
    _type(child, "+\r")
    child.expect(r"1 \|")
    _type(child, "## 확인 결과\r")
    child.expect(r"2 \|")
    _type(child, "- 배너가 보임\r")
    child.expect(r"3 \|")
    _type(child, ".\r")
    child.expect("Evidence files")
    _type(child, "evidence/no", "\t", "\r")
    child.expect("Finding details")
    _type(child, ".\r")
    child.expect("Saved TR-01")
    _finish(child)
    answer = load_audit(path).answers["TR-01"]
    assert answer.notes == "## 확인 결과\n- 배너가 보임"
    assert answer.evidence[0].path == "evidence/notice.txt"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux renders the screen")
def test_the_screen_shows_what_is_saved(mini, tmp_path):
    """Read the terminal's screen (tmux) after editing Korean text: the line on screen is the saved note."""
    path = _open(mini)
    session = f"aiaudit-{os.getpid()}"
    env = _env()
    command = f"cd {mini} && {sys.executable} -m aiaudit fill audit.yaml --item ACC-01; sleep 30"
    tmux = ["tmux", "-L", session, "-f", os.devnull]
    subprocess.run([*tmux, "new-session", "-d", "-s", session, "-x", "160", "-y", "30", command], env=env, check=True)

    def screen() -> str:
        return subprocess.run([*tmux, "capture-pane", "-p", "-t", session], capture_output=True, text=True, env=env).stdout

    def wait_for(text: str) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            shown = screen()
            if text in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not on the screen:\n{screen()}")

    def keys(*args: str) -> None:
        subprocess.run([*tmux, "send-keys", "-t", session, *args], env=env, check=True)
        time.sleep(0.1)

    try:
        wait_for("Status [")
        keys("m", "Enter")
        wait_for("Notes ")
        keys("결과: 미반영")
        keys("BSpace", "BSpace", "BSpace")
        keys("반영 완료", "Left", "Left", "Left", "BSpace")
        shown = wait_for("결과: 반 완료")
        line = next(x for x in shown.splitlines() if x.startswith("Notes "))
        on_screen = line.split("Enter for none): ", 1)[1].rstrip()
        keys("Enter")
        wait_for("Evidence files")
        keys("Enter")
        wait_for("Saved ACC-01")
    finally:
        subprocess.run([*tmux, "kill-server"], env=env, check=False)
    assert on_screen == "결과: 반 완료"
    assert load_audit(path).answers["ACC-01"].notes == on_screen


def test_ctrl_c_while_typing_keeps_what_was_saved(mini):
    path = _open(mini)
    child = _spawn(mini)
    child.expect(r"Status \[")
    _type(child, "m\r")
    child.expect("Notes ")
    _type(child, "배지 확인\r")
    child.expect("Evidence files")
    _type(child, "evidence/notice.txt\r")
    child.expect("Saved TR-01")
    child.expect(r"Status \[")
    _type(child, "p\r")
    child.expect("Notes ")
    _type(child, "반쯤 쓴 메모", "\x03")  # Ctrl-C
    child.expect("Interrupted")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    answers = load_audit(path).answers
    assert set(answers) == {"TR-01"} and answers["TR-01"].notes == "배지 확인"
