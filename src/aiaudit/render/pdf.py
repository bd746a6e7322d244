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

#: Reports of more items than this are laid out in parts (:func:`pdf_in_parts`), so that memory
#: follows the size of a part, not of the report (WeasyPrint keeps every laid-out page until the
#: PDF is written: about 0.7 MiB per item).
PART_ITEMS = 700
#: How many HTML elements one part holds at most (about 150 items of the annex).
PART_ELEMENTS = 6000


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
    if not options.pdf_variant and len(evaluation.results) > PART_ITEMS:
        pdf = pdf_in_parts(html, fetcher, attachments, keywords=keywords)
        if pdf is not None:
            return pdf, fetcher
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


# --- large reports: laid out in parts ---------------------------------------------------------------

_XHTML = "{http://www.w3.org/1999/xhtml}"
_VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"))
_RAW = frozenset(("style", "script"))
_NS_PREFIX = {"http://www.w3.org/1999/xlink": "xlink:", "http://www.w3.org/XML/1998/namespace": "xml:"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _attr_name(name: str) -> str:
    if name.startswith("{"):
        ns, local = name[1:].split("}", 1)
        return _NS_PREFIX.get(ns, "") + local
    return name


def _escape(text: str, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


class _Split:
    """A parsed report cut into parts: each part is the whole page minus the units of other parts.

    A *unit* is the smallest piece of ``<main>`` kept whole: a top-level section when it is small,
    else its children, and in a large table its body rows (the table, its head and everything
    around the rows are repeated in every part that holds some of its rows). Outside ``<main>``,
    the cover (``id="cover"``, else the first element of ``<body>``) is repeated in every part, so that each part's
    first page is the cover, which is dropped from every part but the first; the rest (the table
    of contents) is in the first part only.
    """

    def __init__(self, html: str, budget: int):
        import tinyhtml5

        self.root = tinyhtml5.parse(html)
        body = self.root.find(f"{_XHTML}body")
        main = body.find(f"{_XHTML}main") if body is not None else None
        if body is None or main is None or len(body) < 2 or body[0] is main:
            raise ValueError("no <main> after a cover")
        # the cover: the element with id="cover", else the first element (a banner may come before it)
        cover = next((c for c in body if isinstance(c.tag, str) and c.get("id") == "cover"), body[0])
        self.body, self.main, self.cover = body, main, cover
        self.unit_of: dict[int, int] = {}  # id(element) -> unit number
        self.holds: dict[int, set[int]] = {}  # id(ancestor in main) -> the units below it
        self.weights: list[int] = []
        self.headings: list[bool] = []
        self._units(main, budget, [])
        groups: list[list[int]] = []
        load = budget + 1
        for unit, weight in enumerate(self.weights):
            if load + weight > budget and (not groups or groups[-1]):
                groups.append([])
                load = 0
            groups[-1].append(unit)
            load += weight
        for before, after in zip(groups, groups[1:], strict=False):  # a heading goes with what follows it
            while len(before) > 1 and self.headings[before[-1]]:
                after.insert(0, before.pop())
        self.parts: list[set[int]] = [set(g) for g in groups if g]
        self.toc_targets = {
            a.get("href", "")[1:]
            for child in body
            if child is not main and isinstance(child.tag, str)
            for a in child.iter(f"{_XHTML}a")
            if a.get("href", "").startswith("#")
        }

    def _units(self, element, budget: int, ancestors: list) -> None:
        children = [c for c in element if isinstance(c.tag, str)]
        if _local(element.tag) == "table":  # body rows are the units; head and caption repeat
            children = [r for c in children if _local(c.tag) == "tbody" for r in c] + [
                c for c in children if _local(c.tag) == "tr"
            ]
        chain = ancestors + [element]
        for child in children:
            if not isinstance(child.tag, str):
                continue
            weight = sum(1 for _ in child.iter())
            if weight > budget and len(child) and _local(child.tag) not in ("tr", *_RAW):
                self._units(child, budget, chain)
                continue
            unit = len(self.weights)
            self.weights.append(weight)
            self.headings.append(_local(child.tag) in ("h1", "h2", "h3", "h4", "h5", "h6"))
            self.unit_of[id(child)] = unit
            for ancestor in chain:
                self.holds.setdefault(id(ancestor), set()).add(unit)

    def html(self, part: int, css: str = "") -> str:
        """The HTML of one part, with ``css`` added at the end of ``<head>``."""
        keep = self.parts[part]
        out: list[str] = ["<!DOCTYPE html>"]

        def emit(element, inside_main: bool) -> None:
            key = id(element)
            if inside_main:
                if key in self.unit_of and self.unit_of[key] not in keep:
                    if element.tail:
                        out.append(_escape(element.tail))
                    return
                if key in self.holds and not (self.holds[key] & keep):
                    if element.tail:
                        out.append(_escape(element.tail))
                    return
            tag = _local(element.tag)
            attrs = "".join(f' {_attr_name(k)}="{_escape(v, True)}"' for k, v in element.attrib.items())
            out.append(f"<{tag}{attrs}>")
            if element.text:
                out.append(element.text if tag in _RAW else _escape(element.text))
            for child in element:
                if not isinstance(child.tag, str):
                    if child.tail:
                        out.append(_escape(child.tail))
                    continue
                if element is self.body and child is not self.cover and child is not self.main and part:
                    if child.tail:
                        out.append(_escape(child.tail))
                    continue
                emit(child, inside_main or child is self.main)
            if tag == "head" and css:
                out.append(f"<style>{css}</style>")
            if tag not in _VOID:
                out.append(f"</{tag}>")
            if element.tail:
                out.append(_escape(element.tail))

        emit(self.root, False)
        return "".join(out)

    def style(self) -> str:
        return "\n".join(e.text or "" for e in self.root.iter(f"{_XHTML}style"))


_MARGIN_BOX = re.compile(r"@((?:top|bottom|left|right)-[a-z-]+)\s*\{([^{}]*counter\(pages\)[^{}]*)\}")
_TARGET_RULE = re.compile(r"([^{}@;]+)\{([^{}]*target-counter\(attr\(href\),\s*page\)[^{}]*)\}")
_CONTENT = re.compile(r"content\s*:\s*([^;}]*)")


def _css_string(value: str) -> str:
    return '"' + "".join(f"\\{ord(c):x} " if c in '\\"<>&' or ord(c) < 0x20 else c for c in value) + '"'


def _part_css(style: str, reset: int | None, total: int, toc: dict[str, int]) -> str:
    """CSS that makes a part's page numbers those of the whole report.

    ``reset``: the page counter on the part's first page (its cover, dropped). ``counter(pages)``
    in page-margin boxes becomes ``total``; a ``target-counter(attr(href), page)`` rule (the table
    of contents) gets the page of each target in another part (``toc``: anchor -> page).
    """
    out = []
    if reset is not None:
        out.append(f"@page :first {{ counter-reset: page {reset}; }}")
    boxes = []
    for box, body in _MARGIN_BOX.findall(style):
        content = _CONTENT.search(body)
        if content:
            boxes.append(f"@{box} {{ content: {content.group(1).replace('counter(pages)', _css_string(str(total)))}; }}")
    if boxes:
        out.append("@page { " + " ".join(boxes) + " }")
    for selector, body in _TARGET_RULE.findall(style):
        content = _CONTENT.search(body)
        if not content:
            continue
        for sel in selector.split(","):
            sel = sel.strip()
            base, pseudo = (sel.rsplit("::", 1) + [""])[:2] if "::" in sel else (sel, "")
            for anchor, page in sorted(toc.items()):
                value = re.sub(r"target-counter\(attr\(href\),\s*page\)", _css_string(str(page)), content.group(1))
                target = _escape("#" + anchor, True).replace("\\", "\\\\")
                out.append(f'{base}[href="{target}"]{"::" + pseudo if pseudo else ""} {{ content: {value}; }}')
    return "\n".join(out)


def pdf_in_parts(
    html: str, fetcher, attachments=(), budget: int = PART_ELEMENTS, keywords: Iterable[str] = ()
) -> bytes | None:
    """The PDF of a large report, laid out in parts so that memory follows a part, not the report.

    The report's HTML is cut between units of ``<main>`` (see :class:`_Split`) into parts of at
    most ``budget`` elements. A first pass lays out each part alone and keeps only its page count
    and where its anchors and bookmarks fell; the second lays out each part again with its page
    numbers, the total and the table of contents' page numbers set for the whole report, writes
    it, and drops it. The parts are then joined (pypdf): links between parts, the outline and the
    attachments are rebuilt for the whole document. Every part but the first starts with a new
    page. Returns None when the report cannot be cut (then it is laid out in one piece).
    """
    weasyprint = _weasyprint()
    try:
        split = _Split(html, budget)
    except ValueError:
        return None
    if len(split.parts) < 2:
        return None
    logger = logging.getLogger("weasyprint")
    logger.addFilter(_other_parts)
    try:
        return _join_parts(weasyprint, split, fetcher, attachments, tuple(keywords))
    finally:
        logger.removeFilter(_other_parts)


def _drop_layout() -> None:
    """Free a laid-out part now. Its boxes and pages refer to each other, so only the cyclic
    collector frees them, and the console script makes that collector lazy (see
    ``aiaudit.cli.short_lived_collector``): without this, every part's layout stayed in memory
    until the report was written (a 2,000-item PDF peaked at 890 MiB instead of about 300)."""
    import gc

    gc.collect()


def _other_parts(record: logging.LogRecord) -> bool:
    """Links into another part are rebuilt after the join: WeasyPrint need not report them."""
    return not str(record.msg).startswith(("No anchor #", "Content discarded: target points to undefined anchor"))


def _join_parts(weasyprint, split: _Split, fetcher, attachments, keywords: tuple[str, ...] = ()) -> bytes | None:
    style = split.style()

    def layout(part: int, css: str):
        document = weasyprint.HTML(string=split.html(part, css), base_url=None, url_fetcher=fetcher, media_type="print")
        return document.render()

    # Pass 1: how many pages each part has, and on which of its pages each anchor is.
    kept_pages: list[int] = []
    anchor_page: dict[str, int] = {}
    for part in range(len(split.parts)):
        doc = layout(part, "")
        first = 0 if part == 0 else 1
        if part and (set(doc.pages[0].anchors) - set(_cover_anchors(split))):
            return None  # the first body element is not a page of its own: do not cut
        offset = sum(kept_pages)
        for n, page in enumerate(doc.pages[first:]):
            for name in page.anchors:
                anchor_page.setdefault(name, offset + n + 1)
        kept_pages.append(len(doc.pages) - first)
        page = doc = None
        _drop_layout()
    total = sum(kept_pages)

    # Pass 2: lay out each part with the whole report's numbers, write it, keep its links and outline.
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Link
    from pypdf.generic import Fit

    writer = PdfWriter()
    outline: list[tuple[int, str, int, float, float]] = []
    cross: list[tuple[int, tuple, str]] = []
    positions: dict[str, tuple[int, float, float]] = {}
    heights: list[float] = []
    for part in range(len(split.parts)):
        offset = sum(kept_pages[:part])
        toc = (
            {a: anchor_page[a] for a in split.toc_targets if a in anchor_page and anchor_page[a] > kept_pages[0]}
            if part == 0
            else {}
        )
        doc = layout(part, _part_css(style, offset if part else None, total, toc))
        if part == 0 and keywords:  # the first part's metadata becomes the whole PDF's
            doc.metadata.keywords = [*(doc.metadata.keywords or []), *keywords]
        first = 0 if part == 0 else 1
        pages = doc.pages[first:]
        local = {name for page in pages for name in page.anchors}
        for n, page in enumerate(pages):
            index = offset + n
            height = page.height * 0.75
            heights.append(height)
            for name, (x, y, _, _) in page.anchors.items():
                positions.setdefault(name, (index, x * 0.75, height - y * 0.75))
            for level, label, (x, y), _state in page.bookmarks:
                outline.append((level, label, index, x * 0.75, height - y * 0.75))
            for kind, target, rect, _box in page.links:
                if kind == "internal" and target not in local:
                    x1, y1, x2, y2 = rect
                    cross.append((index, (x1 * 0.75, height - y2 * 0.75, x2 * 0.75, height - y1 * 0.75), target))
        with _quiet():
            data = doc.copy(pages).write_pdf(attachments=attachments if part == 0 else None)
        page = doc = pages = None
        _drop_layout()
        reader = PdfReader(io.BytesIO(data))
        writer.append(reader, import_outline=False)
        if part == 0:
            writer.add_metadata({k: v for k, v in (reader.metadata or {}).items() if isinstance(v, str)})
            names = reader.trailer["/Root"].get("/Names")
            if names is not None and "/EmbeddedFiles" in names:
                from pypdf.generic import DictionaryObject, NameObject

                root = writer._root_object
                if "/Names" not in root:
                    root[NameObject("/Names")] = DictionaryObject()
                root["/Names"][NameObject("/EmbeddedFiles")] = names["/EmbeddedFiles"].clone(writer)
    for index, rect, target in cross:
        if target in positions:
            page, x, y = positions[target]
            writer.add_annotation(index, Link(rect=rect, target_page_index=page, fit=Fit.xyz(left=x, top=y)))
    parents: list[tuple[int, object]] = []
    for level, label, index, x, y in outline:
        while parents and parents[-1][0] >= level:
            parents.pop()
        parent = parents[-1][1] if parents else None
        item = writer.add_outline_item(title=label, page_number=index, parent=parent, fit=Fit.xyz(left=x, top=y))
        parents.append((level, item))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _cover_anchors(split: _Split) -> set[str]:
    return {e.get("id") for e in split.cover.iter() if isinstance(e.tag, str) and e.get("id")}
