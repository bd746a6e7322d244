"""The two schema validators agree on every input: the compiled one (jsonschema-rs, the fast path
for valid files) and the pure-Python one (which says what is wrong). A document that one accepts and
the other rejects would pass ``validate`` without a word, or be refused with no reason.

Inputs are valid documents of every kind, mutated at random paths with hostile values: NaN and
infinities, huge integers, strings with a trailing newline or non-ASCII digits, wrong types, missing
and extra keys. ``AIAUDIT_FUZZ_EXAMPLES`` raises the number of cases (see docs/security.md).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiaudit import schemas
from aiaudit.loading import load_file
from aiaudit.paths import PACKAGE_DIR, data_dir

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("AIAUDIT_FUZZ_EXAMPLES", "150"))


def _documents() -> dict[str, list[dict]]:
    docs: dict[str, list[dict]] = {k: [] for k in ("audit", "checklist", "framework", "policy", "rubric", "report")}
    paths = [
        ROOT / "tests/fixtures/mini/audit.yaml",
        ROOT / "examples/support-chatbot/audit.yaml",
        ROOT / "tests/fixtures/mini/mini-checklist.yaml",
        *sorted(data_dir("checklists").glob("*.yaml"))[:3],
        *sorted((data_dir("checklists") / "frameworks").glob("*.yaml"))[:3],
        *sorted((PACKAGE_DIR / "presets").glob("*/*.yaml")),
    ]
    for path in paths:
        data = load_file(path).data
        docs[data["kind"]].append(data)
    from aiaudit.audit.evaluation import evaluate
    from aiaudit.audit.load import load_audit
    from aiaudit.render.data import build

    docs["report"].append(json.loads(json.dumps(build(evaluate(load_audit(paths[0]))).data)))
    return docs


DOCUMENTS = _documents()
KINDS = sorted(DOCUMENTS)

#: Values a hostile file could hold where a valid one has something else.
hostile_scalars = st.one_of(
    st.sampled_from(
        [
            math.nan,
            math.inf,
            -math.inf,
            2**64,
            -(2**63) - 1,
            10**30,
            0,
            -1,
            1.5,
            True,
            None,
            "",
            " ",
            "2026-02-30",
            "2026-11-20\n",
            "٢٠٢٦-١١-٢٠",
            "1.0.0\n",
            "met",
            "na",
            "x" * 300,
            "\u200b",
            "\x1b]52;c;aGk=\x07",
            "a" * 64 + "\n",
            "0" * 64,
            "TR-01\n",
            "https://example.org",
        ]
    ),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=20),
)
hostile_values = st.recursive(
    hostile_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6,
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


def _copy(value):
    return json.loads(json.dumps(value))


_ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _near(value, draw):
    """A hostile value close to ``value``: the edge cases where validators tend to differ."""
    if isinstance(value, bool):
        return draw(st.sampled_from([0, 1, "true", None]))
    if isinstance(value, (int, float)):
        return draw(st.sampled_from([math.nan, math.inf, -math.inf, 2**64, -(2**64), 10**30, -1, 0.5, 1e308, value + 0.5]))
    if isinstance(value, str):
        return draw(
            st.sampled_from(
                [value + "\n", "\n" + value, value.translate(_ARABIC), "", value + " ", value.upper(), value + "\u200b"]
            )
        )
    return draw(hostile_values)


@st.composite
def mutated(draw):
    kind = draw(st.sampled_from(KINDS))
    doc = _copy(draw(st.sampled_from(DOCUMENTS[kind])))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        path = draw(st.sampled_from(paths))
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["near", "near", "near", "replace", "delete", "add"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=10))] = draw(hostile_values)
        elif action == "near":
            parent[path[-1]] = _near(parent[path[-1]], draw)
        else:
            parent[path[-1]] = draw(hostile_values)
    return kind, doc


def _slow_valid(kind: str, data) -> bool:
    return next(iter(schemas.validator(kind).iter_errors(data)), None) is None


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated())
def test_fast_and_slow_validators_agree_on_mutated_documents(case):
    kind, data = case
    assert schemas.is_valid(kind, data) == _slow_valid(kind, data), (kind, data)


@pytest.mark.parametrize("kind", KINDS)
def test_the_unmutated_documents_are_valid(kind):
    for data in DOCUMENTS[kind]:
        assert schemas.is_valid(kind, data) and _slow_valid(kind, data)


@pytest.mark.parametrize(
    "value",
    [math.nan, math.inf, -math.inf, "2026-11-20\n", "٢٠٢٦-١١-٢٠"],
    ids=["nan", "inf", "-inf", "trailing-newline", "arabic-digits"],
)
def test_known_disagreements_are_closed(value):
    policy = _copy(DOCUMENTS["policy"][0])
    if isinstance(value, float):
        policy.setdefault("rules", {}).setdefault("min_score", {})["overall"] = value
    else:
        policy["waivers"] = [{"item": "TR-01", "reason": "r", "approver": "a", "expires": value}]
    assert not schemas.is_valid("policy", policy)
    assert not _slow_valid("policy", policy)
