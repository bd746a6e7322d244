"""The one Jinja2 environment for every HTML template (reports, grading): autoescaped, strict, offline.

Templates are compiled to Python once and kept in a bytecode cache in the user's cache folder
(``$XDG_CACHE_HOME/aiaudit``, ``~/.cache/aiaudit``, ``~/Library/Caches/aiaudit`` or
``%LOCALAPPDATA%\\aiaudit``; ``AIAUDIT_CACHE_DIR`` moves it, ``AIAUDIT_NO_CACHE=1`` turns it off).
Compiling ``report.html`` costs more than rendering the report of a small audit. A cached entry
is used only when the template's source is unchanged (Jinja2 stores a checksum of the source),
and the folder's name carries the Jinja2 version and the environment's options, so a change of
either never loads stale code. The output is the same either way: the cache holds exactly what
the compiler would produce.
"""

from __future__ import annotations

import contextlib
import os
from functools import cache

from ..cache import enabled, user_cache_dir
from ..cache import private_folder as _private_folder
from ..digest import sha256_hex
from ..paths import data_dir
from ..text import redact

#: The environment's settings that change the compiled code (the source, Jinja2 checks itself).
_COMPILE_SETTINGS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "autoescape",
    "optimized",
)


@cache
def environment():
    """The shared environment over the package's ``templates`` folder.

    ``autoescape=True``: every template is HTML, so user text is always escaped (template names
    like ``*.html.j2`` would slip past ``select_autoescape``). ``StrictUndefined``: a template
    bug fails loudly instead of rendering an empty value. ``finalize``: no value shows the absolute
    folders of the machine that renders (a grader's home, a CI workspace).
    """
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(str(data_dir("templates"))),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.bytecode_cache = bytecode_cache(env)
    return env


class Verbatim(str):
    """A template value that must reach the page as it is (a ``file:`` URL WeasyPrint loads); still escaped."""


def _finalize(value):
    """Every value a template shows: without the machine's absolute folders (see :func:`aiaudit.text.redact`).

    Called for every value of every page (about 11,000 in the example's report): strings without a
    path separator, the most, return at once."""
    if isinstance(value, str) and os.sep in value and not isinstance(value, Verbatim):
        shown = redact(value)
        return _Markup(shown) if isinstance(value, _Markup) else shown
    return value


try:  # markupsafe comes with Jinja2, which every caller of this module has already imported
    from markupsafe import Markup as _Markup
except ImportError:  # pragma: no cover - Jinja2 missing: environment() fails with a clearer error
    _Markup = str


def with_filters(**filters):
    """The shared environment with these filters registered (idempotent)."""
    env = environment()
    env.filters.update(filters)
    return env


def bytecode_cache(env):
    """Jinja2's file-system bytecode cache for ``env`` in the user's cache folder, or None (off, or no safe folder)."""
    if not enabled():
        return None
    base = user_cache_dir()
    if base is None:
        return None
    import jinja2
    from jinja2 import FileSystemBytecodeCache

    settings = [jinja2.__version__, *(repr(getattr(env, name)) for name in _COMPILE_SETTINGS), sorted(env.extensions)]
    fingerprint = sha256_hex(repr(settings).encode())[:16]
    folder = base / f"templates-{fingerprint}"
    if not _private_folder(folder):
        return None

    class QuietCache(FileSystemBytecodeCache):
        """A cache that can fail: a missing, full or read-only folder only means compiling again."""

        def load_bytecode(self, bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:
                bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            with contextlib.suppress(Exception):  # the template is compiled and in use; only the cache missed
                super().dump_bytecode(bucket)

    return QuietCache(str(folder), "%s.cache")
