"""The quick forms of visible text, its length and reason keys agree with their definitions by Unicode category."""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from aiaudit.audit.justification import _NOT_KEY, reason_key
from aiaudit.text import _HIDDEN_CATEGORIES, _INVISIBLE_CHARS, visible, visible_length


def _visible_by_definition(text: str) -> str:
    raw = unicodedata.normalize("NFC", text).translate(_INVISIBLE_CHARS)
    kept = "".join(ch if ch.isspace() or unicodedata.category(ch) not in _HIDDEN_CATEGORIES else "" for ch in raw)
    return " ".join(kept.split())


def _key_by_definition(text: str) -> str:
    folded = _visible_by_definition(text).casefold()
    kept = "".join(ch if unicodedata.category(ch)[0] in "LNZ" or ch == "/" else " " for ch in folded)
    return " ".join(kept.split())


def test_the_key_pattern_keeps_exactly_letters_numbers_separators_and_slash() -> None:
    """Every code point: dropped by the pattern exactly when its category is not L, N or Z (whitespace aside)."""
    wrong = []
    for cp in range(sys.maxunicode + 1):
        ch = chr(cp)
        by_category = unicodedata.category(ch)[0] in "LNZ" or ch == "/"
        by_pattern = not _NOT_KEY.fullmatch(ch)
        if by_category != by_pattern and not ch.isspace():
            wrong.append(f"U+{cp:04X}")
    assert wrong == []


TEXTS = st.text(
    st.characters(blacklist_categories=())
    | st.sampled_from(["\u200b", "\u202e", "\u3164", "\u0301", "\t", "\n", "\x00", "가", "é"]),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_quick_forms_agree_with_the_definitions(text: str) -> None:
    seen = _visible_by_definition(text)
    assert visible(text) == seen
    assert visible_length(text) == sum(1 for ch in seen if unicodedata.category(ch) not in ("Mn", "Me"))
    assert reason_key(text) == _key_by_definition(text)


def test_examples() -> None:
    assert visible("a\u200bb  c\n") == "ab c"
    assert reason_key("N/A!!  (TBD)") == "n/a tbd"
    assert reason_key("해당 없음 — 내부 시범") == "해당 없음 내부 시범"
    assert visible_length("e\u0301") == 1  # composed to é
