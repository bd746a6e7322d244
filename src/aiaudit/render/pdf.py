"""The PDF report through WeasyPrint: cover page, contents, bookmarks, page numbers, the audit embedded.

WeasyPrint is imported only here, and only when a PDF is asked for. Its URL fetcher is locked
down (:class:`LockedFetcher`): no network at all, and no files except those in the package's
templates folder and the evidence files the audit names. The report's own HTML never needs
more: its CSS and charts are inline and user text is escaped, so hostile answers cannot even
ask for a URL; the fetcher is the second wall.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import io
import logging
import mimetypes
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from ..audit.evaluation import Evaluation
from ..diagnostics import AiauditError
from ..i18n import Msg
from ..paths import data_dir
from .data import build
from .html import render_report
from .options import PDF_VARIANTS, ReportOptions

_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
#: The PDF keyword that records the embedded audit's sha256 (``aiaudit verify report.pdf`` compares it).
AUDIT_SHA256_KEYWORD = "aiaudit-audit-sha256:"
#: The start of the embedded audit's attachment description (followed by its sha256).
AUDIT_ATTACHMENT_DESCRIPTION = "Source audit (kind: audit), sha256 "


class PdfUnavailable(AiauditError):
    """WeasyPrint or its system libraries (Pango) cannot be loaded."""


def _weasyprint():
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # WeasyPrint prints install hints on failure
            import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango/GObject missing
        raise PdfUnavailable(Msg("report.pdf_unavailable", error=f"{type(exc).__name__}: {exc}")) from None
    return weasyprint


def locked_fetcher(allowed_files: Iterable[Path] = (), allowed_dirs: Iterable[Path] | None = None):
    """A WeasyPrint URL fetcher that never touches the network.

    It serves ``data:`` URLs, and ``file:`` URLs only for the files in ``allowed_files`` and files
    inside ``allowed_dirs`` (default: the package's templates folder), after resolving symlinks.
    Everything else is refused and recorded in the fetcher's ``refused`` list.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    files = frozenset(Path(p).resolve() for p in allowed_files)
    dirs = tuple(Path(p).resolve() for p in (allowed_dirs if allowed_dirs is not None else [data_dir("templates")]))

    class LockedFetcher(URLFetcher):
        def __init__(self):
            super().__init__(timeout=1, allowed_protocols={"data", "file"}, allow_redirects=False, fail_on_errors=False)
            self.refused: list[str] = []
            self.served: list[str] = []

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                from urllib.request import DataHandler, Request

                response = DataHandler().data_open(Request(url))
                body = response.read()
                self.served.append("data:")
                return URLFetcherResponse(url, body, {"Content-Type": response.headers.get("Content-Type", "")})
            if scheme == "file":
                parts = urlsplit(url)
                if parts.netloc not in ("", "localhost"):
                    return self._refuse(url)
                path = Path(url2pathname(unquote(parts.path))).resolve()
                if (path in files or any(path.is_relative_to(d) for d in dirs)) and path.is_file():
                    self.served.append(str(path))
                    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})
            return self._refuse(url)

        def _refuse(self, url):
            self.refused.append(url)
            raise ValueError(Msg("render.refused_url", url=repr(url[:200])))

    return LockedFetcher()


def hangul_font_missing(evaluation: Evaluation, lang: str) -> bool:
    """Whether the PDF will contain Korean text but no installed font can draw it."""
    if lang != "ko" and not _HANGUL.search(evaluation.audit.raw.decode("utf-8", "replace")):
        return False
    from .doctor import hangul_fonts

    return not hangul_fonts()


def render(evaluation: Evaluation, lang: str = "en", options: ReportOptions | None = None) -> bytes:
    """The PDF report as bytes."""
    return render_pdf(evaluation, lang, options)[0]


def render_pdf(evaluation: Evaluation, lang: str = "en", options: ReportOptions | None = None):
    """The PDF report and the fetcher used (its ``refused`` list shows what was blocked)."""
    options = options or ReportOptions()
    if options.pdf_variant is not None and options.pdf_variant not in PDF_VARIANTS:
        raise AiauditError(Msg("render.unknown_pdf_variant", variant=repr(options.pdf_variant), choices=", ".join(PDF_VARIANTS)))
    weasyprint = _weasyprint()
    report = build(evaluation, lang, options)
    html = render_report(report, lang, options, mode="pdf")
    fetcher = locked_fetcher(report.files.values())
    when = options.when()
    audit = evaluation.audit
    attachments = [
        weasyprint.Attachment(
            string=audit.raw,
            name=Path(audit.name).name or "audit.yaml",
            description=f"{AUDIT_ATTACHMENT_DESCRIPTION}{audit.sha256}",
            relationship="Source",
            created=when.replace(tzinfo=None),
            modified=when.replace(tzinfo=None),
        )
    ]
    if options.attach_evidence:
        seen = set()
        names = {Path(audit.name).name or "audit.yaml"}
        folder = Path(audit.name).resolve().parent
        for _label, path in sorted(report.files.items()):
            if path in seen:
                continue
            seen.add(path)
            name = attachment_name(path, folder, names)
            attachments.append(
                weasyprint.Attachment(
                    string=path.read_bytes(),
                    name=name,
                    description=f"Evidence {name}",
                    relationship="Supplement",
                    created=_mtime(path),
                    modified=_mtime(path),
                )
            )
    kwargs = {"attachments": attachments}
    if options.pdf_variant:
        kwargs["pdf_variant"] = options.pdf_variant
    keywords = [f"{AUDIT_SHA256_KEYWORD}{audit.sha256}"]
    return html_to_pdf(html, fetcher, keywords=keywords, **kwargs), fetcher


def attachment_name(path: Path, folder: Path, taken: set[str]) -> str:
    """The name of an embedded evidence file: its path relative to the audit's folder, with ``/``.

    A file outside the folder (``--allow-outside-evidence``) is named ``outside/<file name>``, so no
    absolute path of the machine that made the PDF is written into it. Names are unique (``-2``, ...).
    """
    try:
        name = path.relative_to(folder).as_posix()
    except ValueError:
        name = f"outside/{path.name}"
    base, n = name, 2
    while name in taken:
        stem, dot, ext = base.rpartition(".")
        name = f"{stem}-{n}.{ext}" if dot and stem else f"{base}-{n}"
        n += 1
    taken.add(name)
    return name


def html_to_pdf(html: str, fetcher=None, keywords: Iterable[str] = (), **write_options) -> bytes:
    """A PDF of HTML through WeasyPrint, loading nothing but what ``fetcher`` allows (default: ``data:`` URLs only).

    ``keywords`` are added to the PDF's Keywords (Info dictionary and XMP).
    """
    weasyprint = _weasyprint()
    fetcher = fetcher if fetcher is not None else locked_fetcher(allowed_files=(), allowed_dirs=())
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher, media_type="print").render()
    if keywords:
        document.metadata.keywords = [*(document.metadata.keywords or []), *keywords]
    with _quiet():
        return document.write_pdf(**write_options)


def _mtime(path: Path) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(path.stat().st_mtime)


class _quiet:
    """Silence WeasyPrint's fontTools-subsetting deprecation notice (it goes away with libharfbuzz-subset)."""

    def __enter__(self):
        import warnings

        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("ignore", DeprecationWarning)
        logger = logging.getLogger("fontTools")
        self._level = logger.level
        logger.setLevel(logging.ERROR)
        return self

    def __exit__(self, *exc):
        logging.getLogger("fontTools").setLevel(self._level)
        return self._warnings.__exit__(*exc)
