"""Evidence files, in one place: resolve a path an audit names, confine it to the audit's folder,
look at it without following it out, hash it once per run, and say what is wrong as a diagnostic.

``validate``, ``gate``, ``report``, ``grade`` and ``answer`` all go through :func:`check`
(or :func:`locate` to record a new file). Security rules, kept here and nowhere else:

* a relative path is taken from the audit's folder; an absolute path, ``..`` or a symlink that
  leads out of that folder is *outside* (refused unless ``allow_outside``);
* only regular files count: FIFOs, devices, sockets and folders are refused without being
  opened, and so is anything under ``/proc``, ``/sys`` or ``/dev`` even with ``allow_outside``;
* a file is opened with ``O_NOFOLLOW | O_NONBLOCK`` and checked again on the open descriptor, so
  a file swapped for a FIFO or symlink after the check is refused, never waited on;
* each file is hashed once per process however often it is cited (keyed by device, inode, size
  and modification time, so a changed file is hashed again).
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import Any

from ..digest import LARGE, sha256_for, sha256_hex
from ..files import Outside, Special, confine, note_input
from ..i18n import Msg
from ..model import Evidence
from ..records import record

#: Check results, from best to worst. ``link`` is a URL (nothing to check offline).
VERIFIED = "verified"  # the file is there and matches its recorded sha256/size
UNRECORDED = "unrecorded"  # the file is there; nothing was recorded to compare with
CHANGED = "changed"  # the file is there but its size or sha256 differs from the record
MISSING = "missing"  # no such file
OUTSIDE = "outside"  # the path leaves the audit's folder
UNREADABLE = "unreadable"  # not a regular file (FIFO, device, folder, /proc ...) or cannot be read
LINK = "link"  # an http(s) URL
CHECKS = (VERIFIED, UNRECORDED, CHANGED, MISSING, OUTSIDE, UNREADABLE, LINK)
#: Checks after which the file exists and was read.
PRESENT = (VERIFIED, UNRECORDED, CHANGED)


class EvidenceOutside(Outside):
    """An evidence path leaves the audit's folder."""


class EvidenceUnreadable(Special):
    """An evidence path names something that is not a regular file, or cannot be read."""


def resolve(folder: Path | str, path: str, allow_outside: bool = False, real: bool = False) -> Path:
    """The absolute, symlink-free path of an evidence file named in an audit in ``folder``.

    Raises :class:`EvidenceOutside` when the path leaves the folder (unless ``allow_outside``),
    and :class:`EvidenceUnreadable` for system trees (``/proc``, ``/sys``, ``/dev``). ``real``: see
    :func:`aiaudit.files.confine`.
    """
    try:
        return confine(folder, path, allow_outside, real=real)
    except Outside:
        raise EvidenceOutside(Msg("evidence.outside", path=repr(path), folder=".")) from None
    except Special:
        raise EvidenceUnreadable(Msg("evidence.special", path=repr(path))) from None


@record
class FileFacts:
    """What one look at an evidence file found: its resolved path, size and sha256."""

    path: Path
    size: int
    sha256: str


_digests: dict[tuple[int, int, int, int], str] = {}


#: How many times a file was actually read and hashed (for tests: once per file and run).
hash_count = 0


def facts(target: Path, shown: str | None = None) -> FileFacts:
    """Size and sha256 of a resolved (symlink-free) evidence file, hashed once per run; never opens a special file.

    ``shown`` is the path as the audit wrote it, for messages (the resolved path is absolute and
    would tell a reader where the machine keeps its files). Raises :class:`FileNotFoundError` when
    it does not exist and :class:`EvidenceUnreadable` when it is not a regular file or cannot be read.
    """
    shown = repr(shown if shown is not None else Path(target).name)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise EvidenceUnreadable(Msg("evidence.unreadable", path=shown, reason=exc.strerror or str(exc))) from None
    if not stat.S_ISREG(info.st_mode):
        raise EvidenceUnreadable(Msg("evidence.special", path=shown))
    key = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    digest = _digests.get(key)
    if digest is None:
        digest = _sha256_regular(target, shown)
        _digests[key] = digest
    note_input(target, info, resolved=True)
    return FileFacts(target, info.st_size, digest)


