"""Line breaking for the PDF: Korean on word boundaries, identifiers never at their hyphens.

Pango (under WeasyPrint 70) breaks Hangul between any two syllables and ignores
``word-break: keep-all``, so wrapped Korean lines split words mid-syllable (항/목, 프라이버/시). A
Korean reader expects breaks only at spaces, as browsers do under ``word-break: keep-all``. The
same layout engine breaks ``EUAIA-ART50-1`` after its hyphens.

:func:`keep_words` therefore inserts U+2060 WORD JOINER (zero width, no glyph, not extracted as
text) into the text of the rendered HTML:

* between two adjacent non-space characters when either is a Hangul letter, so a Korean word
  (with its particles, brackets and punctuation) stays on one line;
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
# Between two non-space characters, one of them Hangul. Entities (&amp;) are ASCII, so a position next to
# a Hangul letter is never inside one; text between tags holds no < or >.
_JOIN_HANGUL = re.compile(rf"(?<=[{_HANGUL}])(?=[^\s<])|(?<=[^\s>])(?=[{_HANGUL}])")
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
        text = _JOIN_HANGUL.sub(WORD_JOINER, text)
    return text


_HAS_HANGUL = re.compile(f"[{_HANGUL}]")
