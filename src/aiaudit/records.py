"""Records: dataclasses that cost next to nothing to define.

``@record`` is a drop-in for ``@dataclass(frozen=True)`` (``@record(frozen=False)`` for
``@dataclass``). The class it makes *is* a dataclass -- :func:`dataclasses.fields`,
:func:`dataclasses.replace`, :func:`dataclasses.asdict` and :func:`dataclasses.is_dataclass`
work, with the same fields, defaults, factories and ``init``/``repr``/``compare``/``hash`` flags
-- and its instances behave the same: keyword or positional construction, ``==`` by field values
within the same class, ``hash`` from the hashed fields, assignment refused when frozen, the same
``repr``.

Why not ``@dataclass`` itself: on Python 3.10 and 3.11 a frozen dataclass compiles six small
functions from source each time its module is imported (about 0.5--1 ms a class); aiaudit defines
about a hundred, so a command spent a fifth to a third of its run defining classes. Here the fields
are recorded the way the standard library records them (its ``Field`` objects, so its functions
work), ``__init__`` is compiled on the class's first instantiation (a class a command never uses
costs nothing), and the other methods are shared functions driven by a C ``attrgetter``.
``tests/core/test_records.py`` checks the equivalence with ``@dataclass`` field by field.

Compiling an ``__init__`` still costs about half a million instructions (0.1 ms), and a command
instantiates thirty to fifty kinds of record: the compiled code is kept in aiaudit's cache folder
(:class:`aiaudit.cache.Store`, keyed by the exact source, in a folder named after this module and
the Python version), loaded once per process, and added to at exit when a run compiled anything new.
"""

from __future__ import annotations

import atexit
import dataclasses
import operator
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T", bound=type)

_NOTHING = ()


