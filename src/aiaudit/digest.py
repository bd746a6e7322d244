"""SHA-256, started quickly: the interpreter's own implementation for what aiaudit hashes itself
(files it loads, keys, canonical content), OpenSSL's for large evidence files.

Loading OpenSSL (``import hashlib``) costs about 3 ms, a noticeable part of a short command; the
built-in module loads in a third of that and hashes the small files of an audit just as well.
Evidence files can be large (recordings, models): from :data:`LARGE` bytes on, hashlib's OpenSSL
implementation, several times faster per byte, is worth its start-up. Both give the same digest.
"""

from __future__ import annotations

from typing import Any

#: From this size on (bytes), a file is hashed with OpenSSL (hashlib).
LARGE = 4 * 1024 * 1024

try:  # Python 3.12+
    from _sha2 import sha256 as _builtin
except ImportError:  # pragma: no cover - depends on the Python version
    try:
        from _sha256 import sha256 as _builtin  # Python 3.10, 3.11
    except ImportError:  # a build without it: hashlib always
        _builtin = None


def sha256_for(size: int) -> Any:
    """An empty SHA-256 hash object (``update``, ``digest``, ``hexdigest``) suited to hashing ``size``
    bytes: the built-in one, OpenSSL's from :data:`LARGE` bytes on."""
    if size >= LARGE or _builtin is None:
        import hashlib

        return hashlib.sha256()
    return _builtin()


def sha256(data: bytes = b"") -> Any:
    """A SHA-256 hash object holding ``data`` (more may be added with ``update``)."""
    digest = sha256_for(len(data))
    digest.update(data)
    return digest


def sha256_hex(data: bytes) -> str:
    return sha256(data).hexdigest()


__all__ = ["LARGE", "sha256", "sha256_for", "sha256_hex"]