def _sha256_regular(target: Path, shown: str, chunk: int = 1 << 20) -> str:
    global hash_count
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(target, flags)
    except OSError as exc:
        raise EvidenceUnreadable(Msg("evidence.unreadable", path=shown, reason=exc.strerror or str(exc))) from None
    hash_count += 1
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):  # swapped after the check
            raise EvidenceUnreadable(Msg("evidence.special", path=shown))
        digest = sha256_for(opened.st_size)
        while block := os.read(fd, chunk):
            digest.update(block)
        return digest.hexdigest()
    finally:
        os.close(fd)


def sha256_file(path: Path) -> str:
    """The sha256 of a regular file (cached per run, see :func:`facts`)."""
    return facts(Path(path).resolve()).sha256


@record
class Checked:
    """The outcome of checking one evidence entry: one of :data:`CHECKS`, and the file's facts when it was read."""

    check: str
    file: FileFacts | None = None
    problem: Msg | None = None  # why the file could not be used (missing, outside, unreadable)

    @property
    def present(self) -> bool:
        return self.check in PRESENT


def check(entry: Evidence, folder: Path | str | None, allow_outside: bool = False, real: bool = False) -> Checked:
    """Check an evidence entry of an audit in ``folder`` against the file on disk now.

    ``folder`` is None for an audit that is not a file (a built-in example): paths are then missing.
    ``real``: ``folder`` is already symlink-free (the loader resolves an audit's folder once).
    """
    if entry.url is not None and entry.path is None:
        return Checked(LINK)
    if folder is None or not entry.path:
        return Checked(MISSING, problem=Msg("evidence.missing", path=repr(entry.path or "")))
    try:
        target = resolve(folder, entry.path, allow_outside, real)
        found = facts(target, entry.path)
    except EvidenceOutside:
        return Checked(OUTSIDE, problem=Msg("evidence.outside", path=repr(entry.path), folder="."))
    except FileNotFoundError:
        return Checked(MISSING, problem=Msg("evidence.missing", path=repr(entry.path)))
    except (EvidenceUnreadable, NotADirectoryError) as exc:
        problem = exc.args[0] if exc.args and isinstance(exc.args[0], Msg) else Msg("evidence.special", path=repr(entry.path))
        return Checked(UNREADABLE, problem=problem)
    if entry.sha256 is None and entry.size is None:
        return Checked(UNRECORDED, found)
    if (entry.size is not None and entry.size != found.size) or (entry.sha256 is not None and entry.sha256 != found.sha256):
        return Checked(CHANGED, found)
    return Checked(VERIFIED, found)


def check_in(audit: Any, item_id: str, n: int, entry: Evidence, folder: Path | None, allow_outside: bool = False) -> Checked:
    """:func:`check` for entry ``n`` of ``item_id``'s answer in ``audit``, reusing what the loader found of it."""
    found = audit.evidence_checked.get((item_id, n, allow_outside)) if audit is not None else None
    return found if found is not None else check(entry, folder, allow_outside)


def check_bytes(entry: Evidence, data: bytes) -> Checked:
    """Check an evidence entry against a copy of the file held in memory (e.g. attached to a PDF report)."""
    found = FileFacts(Path(entry.path or ""), len(data), sha256_hex(data))
    if entry.sha256 is None and entry.size is None:
        return Checked(UNRECORDED, found)
    if (entry.size is not None and entry.size != found.size) or (entry.sha256 is not None and entry.sha256 != found.sha256):
        return Checked(CHANGED, found)
    return Checked(VERIFIED, found)


def locate(folder: Path, given: str, allow_outside: bool = False) -> tuple[FileFacts, str] | None:
    """The evidence file a user means when recording it, and the path to record.

    ``given`` is tried relative to the audit's folder, then relative to the current folder; the
    recorded path is relative to the audit's folder, with ``/``. None when no such file exists;
    :class:`EvidenceOutside` when the only file found leaves the folder; :class:`EvidenceUnreadable`
    when it is not a regular file.
    """
    base = Path(os.path.abspath(folder))
    candidates = [given]
    with contextlib.suppress(ValueError):  # another drive on Windows
        candidates.append(os.path.relpath(os.path.abspath(given), base))
    outside = False
    for candidate in candidates:
        try:
            target = resolve(base, candidate, allow_outside)
        except EvidenceOutside:
            # only an existing file outside is "outside"; a missing one is reported as missing
            outside = outside or os.path.lexists(base / candidate)
            continue
        try:
            found = facts(target, given)
        except (FileNotFoundError, NotADirectoryError):
            continue
        absolute = Path(os.path.normpath(base / candidate))
        try:
            return found, absolute.relative_to(base).as_posix()
        except ValueError:
            return found, absolute.as_posix()  # only with --allow-outside-evidence
    if outside:
        raise EvidenceOutside(Msg("evidence.outside", path=repr(given), folder="."))
    return None


