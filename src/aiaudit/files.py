"""Files, in one place: atomic writes, paths an input names kept inside their folder, special files
refused without being opened, and outputs that never overwrite an input.

* :func:`atomic_write` writes a temp file in the same folder (``mkstemp``: ``O_CREAT|O_EXCL|O_NOFOLLOW``,
  a random name), fsyncs it and renames it over the target; a reader never sees half a file. A
  failure (disk full, read-only file system, missing folder, a folder in the way) is a
  :class:`WriteError`: one line, exit 2, and still an :class:`OSError` for callers that catch those.
* :func:`confine` resolves a path an input names (a checklist ``path:``, an include, an evidence
  file) against the folder it belongs to, symlinks included, and refuses it when it leaves that
  folder (unless the user passed a flag) or lies in a system tree (``/proc``, ``/sys``, ``/dev``).
* :func:`regular` looks at a path without opening it and refuses FIFOs, devices, sockets and
  folders, so nothing ever blocks on a FIFO or reads a device.
* :func:`note_input` records every file a command reads (the loader and the evidence module call
  it); :func:`check_output` refuses an output path that is one of them (a symlink or hard link to
  it included), lies inside a folder that must stay untouched (a submission's), is a folder, or
  sits in a folder that does not exist. ``report``, ``gate``, ``convert``, ``init`` and ``grade``
  check every output path with it before they write.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from .diagnostics import UsageError
from .i18n import Msg

# Exclusive creation of a new file that is not a link: what tempfile.mkstemp does, without importing
# tempfile (and random, shutil, ...) on the start-up path of `aiaudit answer`.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)

# --- writing ------------------------------------------------------------------------------------------

#: errno → catalog key of a reason the user can act on (both languages); others show the OS text.
_REASONS = {
    errno.ENOSPC: "files.reason.no_space",
    errno.EDQUOT: "files.reason.quota",
    errno.EROFS: "files.reason.read_only",
    errno.EACCES: "files.reason.permission",
    errno.EPERM: "files.reason.permission",
    errno.ENOENT: "files.reason.no_folder",
    errno.EISDIR: "files.reason.is_folder",
    errno.ENOTDIR: "files.reason.no_folder",
    errno.ENAMETOOLONG: "files.reason.name_too_long",
    errno.EFBIG: "files.reason.too_big",
}
#: Failures that the user can fix and then retry without changing the command (``fill`` offers a retry).
RETRYABLE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO})


class WriteError(UsageError, OSError):
    """A file could not be written (exit 2). The target is untouched; ``retryable`` when freeing
    space or fixing permissions and trying again would work."""

    def __init__(self, path: str | os.PathLike, error: OSError):
        UsageError.__init__(self, Msg("files.cannot_write", path=str(path), reason=reason(error)))
        self.errno = error.errno
        self.strerror = error.strerror
        self.filename = str(path)
        self.retryable = error.errno in RETRYABLE


def reason(error: OSError) -> Msg | str:
    """Why an OS call failed, as a message in the user's language when aiaudit knows the cause."""
    key = _REASONS.get(error.errno or 0)
    if key is not None:
        return Msg(key)
    return str(error.strerror or error.__class__.__name__)


def atomic_write(path: str | Path, data: bytes | str, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically (temp file + fsync + rename), keeping ``path``'s permissions.

    Raises :class:`WriteError` when it cannot; the old file (if any) is then left as it was and no
    temp file remains.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = path.parent if str(path.parent) else Path(".")
    try:
        if mode is None:
            try:
                mode = path.stat().st_mode & 0o777
            except (FileNotFoundError, NotADirectoryError):
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask
        fd, tmp = _temp_file(folder, path.name)
    except OSError as exc:
        raise WriteError(path, exc) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, WriteError):
            raise WriteError(path, exc) from None
        raise
    _fsync_dir(folder)


def _temp_file(folder: Path, name: str) -> tuple[int, str]:
    """A new, empty, private file ``.<name>.<random>.tmp`` in ``folder`` (the pattern lock.remove_stale_temps knows)."""
    for _attempt in range(100):
        tmp = os.path.join(folder, f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, _CREATE, 0o600), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name for {name} in {folder}")  # pragma: no cover


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


# --- paths an input names -------------------------------------------------------------------------------

#: Trees that never hold a file an audit may name: reading them leaks the machine or blocks.
SYSTEM_TREES = tuple(Path(p) for p in ("/proc", "/sys", "/dev"))
_SYSTEM_TREE_NAMES = tuple(str(p) for p in SYSTEM_TREES)


class Outside(ValueError):
    """A path leaves the folder it must stay in."""


class Special(ValueError):
    """A path names something that is not a regular file (FIFO, device, socket, folder, system tree)."""


def in_system_tree(path: str | Path) -> bool:
    """Whether a resolved path lies in ``/proc``, ``/sys`` or ``/dev``."""
    path = os.fspath(path)
    return any(_within(path, tree) for tree in _SYSTEM_TREE_NAMES)


