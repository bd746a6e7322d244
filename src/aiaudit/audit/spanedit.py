"""Fast comment-preserving edits: rewrite only the text spans of the values that change.

The text of the document is composed into its node tree again (:func:`aiaudit.loading.compose`,
libyaml), and each node knows where it starts and ends in the text. To set an answer, this module finds the answer's
mapping through those marks and replaces only the spans of the values that differ (a new key is
inserted after the mapping's last line, a dropped key's lines are removed); every other byte of
the file stays as it was, so comments, key order, quoting and layout outside those spans are kept
by construction.

:func:`edit` gives up (:class:`Unsafe`) instead of guessing whenever the text is not in the plain
block layout it knows how to edit: anchors or aliases, flow-style parents, keys that are not
plain scalars, overlapping edits, nested lists. :func:`aiaudit.audit.roundtrip.apply` then reloads
the edited text with the loader and compares the data with the expected data (types and key order
included) before anything is written, and falls back to the ruamel.yaml round trip when either
step fails. This module never writes a file.

The new values are written in the same style the round trip uses: block mappings, short scalar
lists in flow style (``[a, b]``), lists of mappings as block lists of flow mappings
(``- {path: a, sha256: ...}``), multi-line text as a literal block (``|``/``|-``), and strings that
would read back as something else (dates, numbers, ``yes``) double-quoted.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from ..loading import has_anchor, is_number
from ..records import record

#: Lists of scalars up to this many characters are written in flow style (``[a, b]``), as the round trip does.
FLOW_LIMIT = 72



class Unsafe(Exception):
    """The edit cannot be made on the text spans with confidence; use the round trip instead."""


@record
class _Block:
    """A value written on the lines after its key: an optional header on the key's line (``|-``), then lines."""

    header: str
    lines: list[str]


# --- public API ---------------------------------------------------------------------------------


def edit(text: str, root: Any, data: Any, changes: list[tuple[tuple[str, ...], Any]], indent: tuple[int, int]) -> str:
    """``text`` (the loader's text of a document whose node tree is ``root`` and data ``data``) after ``changes``.

    ``changes`` are (path of mapping keys, plain value) pairs with the merge semantics of
    :class:`aiaudit.audit.roundtrip.Change`; ``indent`` is the file's (mapping indent, sequence dash
    offset). Raises :class:`Unsafe` when the spans cannot be edited with confidence.
    """
    if root is None or not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise Unsafe("not a block mapping")
    if has_anchor(text):  # no anchor, no alias: a false positive only costs the fallback
        raise Unsafe("anchors or aliases")
    ed = _Editor(text, indent)
    for path, value in changes:
        ed.set_path(root, data, tuple(path), value)
    return ed.result()


# --- the editor ---------------------------------------------------------------------------------