def _values(names: list[str]) -> Any:
    """A function giving the values of ``names`` as a tuple (``()`` for none)."""
    if not names:
        return lambda self: _NOTHING
    if len(names) == 1:
        get = attrgetter(names[0])
        return lambda self: (get(self),)
    return attrgetter(*names)


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def _init(cls: type, fields: tuple[dataclasses.Field, ...]) -> Any:
    """Compile the ``__init__`` of ``cls``: the same signature as the dataclass's, one store per field."""
    names: dict[str, Any] = {"_MISSING": dataclasses.MISSING}
    params: list[str] = []
    keyword_only: list[str] = []
    body: list[str] = []
    for f in fields:
        into = keyword_only if getattr(f, "kw_only", False) is True else params
        if not f.init:
            if f.default_factory is not dataclasses.MISSING:
                names[f"_factory_{f.name}"] = f.default_factory
                body.append(f"  _d[{f.name!r}] = _factory_{f.name}()")
            elif f.default is not dataclasses.MISSING:
                names[f"_default_{f.name}"] = f.default
                body.append(f"  _d[{f.name!r}] = _default_{f.name}")
            continue
        if f.default_factory is not dataclasses.MISSING:
            names[f"_factory_{f.name}"] = f.default_factory
            into.append(f"{f.name}=_MISSING")
            body.append(f"  _d[{f.name!r}] = _factory_{f.name}() if {f.name} is _MISSING else {f.name}")
            continue
        if f.default is not dataclasses.MISSING:  # (the order of defaults was checked when the class was made)
            names[f"_default_{f.name}"] = f.default
            into.append(f"{f.name}=_default_{f.name}")
        else:
            into.append(f.name)
        body.append(f"  _d[{f.name!r}] = {f.name}")
    if hasattr(cls, "__post_init__"):
        body.append("  self.__post_init__()")
    if keyword_only:
        params += ["*", *keyword_only]
    source = f"def __init__(self, {', '.join(params)}):\n  _d = self.__dict__\n" + "\n".join(body) + "\n"
    namespace: dict[str, Any] = {}
    exec(_code(source, f"<record {cls.__module__}.{cls.__qualname__}>"), names, namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


#: The compiled ``__init__`` code by file name and source: None until first needed, then what the cache held.
_CODES: dict[str, Any] | None = None
#: What this process compiled that the cache did not hold (written at exit).
_NEW: dict[str, Any] = {}
_KEY = "inits"


def _store() -> Any:
    from .cache import Store

    return Store("records", code=("records.py",), limit=2, plain=True)


def _code(source: str, filename: str) -> Any:
    """The code of ``source`` compiled as ``filename``: from the cache, else compiled (and kept at exit)."""
    global _CODES
    if _CODES is None:
        kept = _store().get(_KEY)
        _CODES = kept if isinstance(kept, dict) else {}
    key = f"{filename}\n{source}"
    code = _CODES.get(key)
    if code is None:
        code = _CODES[key] = _NEW[key] = compile(source, filename, "exec")
        if len(_NEW) == 1:
            atexit.register(_save)
    return code


def _save() -> None:
    """Add what this process compiled to the cache (another process's additions since are kept too)."""
    if not _NEW:
        return
    store = _store()
    kept = store.get(_KEY)
    table = {**(kept if isinstance(kept, dict) else {}), **(_CODES or {})}  # what this process compiled is in _CODES
    store.put(_KEY, table)
    _NEW.clear()


_FIELD = getattr(dataclasses, "_FIELD", None)  # the marker of a real field (not a ClassVar or InitVar)
_PSEUDO = ("ClassVar", "typing.ClassVar", "InitVar", "dataclasses.InitVar")


def _record_fields(cls: type) -> tuple[dataclasses.Field, ...]:
    """Record the fields of ``cls`` as :func:`dataclasses.dataclass` does (``__dataclass_fields__``,
    ``__match_args__``, class attributes for defaults, the same checks), without its generic machinery."""
    if _FIELD is None:  # a Python whose dataclasses keep their fields differently: let the library do it
        if not cls.__dict__.get("__doc__"):
            cls.__doc__ = cls.__name__  # else dataclass asks inspect for a signature (slow)
        dataclasses.dataclass(cls, init=False, repr=False, eq=False, match_args=True)
        return dataclasses.fields(cls)
    found: dict[str, dataclasses.Field] = {}
    for base in cls.__mro__[-1:0:-1]:
        found.update(base.__dict__.get("__dataclass_fields__") or {})
    for name, annotation in cls.__dict__.get("__annotations__", {}).items():
        text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
        if text.startswith(_PSEUDO):
            raise TypeError(f"{cls.__name__}.{name}: records have no ClassVar or InitVar fields")
        default = cls.__dict__.get(name, dataclasses.MISSING)
        f = default if isinstance(default, dataclasses.Field) else dataclasses.field(default=default)
        f.name, f.type, f._field_type = name, annotation, _FIELD
        if getattr(f, "kw_only", False) is dataclasses.MISSING:
            f.kw_only = False
        if f.default is not dataclasses.MISSING and f.default.__class__.__hash__ is None:
            raise ValueError(f"mutable default {type(f.default)} for field {name} is not allowed: use default_factory")
        if isinstance(default, dataclasses.Field):  # the class attribute is the default, or nothing
            if f.default is dataclasses.MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
        found[name] = f
    fields = tuple(found.values())
    defaulted = False
    for f in fields:
        if not f.init or getattr(f, "kw_only", False) is True:
            continue
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
            defaulted = True
        elif defaulted:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")
    cls.__dataclass_fields__ = found
    if "__match_args__" not in cls.__dict__:
        cls.__match_args__ = tuple(f.name for f in fields if f.init and getattr(f, "kw_only", False) is not True)
    return fields


def _lazy_init(cls: type, fields: tuple[dataclasses.Field, ...]) -> Any:
    """An ``__init__`` that compiles the real one on the first call (a class a command never
    instantiates costs no compilation) and puts it in its place."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        real = _init(cls, fields)
        if cls.__dict__.get("__init__") is __init__:
            cls.__init__ = real
        real(self, *args, **kwargs)

    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    return __init__


def _ordering(op: Callable[[Any, Any], Any], compared: Callable[[Any], tuple]) -> Callable[[Any, Any], Any]:
    """``__lt__`` and its kin: ``op`` over the compared fields of two instances of the same class."""

    def method(self: Any, other: Any) -> Any:
        return op(compared(self), compared(other)) if other.__class__ is self.__class__ else NotImplemented

    return method


def _build(cls: T, frozen: bool, order: bool) -> T:
    if "__slots__" in cls.__dict__:
        raise TypeError("a record keeps its fields in __dict__; remove __slots__")
    documented = bool(cls.__dict__.get("__doc__"))
    fields = _record_fields(cls)
    if not documented:
        cls.__doc__ = f"{cls.__name__}({', '.join(f.name for f in fields if f.init)})"
    shown = [f.name for f in fields if f.repr]
    compared = _values([f.name for f in fields if f.compare])
    hashed = _values([f.name for f in fields if (f.compare if f.hash is None else f.hash)])

    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{type(self).__qualname__}({inner})"

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return compared(self) == compared(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(hashed(self))

    arguments = _values([f.name for f in fields if f.init])

    def __reduce__(self: Any) -> tuple:
        # Pickled as the class and its constructor's arguments: smaller and quicker to load than the
        # default (a state dict per object), which matters for the cached checklists and grading's workers.
        return (self.__class__, arguments(self))

    methods: dict[str, Any] = {"__init__": _lazy_init(cls, fields), "__repr__": __repr__, "__eq__": __eq__}
    methods["__reduce__"] = __reduce__
    methods["__hash__"] = __hash__ if frozen else None
    if frozen:
        methods["__setattr__"] = _frozen_setattr
        methods["__delattr__"] = _frozen_delattr
    if order:
        for name, op in (("__lt__", operator.lt), ("__le__", operator.le), ("__gt__", operator.gt), ("__ge__", operator.ge)):
            methods[name] = _ordering(op, compared)
    own = cls.__dict__
    # A class that defines __eq__ gets __hash__ = None from Python itself: that is not a __hash__ of its own.
    own_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
    for name, method in methods.items():
        if (name in own and name != "__hash__") or (name == "__hash__" and own_hash):
            continue  # a method the class writes itself wins, as with @dataclass
        if method is not None and name != "__init__":
            method.__qualname__ = f"{cls.__qualname__}.{name}"
        setattr(cls, name, method)
    return cls


def record(cls: T | None = None, /, *, frozen: bool = True, order: bool = False) -> Any:
    """``@record`` = ``@dataclass(frozen=True)``; ``@record(frozen=False)`` = ``@dataclass``; ``order=True`` as there."""
    if cls is None:
        return lambda c: _build(c, frozen, order)
    return _build(cls, frozen, order)


__all__ = ["record"]