def confine(folder: str | Path, name: str | Path, allow_outside: bool = False, *, real: bool = False) -> Path:
    """The absolute, symlink-free path of ``name`` (as an input wrote it) taken from ``folder``.

    Raises :class:`Outside` when it leaves ``folder`` (absolute paths, ``..``, symlinks; unless
    ``allow_outside``) and :class:`Special` when it lies in a system tree (always). The file is not
    opened; it need not exist. ``real``: ``folder`` is already absolute and symlink-free (what
    ``os.path.realpath`` gave this command), so it is not resolved again for each file.
    """
    # os.path on strings: the same resolution as Path.resolve(), without pathlib's objects (an
    # audit's evidence is confined one file at a time, twice per command).
    base = os.fspath(folder) if real else os.path.realpath(folder)
    target = (_real_below(base, os.fspath(name)) if real else None) or os.path.realpath(os.path.join(base, name))
    if not allow_outside and not _within(os.path.normcase(target), os.path.normcase(base)):
        raise Outside(str(name))
    if in_system_tree(target):
        raise Special(str(name))
    return Path(target)


def _real_below(base: str, name: str) -> str | None:
    """``os.path.realpath(os.path.join(base, name))`` for a symlink-free ``base``, looking only at
    the parts of ``name``; None when that takes the full resolution (see below).

    ``realpath`` checks every part of the joined path, the folder's own parts again for each
    evidence file (an audit in ``/home/me/work/team`` costs five ``lstat`` calls per file before
    its own). Here a relative ``name`` without ``..`` is followed part by part under ``base``: a
    part that is a symlink (or a name that is absolute, holds ``..`` or a NUL, or is empty, or a
    system that is not POSIX) returns None, and the caller resolves the whole path as before. A part
    that cannot be looked at (missing, not a folder, not permitted) ends the walk with the rest
    appended as written, which is what ``realpath`` gives then (it treats such parts as
    non-links). ``tests/core/test_files.py`` compares the two on trees with symlinks.
    """
    if os.name != "posix" or "\x00" in name or os.path.isabs(name) or ".." in name.split(os.sep):
        return None  # ".." is checked before normpath, which would drop "a/.." without looking at a
    if not os.path.isabs(base) or base != os.path.normpath(base) or base.startswith("//"):
        return None  # a folder realpath did not give: let realpath decide
    parts = os.path.normpath(name).split(os.sep)  # "" and "." become ["."]
    if parts == ["."]:
        return None
    path = "" if base == os.sep else base
    for n, part in enumerate(parts):
        path = f"{path}{os.sep}{part}"
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            return os.sep.join((path, *parts[n + 1 :]))
        if stat.S_ISLNK(mode):
            return None
    return path


def _within(path: str, folder: str) -> bool:
    """Whether the normalised absolute ``path`` is ``folder`` or lies under it."""
    return path == folder or path.startswith(folder if folder.endswith(os.sep) else folder + os.sep)


def regular(path: str | Path) -> os.stat_result:
    """``os.stat`` of a regular file; :class:`Special` for anything else (FIFO, device, socket, folder).

    Never opens the path. :class:`FileNotFoundError` (and other :class:`OSError`) pass through.
    """
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise Special(str(path))
    return info


# --- outputs never overwrite inputs ----------------------------------------------------------------------

_inputs: dict[str, tuple[int, int] | None] = {}  # real path → (device, inode)


def note_input(path: str | Path, info: os.stat_result | None = None, resolved: bool = False) -> None:
    """Record that this run read ``path`` (``resolved``: already symlink-free); an output may then not overwrite it."""
    with contextlib.suppress(OSError, ValueError):
        _inputs[str(path) if resolved else os.path.realpath(path)] = (info.st_dev, info.st_ino) if info is not None else None


def forget_inputs() -> None:
    """Start a new run: no file has been read yet (the CLI calls this before each command)."""
    _inputs.clear()


def inputs() -> dict[str, tuple[int, int] | None]:
    """The files this run has read so far: real path → (device, inode)."""
    return dict(_inputs)