class _Editor:
    def __init__(self, text: str, indent: tuple[int, int]):
        self.text = text
        self.step, self.offset = indent
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.edits: list[tuple[int, int, str]] = []

    # -- applying -------------------------------------------------------------------------------

    def result(self) -> str:
        out = []
        pos = 0
        for start, end, replacement in sorted(self.edits, key=lambda e: e[0]):  # stable: generation order at one spot
            if start < pos:
                raise Unsafe("overlapping edits")
            out.append(self.text[pos:start])
            out.append(replacement)
            pos = end
        out.append(self.text[pos:])
        return "".join(out)

    def _join(self, lines: list[str]) -> str:
        return "".join(self.newline + line for line in lines)

    # -- positions ------------------------------------------------------------------------------

    def eol(self, index: int) -> int:
        """Where the line holding ``index`` ends (before its line break)."""
        end = self.text.find("\n", index)
        if end < 0:
            return len(self.text)
        return end - 1 if end > 0 and self.text[end - 1] == "\r" else end

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def content_end(self, node: Any) -> int:
        """Just after the last character that belongs to ``node`` (block collections end at their last child)."""
        if isinstance(node, yaml.ScalarNode):
            end = node.end_mark.index
            if node.style in ("|", ">"):
                while end > node.start_mark.index and self.text[end - 1] in " \t\r\n":
                    end -= 1
            return end
        if node.flow_style:
            return node.end_mark.index
        if not node.value:
            raise Unsafe("empty block collection")
        last = node.value[-1]
        if isinstance(node, yaml.MappingNode):
            key, value = last
            return max(self.colon_end(key), self.content_end(value))
        return self.content_end(last)

    def colon_end(self, key: Any) -> int:
        """Just after the ``:`` that follows a mapping key."""
        index = key.end_mark.index
        while index < len(self.text) and self.text[index] in " \t":
            index += 1
        if index >= len(self.text) or self.text[index] != ":":
            raise Unsafe("no ':' after the key")
        return index + 1

    def rest_of_line_is_blank(self, index: int) -> bool:
        rest = self.text[index : self.eol(index)].strip()
        return rest == "" or rest.startswith("#")

    # -- walking --------------------------------------------------------------------------------

    def set_path(self, node: Any, data: Any, path: tuple[str, ...], value: Any) -> None:
        """Set ``path`` (below the block mapping ``node`` whose data is ``data``) to ``value``."""
        self._check_mapping(node)
        key, rest = path[0], path[1:]
        if not rest:
            self.assign(node, data, key, value)
            return
        pair = _pair(node, key)
        if pair is not None and isinstance(data.get(key), dict):
            child = pair[1]
            if isinstance(child, yaml.MappingNode) and not child.flow_style:
                self.set_path(child, data[key], rest, value)
                return
            nested = _merged(data[key], _nest(rest, value))
            self.assign(node, data, key, nested)
            return
        # missing, or not a mapping: the round trip replaces it by a mapping holding the value
        self.assign(node, data, key, _nest(rest, value))

    def _check_mapping(self, node: Any) -> None:
        if not isinstance(node, yaml.MappingNode) or node.flow_style:
            raise Unsafe("not a block mapping")
        columns = set()
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.style not in (None, "") or key.tag != "tag:yaml.org,2002:str":
                raise Unsafe("a key that is not a plain string")
            if key.start_mark.line != key.end_mark.line:
                raise Unsafe("a multi-line key")
            columns.add(key.start_mark.column)
        if len(columns) > 1:
            raise Unsafe("keys at different columns")

    def assign(self, node: Any, data: dict, key: str, value: Any) -> None:
        """Set ``data[key]`` (a pair of the block mapping ``node``) to ``value``: merge, replace or append."""
        pair = _pair(node, key)
        if pair is None:
            self.append(node, [(key, value)])
            return
        old = data[key]
        if same(old, value):
            return  # unchanged: keep it exactly as written
        key_node, value_node = pair
        if isinstance(value, dict) and isinstance(old, dict) and isinstance(value_node, yaml.MappingNode):
            kept = [k for k in old if k in value]
            if kept and not value_node.flow_style:
                self._check_mapping(value_node)
                for k in old:
                    if k not in value:
                        self.delete(value_node, k)
                new_keys = []
                for k, v in value.items():
                    if k in old:
                        self.assign(value_node, old, k, v)
                    else:
                        new_keys.append((k, v))
                if new_keys:
                    self.append(value_node, new_keys, after=kept[-1])
                return
            value = _merged(old, value)
        self.replace(key_node, value_node, value)

    # -- the three edits ------------------------------------------------------------------------

    def replace(self, key_node: Any, value_node: Any, value: Any) -> None:
        """Write ``value`` in place of the value of ``key_node``."""
        column = key_node.start_mark.column
        rendered = self.render(value, column)
        colon = self.colon_end(key_node)
        empty = isinstance(value_node, yaml.ScalarNode) and value_node.start_mark.index == value_node.end_mark.index
        end = colon if empty else self.content_end(value_node)
        below = not empty and value_node.start_mark.line != key_node.start_mark.line
        block_below = below and not isinstance(value_node, yaml.ScalarNode) and not value_node.flow_style
        if isinstance(rendered, str):
            if empty or block_below:  # `key:` + block below becomes `key: value`
                self.edits.append((colon, end, " " + rendered))
            else:  # on the key's line, or a scalar on the line below: stays where it is
                self.edits.append((value_node.start_mark.index, end, rendered))
            return
        line_end = self.eol(end)
        tail = self.text[end:line_end]
        if tail.strip() and not tail.strip().startswith("#"):
            raise Unsafe("text after the value")
        if below and not rendered.header:
            # a collection replaces a value on the lines below: from that value's line on, so comments before it stay
            first = self.line_start(value_node.start_mark.index)
            if self.text[first : value_node.start_mark.index].strip():
                raise Unsafe("the value does not start its line")
            self.edits.append((first, line_end, self.newline.join(rendered.lines) + tail))
            return
        # a literal's header replaces a value on the key's line; `key: []` becomes `key:` with the block below
        start = value_node.start_mark.index if rendered.header and not below and not empty else colon
        header = " " + rendered.header if rendered.header and start == colon else rendered.header
        self.edits.append((start, line_end, header + tail + self._join(rendered.lines)))

    def append(self, node: Any, pairs: list[tuple[str, Any]], after: str | None = None) -> None:
        """Add ``pairs`` after the last line of the block mapping ``node`` (or of its pair ``after``, the last one kept)."""
        column = node.value[0][0].start_mark.column
        if after is None:
            end = self.content_end(node)
        else:
            key_node, value_node = _pair(node, after)  # type: ignore[misc]
            end = max(self.colon_end(key_node), self.content_end(value_node))
        if not self.rest_of_line_is_blank(end):
            raise Unsafe("text after the mapping")
        lines: list[str] = []
        for key, value in pairs:
            lines += self.pair_lines(key, value, column)
        at = self.eol(end)
        self.edits.append((at, at, self._join(lines)))

    def delete(self, node: Any, key: str) -> None:
        """Remove the lines of ``key`` and its value from the block mapping ``node``."""
        pair = _pair(node, key)
        assert pair is not None
        key_node, value_node = pair
        start = self.line_start(key_node.start_mark.index)
        if self.text[start : key_node.start_mark.index].strip():
            raise Unsafe("the key does not start its line")
        end = max(self.colon_end(key_node), self.content_end(value_node))
        if not self.rest_of_line_is_blank(end):
            raise Unsafe("text after the value")
        stop = self.text.find("\n", end)
        self.edits.append((start, len(self.text) if stop < 0 else stop + 1, ""))

    # -- rendering new values -------------------------------------------------------------------

    def pair_lines(self, key: str, value: Any, column: int) -> list[str]:
        """The lines of ``key: value`` with the key at ``column``."""
        head = " " * column + key_text(key) + ":"
        rendered = self.render(value, column)
        if isinstance(rendered, str):
            return [head + " " + rendered]
        return [head + (" " + rendered.header if rendered.header else ""), *rendered.lines]

    def render(self, value: Any, column: int) -> str | _Block:
        """``value`` as the value of a key at ``column``: inline text, or a block on the following lines."""
        if isinstance(value, str):
            if "\n" in value.rstrip("\n") and _literal_ok(value):
                pad = " " * (column + max(self.step, 1))
                header = "|" if value.endswith("\n") else "|-"
                return _Block(header, [(pad + line) if line else "" for line in value.rstrip("\n").split("\n")])
            return scalar_text(value)
        if isinstance(value, dict):
            if not value:
                return "{}"
            lines: list[str] = []
            for k, v in value.items():
                lines += self.pair_lines(k, v, column + max(self.step, 1))
            return _Block("", lines)
        if isinstance(value, list):
            if flow_list(value):
                return "[" + ", ".join(scalar_text(v, flow=True) for v in value) + "]"
            dash = column + self.offset
            lines = []
            for item in value:
                lines += self.item_lines(item, dash)
            return _Block("", lines)
        return scalar_text(value)

    def item_lines(self, item: Any, dash: int) -> list[str]:
        """The lines of one block-list item with its ``-`` at column ``dash``."""
        prefix = " " * dash + "- "
        if isinstance(item, dict):
            if item and all(_inline_scalar(v) for v in item.values()):
                inner = ", ".join(f"{key_text(k, flow=True)}: {scalar_text(v, flow=True)}" for k, v in item.items())
                return [prefix + "{" + inner + "}"]
            if not item:
                return [prefix + "{}"]
            lines: list[str] = []
            for k, v in item.items():
                lines += self.pair_lines(k, v, dash + 2)
            return [prefix + lines[0][dash + 2 :], *lines[1:]]
        if isinstance(item, list):
            if not item:
                return [prefix + "[]"]
            raise Unsafe("a list inside a list")
        rendered = self.render(item, dash)
        if isinstance(rendered, str):
            return [prefix + rendered]
        return [prefix + rendered.header, *rendered.lines]


