"""The position index: the same lines and columns as the YAML node tree, without keeping the tree."""

from __future__ import annotations

import contextlib
import gc

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from aiaudit.diagnostics import DiagnosticError
from aiaudit.loading import _Loader, load_bytes


def reference(raw: bytes) -> tuple[dict, dict]:
    """Value and key positions by path, from a walk of libyaml's node tree (what the loader used to keep)."""
    values: dict[tuple, tuple[int, int]] = {}
    keys: dict[tuple, tuple[int, int]] = {}

    def walk(node, path):
        values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for k, v in node.value:
                if k.value in seen:
                    continue
                seen.add(k.value)
                keys[path + (k.value,)] = (k.start_mark.line + 1, k.start_mark.column + 1)
                walk(v, path + (k.value,))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                walk(v, path + (i,))

    walk(yaml.compose(raw.decode("utf-8"), Loader=_Loader), ())
    return values, keys


scalars = st.one_of(st.text(max_size=8), st.integers(-5, 5), st.booleans(), st.none())
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(min_size=1, max_size=6), children, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=6), trees, min_size=1, max_size=5), st.booleans())
def test_every_value_and_key_is_where_the_node_tree_says(data, flow):
    raw = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False).encode("utf-8")
    doc = load_bytes(raw, "f.yaml")
    values, keys = reference(raw)
    assert doc.positions == values
    for path, where in values.items():
        assert doc.position(path) == where
        assert doc.has(path)
        if path in keys:
            assert doc.position(path, key=True) == keys[path]
        else:  # sequence elements and the root have no key: the value's position
            assert doc.position(path, key=True) == where


def test_missing_paths_fall_back_to_the_nearest_parent():
    doc = load_bytes(b"kind: audit\nanswers:\n  TR-01:\n    status: met\n    evidence: [a, b]\n", "f.yaml")
    assert doc.position(("answers", "TR-01", "evidence", 1)) == (5, 19)
    assert doc.position(("answers", "TR-01", "evidence", 7)) == (5, 15)  # past the end of the list
    assert doc.position(("answers", "TR-01", "status", "deeper")) == (4, 13)  # below a scalar
    assert doc.position(("answers", 0)) == (3, 3)  # an index into a mapping
    assert doc.position(("answers", "TR-02"), key=True) == (3, 3)  # no key: the parent's value
    assert not doc.has(("answers", "TR-02")) and doc.has(("answers", "TR-01", "evidence", 1))
    assert doc.position() == (1, 1)


def test_alias_copies_report_the_anchor_and_duplicates_never_load():
    doc = load_bytes(b"base: &b {status: met}\nother: *b\n", "f.yaml")
    assert doc.data["other"] == {"status": "met"} and doc.data["other"] is not doc.data["base"]
    assert doc.position(("other", "status")) == doc.position(("base", "status")) == (1, 19)
    assert doc.position(("other",)) == doc.position(("base",)) == (1, 7)  # the anchored mapping itself
    with pytest.raises(DiagnosticError):
        load_bytes(b"a: 1\na: 2\n", "f.yaml")


def test_the_document_keeps_no_node_tree():
    doc = load_bytes(b"kind: audit\nanswers:\n  A: {status: met, notes: x}\n  B: [1, 2, {c: d}]\n", "f.yaml")
    seen, todo = set(), [doc]
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        assert not isinstance(obj, (yaml.Node, yaml.Mark)), obj
        todo.extend(gc.get_referents(obj))


@pytest.mark.parametrize("raw", [b"a: 1\n", b"a: [1,\n", b"a: 1\na: 2\n", b"- a\n"])
def test_the_collector_is_switched_back_on_after_a_load_good_or_bad(raw):
    assert gc.isenabled()
    with contextlib.suppress(DiagnosticError):
        load_bytes(raw, "f.yaml")
    assert gc.isenabled()
    gc.disable()  # and it stays off when the caller had switched it off
    try:
        load_bytes(b"a: 1\n", "f.yaml")
        assert not gc.isenabled()
    finally:
        gc.enable()
