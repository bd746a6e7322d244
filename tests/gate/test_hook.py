"""The pre-commit hooks: files chosen by content, evidence changes re-run the gate, and the real
``pre-commit`` (a test dependency) running the published hooks from a local copy of this repository.

pre-commit installs a ``language: python`` hook with ``pip install .`` into its own virtualenv. That
works offline here because pip reads its index from the machine's pip configuration (a local
mirror); the install happens once per test session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from aiaudit.gate.hook import audits_to_check, select, top_level_kind

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = "name: audit\non: [push]\njobs:\n  audit:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm audit\n"
RELEASE_CHECKLIST = "release: 1.2\nchecklist:\n  - tag the release\n  - kind: manual\n"
K8S_AUDIT_POLICY = "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n"
POLICY = "kind: policy\nid: local\nrules:\n  min_score: {overall: 60}\n  evidence_integrity: true\n"


def unrelated_files(folder: Path) -> list[str]:
    """YAML files whose names say audit, checklist or policy but which are not aiaudit files."""
    (folder / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    (folder / ".github" / "workflows" / "audit.yml").write_text(WORKFLOW, encoding="utf-8")
    (folder / "release-checklist.yaml").write_text(RELEASE_CHECKLIST, encoding="utf-8")
    (folder / "k8s").mkdir(exist_ok=True)
    (folder / "k8s" / "audit-policy.yaml").write_text(K8S_AUDIT_POLICY, encoding="utf-8")
    (folder / "broken-audit.yml").write_text("this: [is not: valid yaml\n", encoding="utf-8")
    return [".github/workflows/audit.yml", "release-checklist.yaml", "k8s/audit-policy.yaml", "broken-audit.yml"]


# --- selection by content -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("kind: audit\nformat: 1\n", "audit"),
        ("# comment\nkind: 'policy'  # the gate's\n", "policy"),
        ('kind: "checklist"\r\n', "checklist"),
        ("id: x\nkind: rubric\n", "rubric"),
        ("apiVersion: v1\nkind: Policy\n", None),  # Kubernetes' kinds are capitalised
        ("steps:\n  - kind: audit\n", None),  # nested, not top level
        ("name: audit\n", None),
        ("", None),
    ],
)
def test_top_level_kind(tmp_path, text, kind):
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    assert top_level_kind(path) == kind


def test_select_ignores_unrelated_yaml_whatever_its_name(mini, monkeypatch):
    monkeypatch.chdir(mini)
    unrelated = unrelated_files(mini)
    assert select([*unrelated, "audit.yaml", "mini-checklist.yaml", "evidence/notice.txt"]) == [
        "audit.yaml",
        "mini-checklist.yaml",
    ]


def test_audits_citing_a_changed_evidence_file_are_gated(mini, monkeypatch):
    monkeypatch.chdir(mini)
    unrelated_files(mini)
    (mini / "other").mkdir()
    (mini / "other" / "audit.yaml").write_text("kind: audit\nanswers: {}\n", encoding="utf-8")
    audits, cites = audits_to_check(["evidence/notice.txt"])
    assert audits == ["audit.yaml"] and cites == {"audit.yaml": ["evidence/notice.txt"]}
    assert audits_to_check(["release-checklist.yaml", ".github/workflows/audit.yml"]) == ([], {})
    assert audits_to_check(["audit.yaml"]) == (["audit.yaml"], {})


def test_hook_commands_skip_unrelated_files(mini, invoke, monkeypatch):
    monkeypatch.chdir(mini)
    unrelated = unrelated_files(mini)
    for command in (["hook", "validate"], ["hook", "gate", "--policy", "preset:genai-baseline"]):
        result = invoke(*command, *unrelated)
        assert result.exit_code == 0, result.output
        assert "no aiaudit file among the 4 changed files" in result.stderr


def test_hook_gate_reruns_every_audit_when_the_policy_changes(mini, invoke, monkeypatch):
    monkeypatch.chdir(mini)
    (mini / "policy.yaml").write_text(POLICY.replace("60", "90"), encoding="utf-8")
    result = invoke("hook", "gate", "--policy", "policy.yaml", "--today", "2026-12-01", "policy.yaml")
    assert result.exit_code == 1
    assert "aiaudit gate: audit.yaml" in result.stdout


# --- the real pre-commit ------------------------------------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org", GIT_COMMITTER_NAME="t")
    env["GIT_COMMITTER_EMAIL"] = "t@example.org"
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return proc.stdout.strip()


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory) -> tuple[Path, str]:
    """A git repository holding this checkout's working tree (what a user's `repo:` points at)."""
    if shutil.which("git") is None:
        pytest.fail("git is needed to run pre-commit (Debian: apt-get install git)")
    repo = tmp_path_factory.mktemp("aiaudit-hook-repo")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=False
    )
    names = [n for n in listed.stdout.decode().split("\0") if n] if listed.returncode == 0 else []
    wanted = (
        "src/",
        "checklists/",
        "templates/",
        "pyproject.toml",
        "hatch_build.py",
        "README.md",
        "LICENSE",
        ".pre-commit-hooks.yaml",
    )
    names = [n for n in names if n.startswith(wanted) and (ROOT / n).is_file()]
    if not names:  # not a git checkout (an sdist): take the folders as they are
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and str(p.relative_to(ROOT)).startswith(wanted)]
    for name in names:
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, repo / name)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "aiaudit")
    return repo, _git(repo, "rev-parse", "HEAD")


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory) -> Path:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        pytest.fail("the pre-commit package is a test dependency: pip install -e '.[test]'")
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def project(tmp_path, hook_repo) -> Path:
    """A user's repository: the mini audit, its evidence, a policy, unrelated YAML and the hooks."""
    repo, rev = hook_repo
    folder = tmp_path / "project"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "mini", folder)
    unrelated_files(folder)
    (folder / "broken-audit.yml").unlink()  # pre-commit's own check-yaml would be the hook for that
    (folder / "policy.yaml").write_text(POLICY, encoding="utf-8")
    config = {
        "repos": [
            {
                "repo": str(repo),
                "rev": rev,
                "hooks": [
                    {"id": "aiaudit-validate"},
                    {"id": "aiaudit-gate", "args": ["--policy", "policy.yaml", "--today", "2026-12-01"]},
                ],
            }
        ]
    }
    (folder / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    _git(folder, "init", "-q")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-qm", "init")
    return folder


def pre_commit(project: Path, home: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", PIP_NO_INPUT="1", AIAUDIT_LANG="en")
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--color", "never", "--verbose", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_pre_commit_leaves_unrelated_yaml_alone(project, pre_commit_home):
    proc = pre_commit(
        project, pre_commit_home, "--files", ".github/workflows/audit.yml", "release-checklist.yaml", "k8s/audit-policy.yaml"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("Passed") == 2
    assert proc.stdout.count("no aiaudit file among the 3 changed files") == 2


def test_pre_commit_all_files_passes_on_a_valid_project(project, pre_commit_home):
    proc = pre_commit(project, pre_commit_home, "--all-files")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "aiaudit gate: audit.yaml · policy local (policy.yaml) · 2026-12-01" in proc.stdout


def test_pre_commit_validate_reports_the_broken_line(project, pre_commit_home):
    audit = project / "audit.yaml"
    audit.write_text(audit.read_text(encoding="utf-8").replace("status: met", "status: done"), encoding="utf-8")
    proc = pre_commit(project, pre_commit_home, "--files", "audit.yaml", ".github/workflows/audit.yml")
    assert proc.returncode == 1
    assert "audit.yaml:15:13: error[E204]" in proc.stdout


def test_pre_commit_gate_reruns_when_only_an_evidence_file_changes(project, pre_commit_home):
    (project / "evidence" / "notice.txt").write_text("rewritten after the audit\n", encoding="utf-8")
    proc = pre_commit(project, pre_commit_home, "--files", "evidence/notice.txt")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "audit.yaml cites changed evidence evidence/notice.txt" in proc.stdout
    assert "TR-01: evidence evidence/notice.txt has changed size" in proc.stdout


def test_install_from_a_git_url_of_a_copy(hook_repo, tmp_path):
    """The README's `pip install "git+<address>@<commit>"`, with a local copy's address."""
    repo, rev = hook_repo
    target = tmp_path / "site"
    env = dict(os.environ, PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), f"git+file://{repo}@{rev}"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (target / "aiaudit" / "__init__.py").is_file() and (target / "aiaudit" / "checklists").is_dir()