# --- plain values ---------------------------------------------------------------------------------


def _pair(node: Any, key: str) -> tuple[Any, Any] | None:
    for k, v in node.value:
        if k.value == key:
            return k, v
    return None


def _nest(path: tuple[str, ...], value: Any) -> Any:
    for key in reversed(path):
        value = {key: value}
    return value


def _merged(old: Any, value: Any) -> Any:
    """What merging ``value`` into ``old`` gives (as :class:`aiaudit.audit.roundtrip.Change` defines it)."""
    if isinstance(value, dict) and isinstance(old, dict):
        out = {k: _merged(old[k], value[k]) for k in old if k in value}
        out.update({k: v for k, v in value.items() if k not in old})
        return out
    return value


def same(a: Any, b: Any) -> bool:
    """Equal plain values with equal types and key order (``1`` is not ``1.0`` nor ``True``)."""
    return a is b or canonical(a) == canonical(b)


def canonical(value: Any) -> str:
    """A text that differs whenever plain values differ in content, type or key order."""
    return json.dumps(value, ensure_ascii=False, allow_nan=True, default=repr)


def flow_list(values: list) -> bool:
    """Whether a list is written in flow style: scalars on one line, short enough."""
    if not values:
        return True
    if any(not _inline_scalar(v) for v in values):
        return False
    return sum(len(str(v)) + 2 for v in values) <= FLOW_LIMIT


