"""Safe YAML loading with a position for every node, size/depth/alias limits and duplicate-key detection.

Only the YAML core types are built (mappings, sequences, strings, integers, floats, booleans,
null). Timestamps stay strings (schemas check their pattern), and only ``true``/``false`` are
booleans (YAML 1.2), so ``country: NO`` stays the string ``"NO"``. Mapping keys are always
strings. Nothing here ever constructs a Python object from a tag.
"""

from __future__ import annotations

import gc
import math
import os
import re
import stat
from array import array
from dataclasses import field
from functools import cached_property
from pathlib import Path
from typing import Any, NoReturn

import yaml

from .diagnostics import Diagnostic, DiagnosticError
from .digest import sha256_hex
from .files import in_system_tree, note_input
from .i18n import Msg
from .records import record
from .text import lazy_pattern

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CORE = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL = (_CORE + t for t in ("str", "int", "float", "bool", "null"))
_SEQ, _MAP = _CORE + "seq", _CORE + "map"
# YAML 1.2 core schema: only these plain scalars are not strings (no yes/no, no 1_000, no 1:20, no dates).
# Integers: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+. Floats: [-+]?(\.[0-9]+ | [0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
# | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN). Checked by hand: the two regular expressions cost 0.3 ms to
# compile, more than a small file spends matching (tests/core/test_loading.py holds them as the oracle).
_OCTAL, _HEX = frozenset("01234567"), frozenset("0123456789abcdefABCDEF")
_INFINITIES = frozenset((".inf", ".Inf", ".INF"))
_NANS = frozenset((".nan", ".NaN", ".NAN"))


def _digits(text: str) -> bool:
    """One or more of 0-9 and nothing else."""
    return text.isdigit() and text.isascii()


def is_int(text: str) -> bool:
    """Whether the plain scalar ``text`` is an integer of the YAML 1.2 core schema."""
    if text[:2] == "0o":
        return len(text) > 2 and _OCTAL.issuperset(text[2:])
    if text[:2] == "0x":
        return len(text) > 2 and _HEX.issuperset(text[2:])
    return _digits(text[1:] if text[:1] in ("+", "-") else text)


def is_float(text: str) -> bool:
    """Whether the plain scalar ``text`` is a float of the YAML 1.2 core schema (integers included)."""
    if text in _NANS:
        return True
    unsigned = text[1:] if text[:1] in ("+", "-") else text
    if unsigned in _INFINITIES:
        return True
    mantissa, e, exponent = unsigned.replace("E", "e", 1).partition("e")
    if e and not _digits(exponent[1:] if exponent[:1] in ("+", "-") else exponent):
        return False
    whole, dot, fraction = mantissa.partition(".")
    if not dot:
        return _digits(whole)
    if not whole:
        return _digits(fraction)
    return _digits(whole) and (not fraction or _digits(fraction))
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_MAYBE_TYPED = frozenset("0123456789+-.~nNtTfF")


