"""Class 7: no "internal error". A full disk, a read-only file system, an output that is a folder or in a
missing folder, huge option values, overflowing numbers and deep nesting are one line, exit 1 or 2, in
English and Korean; ``fill`` can retry a save that failed without losing the answer."""

from __future__ import annotations

import errno
import os

import pytest
from corpus import include_chain

from aiaudit import files


def _fail_writes(monkeypatch, code: int):
    def refuse(fd):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(files.os, "fsync", refuse)


CASES = {
    errno.ENOSPC: ("the disk is full", "디스크가 가득 찼습니다"),
    errno.EROFS: ("read-only", "읽기 전용"),
    errno.EDQUOT: ("quota", "할당량"),
    errno.EACCES: ("permission denied", "권한이 없습니다"),
    errno.EIO: ("Input/output error", "Input/output error"),
}


@pytest.mark.parametrize("code", sorted(CASES), ids=[errno.errorcode[c] for c in sorted(CASES)])
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_failed_write_is_one_line_in_both_languages(cli, proj, monkeypatch, code, lang):
    _fail_writes(monkeypatch, code)
    commands = [
        ["report", proj / "audit.yaml", "-o", proj / "r.html"],
        ["init", "-n", "x", "-o", proj / "new.yaml"],
        ["answer", proj / "audit.yaml", "ACC-01", "-s", "met"],
        ["grade", proj.parent, "--rubric", "preset:classroom-default", "-o", proj.parent / "out", "-j", "1"],
    ]
    for args in commands:
        result = cli(*args, "--lang", lang)
        assert result.exit_code == 2, (args[0], result.output)
        message = result.stderr.strip()
        assert "\n" not in message and "Traceback" not in message, message
        assert CASES[code][lang == "ko"] in message, message
    assert "status: not_met" in (proj / "audit.yaml").read_text(encoding="utf-8")
    assert not (proj / "r.html").exists() and not [p for p in proj.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_failed_gate_output_says_why_in_both_languages(cli, proj, monkeypatch, lang):
    """A gate output that cannot be written says why in the user's language (``files.WriteError``), exit 2."""
    _fail_writes(monkeypatch, errno.ENOSPC)
    result = cli("gate", proj / "audit.yaml", "-p", "preset:classroom-minimum", "-f", f"json:{proj / 'g.json'}", "--lang", lang)
    assert result.exit_code == 2
    assert CASES[errno.ENOSPC][lang == "ko"] in result.stderr


def test_a_full_disk_on_standard_output_is_one_line(proj):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "aiaudit", "report", str(proj / "audit.yaml"), "-o", "-", "-f", "md"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            env={**os.environ, "AIAUDIT_LANG": "en"},
        )
    assert done.returncode == 2, done.stderr
    assert "the disk is full" in done.stderr and "Traceback" not in done.stderr


def test_fill_can_retry_a_save_that_failed(proj, monkeypatch):
    """What ``fill`` builds on: the error says what happened, keeps the input, and a retry after the fix works."""
    from aiaudit.audit.answer import AnswerInput, Editor, SaveFailed

    editor = Editor(proj / "audit.yaml")
    _fail_writes(monkeypatch, errno.ENOSPC)
    given = AnswerInput("ACC-01", status="met", notes="A named owner: the CTO.")
    with pytest.raises(SaveFailed) as info:
        editor.answer(given)
    failed = info.value
    assert failed.retryable and failed.input == given and failed.exit_code == 2
    assert "was not saved" in failed.format("en") and "free some space" in failed.format("en")
    assert "저장하지 못했습니다" in failed.format("ko")
    monkeypatch.undo()
    editor.answer(failed.input)
    assert "A named owner: the CTO." in (proj / "audit.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "{audit}", "--max-bytes", str(10**30)],
        ["validate", "{audit}", "--max-bytes", str(2**63)],
        ["report", "{audit}", "-o", "{proj}/r.html", "--max-bytes", "-1"],
        ["gate", "{audit}", "-p", "preset:classroom-minimum", "--today", "99999-01-01"],
        ["answer", "{audit}", "ACC-01", "-s", "met", "--date", "99999-01-01"],
        ["grade", "{proj}", "--rubric", "preset:classroom-default", "-o", "{proj}/../o", "--deadline", "9999-99-99T99:99"],
    ],
)
def test_huge_or_malformed_option_values_are_usage_errors(cli, proj, args):
    result = cli(*(a.format(audit=proj / "audit.yaml", proj=proj) for a in args))
    assert result.exit_code == 2, result.output


def test_large_but_valid_option_values_work(cli, proj):
    assert cli("validate", proj / "audit.yaml", "--max-bytes", str(1 << 30)).exit_code == 0
    result = cli("grade", proj.parent, "--rubric", "preset:classroom-default", "-o", proj.parent / "o", "-j", str(10**20))
    assert result.exit_code == 0  # no more workers than submissions


def test_deep_include_chain_is_not_a_recursion_error(cli, tmp_path, proj):
    head = include_chain(tmp_path, length=3000)
    result = cli("lint", head)
    assert result.exit_code == 1 and "E315" in result.stdout


def test_deeply_nested_conditions_are_a_diagnostic(cli, proj):
    text = (proj / "mini-checklist.yaml").read_text(encoding="utf-8")
    condition = "{field: system.modalities, contains: image}"
    for _ in range(60):
        condition = "{not: " + condition + "}"
    text = text.replace("applies_when: {field: system.modalities, contains: image}", f"applies_when: {condition}")
    (proj / "mini-checklist.yaml").write_text(text, encoding="utf-8")
    result = cli("validate", proj / "audit.yaml")
    assert result.exit_code in (0, 1, 2), result.output


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_an_audit_that_is_a_folder_is_one_line(cli, proj, lang):
    for args in (["validate", proj], ["status", proj], ["answer", proj, "X", "-s", "met"], ["report", proj, "-o", "-"]):
        result = cli(*args, "--lang", lang)
        assert result.exit_code == 2, result.output
        assert len((result.stdout + result.stderr).strip().splitlines()) == 1
        assert ("folder" in result.output) if lang == "en" else ("폴더" in result.output)
