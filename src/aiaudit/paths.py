"""Where aiaudit's shipped data lives: the package folder, and the data folders the wheel carries."""

from __future__ import annotations

from pathlib import Path

from .i18n import Msg

#: The installed package's folder: schemas, locales and presets sit beside the code. A plain path
#: is much cheaper at start-up than importlib.resources.
PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """A data folder shipped in the wheel (``checklists``, ``templates``); the checkout's copy in development."""
    packaged = PACKAGE_DIR / name
    if packaged.is_dir():
        return packaged
    checkout = PACKAGE_DIR.parents[1] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(Msg("library.data_missing", name=repr(name)))
