"""``aiaudit verify``: is this audit (or the audit inside this PDF report) still what was recorded and signed?

Checks, each ``ok``, ``failed`` or ``skipped`` (:class:`Check`):

* ``embedded`` (PDF only): the audit attached to the report hashes to the sha256 the report
  recorded (the attachment's description and the PDF keyword ``aiaudit-audit-sha256:``);
* ``content``: the audit's own errors (unknown items, ``na`` without notes, ...), as ``validate``;
* ``checklist``: each checklist the audit uses still has the sha256 the audit pinned;
* ``evidence``: each evidence file still has its recorded sha256 and size (through
  :mod:`aiaudit.audit.evidence`); in a PDF, evidence attached to the report is checked from
  the attachment, other evidence from ``--evidence-dir`` when given;
* ``signature``: each signed sign-off entry (:mod:`aiaudit.audit.signing`).

Exit codes: 0 every check passed or was skipped, 1 a check failed, 2 the input is unusable
(not an audit or a PDF with one, unreadable, or no such file).
"""

from __future__ import annotations

import io
from dataclasses import field
from pathlib import Path

from ..audit import evidence as ev
from ..audit import signing
from ..audit.load import audit_from_document
from ..diagnostics import EXIT_INVALID, EXIT_OK, EXIT_UNUSABLE, Diagnostic, DiagnosticError, UsageError
from ..digest import sha256_hex
from ..i18n import Msg
from ..loading import DEFAULT_MAX_BYTES, Document, load_bytes, load_file, read_limited
from ..records import record

OK = "ok"
FAILED = "failed"
SKIPPED = "skipped"
#: A PDF report may carry attached evidence: it may be larger than an audit file.
PDF_MAX_BYTES = 200 * 1024 * 1024

Where = tuple[str, int, int]


@record
class Check:
    kind: str  # embedded | content | checklist | evidence | signature
    subject: str
    outcome: str
    message: Msg
    where: Where | None = None

    def to_dict(self, lang: str) -> dict:
        out = {"kind": self.kind, "subject": self.subject, "outcome": self.outcome, "message": self.message.text(lang)}
        if self.where is not None:
            out.update(file=self.where[0], line=self.where[1], col=self.where[2])
        return out


@record(frozen=False)
class Verification:
    """Every check made on one file."""

    target: str
    kind: str  # audit | pdf
    audit_sha256: str | None = None
    checks: list[Check] = field(default_factory=list)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.outcome == FAILED]

    @property
    def exit_code(self) -> int:
        return EXIT_INVALID if self.failed else EXIT_OK

    def to_dict(self, lang: str) -> dict:
        counts = {o: sum(c.outcome == o for c in self.checks) for o in (OK, FAILED, SKIPPED)}
        return {
            "target": self.target,
            "kind": self.kind,
            "audit_sha256": self.audit_sha256,
            "verified": not self.failed,
            "counts": counts,
            "checks": [c.to_dict(lang) for c in self.checks],
        }


