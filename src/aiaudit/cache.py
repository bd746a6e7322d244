"""aiaudit's folder in the user's cache, and a small store of parsed files kept there.

The folder is ``$XDG_CACHE_HOME/aiaudit``, ``~/.cache/aiaudit``, ``~/Library/Caches/aiaudit`` or
``%LOCALAPPDATA%\\aiaudit\\Cache``; ``AIAUDIT_CACHE_DIR`` moves it and ``AIAUDIT_NO_CACHE=1`` turns
every cache off. It is used only when it is a real folder that only this user can write (nobody
else may plant what aiaudit loads). What lives there: the compiled report templates
(:mod:`aiaudit.render.templating`) and, through :class:`Store`, work a command would otherwise
redo each time -- checklists built from their YAML (shipped ones and those users wrote), the
frameworks catalog, the built-in policy presets and the merged message catalog. Every entry is
keyed by the bytes (or, for shipped files, the size and time) of the files it was made from and
sits in a folder named after the code that made it, so a changed file or a new aiaudit never meets
a stale entry; a missing, full or read-only folder only means doing the work again. Folders of
older code are removed once unused for a week.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import __version__
from .digest import sha256_hex

#: The installed package (as in :mod:`aiaudit.paths`, which this core module does not import: messages use it).
PACKAGE_DIR = Path(__file__).resolve().parent

#: A store's folder for other code is removed once it has not changed for this long (seconds).
STALE_AFTER = 7 * 86400


def enabled() -> bool:
    return not os.environ.get("AIAUDIT_NO_CACHE")


def user_cache_dir() -> Path | None:
    """aiaudit's folder in the user's cache (not created here), or None when there is no home."""
    configured = os.environ.get("AIAUDIT_CACHE_DIR")
    if configured:
        return Path(configured)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "aiaudit" / "Cache" if base else None
    if sys.platform == "darwin":
        home = Path.home()
        return home / "Library" / "Caches" / "aiaudit"
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "aiaudit"
    try:
        return Path.home() / ".cache" / "aiaudit"
    except RuntimeError:  # no home directory
        return None


def private_folder(path: Path) -> bool:
    """Create ``path`` (mode 0700) if needed; whether it is a real folder only this user can write."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    # Nobody else may be able to plant what aiaudit loads from here.
    return not (hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)))


def code_fingerprint(*parts: str) -> str:
    """A short hash of aiaudit's version, the Python version and the size and time of the package's
    files under ``parts`` (relative folders or files): a new release or an edited checkout gives
    another fingerprint, hence another folder."""
    signature = [__version__, sys.version]
    for part in parts:
        path = PACKAGE_DIR / part
        entries = sorted(path.iterdir()) if path.is_dir() else [path]
        for entry in entries:
            with contextlib.suppress(OSError):
                info = entry.stat()
                if stat.S_ISREG(info.st_mode):
                    signature.append(f"{entry.name}:{info.st_size}:{info.st_mtime_ns}")
    return sha256_hex("\n".join(signature).encode())[:16]


def files_signature(paths) -> str | None:
    """A key for shipped files that are read only through this cache: sha256 of each file's name,
    size and modification time (as Python keys its bytecode), so a key costs a ``stat`` per file
    instead of reading them. None when a file cannot be looked at (then the caller reads the files)."""
    lines = []
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        lines.append(f"{os.fspath(path)}:{info.st_size}:{info.st_mtime_ns}")
    return sha256_hex("\n".join(lines).encode())


