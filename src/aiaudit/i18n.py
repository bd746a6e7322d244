"""One lookup for English and Korean text: bilingual values from files, and message catalogs."""

from __future__ import annotations

import json
import locale
import os
from functools import cache
from importlib import resources

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
    for entry in sorted(resources.files("aiaudit").joinpath("locales").iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".json"):
            merged.update(json.loads(entry.read_text(encoding="utf-8")))
    return merged


def t(key: str, lang: str = "en", **kwargs: object) -> str:
    """The message ``key`` in ``lang`` (English if missing), formatted with ``kwargs``."""
    entry = _catalog().get(key)
    if entry is None:
        raise KeyError(f"no message {key!r}")
    text = entry.get(lang) or entry["en"]
    return text.format(**kwargs) if kwargs else text


def messages(lang: str, prefix: str = "") -> dict[str, str]:
    """Every message whose key starts with ``prefix``, in ``lang``: for templates."""
    return {k: (v.get(lang) or v["en"]) for k, v in _catalog().items() if k.startswith(prefix)}
