"""One writer per audit file: an exclusive, non-blocking lock on a sidecar ``.<name>.lock`` file.

``fill``, ``answer`` and ``classify`` hold the lock while they edit an audit, so a second writer
is refused at once with a clear message instead of silently overwriting the first one's
answers. The lock is an OS lock (``fcntl.flock`` on POSIX), so it is released automatically
when the process ends, even when it is killed with SIGKILL; a stale ``.lock`` file left behind
by a killed process never blocks anyone.

The sidecar is never followed out of the folder: it is created with ``O_CREAT|O_EXCL|O_NOFOLLOW``,
and a stale one is reopened with ``O_NOFOLLOW|O_NONBLOCK`` and used only when it is a regular file
with a single link, so a planted symlink, hard link or FIFO can neither truncate nor create a file
elsewhere (it is refused with a message naming it).

Limits (documented in docs/limits.md):

* The lock is advisory: it keeps aiaudit processes apart, not a text editor or ``git checkout``.
  Each save re-reads the file from disk, so edits made in an editor between two answers are kept.
* On Windows, ``msvcrt.locking`` on the lock file's first byte is used instead; it has the same
  one-writer effect but has not been tested as thoroughly.
* On network file systems (NFS, SMB) ``flock`` may not be exclusive across machines.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from ..diagnostics import UsageError
from ..i18n import Msg
from ..loading import read_limited

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class LockBusy(UsageError):
    """Another process holds the audit's lock (exit 2)."""


def lock_path(path: str | Path) -> Path:
    """The sidecar lock file of an audit: ``.<name>.lock`` next to it."""
    path = Path(path)
    return path.with_name(f".{path.name}.lock")


def _try_lock(fd: int) -> bool:
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (BlockingIOError, PermissionError):
            return False
        return True
    import msvcrt  # pragma: no cover - Windows

    try:  # pragma: no cover
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:  # pragma: no cover
        return False
    return True  # pragma: no cover


def _holder(fd: int) -> str:
    """The pid the holder wrote into the lock file (read from our own descriptor, never by name)."""
    try:
        return os.pread(fd, 40, 0).decode("utf-8", "replace").strip()[:40]
    except OSError:
        return ""


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def _open_lock(target: Path) -> int:
    """Open (or create) the sidecar lock file without ever following a link out of the folder.

    A new file is created with ``O_CREAT|O_EXCL|O_NOFOLLOW``. An existing one (a stale lock left by a
    killed process) is opened with ``O_NOFOLLOW|O_NONBLOCK`` and must be a regular file with one
    link: a planted symlink, hard link, FIFO or device is refused, never truncated or written.
    """
    try:
        return os.open(target, os.O_RDWR | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o644)
    except FileExistsError:
        pass
    try:
        fd = os.open(target, os.O_RDWR | _NOFOLLOW | _NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ELOOP or os.path.islink(target):
            raise UsageError(Msg("lock.not_regular", path=str(target))) from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
        os.close(fd)
        raise UsageError(Msg("lock.not_regular", path=str(target)))
    return fd


@contextlib.contextmanager
def audit_lock(path: str | Path) -> Iterator[Path]:
    """Hold the exclusive lock of the audit at ``path``; raise :class:`LockBusy` when another process has it."""
    if not Path(path).is_file():
        read_limited(path, max_bytes=0)  # raises the usual "no such file" / "is a directory" diagnostic
    target = lock_path(path)
    for _attempt in range(5):
        try:
            fd = _open_lock(target)
        except FileNotFoundError:  # removed between the two opens: try again
            continue
        except OSError as exc:
            raise UsageError(Msg("lock.cannot", path=str(target), reason=exc.strerror or str(exc))) from None
        if not _try_lock(fd):
            pid = _holder(fd)
            os.close(fd)
            raise LockBusy(Msg("lock.busy", path=str(path), pid=pid or "?"))
        # The previous holder may have removed the file between our open() and lock(): then we
        # hold a lock on a deleted inode and must start again on the new file.
        try:
            now = os.lstat(target)
            same = os.fstat(fd).st_ino == now.st_ino and stat.S_ISREG(now.st_mode)
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    else:  # pragma: no cover - only under heavy contention
        raise LockBusy(Msg("lock.busy", path=str(path), pid="?"))
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        remove_stale_temps(path)
        yield target
    finally:
        # Remove the sidecar while still holding the lock (the inode check above makes this safe).
        with contextlib.suppress(OSError):
            if os.fstat(fd).st_ino == os.lstat(target).st_ino:
                os.unlink(target)
        os.close(fd)


def remove_stale_temps(path: str | Path) -> list[Path]:
    """Delete temp files a killed writer of this audit left behind (only call while holding the lock)."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    removed = []
    for stale in folder.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()
            removed.append(stale)
    return removed