class Store:
    """Pickled values by key in one folder of the cache, at most ``limit`` of them (the oldest go first)."""

    def __init__(
        self, kind: str, fingerprint: str | None = None, *, code: tuple[str, ...] = (), limit: int = 64, plain: bool = False
    ):
        """``fingerprint`` names the folder; without one it is :func:`code_fingerprint` of the package's
        ``code`` (files or folders), computed on first use: a module that defines a store at import
        reads nothing until a command uses it."""
        self.kind = kind
        self._fingerprint = fingerprint
        self._code = code
        self.limit = limit
        #: Plain data (dicts, lists, strings, numbers) is kept with marshal: quicker to load than pickle.
        self.plain = plain
        self.suffix = ".marshal" if plain else ".pickle"
        self._checked: dict[Path, bool] = {}  # folder -> whether it is private (checked once per folder)

    @property
    def name(self) -> str:
        """The folder's name: the kind of entries, a dash, the fingerprint of the code that makes them."""
        if self._fingerprint is None:
            self._fingerprint = code_fingerprint(*self._code)
        return f"{self.kind}-{self._fingerprint}"

    def keep(self, key: str | None, kind: type, build: Callable[[], Any], worth: Callable[[Any], bool] | None = None) -> Any:
        """The value kept under ``key`` when it is a ``kind``; else ``build()``, kept under ``key`` (when
        ``worth`` it). A None key (the files behind it could not be looked at) only builds."""
        if key is not None:
            kept = self.get(key)
            if isinstance(kept, kind):
                return kept
        value = build()
        if key is not None and (worth is None or worth(value)):
            self.put(key, value)
        return value

    def folder(self) -> Path | None:
        """This store's folder where the environment puts the cache now (created), or None."""
        base = user_cache_dir() if enabled() else None
        if base is None:
            return None
        folder = base / self.name
        usable = self._checked.get(folder)
        if usable is None:
            fresh = not folder.exists()
            usable = self._checked[folder] = private_folder(folder)
            if usable and fresh:
                self._forget_older(base)
        return folder if usable else None

    def _forget_older(self, base: Path) -> None:
        """Remove this store's folders of other code (older releases, earlier checkouts) unused for a week.

        Only a folder that is certainly one: named like this store's (its name, a dash, a fingerprint
        of letters and digits) and holding nothing but this store's entries. ``AIAUDIT_CACHE_DIR``
        may point at a folder that also holds the user's own files."""
        prefix = self.kind + "-"
        cutoff = time.time() - STALE_AFTER
        with contextlib.suppress(OSError):
            for entry in os.scandir(base):
                name = entry.name
                if name == self.name or not name.startswith(prefix) or not name[len(prefix) :].isalnum():
                    continue
                if entry.is_dir(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    self._remove_if_ours(Path(entry.path))

    def _remove_if_ours(self, folder: Path) -> None:
        entries = list(os.scandir(folder))
        if all(e.is_file(follow_symlinks=False) and e.name.endswith((self.suffix, ".tmp")) for e in entries):
            for e in entries:
                os.unlink(e.path)
            os.rmdir(folder)

    def get(self, key: str) -> Any:
        """The value stored under ``key``, or None (absent, unreadable, or written by another Python)."""
        folder = self.folder()
        if folder is None:
            return None
        try:
            with open(folder / f"{key}{self.suffix}", "rb") as fh:
                data = fh.read()  # marshal.load on a file reads it object by object: ten times slower
            if self.plain:
                import marshal

                return marshal.loads(data)
            try:
                from _pickle import loads  # the C unpickler alone: the pickle module costs another 0.7 ms to import
            except ImportError:  # pragma: no cover - an interpreter without it
                from pickle import loads
            return loads(data)  # a private folder of this user, written by aiaudit
        except Exception:
            return None

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key`` (atomically; failures are ignored: it is only a cache)."""
        folder = self.folder()
        if folder is None:
            return
        target = folder / f"{key}{self.suffix}"
        temp = folder / f".{key}.{os.getpid()}.{os.urandom(4).hex()}.tmp"  # unique per writer, threads included
        try:
            with open(temp, "wb") as fh:
                if self.plain:
                    import marshal

                    marshal.dump(value, fh)
                else:
                    import pickle

                    pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, target)
            self._prune(folder)
        except Exception:
            with contextlib.suppress(OSError):
                temp.unlink()

    def _prune(self, folder: Path) -> None:
        entries = [e for e in os.scandir(folder) if e.name.endswith(self.suffix)]
        if len(entries) <= self.limit:
            return
        entries.sort(key=lambda e: e.stat().st_mtime_ns)
        for entry in entries[: len(entries) - self.limit]:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


__all__ = ["Store", "code_fingerprint", "enabled", "files_signature", "private_folder", "user_cache_dir"]
