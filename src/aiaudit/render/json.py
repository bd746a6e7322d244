"""The JSON report: the report model as one JSON document (schema: ``aiaudit schema report``)."""

from __future__ import annotations

import json

from ..audit.evaluation import Evaluation
from .data import build
from .options import ReportOptions


def render(evaluation: Evaluation, lang: str = "en", options: ReportOptions | None = None) -> bytes:
    """The JSON report as UTF-8 bytes (``kind: report``, ``format: 1``)."""
    data = build(evaluation, lang, options).data
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
