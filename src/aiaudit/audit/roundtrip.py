"""Comment-preserving edits of audit files, checked before they are saved.

PyYAML, which :mod:`aiaudit.loading` uses to *read* files, drops comments, so a file written
from its data would lose the user's notes to self, section headers and the questions that
``aiaudit init`` writes as comments. Every edit is a list of :class:`Change` (a path and its new
plain value), and :func:`apply` makes it in one of two ways:

1. **Span edit** (:mod:`.spanedit`, the usual case, about a millisecond): only the text spans of
   the values that change are rewritten, found through the positions the loader keeps; every
   other byte of the file stays as it was.
2. **Round trip** (when the span edit gives up: anchors, flow-style parents, unusual layouts, or
   its result does not verify): ruamel.yaml's round-trip mode re-emits the file, keeping
   comments, key order, quoting style, flow/block style and (with the settings below)
   indentation and long lines. It costs about a quarter of a second on a 300-item audit.

Either way the result is proven safe before anyone writes it:

* the new bytes load with :mod:`aiaudit.loading` (the loader every other command uses);
* the loaded data equals the old data with exactly these changes applied, compared with
  types and key order (so a date written as ``"2026-11-25"`` reloads as that string, a note
  ``12:30`` does not turn into an integer, and nothing else in the file moved);
* an optional ``check`` (e.g. the audit semantics) accepts the new document.

:func:`save` then writes atomically (temp file, fsync, rename). A failed check raises and leaves
the file untouched.
"""

from __future__ import annotations

import copy
import datetime
import io
import itertools
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..diagnostics import AiauditError, Diagnostic, DiagnosticError
from ..files import atomic_write
from ..i18n import Msg
from ..loading import DEFAULT_MAX_BYTES, Document, compose, load_bytes, read_limited
from ..records import record

#: Lists of scalars up to this many characters are written in flow style (``[a, b]``).
_FLOW_LIMIT = 72


@record
class Change:
    """Set the value at ``path`` (a tuple of mapping keys) to ``value`` (plain dicts, lists, scalars).

    A dict value replaces the old mapping's content but merges into it in place: kept keys keep
    their position and comments, dropped keys go, new keys are appended.
    """

    path: tuple[str, ...]
    value: Any


class RoundTripError(AiauditError):
    """The edit could not be made without changing the file in an unexpected way; nothing was written."""


# --- public API ---------------------------------------------------------------------------------


