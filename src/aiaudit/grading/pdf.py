"""Feedback as PDF through WeasyPrint, with the report's locked-down URL fetcher: nothing is fetched but data: URLs.

The feedback HTML is self-contained (inline CSS, no images, nothing to load), so the fetcher only
ever has to refuse. It is ``aiaudit.render.pdf.locked_fetcher`` with no allowed files or folders;
should that module be missing, a local ``URLFetcher`` subclass that allows only ``data:`` is used
(engineering notes §1: WeasyPrint 70 needs a subclass; ``file:`` URLs and attachments could
otherwise leak local files).
"""

from __future__ import annotations

import logging
import warnings
from functools import cache


def html_to_pdf(html: str) -> bytes:
    """A PDF of a self-contained HTML page."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=None, url_fetcher=_fetcher(), media_type="print").render()
    with warnings.catch_warnings():
        # fontTools subsetting warns once per font without libharfbuzz-subset; the PDF is fine.
        warnings.simplefilter("ignore", DeprecationWarning)
        logger = logging.getLogger("fontTools")
        level = logger.level
        logger.setLevel(logging.ERROR)
        try:
            return document.write_pdf()
        finally:
            logger.setLevel(level)


def _fetcher():
    try:
        from ..render.pdf import locked_fetcher
    except ImportError:  # pragma: no cover - the report's PDF module ships with aiaudit
        return _data_only_class()()
    return locked_fetcher(allowed_files=(), allowed_dirs=())


@cache
def _data_only_class():
    from weasyprint.urls import URLFetcher

    class DataOnlyFetcher(URLFetcher):
        """Fetches ``data:`` URLs only; everything else (file:, http:, attachments) is refused."""

        def __init__(self):
            super().__init__(timeout=1, allowed_protocols={"data"}, allow_redirects=False)

        def fetch(self, url, headers=None):
            if not str(url).lower().startswith("data:"):
                raise ValueError(f"aiaudit: refused to load {url[:80]!r} (feedback loads no external resources)")
            return super().fetch(url, headers)

    return DataOnlyFetcher
