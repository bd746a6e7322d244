"""The safe loader: positions, limits and every hostile input as a diagnostic, quickly."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiaudit.diagnostics import DiagnosticError
from aiaudit.loading import MAX_DEPTH, is_float, is_int, load_bytes, load_file

BOMB = b"""a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def problem(raw: bytes, **kwargs):
    with pytest.raises(DiagnosticError) as info:
        load_bytes(raw, "f.yaml", **kwargs)
    (diag,) = info.value.diagnostics[:1]
    return diag


def test_yaml12_core_schema_numbers():
    doc = load_bytes(b"a: [0o17, 0x1f, 0123, 1_000, 1:20, +3, -2.5e3, '5', !!str 7, !!int 8, Null, '']\n", "f.yaml")
    assert doc.data["a"][:7] == [15, 31, 123, "1_000", "1:20", 3, -2500.0]
    assert doc.data["a"][7:] == ["5", "7", 8, None, ""]
    # .inf and .nan are core-schema floats, but no aiaudit file has a use for them: E108 (tests/hostile)


def test_positions_are_one_based_for_values_and_keys():
    doc = load_bytes(b"kind: audit\nanswers:\n  TR-01:\n    status: met\n", "f.yaml")
    assert doc.position(("answers", "TR-01", "status")) == (4, 13)
    assert doc.position(("answers", "TR-01"), key=True) == (3, 3)
    # an unknown path falls back to the nearest parent
    assert doc.position(("answers", "TR-01", "notes")) == (4, 5)


def test_yaml12_scalars_dates_stay_strings_and_only_true_false_are_booleans():
    doc = load_bytes(b"a: [yes, NO, on, true, False, 2026-01-02, 1.5, 3, ~]\n", "f.yaml")
    assert doc.data["a"] == ["yes", "NO", "on", True, False, "2026-01-02", 1.5, 3, None]


@pytest.mark.parametrize(
    ("raw", "code", "line", "col"),
    [
        (b"a: 1\nb: 2\na: 3\n", "E102", 3, 1),
        (b"a: !!python/object/apply:os.system [echo hi]\n", "E103", 1, 4),
        (b"a: !!python/name:os.system\n", "E103", 1, 4),
        (b"a: !custom x\n", "E103", 1, 4),
        (b"a: [1, 2\nb: 3\n", "E101", 2, 2),
        (b"a: &x [1, *x]\n", "E104", 1, 4),
        (BOMB, "E104", 6, 4),  # its text would pass 1,000,000 characters a level before its nodes do
        (b"a: " + b"[" * (MAX_DEPTH + 5) + b"]" * (MAX_DEPTH + 5) + b"\n", "E105", 1, MAX_DEPTH + 4),
        (b"", "E106", 1, 1),
        (b"- a\n- b\n", "E106", 1, 1),
        (b"a: 1\n---\nb: 2\n", "E106", 2, 1),
        (b"ok: 1\nbad: \xff\xfe\n", "E003", 2, 6),
        (b"a: \x00\n", "E003", 1, 1),
    ],
)
def test_hostile_and_malformed_inputs_are_diagnostics(raw, code, line, col):
    diag = problem(raw)
    assert (diag.code, diag.line, diag.col) == (code, line, col)
    assert diag.file == "f.yaml"


def test_size_limit_is_checked_before_reading(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * 2000 + b"\n")
    with pytest.raises(DiagnosticError) as info:
        load_file(big, max_bytes=1000)
    assert info.value.diagnostics[0].code == "E002"
    assert info.value.exit_code == 2


def test_missing_file_and_directory_are_unusable_input(tmp_path):
    for path in (tmp_path / "nope.yaml", tmp_path):
        with pytest.raises(DiagnosticError) as info:
            load_file(path)
        assert info.value.diagnostics[0].code == "E001"
        assert info.value.exit_code == 2


def test_bom_is_accepted():
    assert load_bytes(b"\xef\xbb\xbfa: 1\n", "f.yaml").data == {"a": 1}


def test_aliases_within_limits_are_expanded_as_copies():
    doc = load_bytes(b"base: &b {x: 1}\nother: *b\n", "f.yaml")
    assert doc.data["other"] == {"x": 1}


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda s: s.encode("utf-8")))
def test_any_input_loads_or_yields_diagnostics_inside_the_file(raw):
    try:
        doc = load_bytes(raw, "f.yaml")
    except DiagnosticError as exc:
        lines = len(re.split(rb"\r\n|\r|\n", raw))  # YAML breaks lines at CR LF, CR and LF, as editors do
        for d in exc.diagnostics:
            assert 1 <= d.line <= lines + 1
            assert d.col >= 1
        return
    assert isinstance(doc.data, dict)
    for line, col in doc.positions.values():
        # an empty value at the very end of the file sits on the line after the last newline
        assert 1 <= line <= raw.count(b"\n") + 2 and col >= 1


# The YAML 1.2 core schema's number forms as regular expressions: the oracle for the loader's hand-written checks.
_INT_ORACLE = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_ORACLE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_NUMBERISH = st.text(alphabet="0123456789+-.eEoxabfAFinINnNa_ ٣²", min_size=1, max_size=10)
_SPELLINGS = ["0", "-0", "+12", "0o17", "0o", "0o8", "0x1F", "0x", "0xg", "1.", ".5", "1.5e3", "1.5E-3", "1e", "1e+", "-.inf",
              "+.Inf", ".NAN", "+.nan", ".nan", "1_000", "٣", "²", "1.2.3", "e5", ".e5", "1e5e5", "1E5E", ".", "+", "-."]


@settings(max_examples=1000, deadline=None)
@given(_NUMBERISH)
def test_the_number_checks_agree_with_the_core_schema_expressions(text):
    assert is_int(text) == bool(_INT_ORACLE.fullmatch(text))
    assert is_float(text) == bool(_FLOAT_ORACLE.fullmatch(text))


@pytest.mark.parametrize("text", _SPELLINGS)
def test_the_number_checks_on_edge_spellings(text):
    assert is_int(text) == bool(_INT_ORACLE.fullmatch(text))
    assert is_float(text) == bool(_FLOAT_ORACLE.fullmatch(text))
