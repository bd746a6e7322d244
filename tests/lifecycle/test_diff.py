"""``aiaudit diff``: two files, and an old version from a temporary git repository (what CI posts on a pull request)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import git

V010 = Path(__file__).parent / "fixtures" / "v010"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture
def repo(tmp_path, invoke, monkeypatch) -> Path:
    """A git repository: commit 1 is the 0.1.0-era EU audit, commit 2 its upgrade plus one changed answer."""
    folder = tmp_path / "repo"
    shutil.copytree(V010 / "eu-provider", folder / "audits")
    git(folder, "init", "-q", "-b", "main")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "audit as of aiaudit 0.1.0")
    audit = folder / "audits" / "audit.yaml"
    assert invoke("upgrade", audit).exit_code == 0
    note = "Applicant explanations shipped."
    done = invoke("answer", audit, "TR-06", "--status", "met", "--note", note, "--date", "2026-11-30")
    assert done.exit_code == 0, done.output
    git(folder, "commit", "-q", "-am", "upgrade to genai-baseline 1.1.0; TR-06 met")
    monkeypatch.chdir(folder)
    return folder


@needs_git
def test_diff_against_a_git_revision(repo, invoke):
    before = (repo / "audits" / "audit.yaml").read_bytes()
    result = invoke("diff", "HEAD~1:audits/audit.yaml", "audits/audit.yaml")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("aiaudit diff: HEAD~1:audits/audit.yaml → audits/audit.yaml")
    assert "Checklist genai-baseline: 1.0.0 → 1.1.0" in out
    assert "Items added by checklist changes (" in out and "EU-ART13-02" in out
    assert "Items removed by checklist changes (4): EU-ART13-01, EU-ART17-01, EU-ART26-01, EU-ART26-02" in out
    assert "~ TR-06 [medium] status partially met → met; notes changed" in out
    assert "- EU-ART13-01 [?] answer removed (was met)" in out
    added = "+ EU-ART13-02 [high] answer added: met; evidence added: evidence/instructions-for-use.md;"
    assert f"{added} marked for review (split from EU-ART13-01)" in out
    assert "Verdict: " in out and "Overall score: " in out
    assert (repo / "audits" / "audit.yaml").read_bytes() == before  # nothing written
    assert git(repo, "status", "--porcelain") == ""
    # --git REV NEW is the same comparison
    same = invoke("diff", "--git", "HEAD~1", "audits/audit.yaml")
    assert same.stdout == out


@needs_git
def test_diff_formats(repo, invoke, tmp_path):
    md = invoke("diff", "--git", "HEAD~1", "audits/audit.yaml", "--format", "md").stdout
    assert md.startswith("### Audit changes: HireRank (CV screening assistant)")
    assert "| TR-06 | medium | status partially met → met; notes changed: “Applicant explanations shipped.” |" in md
    assert "<details>" in md  # 30+ answer changes fold after the first rows
    data = json.loads(invoke("diff", "--git", "HEAD~1", "audits/audit.yaml", "--format", "json").stdout)
    assert data["kind"] == "audit-diff" and data["changed"] is True
    tr06 = next(a for a in data["answers"] if a["item"] == "TR-06")
    assert tr06["status"] == {"old": "partial", "new": "met"} and "notes" in tr06["fields"]
    assert data["checklists"][0]["old_version"] == "1.0.0" and data["change_records"][0]["version"] == "1.1.0"
    assert {"EU-ART13-01", "EU-ART26-02"} <= set(data["items_removed"])
    html_path = tmp_path / "diff.html"
    written = invoke("diff", "--git", "HEAD~1", "audits/audit.yaml", "--format", "html", "-o", html_path)
    assert written.exit_code == 0
    html = html_path.read_text(encoding="utf-8")
    assert "<title>Audit changes: audits/audit.yaml</title>" in html and "TR-06" in html and "<script" not in html


@needs_git
def test_findings_and_verdict_move(repo, invoke, tmp_path):
    audit = repo / "audits" / "audit.yaml"
    git(repo, "tag", "v1")
    invoke("answer", audit, "ETH-01", "--status", "not_met", "--note", "Purpose statement withdrawn.")
    data = json.loads(invoke("diff", "--git", "v1", audit, "--format", "json").stdout)
    assert [f["item"] for f in data["findings_opened"]] == ["ETH-01"]
    assert data["old"]["score"] > data["new"]["score"]
    assert any(f["changed"] for f in data["frameworks"])


@needs_git
def test_hostile_revisions_are_refused(repo, invoke):
    for spec in ("--output=/tmp/x:audit.yaml", "-p:audits/audit.yaml"):
        result = invoke("diff", "--", spec, "audits/audit.yaml")
        assert result.exit_code == 2, result.output
        assert "is not a git revision aiaudit accepts" in result.stderr
    result = invoke("diff", "--git", "--upload-pack=touch /tmp/pwned", "audits/audit.yaml")
    assert result.exit_code == 2
    missing = invoke("diff", "HEAD~9:audits/audit.yaml", "audits/audit.yaml")
    assert missing.exit_code == 2 and "git has no HEAD~9:audits/audit.yaml" in missing.stderr


def test_diff_two_files_and_exit_code(tmp_path, invoke, mini):
    old = tmp_path / "old.yaml"
    shutil.copy(mini / "audit.yaml", old)
    same = invoke("diff", mini / "audit.yaml", mini / "audit.yaml", "--exit-code")
    assert same.exit_code == 0 and "No changes." in same.stdout
    invoke("answer", mini / "audit.yaml", "TR-02", "--status", "met")
    shutil.copy(old, mini / "old.yaml")
    changed = invoke("diff", mini / "old.yaml", mini / "audit.yaml", "--exit-code")
    assert changed.exit_code == 1 and "+ TR-02 [critical] answer added: met" in changed.stdout
    ko = invoke("diff", mini / "old.yaml", mini / "audit.yaml", "--lang", "ko")
    assert "판정:" in ko.stdout and "답변 추가: 충족" in ko.stdout
