"""Convert checklists of other tools into aiaudit checklists: one module per source format.

Each converter module has ``convert(source, checklist_id, prefix, max_bytes) -> dict`` returning the
checklist as plain data; :func:`convert_file` turns it into YAML, proves that the result validates
and lints without errors, and :func:`write_converted` writes it atomically.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ...diagnostics import AiauditError, Diagnostic, UsageError, has_errors
from ...files import atomic_write
from ...i18n import Msg, t
from ...loading import DEFAULT_MAX_BYTES, load_bytes
from ...model import Checklist
from ...records import record
from ...text import wrap


#: Source formats, by the name ``--from`` takes.
def _deon(source: str | Path, checklist_id: str, prefix: str, max_bytes: int) -> dict:
    from .deon import convert

    return convert(source, checklist_id, prefix, max_bytes)


#: Source format → converter ``(source, checklist_id, prefix, max_bytes) -> checklist mapping``.
CONVERTERS = {"deon": _deon}

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_PREFIX = re.compile(r"^[A-Z][A-Z0-9]{0,15}$")


@record
class Converted:
    """A converted checklist: its YAML text, the checklist it loads as, and its lint diagnostics."""

    text: str
    checklist: Checklist
    diagnostics: tuple[Diagnostic, ...]
    untranslated: int


def checklist_id_for(output: str, fallback: str = "converted-checklist") -> str:
    """A checklist id from the output file name (``my-checklist.yaml`` → ``my-checklist``)."""
    stem = "" if output == "-" else Path(output).name.split(".")[0]
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:64].strip("-")
    return slug if slug and slug[0].isalnum() else fallback


def convert_file(
    fmt: str,
    source: str | Path,
    checklist_id: str,
    prefix: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Converted:
    """Convert ``source`` from format ``fmt``; raise a one-line error for bad options or input."""
    if fmt not in CONVERTERS:
        raise UsageError(Msg("convert.unknown_format", format=repr(fmt), choices=", ".join(CONVERTERS)))
    if not _ID.match(checklist_id):
        raise UsageError(Msg("convert.bad_id", id=repr(checklist_id)))
    prefix = prefix.upper()
    if not _PREFIX.match(prefix):
        raise UsageError(Msg("convert.bad_prefix", prefix=repr(prefix)))
    data = CONVERTERS[fmt](source, checklist_id, prefix, max_bytes)
    header = [t("library.convert.header", lang_, source=Path(source).name) for lang_ in ("en", "ko")]
    text = "".join(f"# {line}\n" for h in header for line in wrap(h, 98)) + _dump(data)
    return _verify(text, str(source))


def write_converted(converted: Converted, output: str, force: bool = False) -> None:
    """Write a converted checklist atomically; refuse to replace an existing file unless ``force``."""
    path = Path(output)
    if path.exists() and not force:
        raise UsageError(Msg("library.convert.exists", path=output))
    if path.is_dir():
        raise UsageError(Msg("convert.is_directory", path=output))
    try:
        atomic_write(path, converted.text)
    except OSError as exc:
        raise UsageError(Msg("convert.cannot_write", path=output, error=str(exc.strerror or exc))) from None


def _verify(text: str, source: str) -> Converted:
    """Load the converted text back as a checklist and lint it: a converter never writes an invalid file."""
    from ..checklists import checklist_from_document
    from ..lint import NEEDS_TRANSLATION, lint_checklist

    doc = load_bytes(text.encode("utf-8"), name=f"<converted from {source}>")
    checklist, problems = checklist_from_document(doc)
    if checklist is not None:
        problems = problems + lint_checklist(checklist, doc)
    if checklist is None or has_errors(problems):
        first = next(d for d in sorted(problems) if d.severity == "error")
        raise AiauditError(Msg("convert.invalid_result", problem=first.format("en")))
    untranslated = sum(NEEDS_TRANSLATION in i.tags for i in checklist.items)
    return Converted(text, checklist, tuple(sorted(set(problems))), untranslated)


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100)
