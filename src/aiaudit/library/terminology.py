"""Korean terminology: a table of preferred terms and the variants they replace, and a checker for texts.

The table is data (``checklists/terms/terms-ko.yaml``, see :data:`BUILTIN_TERMS`). Each rule names a
preferred term, the variants it replaces, either as literal strings (``forbidden``) or as regular
expressions (``patterns``, whose groups the preferred text may use as ``\\1``), a short bilingual
reason, and optionally a ``context`` that limits where the rule applies. :func:`find_violations` is a
pure function from a text to the variants found in it; ``aiaudit lint`` turns them into diagnostics.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from ..loading import load_file
from ..model import Text
from ..records import record

#: Where the built-in table lives, relative to the ``checklists`` data folder.
BUILTIN_TERMS = "terms/terms-ko.yaml"

_RULE_KEYS = {"preferred", "forbidden", "patterns", "reason", "context"}


class Violation(NamedTuple):
    """A variant found in a text: ``text[start:end] == found``; ``preferred`` is what to write instead."""

    start: int
    end: int
    found: str
    preferred: str


@record
class Term:
    """One rule of the table: write ``preferred`` instead of any of the variants."""

    preferred: str
    forbidden: tuple[str, ...] = ()
    patterns: tuple[re.Pattern[str], ...] = ()
    reason: Text | None = None
    #: Words or tags that limit the rule; empty: the rule applies everywhere.
    context: tuple[str, ...] = ()

    def applies(self, text: str, contexts: Iterable[str] = ()) -> bool:
        """Whether the rule applies to ``text``: it has no context, the text contains one of its context
        words, or the caller names one of them in ``contexts`` (e.g. a framework id or clause prefix)."""
        if not self.context:
            return True
        given = set(contexts)
        return any(word in given or word in text for word in self.context)

    def matches(self, text: str) -> list[Violation]:
        """Every occurrence of a variant in ``text`` (overlaps included; :func:`find_violations` resolves them)."""
        out: list[Violation] = []
        for variant in self.forbidden:
            start = text.find(variant)
            while start >= 0:
                out.append(Violation(start, start + len(variant), variant, self.preferred))
                start = text.find(variant, start + len(variant))
        for pattern in self.patterns:
            for m in pattern.finditer(text):
                if m.end() > m.start():
                    out.append(Violation(m.start(), m.end(), m.group(0), m.expand(self.preferred)))
        return [v for v in out if v.found != v.preferred]


def find_violations(text: str, terms: Iterable[Term], contexts: Iterable[str] = ()) -> list[Violation]:
    """The variants of ``terms`` found in ``text``, in text order, as ``(start, end, found, preferred)``.

    Where matches overlap, the longest one wins (``원격 생체인식 식별`` over ``원격 생체인식``), then the
    rule listed first. ``contexts`` names what the text belongs to, for rules with a ``context``.
    """
    contexts = tuple(contexts)
    found: list[tuple[int, int, int, Violation]] = []
    for rank, term in enumerate(terms):
        if term.applies(text, contexts):
            found.extend((v.start, -(v.end - v.start), rank, v) for v in term.matches(text))
    out: list[Violation] = []
    end = 0
    for _, _, _, v in sorted(found):
        if v.start >= end:
            out.append(v)
            end = v.end
    return out


def load_terms(path: str | Path) -> list[Term]:
    """The rules of a terms table (YAML, ``kind: terms``); :class:`ValueError` says what is wrong."""
    data = load_file(path).data
    if not isinstance(data, dict) or data.get("kind") != "terms" or not isinstance(data.get("terms"), list):
        raise ValueError(f"{path}: not a terms table (kind: terms, with a list of terms)")
    return [_term(raw, f"{path}: terms[{n}]") for n, raw in enumerate(data["terms"])]


def _term(raw: Any, where: str) -> Term:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: a rule is a mapping")
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    preferred = raw.get("preferred")
    if not isinstance(preferred, str) or not preferred.strip():
        raise ValueError(f"{where}: 'preferred' must be a non-empty string")
    forbidden = _strings(raw.get("forbidden", []), where, "forbidden")
    sources = _strings(raw.get("patterns", []), where, "patterns")
    if not forbidden and not sources:
        raise ValueError(f"{where}: give 'forbidden' variants or 'patterns'")
    if preferred in forbidden:
        raise ValueError(f"{where}: the preferred term {preferred!r} is also forbidden")
    patterns = []
    for source in sources:
        try:
            pattern = re.compile(source)
        except re.error as exc:
            raise ValueError(f"{where}: pattern {source!r}: {exc}") from None
        try:
            _check_groups(pattern, preferred)
        except IndexError as exc:
            raise ValueError(f"{where}: preferred {preferred!r} does not fit pattern {source!r}: {exc}") from None
        patterns.append(pattern)
    reason = raw.get("reason")
    if not (isinstance(reason, dict) and all(isinstance(reason.get(k), str) and reason[k].strip() for k in ("en", "ko"))):
        raise ValueError(f"{where}: 'reason' needs an English and a Korean text (en, ko)")
    context = _strings(raw.get("context", []), where, "context")
    return Term(preferred, tuple(forbidden), tuple(patterns), Text.of(reason), tuple(context))


def _check_groups(pattern: re.Pattern[str], preferred: str) -> None:
    for ref in re.findall(r"\\(\d+)", preferred):
        if int(ref) > pattern.groups:
            raise IndexError(f"no group {ref}")


def _strings(value: Any, where: str, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{where}: '{key}' must be a list of non-empty strings")
    return list(value)
