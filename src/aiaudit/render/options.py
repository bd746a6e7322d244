"""How a report is rendered: the options every renderer takes."""

from __future__ import annotations

import datetime as _dt
import os

from ..records import record

#: PDF variants ``--pdf-variant`` accepts. PDF/A-3 is the part of PDF/A that allows the embedded audit YAML.
PDF_VARIANTS = ("pdf/a-3b", "pdf/a-3u", "pdf/ua-1")


@record
class ReportOptions:
    """How to render a report; every field has a sensible default."""

    #: When the report was generated; default: $SOURCE_DATE_EPOCH if set (reproducible builds), else now.
    generated: _dt.datetime | None = None
    #: Evidence files may lie outside the audit's folder (mirrors ``--allow-outside-evidence``).
    allow_outside_evidence: bool = False
    #: Show image evidence (PNG, JPEG, GIF, WebP up to ``image_max_bytes``) as thumbnails.
    evidence_images: bool = True
    image_max_bytes: int = 2_000_000
    #: All thumbnails of one report together (each image is inlined once, however often it is cited).
    images_total_max_bytes: int = 20_000_000
    #: PDF only: a PDF/A or PDF/UA variant (see :data:`PDF_VARIANTS`), or None for plain PDF.
    pdf_variant: str | None = None
    #: PDF only: also embed the evidence files the audit names (the audit YAML is always embedded).
    attach_evidence: bool = False
    #: The policy that judges readiness (a file or preset:NAME); None: the checklist's, else preset:genai-baseline.
    policy: str | None = None
    #: PDF only: also print the long annexes (framework crosswalk, every item). The HTML always has
    #: them (collapsed); the default PDF is the deliverable without them.
    full: bool = False

    def when(self) -> _dt.datetime:
        """The generation time, in UTC."""
        if self.generated is not None:
            stamp = self.generated
            return stamp if stamp.tzinfo else stamp.replace(tzinfo=_dt.timezone.utc)
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if epoch.isdigit():
            return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc)
        return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
