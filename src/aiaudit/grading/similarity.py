"""Near-identical notes between teams: shingled Jaccard similarity over the notes of the same items.

A hint for the instructor, never a penalty. For every item, each team's note becomes a set of
character shingles (``rule.shingle`` characters, case-folded, whitespace collapsed, so Korean and
English work alike). Two teams' notes on the same item are near-identical when the Jaccard
similarity of their sets is at least ``rule.threshold``; a pair of teams is reported when at least
``rule.min_items`` items are.

The search is exact (it finds every pair a comparison of all pairs would find) and close to
linear in the class size:

* **prefix filtering** (AllPairs): shingles are ranked rarest first within the item; two notes can
  only reach the threshold if they share a shingle among the first ``|x| - ceil(t·|x|) + 1`` of the
  longer one, and among the first ``|y| - ceil(2t/(1+t)·|y|) + 1`` of the shorter one, which alone
  is indexed (PPJoin's shorter indexing prefix);
* a **length filter**: a note shorter than ``t·|x|`` shingles cannot match ``x``;
* candidates are **verified on bit sets**: each note's shingles are bits of one integer, so the
  overlap is one ``&`` and a population count instead of a set intersection of strings.

Items are independent, so :func:`item_matches` runs per item, and ``grade`` runs it in the worker
pool over notes spooled to disk (:class:`NoteSpool`): the parent process never holds the notes of
the whole class.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..records import record
from .rubric import SimilarityRule

EXCERPT_CHARS = 240
MAX_ITEMS_SHOWN = 10
_EPS = 1e-9  # prefix lengths round in favour of longer prefixes (never a missed pair)


@record
class ItemMatch:
    item_id: str
    score: float  # Jaccard 0..1
    a: str  # excerpt of team a's note
    b: str


@record
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


def item_matches(docs: list[tuple[int, str]], rule: SimilarityRule) -> list[tuple[int, int, float]]:
    """Every pair of notes on one item with Jaccard ≥ ``rule.threshold``: ``(rank, rank, score)``, lower rank first.

    ``docs`` holds ``(rank, note)`` with distinct ranks (the teams' display order).
    """
    if len(docs) < 2:
        return []
    t = rule.threshold
    sets = [shingles(note, rule.shingle) for _, note in docs]
    freq: Counter[str] = Counter()
    for s in sets:
        freq.update(s)
    # One order for every note of the item: rarest first, ties by the shingle's text (never by hash).
    order = sorted(freq, key=lambda tok: (freq[tok], tok))
    token_id = {tok: n for n, tok in enumerate(order)}
    nbytes = (len(order) >> 3) + 1
    records = []
    for (rank, _), s in zip(docs, sets, strict=True):
        ids = sorted([token_id[tok] for tok in s])
        bits = bytearray(nbytes)
        for i in ids:
            bits[i >> 3] |= 1 << (i & 7)
        records.append((len(ids), rank, ids, int.from_bytes(bits, "little")))
    records.sort(key=lambda r: (r[0], r[1]))
    index: dict[int, list[int]] = {}
    index_ratio = 2 * t / (1 + t)
    out = []
    for x, (size, rank, ids, mask) in enumerate(records):
        candidates: set[int] = set()
        get = index.get
        for tok in ids[: size - math.ceil(t * size - _EPS) + 1]:
            posting = get(tok)
            if posting:
                candidates.update(posting)
        min_size = t * size - _EPS
        for y in candidates:
            other_size, other_rank, _, other_mask = records[y]
            if other_size < min_size:  # too small to reach the threshold
                continue
            inter = (mask & other_mask).bit_count()
            score = inter / (size + other_size - inter)
            if score >= t - 1e-12:
                a, b = (rank, other_rank) if rank < other_rank else (other_rank, rank)
                out.append((a, b, round(score, 4)))
        for tok in ids[: size - math.ceil(index_ratio * size - _EPS) + 1]:
            posting = get(tok)
            if posting is None:
                index[tok] = [x]
            else:
                posting.append(x)
    return out


def similar_pairs(notes: dict[str, dict[str, str]], rule: SimilarityRule, order: list[str] | None = None) -> list[Pair]:
    """Pairs of teams with at least ``rule.min_items`` near-identical notes (all notes in memory).

    ``notes`` maps team → item id → note (already filtered to notes of at least ``rule.min_chars``).
    ``order`` is the teams' display order (pairs are named in that order); default: sorted.
    """
    if not rule.enabled:
        return []
    order = order or sorted(notes)
    names = list(order)
    by_item: dict[str, list[tuple[int, str]]] = {}
    for rank, team in enumerate(names):
        for item_id, note in notes.get(team, {}).items():
            by_item.setdefault(item_id, []).append((rank, note))
    matches: dict[tuple[int, int], list[tuple[str, float]]] = {}
    for item_id in sorted(by_item):
        for a, b, score in item_matches(by_item[item_id], rule):
            matches.setdefault((a, b), []).append((item_id, score))

    def note(rank: int, item_id: str) -> str:
        return notes[names[rank]][item_id]

    def compared(a: int, b: int) -> int:
        return len(notes[names[a]].keys() & notes[names[b]].keys())

    return build_pairs(matches, rule, names, note, compared)


def build_pairs(matches: dict[tuple[int, int], list[tuple[str, float]]], rule: SimilarityRule, names, note, compared) -> list:
    """The reported pairs from every matching item of every pair of team ranks."""
    pairs = []
    for (a, b), found in matches.items():
        if len(found) < rule.min_items:
            continue
        items = sorted(
            (ItemMatch(item_id, score, excerpt(note(a, item_id)), excerpt(note(b, item_id))) for item_id, score in found),
            key=lambda m: (-m.score, m.item_id),
        )
        pairs.append((a, b, Pair(names[a], names[b], tuple(items), compared(a, b))))
    pairs.sort(key=lambda p: (-len(p[2].items), -p[2].mean, p[0], p[1]))
    return [p for _, _, p in pairs]


# --- notes spooled to disk, for the worker pool ------------------------------------------------------


class NoteSpool:
    """The notes of the graded teams in an SQLite file: written by the parent, read by the workers.

    One row per (item, team rank). The parent adds each team's notes as its grade arrives and
    keeps none of them; a similarity task reads the notes of its items only.
    """

    def __init__(self, path: str | Path, create: bool = False):
        import sqlite3

        self.path = str(path)
        if create:
            self.db = sqlite3.connect(self.path, isolation_level=None)
            self.db.executescript(
                "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                "CREATE TABLE notes (item TEXT NOT NULL, rank INTEGER NOT NULL, note TEXT NOT NULL, PRIMARY KEY (item, rank))"
                " WITHOUT ROWID;"
            )
            self.db.execute("BEGIN")
        else:
            self.db = sqlite3.connect(f"file:{Path(self.path).as_posix()}?mode=ro", uri=True)

    def add(self, rank: int, notes: dict[str, str]) -> None:
        self.db.executemany("INSERT INTO notes VALUES (?, ?, ?)", [(item, rank, note) for item, note in notes.items()])

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def items(self) -> list[tuple[str, int]]:
        """Every item id with its number of notes, sorted by item id."""
        return self.db.execute("SELECT item, COUNT(*) FROM notes GROUP BY item ORDER BY item").fetchall()

    def docs(self, items: Iterable[str]) -> Iterator[tuple[str, list[tuple[int, str]]]]:
        """``(item id, [(rank, note), ...])`` for each of ``items``."""
        for item_id in items:
            yield item_id, self.db.execute("SELECT rank, note FROM notes WHERE item = ? ORDER BY rank", (item_id,)).fetchall()

    def note(self, rank: int, item_id: str) -> str:
        row = self.db.execute("SELECT note FROM notes WHERE item = ? AND rank = ?", (item_id, rank)).fetchone()
        return row[0] if row else ""

    def compared(self, a: int, b: int) -> int:
        """Items both teams wrote a note for."""
        query = "SELECT COUNT(*) FROM notes x JOIN notes y ON x.item = y.item WHERE x.rank = ? AND y.rank = ?"
        return self.db.execute(query, (a, b)).fetchone()[0]

    def close(self) -> None:
        self.db.close()


def spool_matches(task: tuple[str, list[str], SimilarityRule]) -> list[tuple[str, int, int, float]]:
    """A pool task: the matches of some items, read from the spool: ``(item id, rank, rank, score)``."""
    path, items, rule = task
    spool = NoteSpool(path)
    try:
        return [(item_id, a, b, score) for item_id, docs in spool.docs(items) for a, b, score in item_matches(docs, rule)]
    finally:
        spool.close()


def chunks(items: list[tuple[str, int]], parts: int) -> list[list[str]]:
    """Items split into about ``parts`` lists of similar total work (notes squared), in item order."""
    if not items:
        return []
    work = [n * n for _, n in items]
    share = sum(work) / max(parts, 1)
    out: list[list[str]] = [[]]
    load = 0.0
    for (item_id, _), w in zip(items, work, strict=True):
        if out[-1] and load + w > share * 1.05 and len(out) < parts:
            out.append([])
            load = 0.0
        out[-1].append(item_id)
        load += w
    return out
