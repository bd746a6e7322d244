"""The per-item similarity join is exact: every pair a comparison of all pairs finds, no other, same scores."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from aiaudit.grading.rubric import SimilarityRule
from aiaudit.grading.similarity import NoteSpool, chunks, item_matches, shingles, similar_pairs, spool_matches

WORDS = ["model", "review", "log", "data", "safe", "모델", "검토", "기록", "데이터", "a", "the", "prompt"]


def brute(docs: list[tuple[int, str]], rule: SimilarityRule) -> list[tuple[int, int, float]]:
    out = []
    for (ra, a), (rb, b) in itertools.combinations(docs, 2):
        x, y = shingles(a, rule.shingle), shingles(b, rule.shingle)
        score = len(x & y) / len(x | y)
        if score >= rule.threshold - 1e-12:
            out.append((min(ra, rb), max(ra, rb), round(score, 4)))
    return sorted(out)


def near_copies(rnd: random.Random, n: int) -> list[tuple[int, str]]:
    """``n`` notes: some originals, the rest copies with a few words changed, added or removed."""
    originals = [" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 30))) for _ in range(max(1, n // 4))]
    docs = []
    for rank in range(n):
        words = rnd.choice(originals).split()
        for _ in range(rnd.randint(0, 4)):
            action = rnd.random()
            if action < 0.4 and words:
                words[rnd.randrange(len(words))] = rnd.choice(WORDS)
            elif action < 0.7:
                words.insert(rnd.randint(0, len(words)), rnd.choice(WORDS))
            elif words:
                words.pop(rnd.randrange(len(words)))
        docs.append((rank * 3 + 1, " ".join(words) or "x"))  # ranks need not be contiguous
    rnd.shuffle(docs)
    return docs


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 10_000),
    st.integers(2, 60),
    st.sampled_from([0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.0]),
    st.integers(1, 7),
)
def test_item_matches_equals_brute_force(seed, n, threshold, k):
    rule = SimilarityRule(threshold=threshold, shingle=k)
    docs = near_copies(random.Random(seed), n)
    assert sorted(item_matches(docs, rule)) == brute(docs, rule)


def test_identical_notes_match_every_pair_and_short_notes_still_compare():
    rule = SimilarityRule()
    docs = [(r, "the same note, word for word, in every team") for r in range(5)] + [(9, "tiny"), (7, "tiny")]
    got = sorted(item_matches(docs, rule))
    assert got == brute(docs, rule) and len(got) == 11
    assert item_matches(docs[:1], rule) == [] and item_matches([], rule) == []


def test_the_spool_gives_the_same_pairs_as_memory(tmp_path):
    rnd = random.Random(5)
    teams = [f"team-{n:02d}" for n in range(30)]
    notes = {team: {} for team in teams}
    for item in range(8):
        for rank, text in near_copies(rnd, len(teams)):
            notes[teams[rank // 3]][f"I-{item}"] = text
    rule = SimilarityRule(threshold=0.7, min_items=2)
    spool = NoteSpool(tmp_path / "notes.sqlite", create=True)
    for rank, team in enumerate(teams):
        spool.add(rank, notes[team])
    spool.commit()
    items = spool.items()
    matches: dict = {}
    for part in chunks(items, 3):
        for item_id, a, b, score in spool_matches((spool.path, part, rule)):
            matches.setdefault((a, b), []).append((item_id, score))
    from aiaudit.grading.similarity import build_pairs

    from_spool = build_pairs(matches, rule, dict(enumerate(teams)), spool.note, spool.compared)
    spool.close()
    assert from_spool == similar_pairs(notes, rule, order=teams) != []


def test_chunks_keep_item_order_and_cover_every_item():
    items = [(f"I-{n:02d}", n % 7 + 1) for n in range(20)]
    parts = chunks(items, 4)
    assert [i for part in parts for i in part] == [i for i, _ in items]
    assert 1 < len(parts) <= 4 and chunks([], 4) == [] and chunks(items, 1) == [[i for i, _ in items]]
