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


#: ``preset:NAME`` names a built-in policy or rubric.
PRESET_PREFIX = "preset:"


def preset_names(kind: str) -> list[str]:
    """Names of the built-in presets of ``kind`` (``policies`` or ``rubrics``), sorted."""
    folder = PACKAGE_DIR / "presets" / kind
    if not folder.is_dir():
        return []
    return sorted(e.name[: -len(".yaml")] for e in folder.iterdir() if e.name.endswith(".yaml"))


def preset_path(kind: str, name: str) -> Path:
    """The file of a built-in preset; :class:`UsageError` naming the known ones (and the closest) when there is none."""
    from .diagnostics import UsageError

    known = preset_names(kind)
    if name not in known:
        import difflib

        close = difflib.get_close_matches(name, known, n=1)
        hint = Msg("preset.did_you_mean", name=close[0]) if close else ""
        raise UsageError(Msg(f"preset.none.{kind}", name=name, known=", ".join(known) or "-", hint=hint))
    return PACKAGE_DIR / "presets" / kind / f"{name}.yaml"
