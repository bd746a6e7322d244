"""Which files the pre-commit hooks check: aiaudit files chosen by content, and audits whose evidence changed.

pre-commit passes the names of the changed files. The hooks never judge a file by its name, so
``.github/workflows/audit.yml`` or ``release-checklist.yaml`` are left alone:

* a file is an aiaudit file when its **top level** says ``kind: audit`` (or ``policy``,
  ``checklist``, ``rubric``, ``framework``), in lower case, at the start of a line — exactly how
  ``aiaudit validate`` tells kinds apart. Kubernetes' ``kind: Policy`` or a workflow's nested
  ``kind:`` never match;
* an audit is checked again when a file it cites as evidence changed: the hook looks through the
  repository's audits (``git ls-files``; without git, the folder tree) for an ``evidence: - path:``
  that resolves to a changed file.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

from ..audit.evidence import EvidenceOutside, EvidenceUnreadable, resolve
from ..diagnostics import DiagnosticError
from ..loading import DEFAULT_MAX_BYTES, load_file

#: The kinds ``aiaudit validate`` knows (its JSON report kind is JSON, never passed as YAML).
KINDS = ("audit", "policy", "checklist", "rubric", "framework")
_KIND = re.compile(rb"^kind:[ \t]*(['\"]?)([a-z_-]+)\1[ \t]*(?:#.*)?\r?$", re.MULTILINE)
_YAML = (".yaml", ".yml")
_SKIP_DIRS = {".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "node_modules", "__pycache__", ".pre-commit-cache"}


def top_level_kind(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES) -> str | None:
    """The value of a file's top-level ``kind:`` key (a line starting with ``kind:``), or None.

    Reads at most ``max_bytes``; an unreadable file, or one without such a line, has no kind.
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(max_bytes)
    except OSError:
        return None
    match = _KIND.search(head)
    return match.group(2).decode("ascii") if match else None


def select(files: Iterable[str], kinds: Iterable[str] = KINDS, max_bytes: int = DEFAULT_MAX_BYTES) -> list[str]:
    """The YAML files among ``files`` whose top-level kind is one of ``kinds``, in the order given."""
    wanted = set(kinds)
    return [f for f in files if f.lower().endswith(_YAML) and top_level_kind(f, max_bytes) in wanted]


def repository_files(root: str | os.PathLike = ".") -> list[str]:
    """The files of the repository at ``root``: tracked and untracked-but-not-ignored (``git ls-files``),
    or, outside a git work tree, every file below ``root`` except tool folders."""
    try:
        proc = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        proc = None
    if proc is not None and proc.returncode == 0:
        names = [n for n in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
        return sorted({str(Path(root) / n) if str(root) != "." else n for n in names})
    out = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        out.extend(os.path.relpath(os.path.join(folder, f)) for f in sorted(files))
    return out


def cited_evidence(audit: str, max_bytes: int = DEFAULT_MAX_BYTES) -> list[tuple[str, Path]]:
    """``(path as written, resolved path)`` of every evidence file an audit cites inside its folder."""
    try:
        doc = load_file(audit, max_bytes=max_bytes)
    except DiagnosticError:
        return []
    answers = doc.data.get("answers") if isinstance(doc.data, dict) else None
    folder = Path(audit).parent
    out = []
    for answer in (answers or {}).values() if isinstance(answers, dict) else ():
        evidence = answer.get("evidence") if isinstance(answer, dict) else None
        for entry in evidence if isinstance(evidence, list) else ():
            path = entry.get("path") if isinstance(entry, dict) else None
            if not isinstance(path, str) or not path:
                continue
            try:
                out.append((path, resolve(folder, path)))
            except (EvidenceOutside, EvidenceUnreadable, OSError, ValueError):
                continue
    return out


def audits_to_check(
    changed: Iterable[str], *, repository: Iterable[str] | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[list[str], dict[str, list[str]]]:
    """The audits a commit touching ``changed`` should gate, and why.

    Returns ``(audits, cites)``: the changed audits, then every audit of the repository that cites
    a changed file as evidence; ``cites`` maps the latter to the evidence paths that changed.
    """
    changed = list(dict.fromkeys(changed))
    audits = select(changed, ("audit",), max_bytes)
    targets: dict[Path, str] = {}
    for name in changed:
        if name in audits:
            continue
        try:
            targets[Path(name).resolve()] = name
        except OSError:
            continue
    cites: dict[str, list[str]] = {}
    if targets:
        candidates = [f for f in (repository if repository is not None else repository_files()) if f.lower().endswith(_YAML)]
        for audit in select(candidates, ("audit",), max_bytes):
            if audit in audits:
                continue
            hits = [written for written, resolved in cited_evidence(audit, max_bytes) if resolved in targets]
            if hits:
                cites[audit] = hits
    return audits + sorted(cites), cites