# --- storing a new evidence file (uploads) ----------------------------------------------------------

#: The folder, inside the audit's folder, where uploaded evidence goes.
UPLOAD_FOLDER = "evidence"
#: Characters never kept in an uploaded file's name: path separators, characters Windows forbids,
#: controls and bidirectional overrides (they would make a name read differently from what it is).
_UNSAFE_NAME = '[\x00-\x1f\x7f-\x9f/\\\\:*?"<>|\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]'
_RESERVED = r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$"  # compiled on first use (uploads only): re caches them
_NAME_BYTES = 120


class EvidenceTooLarge(ValueError):
    """An uploaded file is larger than the limit; nothing was kept."""


def safe_file_name(name: str) -> str:
    """A file name for an uploaded file: its last path part only, NFC, no separators, controls or leading dots."""
    base = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(_UNSAFE_NAME, "_", base).strip(" .")
    if not base or re.match(_RESERVED, base, re.IGNORECASE):
        base = f"evidence-{base}" if base else "evidence"
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem or len(ext) > 16:
        stem, ext = base, ""
    while len((stem + ("." + ext if ext else "")).encode("utf-8")) > _NAME_BYTES:
        stem = stem[:-1]
    return stem + ("." + ext if ext else "")


def store(folder: Path, name: str, source, max_bytes: int, subfolder: str = UPLOAD_FOLDER) -> tuple[FileFacts, str, bool]:
    """Keep an uploaded file as evidence of the audit in ``folder``: ``<folder>/<subfolder>/<safe name>``.

    ``source`` is a binary file object, read in chunks; more than ``max_bytes`` raises
    :class:`EvidenceTooLarge` and keeps nothing. The file never replaces another one: a file with
    the same name and the same content is reused, otherwise ``name-2.ext``, ``name-3.ext`` ... is
    chosen. The subfolder must stay inside ``folder`` (:class:`EvidenceOutside` when it is a link
    out). Returns the file's facts, the path to record (relative, with ``/``) and whether a new
    file was created.
    """
    base = Path(os.path.abspath(folder))
    target_dir = resolve(base, subfolder)
    target_dir.mkdir(parents=True, exist_ok=True)
    if not target_dir.is_dir():
        raise EvidenceUnreadable(Msg("evidence.special", path=repr(subfolder)))
    safe = safe_file_name(name)
    digest = sha256_for(LARGE)  # an upload's size is not known in advance
    size = 0
    tmp = target_dir / f".upload.{os.urandom(6).hex()}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o644)
    try:
        with os.fdopen(fd, "wb") as out:
            while block := source.read(1 << 20):
                size += len(block)
                if size > max_bytes:
                    raise EvidenceTooLarge(Msg("evidence.too_large", name=safe, limit=max_bytes))
                digest.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        stem, dot, ext = safe.rpartition(".")
        if not dot:
            stem, ext = safe, ""
        for n in range(1, 1000):
            candidate = safe if n == 1 else f"{stem}-{n}" + (f".{ext}" if ext else "")
            final = target_dir / candidate
            try:
                os.link(tmp, final)  # never replaces an existing file
            except FileExistsError:
                try:
                    same = facts(final)
                except (FileNotFoundError, EvidenceUnreadable):
                    continue
                if same.sha256 == sha and same.size == size:
                    return same, (final.relative_to(resolve(base, ".")).as_posix()), False
                continue
            except OSError:  # no hard links here (e.g. FAT): rename when the name is free
                if os.path.lexists(final):
                    continue
                os.replace(tmp, final)
            recorded = final.relative_to(resolve(base, ".")).as_posix()
            return facts(final), recorded, True
        raise EvidenceUnreadable(Msg("evidence.special", path=repr(safe)))  # pragma: no cover - 1000 namesakes
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
