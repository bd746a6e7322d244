"""Class 1: every path an input names stays in its folder; special files are refused without being opened;
lock files cannot be turned into a write elsewhere.

FIFOs run in a child process with a timeout: before the fix, reading one blocked forever.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from corpus import SYSTEM_FILES, edit_audit, fifo, run_cli, symlink

from aiaudit.audit.lock import audit_lock, lock_path
from aiaudit.diagnostics import UsageError

# --- special files as the file a command reads -------------------------------------------------------------


def _commands(target: Path, proj: Path) -> dict[str, list]:
    audit = proj / "audit.yaml"
    return {
        "validate": ["validate", target],
        "status": ["status", target],
        "report": ["report", target, "-o", proj / "r.html"],
        "gate": ["gate", target, "-p", "preset:classroom-minimum"],
        "answer": ["answer", target, "TR-01", "-s", "met"],
        "gate-policy": ["gate", audit, "-p", target],
        "answer-from": ["answer", audit, "--from", str(target) + ".csv" if target.suffix != ".csv" else target],
        "lint": ["lint", target],
        "checklists-show": ["checklists", "show", target],
        "init-checklist": ["init", "-n", "x", "-c", target, "-o", proj / "new.yaml"],
        "grade-rubric": ["grade", proj.parent / "subs", "--rubric", target, "-o", proj.parent / "out"],
    }


COMMANDS = list(_commands(Path("x"), Path("y")))


@pytest.mark.parametrize("command", COMMANDS)
def test_a_fifo_named_as_input_is_refused_at_once(proj, command):
    target = fifo(proj / "pipe.yaml")
    fifo(proj / "pipe.yaml.csv")
    (proj.parent / "subs" / "team").mkdir(parents=True)
    args = _commands(target, proj)[command]
    done = run_cli(*args, cwd=proj, timeout=30)  # before: blocked forever on open()
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "not a regular file" in done.stdout + done.stderr


@pytest.mark.parametrize("path", SYSTEM_FILES)
def test_system_files_are_never_read(cli, path):
    if not os.path.exists(path):
        pytest.skip(f"{path} does not exist here")
    result = cli("validate", path)
    assert result.exit_code == 2 and "not a regular file" in result.stdout
    assert "PATH=" not in result.stdout  # /proc/self/environ was not read


# --- checklist paths in an audit ------------------------------------------------------------------------------


def _checklist_path(proj: Path, value: str) -> Path:
    return edit_audit(proj, lambda d: d["checklists"][0].update(path=value))


@pytest.mark.parametrize("how", ["parent", "absolute", "symlink-out", "symlink-dir-out"])
def test_a_checklist_path_that_leaves_the_folder_is_refused(cli, proj, how):
    outside = proj.parent / "elsewhere"
    outside.mkdir()
    (outside / "c.yaml").write_text((proj / "mini-checklist.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    value = {
        "parent": "../elsewhere/c.yaml",
        "absolute": str(outside / "c.yaml"),
        "symlink-out": str(symlink(proj / "link.yaml", outside / "c.yaml").name),
        "symlink-dir-out": "shared/c.yaml",
    }[how]
    if how == "symlink-dir-out":
        symlink(proj / "shared", outside)
    audit = _checklist_path(proj, value)
    for args in (["validate", audit], ["report", audit, "-o", proj / "r.md"], ["gate", audit, "-p", "preset:classroom-minimum"]):
        result = cli(*args)
        assert result.exit_code in (1, 2), result.output
        assert "error[E314]" in result.stdout + result.stderr
        assert "leaves the audit's folder" in result.stdout + result.stderr
    assert not (proj / "r.md").exists()
    # the explicit flag accepts it
    assert cli("validate", "--allow-outside", audit).exit_code == 0


@pytest.mark.parametrize("target", ["fifo", "/dev/zero", "/proc/self/environ", "folder"])
def test_a_checklist_path_to_a_special_file_is_refused_unopened(proj, target):
    if target == "fifo":
        value = fifo(proj / "c.yaml").name
    elif target == "folder":
        (proj / "sub").mkdir()
        value = "sub"
    else:
        value = target
    audit = _checklist_path(proj, value)
    done = run_cli("validate", "--allow-outside", audit, timeout=30)
    assert done.returncode == 1, done.stdout
    assert "error[E314]" in done.stdout and "not a regular file" in done.stdout


def test_a_missing_checklist_file_is_still_e303(cli, proj):
    audit = _checklist_path(proj, "nope.yaml")
    result = cli("validate", audit)
    assert result.exit_code == 1 and "error[E303]" in result.stdout


# --- includes --------------------------------------------------------------------------------------------------


def _including(proj: Path, source_id: str) -> Path:
    text = (proj / "mini-checklist.yaml").read_text(encoding="utf-8")
    text = text.replace("id: mini\n", f"id: mini\ninclude:\n  - {{checklist: {source_id}}}\n", 1)
    (proj / "mini-checklist.yaml").write_text(text, encoding="utf-8")
    return proj / "mini-checklist.yaml"


def test_an_include_that_is_a_symlink_out_of_the_folder_is_refused(cli, proj, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("kind: checklist\nid: owasp-llm\nsecret: do-not-read\n", encoding="utf-8")
    symlink(proj / "owasp-llm.yaml", secret)  # would shadow the built-in of that id
    checklist = _including(proj, "owasp-llm")
    result = cli("validate", checklist)
    assert result.exit_code == 1 and "error[E314]" in result.stdout
    assert "do-not-read" not in result.stdout


def test_an_include_that_is_a_fifo_is_refused_without_blocking(proj):
    fifo(proj / "owasp-llm.yaml")
    checklist = _including(proj, "owasp-llm")
    done = run_cli("validate", checklist, timeout=30)
    assert done.returncode == 1 and "error[E314]" in done.stdout


def test_a_dangling_include_symlink_falls_back_to_the_builtin(cli, proj):
    symlink(proj / "owasp-llm.yaml", proj / "gone.yaml")
    checklist = _including(proj, "owasp-llm")
    assert cli("validate", checklist).exit_code == 0


# --- evidence (confined in audit/evidence.py; the special cases again, end to end) ---------------------------


@pytest.mark.parametrize("kind", ["fifo", "symlink-to-fifo", "proc", "symlink-out"])
def test_special_or_outside_evidence_is_not_read(proj, kind):
    if kind == "fifo":
        value = "evidence/" + fifo(proj / "evidence" / "p.txt").name
    elif kind == "symlink-to-fifo":
        fifo(proj / "p")
        value = "evidence/" + symlink(proj / "evidence" / "l.txt", proj / "p").name
    elif kind == "proc":
        value = "evidence/" + symlink(proj / "evidence" / "env.txt", "/proc/self/environ").name
    else:
        (proj.parent / "secret.txt").write_text("secret", encoding="utf-8")
        value = "evidence/" + symlink(proj / "evidence" / "s.txt", proj.parent / "secret.txt").name
    audit = edit_audit(proj, lambda d: d["answers"]["TR-01"].update(evidence=[{"path": value}]))
    done = run_cli("report", audit, "-o", proj / "r.json", timeout=30)
    assert done.returncode == 1
    assert "error[E403]" in done.stderr or "error[E404]" in done.stderr


# --- lock files ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("planted", ["symlink-to-file", "symlink-to-nothing", "hard-link", "fifo"])
def test_a_planted_lock_file_neither_truncates_nor_creates_anything(proj, tmp_path, planted):
    audit = proj / "audit.yaml"
    precious = tmp_path / "precious.txt"
    precious.write_text("precious data\n", encoding="utf-8")
    lock = lock_path(audit)
    if planted == "symlink-to-file":
        lock.symlink_to(precious)
    elif planted == "symlink-to-nothing":
        lock.symlink_to(tmp_path / "created-elsewhere")
    elif planted == "hard-link":
        os.link(precious, lock)
    else:
        fifo(lock)
    done = run_cli("answer", audit, "ACC-01", "-s", "met", timeout=30)
    assert done.returncode == 2, done.stderr
    assert "lock file" in done.stderr
    assert precious.read_text(encoding="utf-8") == "precious data\n"
    assert not (tmp_path / "created-elsewhere").exists()
    assert "status: not_met" in audit.read_text(encoding="utf-8")  # nothing was saved either


def test_a_stale_lock_file_left_by_a_killed_writer_does_not_block(proj):
    audit = proj / "audit.yaml"
    lock_path(audit).write_text("99999999\n", encoding="utf-8")
    with audit_lock(audit) as held:
        assert held.read_text().strip() == str(os.getpid())
    assert not lock_path(audit).exists()


def test_lock_file_is_created_exclusively_and_never_through_a_link(proj, tmp_path):
    audit = proj / "audit.yaml"
    lock_path(audit).symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UsageError, match="is a link or not a regular file"), audit_lock(audit):
        pass
    assert not (tmp_path / "elsewhere").exists()


# --- atomic-write temp files -------------------------------------------------------------------------------------


def test_writing_over_a_symlink_replaces_the_link_not_its_target(cli, proj, tmp_path):
    precious = tmp_path / "precious.html"
    precious.write_text("precious", encoding="utf-8")
    symlink(proj / "r.html", precious)
    assert cli("report", proj / "audit.yaml", "-o", proj / "r.html").exit_code == 0
    assert precious.read_text(encoding="utf-8") == "precious"
    assert not (proj / "r.html").is_symlink()


def test_temp_files_are_created_with_o_excl_and_o_nofollow(tmp_path, monkeypatch):
    import tempfile

    from aiaudit.files import atomic_write

    flags = []
    real_open = os.open

    def spy(path, flag, *args, **kwargs):
        if str(path).endswith(".tmp"):
            flags.append(flag)
        return real_open(path, flag, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    monkeypatch.setattr(tempfile, "_os", os, raising=False)
    atomic_write(tmp_path / "a.yaml", "x")
    assert flags and all(f & os.O_EXCL and f & os.O_CREAT and f & getattr(os, "O_NOFOLLOW", 0) for f in flags)
