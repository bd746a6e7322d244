"""The installed package (a wheel, as .ci/run installs it) carries its checklists, catalog and templates."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import aiaudit
from aiaudit.library.builtins import builtin_checklist_ids
from aiaudit.library.catalog import frameworks
from aiaudit.paths import data_dir

ROOT = Path(__file__).resolve().parents[1]


def test_tests_run_against_an_installed_wheel_not_the_source_tree():
    # .ci/run installs the checkout non-editable; the imported package must live in site-packages.
    assert ROOT / "src" not in Path(aiaudit.__file__).resolve().parents


def test_wheel_ships_checklists_catalog_and_templates():
    files = {str(f) for f in metadata.files("aiaudit")}
    assert "aiaudit/checklists/genai-baseline.yaml" in files
    assert "aiaudit/checklists/frameworks/eu-ai-act.yaml" in files
    assert "aiaudit/templates/report.html" in files
    assert "aiaudit/schemas/audit.schema.json" in files
    package = Path(aiaudit.__file__).resolve().parent
    assert data_dir("checklists") == package / "checklists"
    assert data_dir("templates") == package / "templates"


def test_installed_library_loads():
    assert "genai-baseline" in builtin_checklist_ids()
    assert "eu-ai-act" in frameworks()


def test_console_script_is_declared():
    eps = metadata.entry_points(group="console_scripts")
    assert any(ep.name == "aiaudit" and ep.value == "aiaudit.cli:main" for ep in eps)


def test_wheel_cache_of_builtins_matches_the_yaml():
    """hatch_build.py pre-parses the built-in YAML; each entry must equal a fresh parse of its file."""
    import hashlib

    from aiaudit.library.builtins import CACHE_NAME, _builtin_cache
    from aiaudit.loading import load_file

    folder = data_dir("checklists")
    assert (folder / CACHE_NAME).is_file()
    cache = _builtin_cache()
    yaml_files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.yaml"))
    assert sorted(cache) == yaml_files
    for rel in yaml_files:
        raw = (folder / rel).read_bytes()
        assert cache[rel]["sha256"] == hashlib.sha256(raw).hexdigest()
        assert cache[rel]["data"] == load_file(folder / rel).data


def test_a_stale_cache_entry_is_ignored(monkeypatch):
    from aiaudit.library import builtins as library

    folder = data_dir("checklists")
    path = folder / "frameworks" / "oecd-ai.yaml"
    monkeypatch.setattr(library, "_builtin_cache", lambda: {"frameworks/oecd-ai.yaml": {"sha256": "0" * 64, "data": {"x": 1}}})
    doc = library.load_builtin(path)
    assert doc.data["kind"] == "framework" and doc.positions  # parsed from YAML, with positions


def test_wheel_ships_the_licence_text():
    """Apache-2.0 requires shipping its text: the full LICENSE is in the installed .dist-info."""
    dist = metadata.distribution("aiaudit")
    licences = [f for f in dist.files if f.parts[0].endswith(".dist-info") and f.name == "LICENSE"]
    assert len(licences) == 1, [str(f) for f in dist.files if f.parts[0].endswith(".dist-info")]
    text = licences[0].read_text(encoding="utf-8")
    assert text == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text and "APPENDIX: How to apply the Apache License" in text
    assert dist.metadata["License-Expression"] == "Apache-2.0"
    assert dist.metadata.get_all("License-File") == ["LICENSE"]
