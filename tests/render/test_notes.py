"""Answer notes are user Markdown: rendered without raw HTML, images or unsafe links."""

from __future__ import annotations

import pytest

from aiaudit.render.notes import render_notes, safe_link

CASES = [
    # (note, must contain, must not contain)
    ("**bold** and `code`", ["<strong>bold</strong>", "<code>code</code>"], []),
    ("<script>alert(1)</script>", ["&lt;script&gt;alert(1)&lt;/script&gt;"], ["<script"]),
    ("<img src=x onerror=alert(1)>", ["&lt;img src=x onerror=alert(1)&gt;"], ["<img"]),
    ('<iframe src="https://evil.example/"></iframe>', ["&lt;iframe"], ["<iframe"]),
    ("<style>body{background:url(http://127.0.0.1/x)}</style>", ["&lt;style&gt;"], ["<style"]),
    ("[click](javascript:alert(1))", ["[click](javascript:alert(1))"], ["<a", "href"]),
    ("[x](JaVaScRiPt:alert(1))", [], ["<a"]),
    ("[x](vbscript:msgbox)", [], ["<a"]),
    ("[x](data:text/html;base64,PHNjcmlwdD4=)", [], ["<a"]),
    ("[passwd](file:///etc/passwd)", [], ["<a"]),
    ("[rel](evidence/x.txt)", [], ["<a"]),
    ("[proto-relative](//evil.example/x)", [], ["<a"]),
    ("![x](https://evil.example/x.png)", [], ["<img"]),
    ("![p](file:///etc/passwd)", ["![p](file:///etc/passwd)"], ["<img", "src=", "href="]),
    ("<https://example.org/a>", ['href="https://example.org/a"', 'rel="nofollow noopener noreferrer"'], []),
    ("[site](https://example.org)", ['<a href="https://example.org" rel="nofollow noopener noreferrer">site</a>'], []),
    ("[mail](mailto:kim@example.org)", ['href="mailto:kim@example.org"'], []),
    ("# Heading\n\ntext", ['<p class="note-heading"><strong>Heading</strong></p>'], ["<h1"]),
    ("Setext\n===", ["<strong>Setext</strong>"], ["<h1"]),
    ('<a href="javascript:alert(1)">x</a>', ["&lt;a href="], ["<a href"]),
    ("a\n\n- one\n- two", ["<li>one</li>"], []),
]


@pytest.mark.parametrize(("note", "present", "absent"), CASES)
def test_notes_render_safely(note, present, absent):
    html = str(render_notes(note))
    for text in present:
        assert text in html, html
    for text in absent:
        assert text not in html, html


def test_empty_notes_render_nothing():
    assert render_notes("") == "" and render_notes("  \n ") == ""


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org", True),
        ("http://example.org/x", True),
        ("mailto:a@b.c", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("//evil.example", False),
        ("relative/path", False),
        ("https://", False),
        ("data:image/png;base64,AAAA", False),
    ],
)
def test_safe_link(url, ok):
    assert safe_link(url) is ok