def verify(
    path: str | Path,
    allowed_signers: Path | None = None,
    allow_outside: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    require_signature: bool = False,
    evidence_dir: Path | None = None,
) -> Verification:
    """Verify an audit file or a PDF report (told apart by the file's first bytes)."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(5)
    except FileNotFoundError:
        raise UsageError(Msg("verify.no_file", path=str(path))) from None
    except OSError as exc:
        raise UsageError(Msg("verify.unreadable", path=str(path), error=exc.strerror or str(exc))) from None
    if head == b"%PDF-":
        return verify_pdf(path, allowed_signers, max_bytes, require_signature, evidence_dir)
    if evidence_dir is not None:
        raise UsageError(Msg("verify.evidence_dir_pdf_only"))
    doc = _unusable_on_error(lambda: load_file(path, max_bytes=max_bytes))
    result = Verification(str(path), "audit", doc.sha256)
    result.checks += check_document(
        doc, Path(doc.name).parent, None, allowed_signers, allow_outside, max_bytes, require_signature
    )
    return result


def _unusable_on_error(load):
    try:
        return load()
    except DiagnosticError as exc:
        exc.exit_code = EXIT_UNUSABLE
        raise


def check_document(
    doc: Document,
    folder: Path | None,
    attached: dict[str, bytes] | None,
    allowed_signers: Path | None,
    allow_outside: bool,
    max_bytes: int,
    require_signature: bool,
) -> list[Check]:
    """The content, checklist, evidence and signature checks of one loaded audit."""
    audit, problems = audit_from_document(doc, allow_outside=allow_outside, max_bytes=max_bytes, evidence=False)
    if audit is None:
        error = DiagnosticError(problems)
        error.exit_code = EXIT_UNUSABLE
        raise error
    checks: list[Check] = []
    for d in problems:
        if d.severity == "error":
            checks.append(Check("content", d.code, FAILED, Msg("verify.content", code=d.code, problem=d.message), _where(d)))
    for n, (ref, checklist) in enumerate(zip(audit.checklist_refs, audit.checklists, strict=False)):
        where = _at(doc, ("checklists", n))
        label = f"{checklist.id} {checklist.version}"
        if ref.sha256 is None:
            checks.append(Check("checklist", checklist.id, FAILED, Msg("verify.checklist_unpinned", checklist=label), where))
        elif ref.sha256 == checklist.sha256:
            checks.append(
                Check("checklist", checklist.id, OK, Msg("verify.checklist_ok", checklist=label, sha=ref.sha256[:12]), where)
            )
        else:
            message = Msg(
                "verify.checklist_changed", checklist=checklist.id, recorded=ref.version or "?", version=checklist.version
            )
            checks.append(Check("checklist", checklist.id, FAILED, message, where))
    for item in audit.items:
        answer = audit.answers.get(item.id)
        for n, entry in enumerate(answer.evidence if answer is not None else ()):
            where = _at(doc, ("answers", item.id, "evidence", n))
            checks.append(_evidence(item.id, entry, folder, attached, allow_outside, where))
    found = signing.check_signoffs(doc.data, allowed_signers)
    for c in found:
        where = _at(doc, ("signoff", c.index))
        if c.status in (signing.VALID, signing.INTACT):
            outcome = OK
        elif c.status in (signing.UNCHECKED, signing.UNSIGNED):
            outcome = SKIPPED
        else:
            outcome = FAILED
        checks.append(Check("signature", c.name, outcome, c.message, where))
    if require_signature and not any(c.status == signing.VALID for c in found):
        key = "verify.no_valid_signature" if allowed_signers is not None else "verify.no_allowed_signers"
        checks.append(Check("signature", "", FAILED, Msg(key), _at(doc, ("signoff",))))
    elif not found:
        checks.append(Check("signature", "", SKIPPED, Msg("verify.no_signoff"), None))
    return checks


def _evidence(item_id, entry, folder, attached, allow_outside, where) -> Check:
    label = entry.label
    if entry.path is None:
        return Check("evidence", label, SKIPPED, Msg("verify.evidence_link", item=item_id, url=label), where)
    if attached is not None and entry.path in attached:
        checked = ev.check_bytes(entry, attached[entry.path])
        source = Msg("verify.source_attached")
    elif folder is None:
        return Check("evidence", label, SKIPPED, Msg("verify.evidence_not_attached", item=item_id, path=label), where)
    else:
        checked = ev.check(entry, folder, allow_outside)
        source = Msg("verify.source_file")
    if checked.check == ev.VERIFIED:
        return Check("evidence", label, OK, Msg("verify.evidence_ok", item=item_id, path=label, source=source), where)
    if checked.check == ev.UNRECORDED:
        return Check("evidence", label, FAILED, Msg("verify.evidence_unrecorded", item=item_id, path=label), where)
    if checked.check == ev.CHANGED:
        message = Msg(
            "verify.evidence_changed",
            item=item_id,
            path=label,
            recorded=(entry.sha256 or "?")[:12],
            found=checked.file.sha256[:12],
            source=source,
        )
        return Check("evidence", label, FAILED, message, where)
    return Check("evidence", label, FAILED, Msg("verify.evidence_problem", item=item_id, problem=checked.problem), where)


def _at(doc: Document, path: tuple) -> Where:
    line, col = doc.position(path)
    return (doc.name, line, col)


def _where(d: Diagnostic) -> Where:
    return (d.file, d.line, d.col)


# --- PDF reports --------------------------------------------------------------------------------


@record
class Embedded:
    """What a PDF report holds: its embedded audit, the sha256 values it recorded, and attached evidence."""

    name: str
    raw: bytes
    described: str | None  # the sha256 in the attachment's description
    keyword: str | None  # the sha256 in the PDF keywords
    evidence: dict[str, bytes]


def read_pdf(path: Path) -> Embedded:
    """The embedded audit of an aiaudit PDF report (pypdf); :class:`UsageError` when there is none."""
    from ..render.pdf import AUDIT_ATTACHMENT_DESCRIPTION, AUDIT_SHA256_KEYWORD

    raw = read_limited(path, PDF_MAX_BYTES)
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError

        reader = PdfReader(io.BytesIO(raw), strict=False)
        files = list(reader.attachment_list)
        keywords = str((reader.metadata or {}).get("/Keywords") or "")
    except ImportError:  # pragma: no cover - pypdf is a dependency
        raise UsageError(Msg("verify.no_pypdf")) from None
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UsageError(Msg("verify.bad_pdf", path=str(path), error=str(exc)[:200])) from None
    audit = None
    evidence: dict[str, bytes] = {}
    for f in files:
        try:
            description = str(f.description or "")
            content = f.content
        except Exception as exc:  # pypdf raises many types on damaged streams
            raise UsageError(Msg("verify.bad_pdf", path=str(path), error=f"{type(exc).__name__}: {exc}"[:200])) from None
        if description.startswith(AUDIT_ATTACHMENT_DESCRIPTION) and audit is None:
            audit = (f.name, content, description[len(AUDIT_ATTACHMENT_DESCRIPTION) :].strip())
        elif description.startswith("Evidence "):
            evidence[str(f.name)] = content
    if audit is None:
        raise UsageError(Msg("verify.no_embedded_audit", path=str(path)))
    keyword = None
    for word in keywords.replace(";", ",").split(","):
        word = word.strip()
        if word.startswith(AUDIT_SHA256_KEYWORD):
            keyword = word[len(AUDIT_SHA256_KEYWORD) :]
    return Embedded(str(audit[0]), audit[1], audit[2] or None, keyword, evidence)


def verify_pdf(
    path: Path,
    allowed_signers: Path | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    require_signature: bool = False,
    evidence_dir: Path | None = None,
) -> Verification:
    """Verify a PDF report: the embedded audit's integrity, then the audit's own checks."""
    embedded = read_pdf(path)
    digest = sha256_hex(embedded.raw)
    result = Verification(str(path), "pdf", digest)
    label = f"{path}!{embedded.name}"
    recorded = [(what, value) for what, value in (("description", embedded.described), ("keyword", embedded.keyword)) if value]
    if not recorded:
        result.checks.append(Check("embedded", embedded.name, FAILED, Msg("verify.embedded_unrecorded", name=embedded.name)))
    for what, value in recorded:
        if value == digest:
            message = Msg("verify.embedded_ok", name=embedded.name, where=Msg(f"verify.recorded_in.{what}"), sha=digest[:12])
            result.checks.append(Check("embedded", embedded.name, OK, message))
        else:
            message = Msg(
                "verify.embedded_changed",
                name=embedded.name,
                where=Msg(f"verify.recorded_in.{what}"),
                recorded=value[:12],
                found=digest[:12],
            )
            result.checks.append(Check("embedded", embedded.name, FAILED, message))
    # The embedded audit is named after its place in the PDF; relative checklist paths resolve from --evidence-dir.
    name = str((evidence_dir or path.parent) / Path(embedded.name).name)
    doc = _unusable_on_error(lambda: load_bytes(embedded.raw, name, max_bytes))
    doc = Document(label, doc.data, doc.raw, doc.index) if evidence_dir is None else doc
    folder = evidence_dir
    result.checks += check_document(doc, folder, embedded.evidence, allowed_signers, False, max_bytes, require_signature)
    return result
