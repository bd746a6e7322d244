"""Signed sign-off: an SSH signature over the audit's canonical content, made and checked with ``ssh-keygen -Y``.

The mechanism is the one git uses for SSH-signed commits: ``ssh-keygen -Y sign`` with a key the
signer already has (a private key file, or a public key whose private half is in ``ssh-agent``),
and ``ssh-keygen -Y verify`` against an *allowed-signers* file that says which key belongs to
whom (docs/signing.md describes the trust model).

**What is signed.** The canonical content of the audit for sign-off entry ``n``
(:func:`canonical_content`): the audit's data as loaded (comments and layout do not count), with
its ``signoff`` list replaced by entry ``n`` alone, without its ``signature``, wrapped as
``{"aiaudit": "signed-audit/1", "audit": DATA}`` and serialised as JSON with keys sorted by code
point, no insignificant whitespace, UTF-8 without escaping non-ASCII characters, integers as
integers and other numbers in Python's shortest round-trip form. So the signature covers every
answer (status, notes, evidence entries with their sha256 and size, review marks), the checklist
pins (id or path, version, sha256), the system profile and the entry's own name, role, date and
statement; it does not cover other sign-off entries, so several people can sign independently.
The SSH namespace is :data:`NAMESPACE`.

**Statuses** of one sign-off entry (:class:`SignatureCheck`):

==============  ====================================================================================
``valid``       the signature matches the content and the allowed-signers file lists its key for the
                recorded principal
``intact``      the signature matches the content; no allowed-signers file was given, so *who*
                signed is not established (only that the content is what the key signed)
``untrusted``   the signature matches the content, but the allowed-signers file does not list the
                key for that principal
``invalid``     the content changed after signing (or the signature is damaged or forged)
``unchecked``   the content hash still matches but ssh-keygen is not installed to check the signature
``unsigned``    the entry has no signature (a name and a date anyone can type)
==============  ====================================================================================
"""

from __future__ import annotations

import base64
import contextlib
import copy
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..diagnostics import UsageError
from ..digest import sha256, sha256_hex
from ..i18n import Msg
from ..records import record

#: The SSH signature namespace (``ssh-keygen -n``): a signature made for git or for a file cannot pass as a sign-off.
NAMESPACE = "aiaudit-signoff"
#: The version tag of the canonical content.
CANONICAL_TAG = "signed-audit/1"

VALID = "valid"
INTACT = "intact"
UNTRUSTED = "untrusted"
INVALID = "invalid"
UNCHECKED = "unchecked"
UNSIGNED = "unsigned"
STATUSES = (VALID, INTACT, UNTRUSTED, INVALID, UNCHECKED, UNSIGNED)
#: Statuses that mean "this entry does not vouch for this content".
FAILED = (INVALID, UNTRUSTED)

_TIMEOUT = 30  # seconds for one ssh-keygen verification


# --- canonical content ----------------------------------------------------------------------------


