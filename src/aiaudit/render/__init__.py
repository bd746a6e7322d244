"""Report renderers: one module per output format, all behind ``render(evaluation, lang, options) -> bytes``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..diagnostics import UsageError
from ..i18n import Msg
from .options import PDF_VARIANTS, ReportOptions

__all__ = ["BINARY", "EXTENSIONS", "FORMATS", "PDF_VARIANTS", "ReportOptions", "format_for", "render"]


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
