"""``@record`` behaves like ``@dataclass(frozen=True)`` (and ``@record(frozen=False)`` like ``@dataclass``)."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from dataclasses import dataclass, field
from typing import Any

import pytest

from aiaudit.records import record


def _pair(frozen: bool = True, order: bool = False) -> tuple[type, type]:
    """The same class body made by @dataclass and by @record."""

    def body() -> type:
        class Sample:
            """A sample."""

            a: int
            b: str = "b"
            c: tuple[str, ...] = ()
            d: dict = field(default_factory=dict, hash=False)
            e: Any = field(default=None, repr=False, compare=False)
            f: list = field(default_factory=list, compare=False)

            def total(self) -> int:
                return self.a + len(self.b)

        return Sample

    return dataclass(frozen=frozen, order=order)(body()), record(frozen=frozen, order=order)(body())


def test_fields_and_dataclass_api_agree() -> None:
    made_by_dataclass, made_by_record = _pair()
    assert dataclasses.is_dataclass(made_by_record)
    def described(cls: type) -> list[tuple]:
        return [(f.name, f.default, f.default_factory, f.init, f.repr, f.compare, f.hash) for f in dataclasses.fields(cls)]

    want, got = described(made_by_dataclass), described(made_by_record)
    assert got == want
    one = made_by_record(1, d={"k": 1})
    assert dataclasses.asdict(one) == dataclasses.asdict(made_by_dataclass(1, d={"k": 1}))
    changed = dataclasses.replace(one, b="xyz")
    assert (changed.a, changed.b, changed.d, one.b) == (1, "xyz", {"k": 1}, "b")
    assert made_by_record.__match_args__ == made_by_dataclass.__match_args__
    for name in ("a", "b", "c", "d", "e", "f"):  # class attributes: the plain defaults, nothing for factories
        assert hasattr(made_by_record, name) == hasattr(made_by_dataclass, name), name
        assert getattr(made_by_record, name, None) == getattr(made_by_dataclass, name, None), name


def test_init_is_compiled_on_first_use_and_then_in_place() -> None:
    _, made_by_record = _pair()
    stub = made_by_record.__dict__["__init__"]
    made_by_record(1)
    real = made_by_record.__dict__["__init__"]
    assert real is not stub
    assert list(inspect.signature(real).parameters) == ["self", "a", "b", "c", "d", "e", "f"]
    assert made_by_record(2, "x").b == "x"


def test_construction_repr_equality_hash() -> None:
    made_by_dataclass, made_by_record = _pair()
    for cls in (made_by_dataclass, made_by_record):
        x = cls(1, "bb", ("t",), {"k": 1}, e="ignored")
        assert x.total() == 3
        assert x == cls(a=1, b="bb", c=("t",), d={"k": 1}, e="other")  # e is not compared
        assert x != cls(2, "bb", ("t",), {"k": 1})
        assert x != (1, "bb")  # not equal to a tuple of its values
        assert hash(x) == hash(cls(1, "bb", ("t",), {"other": 2}))  # d is not hashed
        assert cls(1).d == {} and cls(1).d is not cls(1).d  # a fresh factory value each time
        assert cls(1).f == [] and cls(1).f is not cls(1).f
    assert repr(made_by_record(1, "x")).split("(", 1)[1] == repr(made_by_dataclass(1, "x")).split("(", 1)[1]
    assert repr(made_by_record(1, "x")).startswith("_pair.<locals>.body.<locals>.Sample(")
    with pytest.raises(TypeError):
        made_by_record()  # a required field
    with pytest.raises(TypeError):
        made_by_record(1, "b", (), {}, None, [], "one too many")
    with pytest.raises(TypeError):
        made_by_record(1, zz=2)


def test_frozen_refuses_assignment_and_deletion() -> None:
    _, made_by_record = _pair()
    x = made_by_record(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        x.a = 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        del x.a
    with pytest.raises(dataclasses.FrozenInstanceError):
        x.new = 1
    assert x.a == 1


def test_mutable_records_are_unhashable_like_dataclasses() -> None:
    made_by_dataclass, made_by_record = _pair(frozen=False)
    for cls in (made_by_dataclass, made_by_record):
        x = cls(1)
        x.a = 5
        assert x.a == 5 and x == cls(5)
        with pytest.raises(TypeError):
            hash(x)


def test_order() -> None:
    made_by_dataclass, made_by_record = _pair(order=True)
    for cls in (made_by_dataclass, made_by_record):
        values = [cls(3, "a"), cls(1, "z"), cls(1, "b")]
        assert [(v.a, v.b) for v in sorted(values)] == [(1, "b"), (1, "z"), (3, "a")]
        assert cls(1) <= cls(1) and cls(2) > cls(1) and cls(2) >= cls(2)


def test_pickle_and_copy_round_trip() -> None:
    x = Picklable(1, ("a",))
    for y in (pickle.loads(pickle.dumps(x)), copy.copy(x), copy.deepcopy(x)):
        assert y == x and y is not x


def test_inheritance_and_methods_the_class_writes() -> None:
    @record
    class Base:
        a: int
        b: int = 2

    @record
    class Child(Base):
        c: int = 3

        def __repr__(self) -> str:
            return "mine"

    child = Child(1, c=9)
    assert (child.a, child.b, child.c) == (1, 2, 9)
    assert repr(child) == "mine"
    assert [f.name for f in dataclasses.fields(Child)] == ["a", "b", "c"]
    assert Child(1) != Base(1)  # different classes are never equal, as with dataclasses


def test_definition_errors_match_dataclasses() -> None:
    with pytest.raises(TypeError, match="non-default argument"):

        @record
        class Bad:
            a: int = 1
            b: int

    with pytest.raises(ValueError, match="mutable default"):

        @record
        class AlsoBad:
            a: list = []


def test_every_aiaudit_class_made_by_record_is_a_dataclass() -> None:
    """The package defines its data classes with @record, none with a code-generating @dataclass."""
    from pathlib import Path

    import aiaudit

    root = Path(aiaudit.__file__).parent
    generating = [
        f"{p.relative_to(root)}:{n}"
        for p in root.rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if line.lstrip().startswith(("@dataclass", "@dataclasses.dataclass"))
    ]
    assert generating == []


@record
class Picklable:
    a: int
    b: tuple[str, ...] = ()


def test_compiled_inits_are_kept_in_the_cache_for_the_next_process(tmp_path) -> None:
    """A process compiles each record __init__ it needs once; the next one loads them from aiaudit's cache."""
    import os
    import subprocess
    import sys

    code = (
        "import aiaudit.records as r\n"
        "count = []\n"
        "real = compile\n"
        "r.compile = lambda *a: count.append(a[1]) or real(*a)\n"
        "from aiaudit.model import Text, Evidence\n"
        "assert Text('a', 'b').get('ko') == 'b' and Evidence('x').path == 'x'\n"
        "print(len(count))\n"
    )
    env = {**os.environ, "AIAUDIT_CACHE_DIR": str(tmp_path)}
    env.pop("AIAUDIT_NO_CACHE", None)
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert int(first) >= 2 and int(second) == 0
    assert [p.name for p in tmp_path.glob("records-*/*")] == ["inits.marshal"]
    off = subprocess.run(
        [sys.executable, "-c", code], env={**env, "AIAUDIT_NO_CACHE": "1"}, capture_output=True, text=True, check=True
    ).stdout
    assert int(off) >= 2  # with the cache off, nothing is read (or written)
