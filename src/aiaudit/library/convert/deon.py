"""deon checklists (https://deon.drivendata.org) → aiaudit checklists.

A deon checklist is ``title`` plus ``sections``, each with ``title``, ``section_id`` and ``lines``;
a line has ``line_id``, ``line`` (the question) and ``line_summary``. The conversion:

* ids: the checklist id is chosen by the caller; each line becomes item ``<PREFIX>-<line_id>``
  (``A.1`` → ``DEON-A-1``); each section gets an id from its title (``Data Collection`` →
  ``data-collection``); clashes get a numeric suffix.
* texts: deon checklists are English. Text of deon's own default checklist gets the Korean from
  ``deon_ko.json``; any other item keeps the English text in ``ko`` as well and is tagged
  ``needs-translation`` (lint reports those items in one W303 warning until someone translates
  them and drops the tag); other texts get "(번역 필요)" appended in Korean.
* guidance and remediation, which deon does not have, come from generic bilingual templates.
* severity ``medium``, weight 1, evidence ``optional``, no ``applies_when``.
* refs and principle: deon lines cite no clause, so both are chosen by a keyword heuristic
  (``_LINE_RULES``: consent/PII → HLEG-R3.1, NIST-TC-6 ...; bias/fair → HLEG-R5.1, NIST-TC-7 ...),
  falling back on the section title (``_SECTION_RULES``: data collection → HLEG-R3.2, NIST-MAP-1 ...)
  and finally on NIST-GOVERN-1 and HLEG-R7. Only ids present in the catalog are kept, so the result
  always lints. The mapping is a starting point for a human to review, not a legal analysis.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from ...diagnostics import AiauditError, DiagnosticError
from ...i18n import Msg, t
from ...loading import DEFAULT_MAX_BYTES, Document, load_file
from ...schemas import _convert as _schema_error  # the core's error → diagnostic mapping, reused
from ..catalog import clause_index
from ..lint import NEEDS_TRANSLATION

MAX_REFS = 4

#: The deon checklist format (deon 0.3 ``parser.py`` reads exactly these keys; others are ignored).
SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "minLength": 1},
        "sections": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "title": {"type": "string", "minLength": 1},
                    "section_id": {"type": ["string", "integer"]},
                    "lines": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "properties": {
                                "line_id": {"type": ["string", "number"]},
                                "line": {"type": "string", "minLength": 1, "pattern": "\\S"},
                                "line_summary": {"type": "string"},
                            },
                            "required": ["line_id", "line"],
                        },
                    },
                },
                "required": ["title", "lines"],
            },
        },
    },
    "required": ["title", "sections"],
}

# (pattern, principle, refs): matched against a line's summary first, then its text.
_LINE_RULES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (r"consent|personal|\bpii\b|privacy|anonymi[sz]|forgotten|de-?identif", "privacy", ("HLEG-R3.1", "NIST-TC-6", "OECD-P1.2")),
    (r"bias|fair|discriminat|disparate|protected group|prox(y|ies)|stereotyp", "fairness", ("HLEG-R5.1", "NIST-TC-7")),
    (r"collect|survey|retention|retain|delete|dataset|data quality|storage", "privacy", ("HLEG-R3.2", "ISO42001-A7")),
    (r"secur|encrypt|access control|access log", "safety", ("HLEG-R2.1", "NIST-TC-3")),
    (r"stakeholder|communit|subject matter expert|blind ?spot|perspective", "fairness", ("HLEG-R5.3", "NIST-GOVERN-5")),
    (r"explain|interpret|justification", "transparency", ("HLEG-R4.2", "NIST-TC-5")),
    (r"communicat|visuali[sz]|honest|shortcoming|limitation|disclos", "transparency", ("HLEG-R4.3", "NIST-TC-4")),
    (r"document|reproducib|auditab", "accountability", ("HLEG-R7.1", "HLEG-R4.1")),
    (r"metric|optimi[sz]", "ethics", ("NIST-MEASURE-1", "NIST-MEASURE-2")),
    (r"harm|redress|remed|appeal|complain", "accountability", ("HLEG-R7", "NIST-MANAGE-4")),
    (r"roll ?back|turn off|shut ?down|kill switch|fall-?back|decommission", "safety", ("HLEG-R2.4", "OECD-P1.4")),
    (r"drift|monitor", "safety", ("NIST-MEASURE-3", "ISO42001-A6")),
    (r"unintended use|misuse|abuse|dual[- ]use", "safety", ("HLEG-R2.2", "ISO42001-A9")),
    (r"accura|robust|error rate|reliab", "safety", ("HLEG-R2.3", "NIST-TC-1")),
)

# (pattern, principle, refs): matched against a section title.
_SECTION_RULES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (r"collect", "privacy", ("HLEG-R3.2", "NIST-MAP-1")),
    (r"stor|retention", "privacy", ("HLEG-R3.2", "HLEG-R3.1")),
    (r"analys", "accountability", ("NIST-MEASURE-1", "HLEG-R7.1")),
    (r"model", "fairness", ("NIST-MEASURE-2", "HLEG-R2.3")),
    (r"deploy|production|operat|monitor", "safety", ("NIST-MANAGE-1", "ISO42001-A6")),
)
_DEFAULT = ("ethics", ("NIST-GOVERN-1", "HLEG-R7"))


def convert(source: str | Path, checklist_id: str, prefix: str, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """The aiaudit checklist, as plain data, for the deon checklist at ``source``."""
    doc = _load(source, max_bytes)
    data = doc.data
    known = clause_index()
    sections: list[dict[str, Any]] = []
    section_ids: set[str] = set()
    item_ids: set[str] = set()
    count = 0
    for s_idx, sec in enumerate(data["sections"]):
        title = sec["title"].strip()
        sec_principle, sec_refs = _match(_SECTION_RULES, title) or _DEFAULT
        items = []
        for l_idx, line in enumerate(sec["lines"]):
            question = " ".join(line["line"].split())
            summary = " ".join(str(line.get("line_summary") or "").split()) or _short(question)
            line_id = str(line["line_id"]).strip()
            principle, refs = _line_mapping(summary, question, sec_principle, sec_refs, known)
            ko_question = _korean(question)
            item: dict[str, Any] = {
                "id": _unique(_item_id(prefix, line_id, s_idx, l_idx), item_ids, sep="-"),
                "question": {"en": question, "ko": ko_question or question},
                "guidance": {
                    "en": t("library.convert.guidance", "en", line_id=line_id, summary=summary),
                    "ko": t("library.convert.guidance", "ko", line_id=line_id, summary=_korean(summary) or summary),
                },
                "severity": "medium",
                "evidence": "optional",
                "principle": principle,
                "refs": refs,
                "remediation": {"en": t("library.convert.remediation", "en"), "ko": t("library.convert.remediation", "ko")},
                "tags": ["deon"] if ko_question else ["deon", NEEDS_TRANSLATION],
            }
            items.append(item)
        count += len(items)
        sections.append(
            {
                "id": _unique(_section_id(title, sec.get("section_id"), s_idx), section_ids, sep="-"),
                "principle": sec_principle,
                "title": _bilingual(title),
                "items": items,
            }
        )
    title = " ".join(data["title"].split())
    return {
        "kind": "checklist",
        "id": checklist_id,
        "version": "0.1.0",
        "title": _bilingual(title),
        "description": {
            "en": t("library.convert.description", "en", title=title, items=count),
            "ko": t("library.convert.description", "ko", title=_korean(title) or title, items=count),
        },
        "sections": sections,
    }


def _load(source: str | Path, max_bytes: int) -> Document:
    """Load a deon file safely and check its shape; one diagnostic per problem, with its position."""
    doc = load_file(source, max_bytes=max_bytes)
    problems = []
    for error in Draft202012Validator(SCHEMA).iter_errors(doc.data):
        problems.extend(_schema_error(doc, error))
    if problems:
        raise DiagnosticError(problems)
    return doc


def _line_mapping(
    summary: str, question: str, sec_principle: str, sec_refs: tuple[str, ...], known: dict
) -> tuple[str, list[str]]:
    """The principle and clause refs for one deon line (see the module docstring)."""
    hits = [rule for text in (summary, question) for rule in _LINE_RULES if re.search(rule[0], text, re.IGNORECASE)]
    principle = hits[0][1] if hits else sec_principle
    refs: list[str] = []
    for candidates in ([r for h in hits for r in h[2]], sec_refs, _DEFAULT[1]):
        refs = list(dict.fromkeys(r for r in candidates if r in known))[:MAX_REFS]
        if refs:
            break
    else:
        raise AiauditError(Msg("convert.catalog_incomplete"))
    return principle, refs


def _match(rules: tuple, text: str) -> tuple[str, tuple[str, ...]] | None:
    for pattern, principle, refs in rules:
        if re.search(pattern, text, re.IGNORECASE):
            return principle, refs
    return None


@cache
def _translations() -> dict[str, str]:
    raw = (Path(__file__).with_name("deon_ko.json")).read_text(encoding="utf-8")
    return json.loads(raw)["texts"]


def _korean(text: str) -> str | None:
    """The Korean for a text of deon's default checklist, or None."""
    return _translations().get(" ".join(text.split()))


def _bilingual(text: str) -> dict[str, str]:
    text = " ".join(text.split())
    return {"en": text, "ko": _korean(text) or t("library.convert.untranslated", "ko", text=text)}


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _section_id(title: str, section_id: object, index: int) -> str:
    slug = _slug(title)[:60].strip("-") or _slug(str(section_id or ""))[:60].strip("-")
    if not slug:
        return f"section-{index + 1}"
    return slug if slug[0].isalpha() else f"s-{slug}"[:64]


def _item_id(prefix: str, line_id: str, s_idx: int, l_idx: int) -> str:
    part = re.sub(r"[^A-Z0-9]+", "-", line_id.upper()).strip("-")
    candidate = f"{prefix}-{part}" if part else ""
    return candidate if candidate and len(candidate) <= 36 else f"{prefix}-{s_idx + 1}-{l_idx + 1}"


def _unique(value: str, seen: set[str], sep: str) -> str:
    out, n = value, 2
    while out in seen:
        out = f"{value}{sep}{n}"
        n += 1
    seen.add(out)
    return out
