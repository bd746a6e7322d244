"""Whether a note is a real reason: the one rule that ``validate`` (an ``na`` answer needs a reason,
E402) and grading (the ``justified_ratio`` criterion) both apply.

A note is judged on what a reader sees (:func:`aiaudit.text.visible`): zero-width and other
invisible characters, controls and runs of whitespace count for nothing. It is *not* a reason when

* nothing visible is left (``missing``);
* it is a placeholder: no letter or digit at all, or a stock answer such as ``N/A``, ``none``,
  ``TBD``, ``-``, ``해당 없음`` (``placeholder``);
* the same text (compared without case, spacing or punctuation) is the note of
  :data:`BOILERPLATE_MIN` or more of the answers being judged: copied across many items, it says
  nothing about any one of them (``boilerplate``);
* it is shorter than the minimum asked for (``short``; grading's ``min_note_chars``, counted in
  visible characters, so Korean and English count alike).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from ..records import record
from ..text import seen_length, visible

#: A note used for this many answers (or more) among those judged is boilerplate.
BOILERPLATE_MIN = 4

#: Stock texts that fill the field without giving a reason (compared as :func:`reason_key` gives them).
PLACEHOLDERS = frozenset(
    {
        "na",
        "n a",
        "n/a",
        "not applicable",
        "none",
        "nothing",
        "no",
        "nope",
        "tbd",
        "todo",
        "to do",
        "tba",
        "later",
        "skip",
        "skipped",
        "x",
        "xx",
        "xxx",
        "test",
        "asdf",
        "lorem ipsum",
        "해당 없음",
        "해당없음",
        "없음",
        "미정",
        "추후",
        "추후 작성",
        "나중에",
    }
)

MISSING = "missing"
PLACEHOLDER = "placeholder"
BOILERPLATE = "boilerplate"
SHORT = "short"


@record
class Judgement:
    """What the rule made of one note: ``problem`` is None for a real reason."""

    problem: str | None
    length: int  # visible characters
    copies: int = 1  # answers judged together that carry the same text

    @property
    def ok(self) -> bool:
        return self.problem is None


#: What a reason key drops: anything but letters, numbers, separators and "/" (``\w`` is letters, numbers
#: and "_"; tests/audit/test_justification_keys.py checks this against the Unicode categories, code point by code point).
_NOT_KEY = re.compile(r"[^\w/]|_")


def reason_key(note: object) -> str:
    """A note reduced to what it says: visible text, case-folded, punctuation and symbols dropped."""
    return _key(visible(note))


def _key(seen: str) -> str:
    return " ".join(_NOT_KEY.sub(" ", seen.casefold()).split())


def is_placeholder(note: object) -> bool:
    """Whether a note only fills the field: no letter or digit, or a stock answer (``N/A``, ``TBD``, ...)."""
    return _placeholder(reason_key(note))


def _placeholder(key: str) -> bool:
    return not any(ch.isalnum() for ch in key) or key in PLACEHOLDERS or key.replace("/", " ") in PLACEHOLDERS


def judge(notes: Mapping[str, object], min_chars: int = 1) -> dict[str, Judgement]:
    """Judge the notes of several answers together (id → note); boilerplate is counted among them."""
    seen = {answer: visible(note) for answer, note in notes.items()}
    keys = {answer: _key(text) for answer, text in seen.items()}
    counts = Counter(key for key in keys.values() if key)
    out: dict[str, Judgement] = {}
    for answer in notes:
        length = seen_length(seen[answer])
        copies = counts.get(keys[answer], 0)
        if length == 0:
            problem: str | None = MISSING
        elif _placeholder(keys[answer]):
            problem = PLACEHOLDER
        elif copies >= BOILERPLATE_MIN:
            problem = BOILERPLATE
        elif length < max(1, min_chars):
            problem = SHORT
        else:
            problem = None
        out[answer] = Judgement(problem, length, copies)
    return out
