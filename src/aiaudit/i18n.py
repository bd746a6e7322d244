"""One lookup for English and Korean text: bilingual values from files, and message catalogs."""

from __future__ import annotations

import json
import locale
import os
from functools import cache

from . import PACKAGE_DIR

LANGS = ("en", "ko")


def default_lang() -> str:
    """The language from AIAUDIT_LANG, then LC_ALL/LC_MESSAGES/LANG: ``ko`` for a Korean locale, else ``en``."""
    for var in ("AIAUDIT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    loc = (locale.getlocale()[0] or "").lower()
    return "ko" if loc.startswith("ko") else "en"


@cache
def _catalog() -> dict[str, dict[str, str]]:
    """All message catalogs (``locales/*.json``) merged: key → {en, ko}."""
    merged: dict[str, dict[str, str]] = {}
    for entry in sorted((PACKAGE_DIR / "locales").iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".json"):
            merged.update(json.loads(entry.read_text(encoding="utf-8")))
    return merged


def t(key: str, lang: str = "en", /, **kwargs: object) -> str:
    """The message ``key`` in ``lang`` (English if missing), formatted with ``kwargs``."""
    entry = _catalog().get(key)
    if entry is None:
        raise KeyError(f"no message {key!r}")
    text = entry.get(lang) or entry["en"]
    return text.format(**kwargs) if kwargs else text


def messages(lang: str, prefix: str = "") -> dict[str, str]:
    """Every message whose key starts with ``prefix``, in ``lang``: for templates."""
    return {k: (v.get(lang) or v["en"]) for k, v in _catalog().items() if k.startswith(prefix)}


_current: str | None = None


def set_lang(lang: str | None) -> None:
    """Set the language of this run's messages (the CLI's ``--lang``)."""
    global _current
    _current = lang


def current_lang() -> str:
    """``--lang`` when given, else :func:`default_lang`."""
    return _current or default_lang()


class Msg(str):
    """A catalog message that keeps its key and arguments: English as a ``str``, any language on demand.

    Library code builds diagnostics and errors with ``Msg("load.no_file")``-style calls; output code asks for
    ``localize(message, lang)``. Being a ``str``, a ``Msg`` works wherever text is expected.
    """

    key: str
    args: dict

    def __new__(cls, msg_key: str, /, **args: object) -> Msg:
        self = super().__new__(cls, t(msg_key, "en", **args))
        self.key = msg_key
        self.args = args
        return self

    def text(self, lang: str | None = None) -> str:
        return t(self.key, lang or current_lang(), **self.args)

    def __reduce__(self):  # keep key and arguments across processes (grading's worker pool)
        return (_rebuild, (self.key, self.args))


def _rebuild(key: str, args: dict) -> Msg:
    return Msg(key, **args)


def localize(text: object, lang: str | None = None) -> str:
    """``text`` in ``lang`` when it is a :class:`Msg`, else as it is."""
    return text.text(lang) if isinstance(text, Msg) else str(text)
