"""aiaudit: AI-governance checklists and audits for generative-AI systems."""

# The single source of the version (pyproject.toml reads it; no importlib.metadata at start-up).
__version__ = "0.1.0"

# The installed package's folder: its data (schemas, locales, presets, checklists, templates) sits
# beside the code. A plain path is much cheaper at start-up than importlib.resources.
from pathlib import Path as _Path

PACKAGE_DIR = _Path(__file__).resolve().parent


def data_dir(name: str) -> _Path:
    """A data folder shipped in the wheel (``checklists``, ``templates``); the checkout's copy in development."""
    packaged = PACKAGE_DIR / name
    if packaged.is_dir():
        return packaged
    checkout = PACKAGE_DIR.parents[1] / name
    if checkout.is_dir():
        return checkout
    from .i18n import Msg

    raise FileNotFoundError(Msg("library.data_missing", name=repr(name)))
