"""The installed package (a wheel, as .ci/run installs it) carries its checklists, catalog and templates."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import aiaudit
from aiaudit.library import builtin_checklist_ids, data_dir, frameworks

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
