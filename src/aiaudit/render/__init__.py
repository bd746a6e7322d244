"""Report renderers: one module per output format, all behind ``render(evaluation, lang, options) -> bytes``."""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import UsageError
from ..i18n import Msg


def _html(evaluation, lang: str, options: ReportOptions) -> bytes:
    from .html import render

    return render(evaluation, lang, options)


def _pdf(evaluation, lang: str, options: ReportOptions) -> bytes:
    from .pdf import render  # WeasyPrint is imported only for a PDF

    return render(evaluation, lang, options)


def _md(evaluation, lang: str, options: ReportOptions) -> bytes:
    from .markdown import render

    return render(evaluation, lang, options)


def _json(evaluation, lang: str, options: ReportOptions) -> bytes:
    from .json import render

    return render(evaluation, lang, options)


#: Format name → renderer ``(evaluation, lang, options) -> bytes``; each imports its module on first use.
FORMATS: dict[str, Callable] = {"html": _html, "pdf": _pdf, "md": _md, "json": _json}
#: Other names accepted by ``--format``.
ALIASES = {"markdown": "md", "htm": "html"}
#: File extension → format name.
EXTENSIONS = {
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
}
#: Formats whose output is binary (never written to a terminal).
BINARY = frozenset({"pdf"})
#: PDF variants ``--pdf-variant`` accepts. PDF/A-3 is the part of PDF/A that allows the embedded audit YAML.
PDF_VARIANTS = ("pdf/a-3b", "pdf/a-3u", "pdf/ua-1")


@dataclass(frozen=True)
class ReportOptions:
    """How to render a report; every field has a sensible default."""

    #: When the report was generated; default: $SOURCE_DATE_EPOCH if set (reproducible builds), else now.
    generated: _dt.datetime | None = None
    #: Evidence files may lie outside the audit's folder (mirrors ``--allow-outside-evidence``).
    allow_outside_evidence: bool = False
    #: Show image evidence (PNG, JPEG, GIF, WebP up to ``image_max_bytes``) as thumbnails.
    evidence_images: bool = True
    image_max_bytes: int = 2_000_000
    #: PDF only: a PDF/A or PDF/UA variant (see :data:`PDF_VARIANTS`), or None for plain PDF.
    pdf_variant: str | None = None
    #: PDF only: also embed the evidence files the audit names (the audit YAML is always embedded).
    attach_evidence: bool = False

    def when(self) -> _dt.datetime:
        """The generation time, in UTC."""
        if self.generated is not None:
            stamp = self.generated
            return stamp if stamp.tzinfo else stamp.replace(tzinfo=_dt.timezone.utc)
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch.isdigit():
            return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc)
        return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)


def format_for(output: str | None, explicit: str | None) -> str:
    """The format to write: ``--format`` if given, else from the output file's extension, else html."""
    if explicit:
        name = ALIASES.get(explicit.lower(), explicit.lower())
        if name not in FORMATS:
            raise UsageError(Msg("render.unknown_format", format=repr(explicit), choices=", ".join(FORMATS)))
        return name
    if output and output != "-":
        ext = Path(output).suffix.lower()
        if ext in EXTENSIONS:
            return EXTENSIONS[ext]
        if ext:
            raise UsageError(Msg("render.unknown_extension", extension=repr(ext), choices=", ".join(FORMATS)))
    return "html"


def render(fmt: str, evaluation, lang: str, options: ReportOptions | None = None) -> bytes:
    """Render an evaluation in ``fmt``, in ``lang``."""
    return FORMATS[fmt](evaluation, lang, options or ReportOptions())