def check_output(
    path: str | Path, extra_inputs: Iterable[str | Path] = (), folders: Iterable[str | Path] = (), folder_ok: bool = False
) -> None:
    """Refuse an output path (exit 2) that would overwrite an input or land where it must not.

    ``path`` may not be a file this run read (:func:`note_input`) nor one of ``extra_inputs``,
    through symlinks and hard links alike; may not lie inside any of ``folders``; must not be a
    folder (unless ``folder_ok``: an output folder) and its parent folder must exist. ``-`` (standard
    output) is always fine.
    """
    shown = str(path)
    if shown == "-":
        return
    target = Path(path)
    real = os.path.realpath(target)
    try:
        info = os.stat(target)
    except OSError:
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode) and not folder_ok:
        raise UsageError(Msg("files.output_is_folder", path=shown))
    if info is None and not folder_ok:
        parent = target.parent if str(target.parent) else Path(".")
        if not parent.is_dir():
            raise UsageError(Msg("files.output_no_folder", path=shown, folder=str(parent)))
    known = dict(_inputs)
    for extra in extra_inputs:
        with contextlib.suppress(OSError, ValueError):
            extra_info = os.stat(extra)
            known[os.path.realpath(extra)] = (extra_info.st_dev, extra_info.st_ino)
    identity = (info.st_dev, info.st_ino) if info is not None else None
    for input_path, input_id in known.items():
        if input_path == real or (identity is not None and identity == input_id):
            raise UsageError(Msg("files.output_is_input", path=shown))
    for folder in folders:
        base = os.path.realpath(folder)
        if real == base or Path(real).is_relative_to(base):
            raise UsageError(Msg("files.output_in_input_folder", path=shown, folder=str(folder)))


#: Entries of a submissions folder that grading never treats as a team (see ``grading.batch.discover``).
_NOT_A_TEAM = (".", "~$", "__")
_YAML = (".yaml", ".yml")


def file_levels(folder: Path, max_depth: int, skip: frozenset[str] = frozenset(), suffixes: tuple[str, ...] | None = None):
    """The regular files under ``folder`` (only those ending in ``suffixes``, if given), one sorted list
    per depth (0 = the folder itself), breadth first.

    Hidden entries and symbolic links are skipped, and so are folders named in ``skip``; an
    unreadable folder is passed over. Grading finds a team's audit with it, ``serve`` a folder's
    audits and the files an answer may cite.
    """
    current = [folder]
    for _ in range(max_depth + 1):
        files: list[Path] = []
        below: list[Path] = []
        for d in current:
            try:
                entries = sorted(os.scandir(d), key=lambda e: e.name)
            except OSError:
                continue
            for e in entries:
                if e.name.startswith(".") or e.is_symlink():
                    continue
                if e.is_dir():
                    if e.name not in skip:
                        below.append(d / e.name)
                elif e.is_file() and (suffixes is None or e.name.lower().endswith(suffixes)):
                    files.append(d / e.name)
        yield files
        if not below:
            return
        current = below


def yaml_levels(folder: Path, max_depth: int, skip: frozenset[str] = frozenset()):
    """:func:`file_levels` of the ``.yaml`` and ``.yml`` files."""
    return file_levels(folder, max_depth, skip, _YAML)


def _holds_yaml(folder: Path, depth: int = 3) -> bool:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return False
    for entry in entries:
        if entry.name.lower().endswith(_YAML):
            return True
        if (
            depth
            and entry.name != "feedback"
            and entry.is_dir(follow_symlinks=False)
            and _holds_yaml(Path(entry.path), depth - 1)
        ):
            return True
    return False


def check_grading_output(root: str | Path, out: str | Path, extra_inputs: Iterable[str | Path] = ()) -> None:
    """Refuse a grading output folder (exit 2) that would write into the submissions.

    ``OUT`` may not be ``SUBMISSIONS`` itself nor lie inside a team's submission; a folder directly
    in ``SUBMISSIONS`` is fine when it is new or holds no YAML (a previous run's output). Nor may
    ``OUT/feedback`` be a submission, ``SUBMISSIONS`` lie inside ``OUT/feedback``, or ``grades.csv``
    and ``overview.html`` be one of ``extra_inputs`` (the rubric, the overrides file).
    """
    root_r = Path(os.path.realpath(root))
    out_r = Path(os.path.realpath(out))
    feedback_r = Path(os.path.realpath(Path(out) / "feedback"))
    if out_r == root_r:
        raise UsageError(Msg("files.grade_output_is_submissions", out=str(out), root=str(root)))

    def team_of(path: Path) -> str | None:
        if not path.is_relative_to(root_r) or path == root_r:
            return None
        first = path.relative_to(root_r).parts[0]
        return None if first.startswith(_NOT_A_TEAM) else first

    team = team_of(out_r)
    if team is not None:
        direct = out_r.parent == root_r
        if not direct or (out_r.is_dir() and _holds_yaml(out_r)) or out_r.suffix.lower() in _YAML:
            raise UsageError(Msg("files.grade_output_in_submission", out=str(out), team=team))
    team = team_of(feedback_r)
    if team is not None and (root_r / team) != out_r:
        raise UsageError(Msg("files.grade_feedback_is_submission", out=str(out), team=team))
    if root_r.is_relative_to(feedback_r):
        raise UsageError(Msg("files.grade_submissions_inside_output", out=str(out), root=str(root)))
    inputs = {os.path.realpath(p) for p in extra_inputs}
    for name in ("grades.csv", "overview.html"):
        if os.path.realpath(Path(out) / name) in inputs:
            raise UsageError(Msg("files.output_is_input", path=str(Path(out) / name)))
