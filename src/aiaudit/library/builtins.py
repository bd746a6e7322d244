"""The built-in files shipped in the package: where they are, and loading them (through the wheel's cache)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from ..digest import sha256_hex
from ..loading import DEFAULT_MAX_BYTES, Document, load_bytes, read_limited
from ..paths import data_dir

BUILTIN_PREFIX = "builtin:"
#: Written into the wheel by hatch_build.py: the built-in YAML pre-parsed, keyed by path and sha256.
CACHE_NAME = ".builtin-cache.json"


@cache
def _builtin_cache() -> dict:
    try:
        import json

        return json.loads((data_dir("checklists") / CACHE_NAME).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError):
        return {}


def load_builtin(path: Path, name: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES, raw: bytes | None = None) -> Document:
    """Load a YAML file; a shipped built-in whose sha256 matches the wheel's cache skips parsing.

    Cached documents carry no positions: built-ins are validated by the test suite, and
    ``aiaudit validate``/``lint`` on a built-in read its YAML through :func:`load_file` instead.
    ``raw``: the file's bytes when the caller has read them already.
    """
    name = name if name is not None else str(path)
    raw = read_limited(path, max_bytes, name) if raw is None else raw
    try:
        rel = path.resolve().relative_to(data_dir("checklists").resolve()).as_posix()
    except ValueError:
        rel = None  # not a shipped file: the cache (750 KiB of JSON) is not even read
    entry = _builtin_cache().get(rel) if rel else None
    if entry is not None and entry["sha256"] == sha256_hex(raw):
        return Document(name, entry["data"], raw)
    return load_bytes(raw, name, max_bytes)


def builtin_checklist_ids() -> list[str]:
    """Ids of the built-in checklists, sorted."""
    return sorted(p.stem for p in data_dir("checklists").glob("*.yaml"))


def builtin_checklist_path(checklist_id: str) -> Path | None:
    path = data_dir("checklists") / f"{checklist_id}.yaml"
    return path if checklist_id in builtin_checklist_ids() else None
