"""Atomic writes keep permissions and leave no temp file behind, even when writing fails."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiaudit.files import Outside, Special, _real_below, atomic_write, confine


def test_atomic_write_replaces_and_keeps_mode(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("old")
    os.chmod(path, 0o640)
    atomic_write(path, "new ✓")
    assert path.read_text(encoding="utf-8") == "new ✓"
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


def test_failed_write_leaves_the_old_file_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "a.yaml"
    path.write_text("old")

    def boom(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write(path, "new")
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]


# --- confining a path under a resolved folder --------------------------------------------------------

_PARTS = ("a", "b", "f.txt", "link-in", "link-out", "dangling", "loop", "missing", ".", "..", "", "nul\x00")


def _tree(root):
    """A folder with subfolders, a file, and symlinks inside, outside, dangling and in a loop."""
    base = root / "audit"
    (base / "a" / "b").mkdir(parents=True)
    (base / "a" / "f.txt").write_text("x")
    (base / "f.txt").write_text("x")
    (root / "outside").mkdir()
    (root / "outside" / "f.txt").write_text("secret")
    (base / "link-in").symlink_to(base / "a")
    (base / "a" / "link-out").symlink_to(root / "outside")
    (base / "dangling").symlink_to(base / "nothing")
    (base / "a" / "loop").symlink_to(base / "a" / "loop")
    return os.path.realpath(base)


def _outcome(folder, name, real):
    try:
        return str(confine(folder, name, real=real))
    except (Outside, Special, ValueError) as exc:
        return type(exc).__name__


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_PARTS), min_size=1, max_size=5), st.booleans())
def test_real_below_is_realpath(tmp_path_factory, parts, trailing):
    """The walk below a resolved folder gives what realpath gives, or hands over (None)."""
    base = _tree(tmp_path_factory.mktemp("t"))
    name = "/".join(parts) + ("/" if trailing else "")
    fast = _real_below(base, name)
    if "\x00" in name:  # realpath decides (it mostly refuses it with ValueError), as before
        assert fast is None
    assert fast is None or fast == os.path.realpath(os.path.join(base, name))
    assert _outcome(base, name, real=True) == _outcome(base, name, real=False)
    plain = [p for p in parts if p not in ("", ".")]
    if plain and not name.startswith("/") and not {"..", "link-in", "link-out", "dangling", "loop", "nul\x00"} & set(plain):
        assert fast is not None  # the quick walk is taken for a relative name with no link and no ".."


def test_real_below_hands_over_links_parents_and_absolute_names(tmp_path):
    base = _tree(tmp_path)
    assert _real_below(base, "a/f.txt") == os.path.join(base, "a", "f.txt")
    assert _real_below(base, "missing/deeper/x.pdf") == os.path.join(base, "missing", "deeper", "x.pdf")
    assert _real_below(base, "link-in/f.txt") is None
    assert _real_below(base, "a/../f.txt") is None
    assert _real_below(base, "link-in/..") is None
    assert _real_below(base, "/etc/passwd") is None
    assert _real_below(base, "") is None
    assert _real_below(base + "/", "f.txt") is None  # not normalised: realpath decides
    with pytest.raises(Outside):
        confine(base, "a/link-out/f.txt", real=True)
    assert str(confine("/", "tmp/x/y.pdf", real=True)) == os.path.realpath("/tmp/x/y.pdf")  # the root as the folder