class _Loader(_Base):
    """libyaml's parser and composer with a YAML 1.2 core-schema resolver (faster than PyYAML's 1.1 one)."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR
            if value in _NULLS:
                return _NULL
            if value[0] not in _MAYBE_TYPED:
                return _STR
            if value in _BOOLS:
                return _BOOL
            if is_int(value):
                return _INT
            if is_float(value):
                return _FLOAT
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def descend_resolver(self, current_node, current_index):  # no path resolvers: skip the bookkeeping
        pass

    def ascend_resolver(self):
        pass


DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 1_000_000
#: Anchors and aliases may expand a file's text at most this many times (see :func:`_check_expansion`).
MAX_EXPANSION = 10
MIN_EXPANDED_CHARS = 1_000_000
#: Integers must fit in 64 bits; floats must be finite. Anything else is E108, never an exception.
MAX_INT = 2**63 - 1
MIN_INT = -(2**63)

# An anchor token (&name) where YAML allows one; a false positive only costs an extra check.
_ANCHOR = lazy_pattern(r"(?:^|[\s\[\]{},:?-])&[^\s\[\]{},]", re.MULTILINE)
_ALLOWED_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")}

Path_ = tuple  # a JSON path as a tuple of keys (str) and indexes (int)


@record
class Document:
    """A loaded YAML file: its data, the raw bytes, and an index of positions (1-based).

    The parsed node tree is not kept: a file of 10,000 items is millions of nodes, and the cyclic
    garbage collector would walk them again and again for as long as they lived. Instead
    :class:`PositionIndex` keeps, for each mapping and sequence of ``data``, the packed line and
    column of every key and value, so a position is a dictionary lookup per path step. Documents
    from the wheel's pre-parsed cache have no index and report 1:1.
    """

    name: str
    data: Any
    raw: bytes
    index: PositionIndex | None = field(default=None, repr=False, compare=False)
    #: The YAML node tree, kept only when asked (``keep_tree``): by an editor, whose save edits text spans.
    tree: Any = field(default=None, repr=False, compare=False)

    @cached_property
    def sha256(self) -> str:
        return sha256_hex(self.raw)

    @property
    def folder(self) -> Path:
        return Path(self.name).resolve().parent

    def _positions(self) -> PositionIndex | None:
        """The position index; a document that keeps its tree builds it on first use (often never)."""
        index = self.index
        if index is None and self.tree is not None:
            index = self.__dict__["index"] = _index(self.tree, self.data)  # a cache: no field changes value
        return index

    def _walk(self, path: Path_) -> tuple[int, int | None, bool]:
        """(packed position of the value, of its key or None, whether the whole path was found) for ``path``."""
        index = self._positions()
        assert index is not None
        tables = index.tables
        pos, key_pos, value = index.root, None, self.data
        for part in path:
            table = tables.get(id(value))
            if table is None:  # a scalar: the path goes deeper than the file
                return pos, None, False
            if isinstance(value, dict) and isinstance(part, str):
                packed = table.get(part)
                if packed is None:
                    return pos, None, False
                key_pos, pos = packed >> 64, packed & _LOW64
            elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(table):
                key_pos, pos = None, table[part]
            else:
                return pos, None, False
            value = value[part]
        return pos, key_pos, True

    def has(self, path: Path_) -> bool:
        """Whether the file spells out ``path`` (data from aliases included)."""
        return self._positions() is not None and self._walk(tuple(path))[2]

    def position(self, path: Path_ = (), key: bool = False) -> tuple[int, int]:
        """Line and column of the value at ``path`` (or of its key), else of its nearest parent."""
        if self._positions() is None:
            return (1, 1)
        pos, key_pos, _ = self._walk(tuple(path))
        return _unpack(key_pos if key and key_pos is not None else pos)

    @property
    def positions(self) -> dict[Path_, tuple[int, int]]:
        """Every value's position by path (a full walk: for tests and tools, not hot paths)."""
        out: dict[Path_, tuple[int, int]] = {}
        index = self._positions()
        if index is None:
            return out
        tables = index.tables

        def walk(value: Any, pos: int, path: Path_) -> None:
            out[path] = _unpack(pos)
            table = tables.get(id(value))
            if isinstance(value, dict) and table is not None:
                for k, child in value.items():
                    walk(child, table[k] & _LOW64, path + (k,))
            elif isinstance(value, list) and table is not None:
                for i, child in enumerate(value):
                    walk(child, table[i], path + (i,))

        walk(self.data, index.root, ())
        return out

    def diagnostic(self, code: str, message: str, path: Path_ = (), key: bool = False) -> Diagnostic:
        line, col = self.position(path, key=key)
        return Diagnostic(self.name, line, col, code, message, json_path(path))


_LOW64 = (1 << 64) - 1


def _pack_entry(key_node: yaml.Node, value_node: yaml.Node) -> int:
    """A mapping entry's key and value positions as one integer (key in the high 64 bits)."""
    return (_pack(key_node.start_mark) << 64) | _pack(value_node.start_mark)


def _pack_items(children: list) -> array:
    """The positions of a sequence's items."""
    return array("Q", [_pack(c.start_mark) for c in children])


def _pack(mark: Any) -> int:
    """A mark's 1-based line and column as one integer (line in the high 32 bits)."""
    return ((mark.line + 1) << 32) | (mark.column + 1)


def _unpack(packed: int) -> tuple[int, int]:
    return (packed >> 32, packed & 0xFFFFFFFF)


class PositionIndex:
    """Where each value of a document was written, without the node tree.

    ``tables`` maps ``id()`` of each mapping and sequence of the document's data (kept alive by
    the document) to its positions: for a mapping, key → key position << 64 | value position;
    for a sequence, an array of value positions. Packed integers, plain dicts and arrays hold no
    references to other objects, so the collector untracks or never tracks them.
    """

    __slots__ = ("root", "tables")

    def __init__(self, root: int, tables: dict[int, Any]):
        self.root = root
        self.tables = tables


