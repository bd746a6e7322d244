"""Fixtures for the audit-over-time tests: 0.1.0-era audits, throwaway SSH keys, a temporary git repository."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
V010 = FIXTURES / "v010"
SSH_KEYGEN = shutil.which("ssh-keygen")

needs_ssh = pytest.mark.skipif(SSH_KEYGEN is None, reason="ssh-keygen (openssh-client) is not installed")
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture
def eu_provider(tmp_path) -> Path:
    """A writable copy of a 0.1.0-era audit (genai-baseline 1.0.0) that answers the items 1.1.0 split."""
    dest = tmp_path / "eu-provider"
    shutil.copytree(V010 / "eu-provider", dest)
    return dest / "audit.yaml"


@pytest.fixture
def chatbot_010(tmp_path) -> Path:
    """The support-chatbot example exactly as aiaudit 0.1.0 shipped it (commit 4c77974)."""
    dest = tmp_path / "support-chatbot"
    shutil.copytree(V010 / "support-chatbot", dest)
    return dest / "audit.yaml"


@pytest.fixture
def keys(tmp_path):
    """Two throwaway ed25519 keys and an allowed-signers file that lists only the first (kim@example.com)."""
    if SSH_KEYGEN is None:
        pytest.skip("ssh-keygen (openssh-client) is not installed")
    folder = tmp_path / "keys"
    folder.mkdir()
    for name in ("kim", "mallory"):
        subprocess.run([SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(folder / name)], check=True)
    allowed = folder / "allowed_signers"
    allowed.write_text(f'kim@example.com namespaces="aiaudit-signoff" {(folder / "kim.pub").read_text()}', encoding="utf-8")
    return {"kim": folder / "kim", "mallory": folder / "mallory", "allowed": allowed}


def git(folder: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
        "HOME": str(folder),
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, env=env, check=True)
    return done.stdout