def canonical_content(data: dict, index: int) -> bytes:
    """The bytes sign-off entry ``index`` signs (see the module docstring)."""
    body = {k: v for k, v in data.items() if k != "signoff"}
    entry = {k: v for k, v in (data.get("signoff") or [])[index].items() if k != "signature"}
    body["signoff"] = [entry]
    return canonical_json({"aiaudit": CANONICAL_TAG, "audit": body})


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8; refuses NaN and infinities (a loaded audit has none)."""
    import json

    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


def content_sha256(data: dict, index: int) -> str:
    return sha256_hex(canonical_content(data, index))


# --- the SSHSIG blob ------------------------------------------------------------------------------


@record
class SshSig:
    """What an armored SSH signature says about itself (nothing here is trusted before ssh-keygen verifies it)."""

    namespace: str
    fingerprint: str  # SHA256:... of the public key, as ssh-keygen prints it
    key_type: str


def parse_sshsig(armored: str) -> SshSig | None:
    """Parse ``-----BEGIN SSH SIGNATURE-----`` text; None when it is not a well-formed SSHSIG blob."""
    lines = [line.strip() for line in str(armored).strip().splitlines()]
    if len(lines) < 3 or lines[0] != "-----BEGIN SSH SIGNATURE-----" or lines[-1] != "-----END SSH SIGNATURE-----":
        return None
    try:
        blob = base64.b64decode("".join(lines[1:-1]), validate=True)
    except ValueError:
        return None
    if not blob.startswith(b"SSHSIG"):
        return None
    pos = 6 + 4  # magic, version

    def field() -> bytes:
        nonlocal pos
        if pos + 4 > len(blob):
            raise ValueError
        size = int.from_bytes(blob[pos : pos + 4], "big")
        if pos + 4 + size > len(blob):
            raise ValueError
        out = blob[pos + 4 : pos + 4 + size]
        pos += 4 + size
        return out

    try:
        public_key = field()
        namespace = field().decode("utf-8")
        key_type = public_key[4 : 4 + int.from_bytes(public_key[:4], "big")].decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None
    digest = base64.b64encode(sha256(public_key).digest()).decode("ascii").rstrip("=")
    return SshSig(namespace, f"SHA256:{digest}", key_type)


# --- finding ssh-keygen, keys and allowed signers -------------------------------------------------


def ssh_keygen() -> str | None:
    """The ssh-keygen to run: ``$AIAUDIT_SSH_KEYGEN``, else the one on PATH; None when there is none."""
    import shutil

    explicit = os.environ.get("AIAUDIT_SSH_KEYGEN")
    if explicit:
        return explicit if os.path.isfile(explicit) else None
    return shutil.which("ssh-keygen")


def _git_config(key: str, folder: Path | None) -> str | None:
    import subprocess

    try:
        done = subprocess.run(
            ["git", "config", "--get", key], cwd=folder or None, capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    value = done.stdout.strip()
    return value if done.returncode == 0 and value else None


def allowed_signers_file(explicit: str | os.PathLike | None = None, folder: Path | None = None) -> Path | None:
    """The allowed-signers file: ``explicit``, else ``$AIAUDIT_ALLOWED_SIGNERS``, else git's ``gpg.ssh.allowedSignersFile``.

    Raises :class:`UsageError` when the file named does not exist.
    """
    for value, source in (
        (explicit, "--allowed-signers"),
        (os.environ.get("AIAUDIT_ALLOWED_SIGNERS"), "AIAUDIT_ALLOWED_SIGNERS"),
        (_git_config("gpg.ssh.allowedSignersFile", folder), "gpg.ssh.allowedSignersFile"),
    ):
        if value:
            path = Path(os.path.expanduser(str(value)))
            if not path.is_file():
                raise UsageError(Msg("sign.no_allowed_signers", path=str(path), source=source))
            return path
    return None


def signing_key(explicit: str | None = None, folder: Path | None = None) -> Path:
    """The key to sign with: ``--key``, ``$AIAUDIT_SIGNING_KEY``, git's ``user.signingKey``, else ``~/.ssh/id_ed25519``."""
    candidates = [explicit, os.environ.get("AIAUDIT_SIGNING_KEY"), _git_config("user.signingKey", folder)]
    for value in candidates:
        if value:
            if value.startswith("key::"):
                raise UsageError(Msg("sign.literal_key"))
            path = Path(os.path.expanduser(value))
            if not path.is_file():
                raise UsageError(Msg("sign.no_key", path=str(path)))
            return path.resolve()
    for name in ("id_ed25519", "id_ecdsa", "id_rsa"):
        path = Path(os.path.expanduser(f"~/.ssh/{name}"))
        if path.is_file():
            return path.resolve()
    raise UsageError(Msg("sign.no_default_key"))


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    """A private temporary folder for signature files ssh-keygen reads (removed afterwards)."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="aiaudit-sig-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- signing --------------------------------------------------------------------------------------


def sign_content(content: bytes, key: Path, principal: str) -> dict:
    """The ``signature`` mapping for ``content``, made with ``ssh-keygen -Y sign`` (it may ask for the key's passphrase)."""
    import subprocess

    exe = ssh_keygen()
    if exe is None:
        raise UsageError(Msg("sign.no_ssh_keygen"))
    try:
        done = subprocess.run(
            [exe, "-q", "-Y", "sign", "-f", str(key), "-n", NAMESPACE],
            input=content,
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise UsageError(Msg("sign.failed", error=exc.strerror or str(exc))) from None
    armored = done.stdout.decode("ascii", "replace").strip()
    parsed = parse_sshsig(armored) if done.returncode == 0 else None
    if parsed is None:
        error = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(Msg("sign.failed", error=(error[-1] if error else f"exit {done.returncode}")))
    return {
        "method": "ssh",
        "principal": principal,
        "key": parsed.fingerprint,
        "content_sha256": sha256_hex(content),
        "value": armored + "\n",
    }


# --- checking -------------------------------------------------------------------------------------


@record
class SignatureCheck:
    """The signature status of one sign-off entry."""

    index: int
    name: str
    status: str
    message: Msg
    principal: str | None = None
    key: str | None = None

    @property
    def failed(self) -> bool:
        return self.status in FAILED

    def to_dict(self, lang: str) -> dict:
        return {
            "index": self.index,
            "name": self.name,
            "status": self.status,
            "principal": self.principal,
            "key": self.key,
            "message": self.message.text(lang),
        }


def check_signoffs(data: dict, allowed_signers: Path | None) -> list[SignatureCheck]:
    """The signature status of every sign-off entry of an audit's data."""
    entries = data.get("signoff") or []
    return [check_entry(data, n, allowed_signers) for n in range(len(entries))]


def check_entry(data: dict, index: int, allowed_signers: Path | None) -> SignatureCheck:
    entry = (data.get("signoff") or [])[index]
    name = str(entry.get("name", ""))
    signature = entry.get("signature")
    if not isinstance(signature, dict):
        return SignatureCheck(index, name, UNSIGNED, Msg("signature.unsigned", name=name))
    principal = str(signature.get("principal", ""))
    parsed = parse_sshsig(signature.get("value", ""))
    if parsed is None or parsed.namespace != NAMESPACE:
        return SignatureCheck(index, name, INVALID, Msg("signature.malformed", name=name), principal)
    content = canonical_content(data, index)
    found = sha256_hex(content)
    common = {"principal": principal, "key": parsed.fingerprint}
    if signature.get("content_sha256") != found:
        return SignatureCheck(index, name, INVALID, Msg("signature.changed", name=name, principal=principal), **common)
    exe = ssh_keygen()
    if exe is None:
        return SignatureCheck(index, name, UNCHECKED, Msg("signature.unchecked", name=name), **common)
    with _scratch() as folder:
        sig_file = folder / "signature.sig"
        sig_file.write_text(signature["value"], encoding="ascii", errors="replace")
        if allowed_signers is not None:
            args = ["-Y", "verify", "-f", str(allowed_signers), "-I", principal, "-n", NAMESPACE, "-s", str(sig_file)]
            if _run(exe, args, content):
                return SignatureCheck(
                    index, name, VALID, Msg("signature.valid", name=name, principal=principal, key=parsed.fingerprint), **common
                )
        intact = _run(exe, ["-Y", "check-novalidate", "-n", NAMESPACE, "-s", str(sig_file)], content)
    if not intact:
        return SignatureCheck(index, name, INVALID, Msg("signature.bad", name=name, principal=principal), **common)
    if allowed_signers is None:
        return SignatureCheck(index, name, INTACT, Msg("signature.intact", name=name, key=parsed.fingerprint), **common)
    message = Msg("signature.untrusted", name=name, principal=principal, key=parsed.fingerprint, file=str(allowed_signers))
    return SignatureCheck(index, name, UNTRUSTED, message, **common)


def _run(exe: str, args: list[str], content: bytes) -> bool:
    import subprocess

    try:
        done = subprocess.run([exe, *args], input=content, capture_output=True, timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


# --- the sign command -----------------------------------------------------------------------------


@record
class Signed:
    """What ``aiaudit sign`` did."""

    index: int  # the sign-off entry signed
    entry: dict
    pinned: tuple[str, ...]  # checklists whose sha256/version were recorded now
    check: SignatureCheck


def sign_audit(
    path: str | Path,
    name: str,
    principal: str,
    key: Path,
    role: str | None = None,
    statement: str | None = None,
    date: str | None = None,
    allow_outside: bool = False,
    max_bytes: int | None = None,
) -> Signed:
    """Sign the audit at ``path`` as ``name``: checks it, pins its checklists, signs, saves (locked, atomic).

    Refused (nothing written) when the audit has errors, an evidence file no longer matches its
    recorded sha256 or has none recorded, or a checklist differs from the version the audit pinned
    (``aiaudit upgrade`` first). An existing entry of the same name is signed again (its role and
    statement kept unless given); otherwise a new entry is added.
    """
    from ..loading import DEFAULT_MAX_BYTES
    from . import evidence as ev
    from .answer import CONTROL_CHARACTERS, Editor, _valid_date, today
    from .lock import audit_lock
    from .roundtrip import Change

    max_bytes = max_bytes or DEFAULT_MAX_BYTES
    for field_name, text in (("name", name), ("role", role), ("statement", statement), ("principal", principal)):
        if text is not None and CONTROL_CHARACTERS.search(text.replace("\n", "")):
            raise UsageError(Msg("sign.control_character", field=field_name))
    if not name.strip():
        raise UsageError(Msg("sign.no_name"))
    if date is not None and not _valid_date(date):
        raise UsageError(Msg("answer.bad_date", value=date))
    with audit_lock(path):
        editor = Editor(path, allow_outside=allow_outside, max_bytes=max_bytes)
        doc, audit = editor.doc, editor.audit
        from .load import audit_from_document

        _, problems = audit_from_document(doc, allow_outside=allow_outside, max_bytes=max_bytes)
        blocking = [d for d in problems if d.severity == "error" or d.code in ("W401", "W402", "W405")]
        if blocking:
            first = blocking[0]
            where = f"{first.file}:{first.line}:{first.col}"
            raise UsageError(Msg("sign.not_clean", where=where, code=first.code, problem=first.message))
        folder = Path(os.path.abspath(path)).parent
        for item_id, answer in audit.answers.items():
            for entry in answer.evidence:
                if entry.path is not None and ev.check(entry, folder, allow_outside).check == ev.UNRECORDED:
                    raise UsageError(Msg("sign.unrecorded_evidence", item=item_id, path=entry.path))
        data = copy.deepcopy(doc.data)
        pinned = []
        for raw, checklist in zip(data["checklists"], audit.checklists, strict=False):
            if raw.get("sha256") is None or raw.get("version") is None:
                raw["version"], raw["sha256"] = checklist.version, checklist.sha256
                pinned.append(checklist.id)
        signoff = data.setdefault("signoff", [])
        index = next((n for n, s in enumerate(signoff) if s.get("name") == name), None)
        entry = dict(signoff[index]) if index is not None else {}
        entry.pop("signature", None)
        entry["name"] = name
        if role is not None:
            entry["role"] = role
        entry["date"] = date or today()
        if statement is not None:
            entry["statement"] = statement
        order = ["name", "role", "date", "statement"]
        entry = {k: entry[k] for k in order if k in entry} | {k: v for k, v in entry.items() if k not in order}
        if index is None:
            signoff.append(entry)
            index = len(signoff) - 1
        else:
            signoff[index] = entry
        entry["signature"] = sign_content(canonical_content(data, index), key, principal)
        signoff[index] = entry
        changes = [Change(("signoff",), signoff)]
        if pinned:
            changes.insert(0, Change(("checklists",), data["checklists"]))
        new = editor.save_changes(changes)
    check = check_entry(new.data, index, None)
    if check.status not in (INTACT, UNCHECKED):  # pragma: no cover - the saved data is the signed data
        raise UsageError(check.message)
    return Signed(index, entry, tuple(pinned), check)