def _index(root: yaml.Node, data: Any) -> PositionIndex:
    """The positions of ``data`` as built from ``root`` (alias copies get their anchor's positions).

    Only called on a document the builder accepted: every key is a string and none is repeated.
    """
    tables: dict[int, Any] = {}
    containers = (dict, list)

    def walk(node: yaml.Node, value: Any) -> None:
        if type(value) is dict:
            table: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value
                table[key] = _pack_entry(key_node, value_node)
                child = value[key]
                if type(child) in containers:
                    walk(value_node, child)
            tables[id(value)] = table
        else:
            children = node.value
            tables[id(value)] = _pack_items(children)
            for child_node, child in zip(children, value, strict=True):
                if type(child) in containers:
                    walk(child_node, child)

    walk(root, data)
    return PositionIndex(_pack(root.start_mark), tables)


def json_path(path: Path_) -> str:
    """``('answers', 'TR-01', 'evidence', 0)`` → ``$.answers.TR-01.evidence[0]``."""
    out = "$"
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def read_limited(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES, name: str | None = None) -> bytes:
    """Read a file's bytes, refusing missing, unreadable, special and oversized files with a diagnostic.

    Only regular files are read: FIFOs, devices, sockets, folders and anything under ``/proc``,
    ``/sys`` or ``/dev`` are refused before they are opened (a FIFO never blocks the loader), and
    the open file is checked again, so a file swapped for a FIFO in between is refused too. The
    file is recorded as an input of this run (an output may not overwrite it).
    """
    name = name if name is not None else str(path)

    def refuse(code: str, message: Msg) -> NoReturn:
        raise DiagnosticError([Diagnostic(name, 1, 1, code, message)])

    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            refuse("E001", Msg("load.directory"))
        real = os.path.realpath(path)
        if not stat.S_ISREG(info.st_mode) or in_system_tree(real):
            refuse("E001", Msg("load.special"))
        if info.st_size > max_bytes:
            refuse("E002", Msg("load.too_large", size=info.st_size, limit=max_bytes))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        try:
            opened = os.fstat(fd)
            if not stat.S_ISREG(opened.st_mode):  # swapped after the check
                refuse("E001", Msg("load.special"))
            chunks: list[bytes] = []
            size = 0
            while size <= max_bytes:
                block = os.read(fd, min(1 << 20, max_bytes + 1 - size))
                if not block:
                    break
                chunks.append(block)
                size += len(block)
        finally:
            os.close(fd)
    except FileNotFoundError:
        refuse("E001", Msg("load.no_file"))
    except IsADirectoryError:
        refuse("E001", Msg("load.directory"))
    except (OSError, ValueError) as exc:  # ValueError: an embedded NUL in the name
        refuse("E001", Msg("load.unreadable", error=str(getattr(exc, "strerror", None) or exc)))
    raw = b"".join(chunks)
    if len(raw) > max_bytes:
        refuse("E002", Msg("load.over_limit", limit=max_bytes))
    note_input(real, opened, resolved=True)
    return raw


def load_file(
    path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES, name: str | None = None, keep_tree: bool = False
) -> Document:
    """Load a YAML file safely; raise :class:`DiagnosticError` for anything unusable or malformed.

    ``keep_tree``: keep the node tree in :attr:`Document.tree` (for an editor, which would otherwise
    parse the text a second time to find the spans it edits).
    """
    name = name if name is not None else str(path)
    return load_bytes(read_limited(path, max_bytes, name), name, max_bytes, keep_tree)


def load_bytes(raw: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES, keep_tree: bool = False) -> Document:
    """Load YAML from bytes (see :func:`load_file`)."""
    if len(raw) > max_bytes:
        raise DiagnosticError([Diagnostic(name, 1, 1, "E002", Msg("load.too_large", size=len(raw), limit=max_bytes))])
    text = _decode(raw, name)
    # The collector would walk the growing node tree over and over while it is built (most of the
    # time of a large file): nothing here makes reference cycles, so it waits until the tree is gone.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_text(text, raw, name, keep_tree)
    finally:
        if collecting:
            gc.enable()


