"""The JUnit writer's own XML serialiser writes what ElementTree writes, byte for byte."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from aiaudit.gate.outputs.xmltree import Element, to_string

# Text with every character the escapes treat specially, plus blanks (which decide indentation).
_TEXT = st.one_of(st.none(), st.just(""), st.just("  \n "), st.text(alphabet='ab &<>"\'\r\n\t가é', max_size=12))
_NAME = st.sampled_from(["a", "name", "message", "type", "x-y"])


@st.composite
def trees(draw, depth: int = 0):
    tag = draw(st.sampled_from(["testsuites", "testsuite", "testcase", "failure", "system-out"]))
    attrib = draw(st.dictionaries(_NAME, st.text(alphabet='ab &<>"\r\n\t가', max_size=8), max_size=3))
    text = draw(_TEXT)
    children = draw(st.lists(trees(depth + 1), max_size=3)) if depth < 3 else []
    return tag, attrib, text, children


def _ours(tree) -> Element:
    tag, attrib, text, children = tree
    element = Element(tag, attrib, text)
    element.children.extend(_ours(c) for c in children)
    return element


def _theirs(tree) -> ET.Element:
    tag, attrib, text, children = tree
    element = ET.Element(tag, attrib)
    element.text = text
    element.extend(_theirs(c) for c in children)
    return element


@settings(max_examples=300, deadline=None)
@given(trees())
def test_same_bytes_as_elementtree(tree):
    theirs = _theirs(tree)
    ET.indent(theirs)
    assert to_string(_ours(tree)) == ET.tostring(theirs, encoding="unicode")


def test_escapes_and_empty_elements():
    root = Element("testsuites")
    case = root.add("testcase", name='a "b" <c> & d\ne\tf\rg')
    case.add("failure", "x < y & z > w", message="m")
    root.add("system-err", "")
    assert to_string(root) == (
        "<testsuites>\n"
        '  <testcase name="a &quot;b&quot; &lt;c&gt; &amp; d&#10;e&#09;f&#13;g">\n'
        '    <failure message="m">x &lt; y &amp; z &gt; w</failure>\n'
        "  </testcase>\n"
        "  <system-err />\n"
        "</testsuites>"
    )


def test_the_gate_does_not_import_elementtree(tmp_path):
    import subprocess
    import sys

    code = "import sys, aiaudit.gate.outputs.junit; print('xml.etree.ElementTree' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, blacklist_categories=()), max_size=20))
def test_junit_replaces_exactly_what_xml_cannot_carry(text):
    import re

    from aiaudit.gate.outputs.junit import _xml_chars

    invalid = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
    assert _xml_chars(text) == invalid.sub("\ufffd", text)
