"""Report renderers: one module per output format, all behind ``render(evaluation, lang) -> bytes``."""

from __future__ import annotations

import importlib
from pathlib import Path

from ..diagnostics import UsageError

#: Format name → "module:function". Each function takes (evaluation, lang) and returns bytes.
FORMATS = {
    "html": "aiaudit.render.html:render",
}
#: File extension → format name.
EXTENSIONS = {".html": "html", ".htm": "html"}


def format_for(output: str | None, explicit: str | None) -> str:
    """The format to write: ``--format`` if given, else from the output file's extension, else html."""
    if explicit:
        if explicit not in FORMATS:
            raise UsageError(f"unknown report format {explicit!r}; choose from {', '.join(FORMATS)}")
        return explicit
    if output and output != "-":
        ext = Path(output).suffix.lower()
        if ext in EXTENSIONS:
            return EXTENSIONS[ext]
        if ext:
            raise UsageError(f"cannot tell the report format from {ext!r}; use --format ({', '.join(FORMATS)})")
    return "html"


def render(fmt: str, evaluation, lang: str = "en") -> bytes:
    """Render an evaluation in ``fmt``."""
    module, func = FORMATS[fmt].split(":")
    return getattr(importlib.import_module(module), func)(evaluation, lang)