def _load_text(text: str, raw: bytes, name: str, keep_tree: bool = False) -> Document:
    try:
        # libyaml's composer is C code with its own nesting limit (1000): no deep recursion here.
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise DiagnosticError([_yaml_error(exc, name)]) from None
    except yaml.YAMLError as exc:  # reader errors without marks
        raise DiagnosticError([Diagnostic(name, 1, 1, "E101", Msg("load.yaml_error", error=str(exc)))]) from None
    if root is None:
        raise DiagnosticError([Diagnostic(name, 1, 1, "E106", Msg("load.empty"))])
    if not isinstance(root, yaml.MappingNode):
        line, col = root.start_mark.line + 1, root.start_mark.column + 1
        raise DiagnosticError([Diagnostic(name, line, col, "E106", Msg("load.not_mapping"))])
    if has_anchor(text):  # only anchors and aliases can make the node graph expand
        _check_expansion(root, name, len(text))
    builder = _Builder(name)
    tables: dict[int, Any] | None = None if keep_tree else {}
    data = builder.build(root, 0, tables)
    if builder.diagnostics:
        raise DiagnosticError(builder.diagnostics)
    if tables is None:  # positions are indexed from the kept tree when first asked for
        return Document(name, data, raw, None, root)
    return Document(name, data, raw, PositionIndex(_pack(root.start_mark), tables))


def has_anchor(text: str) -> bool:
    """Whether ``text`` may hold a YAML anchor (``&name`` where YAML allows one); false positives only cost a check."""
    return "&" in text and _ANCHOR.search(text) is not None


def is_number(text: str) -> bool:
    """Whether the loader (YAML 1.2 core schema) reads the plain scalar ``text`` as a number."""
    return is_int(text) or is_float(text)


