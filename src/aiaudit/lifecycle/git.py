"""Reading an old version of an audit from git, without a shell and without writing anything.

``REV:path`` (git's own syntax: the path is from the repository's top) or ``--git REV`` with the
audit's working-tree path. The bytes come from ``git cat-file blob`` (no filters, no text
conversion, no pager) run with an argument list; revisions and paths that could be read as
options are refused before git sees them.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from ..diagnostics import Diagnostic, DiagnosticError, UsageError
from ..i18n import Msg
from ..loading import DEFAULT_MAX_BYTES
from ..records import record

_TIMEOUT = 30
#: What a revision may look like: refs, hashes, HEAD~2, main@{1}, tags; never an option or a control character.
_REVISION = re.compile(r"[A-Za-z0-9_@][A-Za-z0-9_./~^@{}+-]*")


@record
class GitFile:
    """An old version of a file: its bytes, the label to show (``REV:path``) and its working-tree path."""

    label: str
    raw: bytes
    path: Path  # where the file is (or would be) in the working tree: its folder resolves evidence and checklists


def is_revision_spec(value: str) -> bool:
    """Whether ``value`` reads as ``REV:path`` rather than a file name (an existing file always wins)."""
    if os.path.exists(value) or ":" not in value:
        return False
    revision = value.split(":", 1)[0]
    return bool(revision) and not re.fullmatch(r"[A-Za-z]", revision)  # C:\\... is a Windows path


def check_revision(revision: str) -> str:
    if not _REVISION.fullmatch(revision):
        raise UsageError(Msg("diff.bad_revision", revision=repr(revision)))
    return revision


def _check_path(path: str) -> str:
    if not path or path.startswith("-") or any(ord(c) < 32 for c in path):
        raise UsageError(Msg("diff.bad_git_path", path=repr(path)))
    return path


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            timeout=_TIMEOUT,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"},
        )
    except FileNotFoundError:
        raise UsageError(Msg("diff.no_git")) from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(Msg("diff.git_failed", error=str(exc))) from None


def _top(folder: Path) -> Path:
    done = _git(["rev-parse", "--show-toplevel"], folder)
    if done.returncode != 0:
        raise UsageError(Msg("diff.not_a_repository", folder=str(folder)))
    return Path(done.stdout.decode("utf-8", "replace").strip())


def read_revision(spec: str, max_bytes: int = DEFAULT_MAX_BYTES, cwd: Path | None = None) -> GitFile:
    """The file ``REV:path`` (path from the top of the repository holding ``cwd``)."""
    revision, _, path = spec.partition(":")
    return _read(check_revision(revision), _check_path(path.lstrip("/")), _top(cwd or Path.cwd()), max_bytes)


def read_at(revision: str, worktree_path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> GitFile:
    """The file at ``worktree_path`` as it was in ``revision`` (``--git REV``)."""
    check_revision(revision)
    target = Path(os.path.abspath(worktree_path))
    top = _top(target.parent if target.parent.is_dir() else Path.cwd())
    try:
        relative = target.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        raise UsageError(Msg("diff.outside_repository", path=str(worktree_path), top=str(top))) from None
    return _read(revision, _check_path(relative), top, max_bytes)


def _read(revision: str, path: str, top: Path, max_bytes: int) -> GitFile:
    label = f"{revision}:{path}"
    size = _git(["cat-file", "-s", "--end-of-options", label], top)
    if size.returncode != 0:
        error = size.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(Msg("diff.no_such_revision", spec=label, error=error[-1] if error else ""))
    if int(size.stdout.strip() or 0) > max_bytes:
        raise DiagnosticError([Diagnostic(label, 1, 1, "E002", Msg("load.over_limit", limit=max_bytes))])
    done = _git(["cat-file", "blob", "--end-of-options", label], top)
    if done.returncode != 0:
        raise UsageError(Msg("diff.no_such_revision", spec=label, error=done.stderr.decode("utf-8", "replace").strip()))
    return GitFile(label, done.stdout, top / path)