def _inline_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list)) and not (isinstance(value, str) and "\n" in value)


def _literal_ok(text: str) -> bool:
    """Whether ``text`` can be a literal block (``|``) that reads back exactly."""
    if text.startswith(("\n", " ", "\t")) or text.endswith("\n\n"):
        return False
    for line in text.rstrip("\n").split("\n"):
        if line != line.rstrip(" \t"):
            return False
    return all(_printable(ch) or ch in "\t\n" for ch in text)


# --- scalars --------------------------------------------------------------------------------------

_RESOLVER = None
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_INDICATORS = frozenset(",[]{}")


def _resolver():
    global _RESOLVER
    if _RESOLVER is None:
        _RESOLVER = yaml.resolver.Resolver()
    return _RESOLVER


def _printable(ch: str) -> bool:
    """Printable in YAML and not a line break of YAML 1.1 (NEL, LS, PS), nor a BOM."""
    o = ord(ch)
    if 0x20 <= o <= 0x7E:
        return True
    if o < 0xA0:
        return False
    return not (o in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF) or 0xD800 <= o <= 0xDFFF)


def plain_ok(text: str, flow: bool = False) -> bool:
    """Whether ``text`` can be written unquoted and read back as the same string by both YAML 1.1 and 1.2 readers."""
    if not text or text != text.strip() or not all(_printable(ch) for ch in text):
        return False
    if text[0] in _INDICATORS or ": " in text or " #" in text or text.endswith(":"):
        return False
    if flow and any(ch in _FLOW_INDICATORS for ch in text):
        return False
    if text[0] in "0123456789+-.~nNtTfFyYoO" or text.lower().startswith(("0o", "0x")):
        if _resolver().resolve(yaml.ScalarNode, text, (True, False)) != "tag:yaml.org,2002:str":
            return False  # dates, numbers, null, yes/no, 12:30 ...
        if is_number(text):  # what the loader (YAML 1.2 core schema) reads as a number, a YAML 1.1 reader as text
            return False
    return True


def double_quoted(text: str) -> str:
    """``text`` as a YAML double-quoted scalar, every non-printable character escaped."""
    out = ['"']
    for ch in text:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif _printable(ch):
            out.append(ch)
        else:
            o = ord(ch)
            out.append(f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}")
    out.append('"')
    return "".join(out)


def scalar_text(value: Any, flow: bool = False) -> str:
    """A scalar as YAML text that reads back as the same value and type."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return ".nan"
        if value in (float("inf"), float("-inf")):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        return text if ("." in text or "e" in text) else text + ".0"
    if isinstance(value, str):
        return value if plain_ok(value, flow) else double_quoted(value)
    raise Unsafe(f"cannot write a {type(value).__name__}")


def key_text(key: Any, flow: bool = False) -> str:
    if not isinstance(key, str):
        raise Unsafe("a key that is not a string")
    return key if plain_ok(key, flow) and ":" not in key and "#" not in key else double_quoted(key)
