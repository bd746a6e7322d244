"""Checklists users wrote are kept parsed in the user's cache: used only when the bytes and the code match."""

from __future__ import annotations

import dataclasses
import os
import pickle
import shutil
from pathlib import Path

import pytest

from aiaudit import cache
from aiaudit.library import checklists
from aiaudit.library.checklists import PARSED, checklist_from_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("AIAUDIT_CACHE_DIR", str(folder))
    monkeypatch.delenv("AIAUDIT_NO_CACHE", raising=False)
    monkeypatch.setattr(checklists, "_clean_checklists", {})  # a fresh process
    return folder


def _copy(tmp_path: Path, name: str = "team") -> Path:
    folder = tmp_path / name
    shutil.copytree(FIXTURES / "mini", folder)
    return folder / "mini-checklist.yaml"


def _pickles(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.pickle"))


def _new_process(monkeypatch) -> None:
    monkeypatch.setattr(checklists, "_clean_checklists", {})


def test_second_command_reads_the_parsed_checklist_instead_of_the_yaml(cache_dir, tmp_path, monkeypatch):
    path = _copy(tmp_path)
    first, problems = checklist_from_file(path)
    assert first is not None and problems == []
    stored = _pickles(cache_dir)
    assert len(stored) == 1 and stored[0].parent.name.startswith("checklists-")
    assert stored[0].parent.stat().st_mode & 0o777 == 0o700

    _new_process(monkeypatch)

    def no_parse(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(checklists, "load_builtin", no_parse)
    second, problems = checklist_from_file(path, name="elsewhere/mini-checklist.yaml")
    assert problems == []
    assert second == checklists.dataclasses.replace(first, source="elsewhere/mini-checklist.yaml")
    assert second.source == "elsewhere/mini-checklist.yaml"  # named after this file, not the one cached


def test_a_changed_file_is_parsed_again(cache_dir, tmp_path, monkeypatch):
    path = _copy(tmp_path)
    checklist_from_file(path)
    _new_process(monkeypatch)
    path.write_text(path.read_text(encoding="utf-8").replace("Mini checklist for tests", "Changed title"), encoding="utf-8")
    changed, problems = checklist_from_file(path)
    assert problems == [] and changed.title.en == "Changed title"
    assert len(_pickles(cache_dir)) == 2


def test_only_clean_self_contained_checklists_are_kept(cache_dir, tmp_path):
    path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("id: TR-02", "id: TR-01"), encoding="utf-8")
    _, problems = checklist_from_file(path)
    assert [p.code for p in problems] == ["E301"]  # a repeated id: a diagnostic that needs a position
    including = tmp_path / "team" / "including.yaml"
    including.write_text(
        "kind: checklist\nid: inc\nversion: 1.0.0\ntitle: {en: I, ko: I}\ndescription: {en: I, ko: I}\n"
        "include:\n  - {checklist: genai-baseline}\nsections: []\n",
        encoding="utf-8",
    )
    checklist_from_file(including)
    kept = [pickle.loads(p.read_bytes()) for p in _pickles(cache_dir)]
    ids = {getattr(value, "id", None) for value in kept}
    assert "mini" not in ids and "inc" not in ids
    assert "genai-baseline" in ids  # the shipped checklist it includes is kept, on its own


def test_no_cache_and_an_unsafe_folder_keep_nothing(cache_dir, tmp_path, monkeypatch):
    path = _copy(tmp_path)
    monkeypatch.setenv("AIAUDIT_NO_CACHE", "1")
    checklist_from_file(path)
    assert not cache_dir.exists()
    monkeypatch.delenv("AIAUDIT_NO_CACHE")
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / PARSED.name).mkdir(mode=0o777)
    os.chmod(shared / PARSED.name, 0o777)  # others could plant a pickle: never read, never written
    monkeypatch.setenv("AIAUDIT_CACHE_DIR", str(shared))
    _new_process(monkeypatch)
    checklist_from_file(path)
    assert _pickles(shared) == []


def test_an_unreadable_or_foreign_entry_is_parsed_again(cache_dir, tmp_path, monkeypatch):
    path = _copy(tmp_path)
    first, _ = checklist_from_file(path)
    (entry,) = _pickles(cache_dir)
    for content in (b"not a pickle", pickle.dumps({"not": "a checklist"})):
        entry.write_bytes(content)
        _new_process(monkeypatch)
        again, problems = checklist_from_file(path)
        assert problems == [] and again == first


