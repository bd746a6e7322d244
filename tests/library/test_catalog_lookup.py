"""framework_of finds a clause's framework by dict lookups; the answer is the longest matching prefix, as it always was."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from aiaudit.library.catalog import framework_id_of, framework_of, frameworks


def _by_scan(clause_id: str):
    best = None
    for fw in frameworks().values():
        if clause_id.startswith(fw.prefix + "-") and (best is None or len(fw.prefix) > len(best.prefix)):
            best = fw
    return best


def test_every_catalog_clause_belongs_to_its_framework():
    for fw in frameworks().values():
        for clause in fw.clauses:
            assert framework_of(clause.id) is fw


_PREFIXES = sorted({fw.prefix for fw in frameworks().values()}) + ["", "X", "KR"]


@given(st.sampled_from(_PREFIXES), st.text(alphabet="-AB1", max_size=6))
def test_lookup_agrees_with_a_scan_of_every_prefix(prefix, rest):
    clause_id = prefix + rest
    scanned = _by_scan(clause_id)
    assert framework_of(clause_id) is scanned
    assert framework_id_of(clause_id) == (scanned.id if scanned is not None else None)