def compose(text: str) -> Any:
    """The YAML node tree of ``text`` (a document :func:`load_bytes` has accepted), each node with its
    start and end marks; None when it does not parse. For the span edits of
    :mod:`aiaudit.audit.spanedit`: documents do not keep their node tree (see :class:`Document`)."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return None


def _decode(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise DiagnosticError(
            [Diagnostic(name, line, col, "E003", Msg("load.not_utf8", byte=f"0x{raw[exc.start]:02x}"))]
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        idx = text.index("\x00")
        line = text.count("\n", 0, idx) + 1
        raise DiagnosticError([Diagnostic(name, line, 1, "E003", Msg("load.nul"))])
    return text


def _yaml_error(exc: yaml.MarkedYAMLError, name: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    if "nesting depth" in problem:
        return Diagnostic(name, line, col, "E105", Msg("load.too_deep", limit=MAX_DEPTH))
    if "single document" in str(exc.context or ""):
        return Diagnostic(name, line, col, "E106", Msg("load.several_documents"))
    if exc.context and exc.context != problem:
        problem = f"{problem} ({exc.context})"
    return Diagnostic(name, line, col, "E101", Msg("load.syntax", problem=problem))


def _fail(name: str, mark: yaml.Mark, code: str, message: Msg) -> NoReturn:
    raise DiagnosticError([Diagnostic(name, mark.line + 1, mark.column + 1, code, message)])


def _check_expansion(root: yaml.Node, name: str, length: int) -> None:
    """Refuse alias cycles and documents whose aliases expand too far (linear time).

    Two bounds: the expanded node count (:data:`MAX_NODES`), and the expanded size in characters
    of every scalar, which may be at most :data:`MAX_EXPANSION` times the file's own length (at
    least :data:`MIN_EXPANDED_CHARS`): a few aliases of one long text cannot become gigabytes.
    """
    sizes: dict[int, tuple[int, int]] = {}
    active: set[int] = set()
    char_limit = max(MIN_EXPANDED_CHARS, MAX_EXPANSION * length)

    def size(node: yaml.Node, depth: int) -> tuple[int, int]:
        key = id(node)
        if key in sizes:
            return sizes[key]
        mark = node.start_mark
        if key in active:
            _fail(name, mark, "E104", Msg("load.alias_cycle"))
        if depth > MAX_DEPTH:
            _fail(name, mark, "E105", Msg("load.too_deep_aliases", limit=MAX_DEPTH))
        active.add(key)
        nodes, chars = 1, 0
        if isinstance(node, yaml.ScalarNode):
            chars = len(node.value)
        else:
            children = node.value if isinstance(node, yaml.SequenceNode) else [c for pair in node.value for c in pair]
            for child in children:
                n, c = size(child, depth + 1)
                nodes += n
                chars += c
        active.discard(key)
        sizes[key] = (nodes, chars)
        if nodes > MAX_NODES:
            _fail(name, mark, "E104", Msg("load.alias_bomb", limit=MAX_NODES))
        if chars > char_limit:
            _fail(name, mark, "E104", Msg("load.alias_expansion", limit=char_limit))
        return nodes, chars

    size(root, 0)


class _Builder:
    """Turns a composed node graph into plain data, recording positions and duplicate keys."""

    def __init__(self, name: str):
        self.name = name
        self.diagnostics: list[Diagnostic] = []

    def _here(self, node: yaml.Node) -> tuple[int, int]:
        return (node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, depth: int, tables: dict[int, Any] | None = None) -> Any:
        """The data of ``node``; with ``tables``, its positions are indexed in the same walk (see
        :class:`PositionIndex`: alias copies get their anchor's positions)."""
        if depth > MAX_DEPTH:
            raise DiagnosticError([Diagnostic(self.name, *self._here(node), "E105", Msg("load.too_deep", limit=MAX_DEPTH))])
        if node.tag not in _ALLOWED_TAGS:
            message = Msg("load.tag", tag=repr(node.tag))
            raise DiagnosticError([Diagnostic(self.name, *self._here(node), "E103", message)])
        child_depth = depth + 1
        # Plain strings, most of a file's nodes, are taken here rather than through a call of their own.
        plain = child_depth <= MAX_DEPTH
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            first: dict[str, yaml.Node] = {}
            table: dict[str, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.diagnostics.append(Diagnostic(self.name, *self._here(key_node), "E101", Msg("load.complex_key")))
                    continue
                key = key_node.value
                if key in first:
                    message = Msg("load.duplicate_key", key=repr(key), line=first[key].start_mark.line + 1)
                    self.diagnostics.append(Diagnostic(self.name, *self._here(key_node), "E102", message))
                    continue
                first[key] = key_node
                if tables is not None:
                    table[key] = _pack_entry(key_node, value_node)
                if plain and value_node.tag == _STR and type(value_node) is yaml.ScalarNode:
                    out[key] = value_node.value
                else:
                    out[key] = self.build(value_node, child_depth, tables)
            if tables is not None:
                tables[id(out)] = table
            return out
        if isinstance(node, yaml.SequenceNode):
            children = node.value
            items = [
                child.value
                if plain and child.tag == _STR and type(child) is yaml.ScalarNode
                else self.build(child, child_depth, tables)
                for child in children
            ]
            if tables is not None:
                tables[id(items)] = _pack_items(children)
            return items
        return self._scalar(node)

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        value = node.value
        if tag == _STR:
            return value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return _BOOLS.get(value, value)
        if tag == _INT:
            return self._int(node, value)
        if tag == _FLOAT:
            return self._float(node, value)
        return value  # an explicit !!timestamp stays a string

    def _out_of_range(self, node: yaml.ScalarNode, value: str) -> int:
        shown = value if len(value) <= 40 else value[:37] + "..."
        self.diagnostics.append(Diagnostic(self.name, *self._here(node), "E108", Msg("load.number_range", value=shown)))
        return 0

    def _int(self, node: yaml.ScalarNode, value: str) -> Any:
        if not is_int(value):  # an explicit !!int on text
            return value
        # Count digits before converting: Python refuses (slowly) to convert more than 4,300.
        if value.startswith(("0o", "0x")):
            digits, base = value[2:].lstrip("0"), (8 if value[1] == "o" else 16)
            if len(digits) > (22 if base == 8 else 16):
                return self._out_of_range(node, value)
            number = int(value[2:], base)
        else:
            if len(value.lstrip("+-").lstrip("0")) > 19:
                return self._out_of_range(node, value)
            number = int(value)
        if not MIN_INT <= number <= MAX_INT:
            return self._out_of_range(node, value)
        return number

    def _float(self, node: yaml.ScalarNode, value: str) -> Any:
        if not is_float(value):  # an explicit !!float on text
            return value
        low = value.lower().lstrip("+-")
        number = float("nan") if low == ".nan" else float(value) if not low.startswith(".inf") else math.inf
        if not math.isfinite(number):  # .nan, .inf, -.inf, and overflows such as 1e999
            return self._out_of_range(node, value)
        return number
