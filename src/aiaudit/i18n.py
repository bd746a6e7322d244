"""The one message model: catalog keys with arguments, rendered in English or Korean at the edge.

Library code never picks a language. It builds :class:`Msg` values (a key and its arguments) for
diagnostics, errors, prompts and report strings; the edge that shows them (the CLI, a report, a
gate output) renders them once with the language the user chose: ``msg.text(lang)`` or
:func:`localize`. Catalog texts may count things: ``{#n item|items}`` renders as ``1 item`` /
``3 items``, and ``{?n needs|need}`` picks the word alone (Korean texts write the counter word
themselves: ``항목 {n}개``).
"""

from __future__ import annotations

import locale
import os
import re
from functools import cache
from pathlib import Path

from .model import Text
from .text import lazy_pattern

LANGS = ("en", "ko")


def default_lang() -> str:
    """The language from AIAUDIT_LANG, then LC_ALL/LC_MESSAGES/LANG: ``ko`` for a Korean locale, else ``en``."""
    for var in ("AIAUDIT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    loc = (locale.getlocale()[0] or "").lower()
    return "ko" if loc.startswith("ko") else "en"


def _files() -> list[Path]:
    folder = Path(__file__).parent / "locales"
    return sorted(folder / name for name in os.listdir(folder) if name.endswith(".json"))


@cache
def _signature() -> str | None:
    """The catalog files' key in the cache (their names, sizes and times), looked at once per run."""
    from .cache import files_signature

    return files_signature(_files())


@cache
def _catalog() -> dict[str, dict[str, str]]:
    """All message catalogs (``locales/*.json``) merged: key → {en, ko} (for tools and tests; commands use :func:`_table`)."""
    import json

    merged: dict[str, dict[str, str]] = {}
    for path in _files():
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


@cache
def _table(lang: str) -> dict[str, str]:
    """Every message in ``lang`` (English where it has none): key → text.

    Kept in the user's cache per language, keyed by the catalog files' names, sizes and times:
    reading and decoding 17 JSON files was a noticeable part of every short command, and loading one
    language's flat table takes a quarter of the time both languages' entries took.
    """
    from .cache import Store

    signature = _signature()

    def build() -> dict[str, str]:
        return {key: entry.get(lang) or entry["en"] for key, entry in _catalog().items()}

    store = Store("messages", code=("i18n.py",), limit=8, plain=True)
    return store.keep(f"{lang}-{signature}" if signature else None, dict, build)


#: ``{#name one|other}``: the number ``name`` and the word in its singular or plural form; ``{?name one|other}``: the word alone.
_PLURAL = lazy_pattern(r"\{([#?])(\w+) ([^{}|]*)\|([^{}]*)\}")


def plural(text: str, args: dict[str, object]) -> str:
    """Expand the ``{#n word|words}`` and ``{?n word|words}`` forms of a catalog text (before ``str.format``)."""

    def count(match: re.Match) -> str:
        n = args[match.group(2)]
        word = (match.group(3) if n == 1 else match.group(4)).replace("{", "{{").replace("}", "}}")
        return "{" + match.group(2) + "} " + word if match.group(1) == "#" else word

    return _PLURAL.sub(count, text) if "{#" in text or "{?" in text else text


def t(key: str, lang: str, /, **args: object) -> str:
    """The message ``key`` in ``lang`` (English if missing), formatted with ``args`` (messages among them rendered too)."""
    text = _table(lang).get(key)
    if text is None:
        raise KeyError(f"no message {key!r}")
    text = plural(text, args)
    if not args:
        return text
    return text.format(**{k: _arg(v, lang) for k, v in args.items()})


def _arg(value: object, lang: str) -> object:
    """A message argument in ``lang``: messages and bilingual texts from files are rendered, the rest kept."""
    if isinstance(value, (Msg, Listed)):
        return value.text(lang)
    if isinstance(value, Text):
        return value.get(lang)
    return value


def messages(lang: str, prefix: str = "") -> dict[str, str]:
    """Every message whose key starts with ``prefix``, in ``lang``: for templates (no arguments)."""
    return {k: v for k, v in _table(lang).items() if k.startswith(prefix)}


class Msg(str):
    """A catalog message: its key and arguments, rendered in any language with :meth:`text`.

    Its ``str`` value is the English text, so that logs, exceptions and tests read naturally; what
    a user sees always goes through ``text(lang)`` (or :func:`localize`) at the edge.
    """

    key: str
    args: dict

    def __new__(cls, msg_key: str, /, **args: object) -> Msg:
        self = super().__new__(cls, t(msg_key, "en", **args))
        self.key = msg_key
        self.args = args
        return self

    def text(self, lang: str) -> str:
        return t(self.key, lang, **self.args)

    def __reduce__(self):  # keep key and arguments across processes (grading's worker pool)
        return (_rebuild, (self.key, self.args))


def _rebuild(key: str, args: dict) -> Msg:
    return Msg(key, **args)


class Listed:
    """Catalog messages named by key, listed with commas in the language a message is rendered in
    (``owner, due date``): a message argument that costs no other language's catalog until asked."""

    __slots__ = ("keys",)

    def __init__(self, keys) -> None:
        self.keys = tuple(keys)

    def text(self, lang: str) -> str:
        return ", ".join(t(key, lang) for key in self.keys)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Listed) and other.keys == self.keys

    def __hash__(self) -> int:
        return hash(self.keys)

    def __repr__(self) -> str:
        return f"Listed({list(self.keys)!r})"


def localize(text: object, lang: str) -> str:
    """``text`` in ``lang`` when it is a :class:`Msg` or a bilingual :class:`Text`, else as it is."""
    return str(_arg(text, lang))
