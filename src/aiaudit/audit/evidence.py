"""Evidence files: resolving paths inside the audit's folder, and hashing them."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..i18n import Msg


class EvidenceOutside(ValueError):
    """An evidence path leaves the audit's folder."""


def resolve(folder: Path, path: str, allow_outside: bool = False) -> Path:
    """The absolute path of an evidence file named in an audit in ``folder``.

    Relative paths are taken from the audit's folder. Unless ``allow_outside``, a path that
    leaves that folder (``..``, an absolute path or a symlink pointing elsewhere) raises
    :class:`EvidenceOutside`.
    """
    base = folder.resolve()
    target = (base / path).resolve()
    if not allow_outside and not target.is_relative_to(base):
        raise EvidenceOutside(Msg("evidence.outside", path=repr(path), folder=repr(str(base))))
    return target


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """The sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()
