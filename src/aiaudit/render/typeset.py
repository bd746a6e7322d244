"""Line breaking for the PDF: Korean on word boundaries, identifiers never at their hyphens.

Pango (under WeasyPrint 70) breaks Hangul between any two syllables and ignores
``word-break: keep-all``, so wrapped Korean lines split words mid-syllable (항/목, 프라이버/시). A
Korean reader expects breaks only at spaces, as browsers do under ``word-break: keep-all``. The
same layout engine breaks ``EUAIA-ART50-1`` after its hyphens.

:func:`keep_words` therefore inserts U+2060 WORD JOINER (zero width, no glyph, not extracted as
text) into the text of the rendered HTML:

* between every two characters of a word (a run of non-space characters, an eojeol) that holds a
  Hangul letter, so a Korean word stays on one line with its particles, brackets, punctuation and
  any Latin text in it (``관리표(evidence/findings.csv)에`` does not break at its ``/``);
* after a hyphen between two letters or digits (``ETH-01``, ``2026-11-18``, ``genai-baseline``).

It runs on the page after Jinja has escaped every value, and touches only text between tags: never
markup, attribute values, entities, ``<style>``, ``<title>`` or inline SVG. A word longer than its
line still breaks (the CSS keeps ``overflow-wrap: anywhere``), so nothing overflows. Headings get
their bookmark labels from a ``data-title`` attribute, which stays clean.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7a3\ud7b0-\ud7ff"
# Markup the pass must not enter: whole elements whose content is not flowing text, then any tag or comment.
_SKIP = re.compile(r"(<(style|script|title|svg|textarea)\b.*?</\2\s*>|<!--.*?-->|<[^>]*>)", re.DOTALL | re.IGNORECASE)
# A word of the text (text between tags holds no < or >), and its units: an entity (&amp;) stays whole.
_WORD = re.compile(r"\S+")
_UNIT = re.compile(r"&#?\w+;|.", re.DOTALL)
_JOIN_HYPHEN = re.compile(r"(?<=[A-Za-z0-9])-(?=[A-Za-z0-9])")


def keep_words(html: str) -> str:
    """``html`` with word joiners in its text so that lines break only between words (see the module doc)."""
    parts = _SKIP.split(html)
    out = []
    # re.split with two groups yields: text, whole match, inner group, text, ...
    for n in range(0, len(parts), 3):
        text = parts[n]
        if text:
            out.append(_join(text))
        if n + 1 < len(parts):
            out.append(parts[n + 1])
    return "".join(out)


def _join(text: str) -> str:
    if "-" in text:
        text = _JOIN_HYPHEN.sub("-" + WORD_JOINER, text)
    if _HAS_HANGUL.search(text):
        text = _WORD.sub(_join_word, text)
    return text


def _join_word(match: re.Match) -> str:
    word = match.group(0)
    if not _HAS_HANGUL.search(word):
        return word
    return WORD_JOINER.join(u for u in _UNIT.findall(word.replace(WORD_JOINER, "")))


_HAS_HANGUL = re.compile(f"[{_HANGUL}]")
