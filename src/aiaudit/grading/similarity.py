"""Near-identical notes between teams: shingled Jaccard similarity over the notes of the same items.

A hint for the instructor, never a penalty. For every item, each team's note becomes a set of
character shingles (``rule.shingle`` characters, case-folded, whitespace collapsed, so Korean and
English work alike). Two teams' notes on the same item are near-identical when the Jaccard
similarity of their sets is at least ``rule.threshold``; a pair of teams is reported when at least
``rule.min_items`` items are. Candidate pairs come from prefix filtering (AllPairs): exact, no
false negatives, and far fewer comparisons than all pairs × all items.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from .rubric import SimilarityRule

EXCERPT_CHARS = 240
MAX_ITEMS_SHOWN = 10


@dataclass(frozen=True)
class ItemMatch:
    item_id: str
    score: float  # Jaccard 0..1
    a: str  # excerpt of team a's note
    b: str


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    items: tuple[ItemMatch, ...]  # every near-identical item, most similar first
    compared: int  # items both teams wrote a note for

    @property
    def mean(self) -> float:
        return sum(m.score for m in self.items) / len(self.items)

    @property
    def shown(self) -> tuple[ItemMatch, ...]:
        return self.items[:MAX_ITEMS_SHOWN]


def shingles(text: str, k: int) -> frozenset[str]:
    """Character k-shingles of ``text`` after case-folding and collapsing whitespace."""
    norm = " ".join(text.casefold().split())
    if len(norm) <= k:
        return frozenset((norm,))
    return frozenset([norm[i : i + k] for i in range(len(norm) - k + 1)])


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def similar_pairs(notes: dict[str, dict[str, str]], rule: SimilarityRule, order: list[str] | None = None) -> list[Pair]:
    """Pairs of teams with at least ``rule.min_items`` near-identical notes.

    ``notes`` maps team → item id → note (already filtered to notes of at least ``rule.min_chars``).
    ``order`` is the teams' display order (pairs are named in that order); default: sorted.
    """
    if not rule.enabled:
        return []
    order = order or sorted(notes)
    rank = {team: n for n, team in enumerate(order)}
    by_item: dict[str, list[str]] = {}
    for team in order:
        for item_id in notes.get(team, {}):
            by_item.setdefault(item_id, []).append(team)
    matches: dict[tuple[str, str], list[ItemMatch]] = {}
    for item_id in sorted(by_item):
        teams = by_item[item_id]
        if len(teams) < 2:
            continue
        docs = [(team, shingles(notes[team][item_id], rule.shingle)) for team in teams]
        for a, b, score in _all_pairs(docs, rule.threshold):
            if rank[a] > rank[b]:
                a, b = b, a
            match = ItemMatch(item_id, score, excerpt(notes[a][item_id]), excerpt(notes[b][item_id]))
            matches.setdefault((a, b), []).append(match)
    pairs = []
    for (a, b), found in matches.items():
        if len(found) < rule.min_items:
            continue
        found.sort(key=lambda m: (-m.score, m.item_id))
        compared = len(notes[a].keys() & notes[b].keys())
        pairs.append(Pair(a, b, tuple(found), compared))
    pairs.sort(key=lambda p: (-len(p.items), -p.mean, rank[p.a], rank[p.b]))
    return pairs


def _all_pairs(docs: list[tuple[str, frozenset[str]]], threshold: float):
    """Yield (team, team, jaccard) for every pair of documents with Jaccard ≥ threshold (prefix filtering)."""
    freq: Counter[str] = Counter()
    for _, toks in docs:
        freq.update(toks)
    rarity = freq.__getitem__
    # One global order for every document: rare tokens first, ties by token text (two stable sorts),
    # so the candidates (and the output) never depend on hashing.
    ordered = []
    for team, toks in docs:
        tokens = sorted(toks)
        tokens.sort(key=rarity)
        ordered.append((team, tokens, toks))
    ordered.sort(key=lambda d: (len(d[2]), d[0]))
    index: dict[str, list[int]] = {}
    for x, (team, tokens, toks) in enumerate(ordered):
        size = len(toks)
        prefix = size - math.ceil(threshold * size - 1e-9) + 1
        candidates: set[int] = set()
        for tok in tokens[:prefix]:
            posting = index.get(tok)
            if posting:
                candidates.update(posting)
            else:
                index[tok] = posting = []
            posting.append(x)
        for y in sorted(candidates):
            other_team, _, other = ordered[y]
            if len(other) < threshold * size - 1e-9:  # length filter: too small to reach the threshold
                continue
            inter = len(toks & other)
            score = inter / (size + len(other) - inter)
            if score >= threshold - 1e-12:
                yield other_team, team, round(score, 4)