def apply(
    raw: bytes,
    changes: Iterable[Change],
    name: str,
    check: Callable[[Document], None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    old: Document | None = None,
) -> tuple[bytes, Document]:
    """The new bytes of a YAML file after ``changes``, verified; also the reloaded new document.

    ``old`` is the loaded document of ``raw`` when the caller has it (it is used only if its bytes
    are ``raw``). The text spans of the changed values are edited first (:mod:`.spanedit`); when that
    is not possible or its result does not reload as expected, the ruamel.yaml round trip runs.
    """
    changes = list(changes)
    if old is None or old.raw != raw:
        old = load_bytes(raw, name, max_bytes)
    expected = _expected(old.data, changes)
    found = _span_edit(raw, old, changes, expected, name, max_bytes)
    if found is None:
        found = _round_trip(raw, changes, name, expected, max_bytes)
    if check is not None:
        check(found[1])
    return found


def _span_edit(
    raw: bytes, old: Document, changes: list[Change], expected: Any, name: str, max_bytes: int
) -> tuple[bytes, Document] | None:
    """The edit made on the changed values' text spans, reloaded and equal to ``expected``; None when not possible."""
    from .spanedit import Unsafe, canonical, edit

    prefix = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    text = raw[len(prefix) :].decode("utf-8")
    try:
        root = old.tree if old.tree is not None else compose(text)  # the editor's document keeps its tree
        new_text = edit(text, root, old.data, [(c.path, c.value) for c in changes], _guess_indent(text))
    except Unsafe:
        return None
    new_raw = prefix + new_text.encode("utf-8")
    try:
        new = load_bytes(new_raw, name, max_bytes, keep_tree=old.tree is not None)
    except DiagnosticError:
        return None
    if canonical(new.data) != canonical(expected):
        return None
    return new_raw, new


def _round_trip(raw: bytes, changes: list[Change], name: str, expected: Any, max_bytes: int) -> tuple[bytes, Document]:
    """The edit made with ruamel.yaml's round trip (the whole file parsed and written again), verified."""
    from .spanedit import canonical

    text, prefix, newline = _decode(raw)
    engine = _engine(text)
    try:
        tree = engine.load(text)
    except Exception as exc:  # ruamel's errors carry no stable type we can rely on
        raise RoundTripError(Msg("fill.error.edit_unparsable", name=name, error=str(exc))) from None
    for change in changes:
        _set_path(tree, change.path, change.value)
    out = io.StringIO()
    engine.dump(tree, out)
    new_text = out.getvalue()
    if newline != "\n":
        new_text = new_text.replace("\n", newline)
    new_raw = prefix + new_text.encode("utf-8")
    try:
        new = load_bytes(new_raw, name, max_bytes)
    except DiagnosticError as exc:
        raise RoundTripError(Msg("fill.error.edit_not_reloadable", name=name, problem=exc.diagnostics[0].message)) from None
    if canonical(new.data) != canonical(expected):
        where = _first_difference(expected, new.data, ()) or "$"
        raise RoundTripError(Msg("fill.error.edit_moved", name=name, where=where))
    return new_raw, new


def _expected(data: dict, changes: list[Change]) -> dict:
    """The plain data after ``changes``; parts the changes do not reach are shared with ``data``, not copied."""
    out = dict(data)
    for change in changes:
        node = out
        for key in change.path[:-1]:
            child = node.get(key)
            child = dict(child) if isinstance(child, dict) else {}
            node[key] = child
            node = child
        node[change.path[-1]] = _merged(node.get(change.path[-1]), change.value)
    return out


def save(
    path: str | Path,
    changes: Iterable[Change],
    check: Callable[[Document], None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    name: str | None = None,
    old: Document | None = None,
) -> Document:
    """Re-read ``path``, apply ``changes``, verify, and write atomically; returns the new document.

    ``old`` is the document as the caller last loaded it; it saves parsing the file again when
    the file has not changed since.
    """
    name = name if name is not None else str(path)
    raw = read_limited(path, max_bytes, name)
    new_raw, new = apply(raw, changes, name, check=check, max_bytes=max_bytes, old=old)
    if new_raw != raw:
        atomic_write(path, new_raw)
    return new


def new_problems(before: Iterable[Diagnostic], after: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Errors in ``after`` that ``before`` did not have (compared without positions, which shift)."""
    seen = {(d.code, d.path, d.message) for d in before}
    return [d for d in after if d.severity == "error" and (d.code, d.path, d.message) not in seen]


# --- reading and the ruamel engine --------------------------------------------------------------


def _decode(raw: bytes) -> tuple[str, bytes, str]:
    prefix = b""
    if raw.startswith(b"\xef\xbb\xbf"):
        prefix, raw = raw[:3], raw[3:]
    text = raw.decode("utf-8")
    newline = "\r\n" if "\r\n" in text else "\n"
    return text.replace("\r\n", "\n"), prefix, newline


def _engine(text: str):
    from ruamel.yaml import YAML

    engine = YAML(typ="rt", pure=True)
    engine.preserve_quotes = True
    engine.width = 4096  # never re-wrap the user's long lines
    engine.brace_single_entry_mapping_in_flow_sequence = True  # keep `[{path: a}]`, not `[path: a]`
    mapping, offset = _guess_indent(text)
    engine.indent(mapping=mapping, sequence=offset + 2, offset=offset)
    head = _head(text)
    engine.explicit_start = head.startswith("---")
    engine.explicit_end = text.rstrip().endswith("\n...") or text.rstrip() == "..."
    return engine


def _head(text: str) -> str:
    """The first line that is not blank, a comment or a directive."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and not stripped.startswith("%"):
            return stripped
    return ""


_KEY_LINE = re.compile(r"^( *)([^\s#-][^:#]*|\"[^\"]*\"|'[^']*'):\s*(#.*)?$")
_ITEM_LINE = re.compile(r"^( *)- ")


def _guess_indent(text: str) -> tuple[int, int]:
    """(mapping indent, sequence dash offset) as the file uses them; (2, 2) when it does not say."""
    mapping: int | None = None
    offset: int | None = None
    lines = (line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))
    for prev, line in itertools.pairwise(lines):
        parent = _KEY_LINE.match(prev)
        if parent is None:
            continue
        base = len(parent.group(1))
        indent = len(line) - len(line.lstrip(" "))
        if _ITEM_LINE.match(line):
            if offset is None and indent >= base:
                offset = indent - base
        elif mapping is None and indent > base:
            mapping = indent - base
        if mapping is not None and offset is not None:
            break
    mapping = mapping if mapping and mapping <= 8 else 2
    offset = offset if offset is not None and offset <= 8 else 2
    return mapping, offset


# --- editing the ruamel tree ---------------------------------------------------------------------


def _set_path(tree: Any, path: tuple[str, ...], value: Any) -> None:
    node = tree
    block = _needs_block(value)
    for key in path[:-1]:
        if block and node.fa.flow_style():
            node.fa.set_block_style()  # a block value cannot sit inside a flow collection
        if key not in node or not _is_map(node[key]):
            _assign(node, key, {})
        node = node[key]
    if block and node.fa.flow_style():
        node.fa.set_block_style()
    _assign(node, path[-1], value)


def _plain(node: Any) -> Any:
    """The plain value of a ruamel node (for "is it unchanged?")."""
    from ruamel.yaml.scalarbool import ScalarBoolean

    if _is_map(node):
        return {k: _plain(v) for k, v in node.items()}
    if _is_seq(node):
        return [_plain(v) for v in node]
    if isinstance(node, (bool, ScalarBoolean)):
        return bool(node)
    if type(node) is datetime.date:  # an unquoted date; the reader keeps it as text
        return node.isoformat()
    for kind in (str, int, float):
        if isinstance(node, kind):
            return kind(node)
    return node


def _is_map(node: Any) -> bool:
    from ruamel.yaml.comments import CommentedMap

    return isinstance(node, CommentedMap)


def _is_seq(node: Any) -> bool:
    from ruamel.yaml.comments import CommentedSeq

    return isinstance(node, CommentedSeq)


def _assign(parent: Any, key: str, value: Any) -> None:
    """Set ``parent[key]`` to the plain ``value``, keeping comments and order where they can stay."""
    if key not in parent:
        if _is_map(parent) and parent.fa.flow_style() and len(parent) == 0:
            parent.fa.set_block_style()
        if _is_map(parent) and parent.fa.flow_style() and _needs_block(value):
            parent.fa.set_block_style()
        tail = _detach_tail(parent)
        parent[key] = _node(value)
        _attach_tail(parent, key, tail)
        return
    old = parent[key]
    if _first_difference(_plain(old), value, ()) is None:
        return  # unchanged: keep it exactly as written (quoting, style, comments inside)
    if isinstance(value, dict) and _is_map(old):
        if old.fa.flow_style() and (len(old) == 0 or any(_needs_block(v) for v in value.values())):
            old.fa.set_block_style()
        for k in [k for k in old if k not in value]:
            _delete(old, k)
        for k, v in value.items():
            _assign(old, k, v)
        return
    if isinstance(value, list) and _is_seq(old):
        _replace_items(parent, key, old, value)
        return
    if _is_map(old) or _is_seq(old):
        tail = _detach_tail(old)
        parent[key] = _node(value)
        _attach_tail(parent, key, tail)
        return
    parent[key] = _scalar(value) if isinstance(value, str) else _node(value)


def _needs_block(value: Any) -> bool:
    """Whether a value cannot sit nicely inside a flow mapping: a non-empty collection or several lines."""
    if isinstance(value, (dict, list)):
        return bool(value)
    return isinstance(value, str) and "\n" in value


def _delete(parent: Any, key: Any) -> None:
    last = list(parent)[-1] == key if _is_map(parent) else key == len(parent) - 1
    tail = _detach_tail(parent) if last else ""
    del parent[key]
    if _is_map(parent):
        parent.ca.items.pop(key, None)
    if len(parent):
        _attach_tail(parent, list(parent)[-1] if _is_map(parent) else len(parent) - 1, tail)


def _replace_items(parent: Any, key: str, seq: Any, values: list) -> None:
    """Replace a sequence's items in place (the sequence object keeps its comments after it)."""
    tail = _detach_tail(seq)
    for attr in ("end",):
        if getattr(seq.ca, attr, None):
            setattr(seq.ca, attr, [])
    seq.ca.items.clear()
    del seq[:]
    for v in values:
        seq.append(_node(v, in_list=True))
    flow = _flow_list(values)
    if flow:
        seq.fa.set_flow_style()
    else:
        seq.fa.set_block_style()
    _attach_tail(parent, key, tail)


def _flow_list(values: list) -> bool:
    if not values:
        return True
    if any(isinstance(v, (dict, list)) or (isinstance(v, str) and "\n" in v) for v in values):
        return False
    return sum(len(str(v)) + 2 for v in values) <= _FLOW_LIMIT


def _node(value: Any, in_list: bool = False) -> Any:
    """A ruamel node for a plain value: block mappings, flow mappings inside lists, short flow lists."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        node = CommentedMap()
        for k, v in value.items():
            node[k] = _node(v)
        if in_list and all(not isinstance(v, (dict, list)) and not (isinstance(v, str) and "\n" in v) for v in value.values()):
            node.fa.set_flow_style()
        else:
            node.fa.set_block_style()
        return node
    if isinstance(value, list):
        seq = CommentedSeq(_node(v, in_list=True) for v in value)
        if _flow_list(value):
            seq.fa.set_flow_style()
        else:
            seq.fa.set_block_style()
        return seq
    if isinstance(value, str):
        return _scalar(value)
    return value


def _scalar(text: str) -> Any:
    """A string that reloads as the same string with either loader: plain when safe, else quoted or a block."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

    from .spanedit import plain_ok

    if not all(ch.isprintable() or ch in "\n\t" for ch in text):
        return DoubleQuotedScalarString(text)
    if "\n" in text.rstrip("\n"):
        if any(line != line.rstrip() for line in text.split("\n")) or text != text.lstrip("\n") or text.endswith("\n\n"):
            return DoubleQuotedScalarString(text)
        return LiteralScalarString(text)
    if "\n" in text:
        return DoubleQuotedScalarString(text)
    if not plain_ok(text) and "\n" not in text:
        return DoubleQuotedScalarString(text)  # dates, numbers, null, yes/no, 12:30 ...
    return text


# --- comments that follow a block ------------------------------------------------------------------
#
# ruamel attaches the comment lines that follow a block (say, the `# TR-02 ...` header before the
# next answer) to the *last* value inside that block. Appending after that value would push the
# comment above the new entry, away from what it describes. So before appending we take those
# lines off ("the tail") and put them back after the new last value.


def _detach_tail(node: Any) -> str:
    if not (_is_map(node) or _is_seq(node)) or len(node) == 0 or node.fa.flow_style():
        return ""
    key = list(node)[-1] if _is_map(node) else len(node) - 1
    value = node[key]
    tail = _detach_tail(value) if (_is_map(value) or _is_seq(value)) else ""
    slot = node.ca.items.get(key)
    index = 2 if _is_map(node) else 0
    if slot is not None and len(slot) > index and slot[index] is not None:
        token = slot[index]
        head, rest = _split_token(token.value)
        tail += rest
        if head:
            token.value = head
        else:
            slot[index] = None
    end = getattr(node.ca, "end", None)
    if end:
        for token in end:
            tail += _token_lines(token)
        node.ca.end = []
    return tail


def _split_token(value: str) -> tuple[str, str]:
    """A post-value comment: its end-of-line part and the full lines after it."""
    if value.startswith("\n"):
        return "", value[1:]
    cut = value.find("\n")
    if cut < 0:
        return value, ""
    return value[: cut + 1], value[cut + 1 :]


def _token_lines(token: Any) -> str:
    value = token.value
    column = getattr(token, "column", None)
    if column is None:
        column = token.start_mark.column if token.start_mark is not None else 0
    if value.startswith("#"):
        value = " " * column + value
    return value if value.endswith("\n") else value + "\n"


def _attach_tail(parent: Any, key: Any, tail: str) -> None:
    """Put ``tail`` after the value at ``parent[key]`` (inside it, after its last item, if it is a block)."""
    if not tail:
        return
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    value = parent[key]
    if (_is_map(value) or _is_seq(value)) and len(value) and not value.fa.flow_style():
        inner = list(value)[-1] if _is_map(value) else len(value) - 1
        _attach_tail(value, inner, tail)
        return
    index = 2 if _is_map(parent) else 0
    slot = parent.ca.items.setdefault(key, [None, None, None, None] if _is_map(parent) else [None, None])
    if slot[index] is None:
        slot[index] = CommentToken("\n" + tail, CommentMark(0))
    else:
        value_text = slot[index].value
        slot[index].value = (value_text if value_text.endswith("\n") else value_text + "\n") + tail


# --- the same edit on plain data, for verification --------------------------------------------------


def _merged(old: Any, value: Any) -> Any:
    """The plain value a merge produces: dict keys in the old order, then new keys; lists replaced."""
    if isinstance(value, dict) and isinstance(old, dict):
        out = {k: _merged(old[k], value[k]) for k in old if k in value}
        out.update({k: copy.deepcopy(v) for k, v in value.items() if k not in old})
        return out
    return copy.deepcopy(value)


def _first_difference(a: Any, b: Any, path: tuple) -> str | None:
    """The JSON path where two plain values differ (types and key order count), or None."""
    from ..loading import json_path

    if type(a) is not type(b):
        return json_path(path)
    if isinstance(a, dict):
        if list(a) != list(b):
            return json_path(path)
        for k in a:
            found = _first_difference(a[k], b[k], path + (k,))
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return json_path(path)
        for n, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, path + (n,))
            if found:
                return found
        return None
    return None if a == b else json_path(path)
