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


def _cdata(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _attribute(text: str) -> str:
    text = _cdata(text)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#09;")
    return text


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
