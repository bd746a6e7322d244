"""The few XML elements the JUnit output needs, written as ``xml.etree.ElementTree`` writes them.

``ElementTree`` with its C accelerator, ``pyexpat`` and ``ElementPath`` cost the gate about 2 ms of
imports (a tenth of what the gate adds to Python's start-up), to write a file of three kinds of
element. :func:`to_string` gives, byte for byte, what ``ET.indent(root)`` then
``ET.tostring(root, encoding="unicode")`` give for the same tree (``tests/gate/test_xmltree.py``
compares them on generated trees): attributes in insertion order, the same escapes, two-space
indentation, ``<tag />`` for an element with neither text nor children.
"""

from __future__ import annotations

from typing import Any

_SPACE = "  "


class Element:
    """An element: a tag, attributes (in order), text, children. No tails: indentation is written."""

    __slots__ = ("tag", "attrib", "text", "children")

    def __init__(self, tag: str, attrib: dict[str, str] | None = None, text: str | None = None, **extra: str):
        self.tag = tag
        self.attrib = {**(attrib or {}), **extra}
        self.text = text
        self.children: list[Element] = []

    def add(self, tag: str, text: str | None = None, **attrib: str) -> Element:
        """A new child (``ET.SubElement``)."""
        child = Element(tag, attrib, text)
        self.children.append(child)
        return child

    def __iter__(self) -> Any:
        return iter(self.children)


#: What ElementTree escapes, in its order: in text, then also in attribute values.
_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_ATTRIBUTE_ESCAPES = (*_TEXT_ESCAPES, ('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"))


def _escape(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    for char, entity in escapes:
        if char in text:
            text = text.replace(char, entity)
    return text


def _cdata(text: str) -> str:
    return _escape(text, _TEXT_ESCAPES)


def _attribute(text: str) -> str:
    return _escape(text, _ATTRIBUTE_ESCAPES)


def to_string(root: Element) -> str:
    """``root`` indented and serialised as ``ET.indent`` and ``ET.tostring(..., encoding="unicode")`` do."""
    out: list[str] = []
    _write(out, root, 0)
    return "".join(out)


def _write(out: list[str], element: Element, level: int) -> None:
    tag = element.tag
    out.append("<" + tag)
    for key, value in element.attrib.items():
        out.append(f' {key}="{_attribute(value)}"')
    text, children = element.text, element.children
    if children:
        inner = "\n" + _SPACE * (level + 1)
        out.append(">" + (_cdata(text) if text and text.strip() else inner))
        last = len(children) - 1
        for n, child in enumerate(children):
            _write(out, child, level + 1)
            out.append(inner if n < last else "\n" + _SPACE * level)
        out.append(f"</{tag}>")
    elif text:
        out.append(f">{_cdata(text)}</{tag}>")
    else:
        out.append(" />")
