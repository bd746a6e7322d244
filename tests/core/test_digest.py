"""The quick SHA-256 and OpenSSL's agree, small and large; evidence is hashed the same either way."""

from __future__ import annotations

import hashlib
import os

from aiaudit import digest
from aiaudit.audit import evidence


def test_both_implementations_give_the_same_digest() -> None:
    for data in (b"", b"abc", os.urandom(100_000)):
        assert digest.sha256_hex(data) == hashlib.sha256(data).hexdigest()
        small, large = digest.sha256_for(len(data)), digest.sha256_for(digest.LARGE)
        small.update(data)
        large.update(data)
        assert small.hexdigest() == large.hexdigest() == hashlib.sha256(data).hexdigest()


def test_large_files_use_openssl_and_hash_the_same(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(digest, "LARGE", 1000)
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(5000))
    assert type(digest.sha256_for(5000)) is type(hashlib.sha256())
    assert evidence.facts(big.resolve()).sha256 == hashlib.sha256(big.read_bytes()).hexdigest()
