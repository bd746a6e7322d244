"""Class 8: nothing the grader's or the CI machine knows (its absolute folders, the user's home) appears in
a team's feedback or in a report, and PDF attachments are named relative to the audit."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from corpus import edit_audit, fifo, project, symlink

from aiaudit.text import redact


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """A grader's machine: a home folder and a working folder, both absolute and distinctive."""
    home = tmp_path / "home" / "prof-kim"
    work = home / "course-2026"
    work.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    from aiaudit import text

    text._machine_prefixes.cache_clear()
    yield work
    text._machine_prefixes.cache_clear()


def _leaks(folder: Path, machine: Path) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".csv", ".md", ".json"):
            text = path.read_text(encoding="utf-8", errors="replace")
            for secret in (str(machine), str(machine.parent), "prof-kim"):
                if secret in text:
                    found.append(f"{path.name}: {secret}")
    return found


def test_feedback_names_files_as_the_team_knows_them(cli, machine):
    subs = machine / "subs"
    subs.mkdir()
    good = project(subs, "team1")
    broken = project(subs, "team2")
    fifo(broken / "evidence" / "pipe.txt")
    (subs.parent / "outside.txt").write_text("x", encoding="utf-8")
    symlink(broken / "evidence" / "out.txt", subs.parent / "outside.txt")

    def change(data):
        data["answers"]["TR-01"]["evidence"] = [{"path": "evidence/pipe.txt"}, {"path": "evidence/out.txt"}]

    edit_audit(broken, change)
    edit_audit(good, lambda d: d["answers"]["SEC-01"].update(notes=f"see {machine}/subs/team1/evidence"))
    result = cli("grade", str(subs.resolve()), "--rubric", "preset:classroom-default", "-o", str(machine / "out"), "-j", "1")
    assert result.exit_code == 0, result.output
    feedback = (machine / "out" / "feedback" / "team2.html").read_text(encoding="utf-8")
    assert "evidence/pipe.txt" in feedback and "evidence/out.txt" in feedback
    assert _leaks(machine / "out", machine) == []


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_reports_show_no_machine_folder(cli, machine, fmt):
    proj = project(machine)
    (machine.parent / "shared.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)

    def change(data):
        data["answers"]["TR-01"]["evidence"].append({"path": str(machine.parent / "shared.png")})

    edit_audit(proj, change)
    result = cli("report", str(proj.resolve() / "audit.yaml"), "-o", f"r.{fmt}", "--allow-outside")
    assert result.exit_code == 0, result.output
    text = Path(f"r.{fmt}").read_text(encoding="utf-8")
    if fmt == "html":
        assert str(machine) not in text and "prof-kim" not in text
    else:  # Markdown and JSON show the evidence path as the audit wrote it: the author's text, not the machine's
        assert str(machine / "mini") not in text


def test_pdf_attachments_are_named_relative_to_the_audit(cli, machine):
    pytest.importorskip("weasyprint")
    if shutil.which("pdfdetach") is None:
        pytest.skip("pdfdetach not installed")
    proj = project(machine)
    (proj / "evidence" / "sub").mkdir()
    (proj / "evidence" / "sub" / "a.txt").write_text("a", encoding="utf-8")
    (machine / "outside.txt").write_text("o", encoding="utf-8")

    def change(data):
        data["answers"]["TR-01"]["evidence"] += [
            {"path": "evidence/sub/a.txt"},
            {"path": "./evidence/sub/../sub/a.txt"},
            {"path": str(machine / "outside.txt")},
        ]

    edit_audit(proj, change)
    result = cli("report", proj / "audit.yaml", "-o", proj / "r.pdf", "--attach-evidence", "--allow-outside")
    assert result.exit_code == 0, result.output
    listing = subprocess.run(["pdfdetach", "-list", str(proj / "r.pdf")], capture_output=True, text=True, check=True).stdout
    names = [line.split(": ", 1)[1] for line in listing.splitlines()[1:]]
    assert names == ["audit.yaml", "evidence/notice.txt", "evidence/sub/a.txt", "outside/outside.txt"]
    assert str(machine) not in listing


def test_redact_replaces_only_whole_machine_folders(machine):
    assert redact(f"{machine}/subs/a.yaml") == "./subs/a.yaml"
    assert redact(f"{machine.parent}/notes.txt") == "~/notes.txt"
    assert redact(f"{machine}x/a.yaml") == f"~/{machine.name}x/a.yaml"  # not the working folder, but in the home
    assert redact("/etc/passwd and relative/path") == "/etc/passwd and relative/path"