def test_the_store_keeps_at_most_its_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("AIAUDIT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("AIAUDIT_NO_CACHE", raising=False)
    store = cache.Store("test", "fp", limit=3)
    for n in range(6):
        store.put(f"k{n}", n)
        os.utime(tmp_path / store.name / f"k{n}.pickle", ns=(n * 10**9, n * 10**9))
    store.put("k6", 6)
    left = sorted(p.stem for p in (tmp_path / store.name).glob("*.pickle"))
    assert len(left) == 3 and "k6" in left and "k0" not in left
    assert store.get("k6") == 6 and store.get("k0") is None
    assert not list((tmp_path / store.name).glob("*.tmp"))


def test_the_folder_changes_with_the_code(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    (package / "lib").mkdir(parents=True)
    (package / "lib" / "a.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache, "PACKAGE_DIR", package)
    before = cache.code_fingerprint("lib")
    (package / "lib" / "a.py").write_text("x = 22\n", encoding="utf-8")
    assert cache.code_fingerprint("lib") != before


def test_grading_a_class_leaves_the_cache_alone(cache_dir, tmp_path, invoke):
    classroom = tmp_path / "class"
    for team in ("team-a", "team-b"):
        shutil.copytree(FIXTURES / "mini", classroom / team)
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text(
        "kind: rubric\nid: t\ntitle: {en: T, ko: T}\nchecklists: [mini]\n"
        "criteria:\n  - {id: completeness, points: 100, measure: answered_ratio}\n",
        encoding="utf-8",
    )
    result = invoke("grade", classroom, "--rubric", rubric, "-o", tmp_path / "grades", "--jobs", "1")
    assert result.exit_code in (0, 1), result.output
    kept = [pickle.loads(p.read_bytes()) for p in _pickles(cache_dir)]
    assert not [value for value in kept if getattr(value, "id", None) == "mini"]
    assert checklists._keep_parsed  # switched back on for whatever runs next in this process


def test_shipped_checklists_the_catalog_and_the_modules_come_from_the_cache_the_second_time(cache_dir, monkeypatch):
    from aiaudit.library import builtins, catalog

    for fn in (checklists.builtin_checklist, catalog.frameworks, checklists.builtin_modules):
        fn.cache_clear()
    first = (checklists.builtin_checklist("genai-baseline"), catalog.frameworks(), checklists.builtin_modules())
    assert "kr-startup" in first[2] and "eu-ai-act" in first[1]
    for fn in (checklists.builtin_checklist, catalog.frameworks, checklists.builtin_modules):
        fn.cache_clear()
    _new_process(monkeypatch)

    def no_parse(*args, **kwargs):
        raise AssertionError("the shipped YAML was parsed again")

    monkeypatch.setattr(checklists, "load_builtin", no_parse)
    monkeypatch.setattr(catalog, "load_builtin", no_parse)
    monkeypatch.setattr(builtins, "_builtin_cache", no_parse)
    try:
        again = (checklists.builtin_checklist("genai-baseline"), catalog.frameworks(), checklists.builtin_modules())
    finally:
        for fn in (checklists.builtin_checklist, catalog.frameworks, checklists.builtin_modules):
            fn.cache_clear()
    assert again[0] == dataclasses.replace(first[0], source=again[0].source)
    assert again[1] == first[1] and again[2] == first[2]


def test_stale_folders_of_older_code_are_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("AIAUDIT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("AIAUDIT_NO_CACHE", raising=False)
    old, recent, other = tmp_path / "test-old", tmp_path / "test-recent", tmp_path / "templates-x"
    for folder in (old, recent, other):
        folder.mkdir()
        (folder / "a.pickle").write_bytes(b"x")
    week_ago = (os.stat(old).st_mtime - 8 * 86400) * 10**9
    os.utime(old, ns=(int(week_ago), int(week_ago)))
    os.utime(other, ns=(int(week_ago), int(week_ago)))
    mine = tmp_path / "test-notes"  # named like one, but holding a file of the user's: never removed
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    odd = tmp_path / "test-old.bak"  # not a fingerprint after the dash
    odd.mkdir()
    for folder in (mine, odd):
        os.utime(folder, ns=(int(week_ago), int(week_ago)))
    cache.Store("test", "new").put("k", 1)
    assert not old.exists() and recent.exists() and other.exists()
    assert (mine / "notes.txt").exists() and odd.exists()
    assert (tmp_path / "test-new" / "k.pickle").exists()


def test_policy_presets_come_from_the_cache_the_second_time(cache_dir, monkeypatch):
    from aiaudit.policy import load as policy_load

    first = policy_load.load_policy("preset:genai-baseline")

    def no_parse(*args, **kwargs):
        raise AssertionError("the preset was parsed again")

    monkeypatch.setattr(policy_load, "load_bytes", no_parse)
    again = policy_load.load_policy("preset:genai-baseline")
    assert again == first and again.must_meet_items == first.must_meet_items
    with pytest.raises(Exception) as unknown:
        policy_load.load_policy("preset:no-such-preset")
    assert "no-such-preset" in str(unknown.value)


def test_inlined_schemas_come_from_the_cache_and_equal_the_built_ones(cache_dir, monkeypatch):
    from aiaudit import schemas

    schemas.inlined.cache_clear()
    built = schemas.inlined("audit")
    schemas.inlined.cache_clear()

    def no_build(kind):
        raise AssertionError("inlined again")

    monkeypatch.setattr(schemas, "_inline", no_build)
    try:
        assert schemas.inlined("audit") == built
        assert "common-" in str(built["$defs"].keys())
    finally:
        schemas.inlined.cache_clear()


def test_concurrent_writers_leave_one_whole_entry(tmp_path, monkeypatch):
    """Threads of one process (serve) and other processes may store the same key at once."""
    import threading

    monkeypatch.setenv("AIAUDIT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("AIAUDIT_NO_CACHE", raising=False)
    store = cache.Store("race", "fp")
    values = [{"writer": n, "data": list(range(20_000))} for n in range(8)]
    threads = [threading.Thread(target=store.put, args=("k", v)) for v in values]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get("k") in values
    assert not list((tmp_path / store.name).glob("*.tmp"))


def test_module_summaries_say_what_the_built_modules_say():
    """The table of modules is read from the modules' data; it must agree with the checklists built from them."""
    from aiaudit.library.checklists import builtin_checklist, builtin_modules

    modules = builtin_modules()
    assert len(modules) >= 8
    for module_id, module in modules.items():
        built = builtin_checklist(module_id)
        assert built.module is not None
        assert (module.id, module.title, module.reason, module.item_count, module.applies_when) == (
            built.id,
            built.title,
            built.module["reason"],
            len(built.items),
            built.applies_when,
        )
