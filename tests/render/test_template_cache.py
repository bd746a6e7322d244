"""Templates are compiled once and cached across runs, with byte-identical output; a changed template is recompiled."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from aiaudit.render import templating

RENDER = textwrap.dedent(
    """
    import sys
    from aiaudit.audit.evaluation import evaluate
    from aiaudit.audit.load import load_audit
    from aiaudit.render import ReportOptions, render
    from aiaudit.render.templating import environment
    data = render("html", evaluate(load_audit(sys.argv[1])), "en", ReportOptions())
    sys.stdout.buffer.write(data)
    cache = environment().bytecode_cache
    print(cache.directory if cache else "-", file=sys.stderr)
    """
)


def _render(mini: Path, env: dict) -> tuple[bytes, str]:
    proc = subprocess.run(
        [sys.executable, "-c", RENDER, str(mini / "audit.yaml")], capture_output=True, env=env, check=False, cwd=mini
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout, proc.stderr.decode().strip().splitlines()[-1]


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("AIAUDIT_CACHE_DIR", "AIAUDIT_NO_CACHE")}
    return {**env, "AIAUDIT_LANG": "en", "SOURCE_DATE_EPOCH": "1764028800", **extra}


def test_the_cache_is_filled_once_and_gives_the_same_bytes(mini, tmp_path):
    cache = tmp_path / "cache"
    plain, where = _render(mini, _env(AIAUDIT_NO_CACHE="1"))
    assert where == "-"
    cold, where = _render(mini, _env(AIAUDIT_CACHE_DIR=str(cache)))
    entries = sorted(Path(where).glob("*.cache"))
    assert Path(where).parent == cache and entries  # report.html and what it includes
    stamps = {p: p.stat().st_mtime_ns for p in entries}
    warm, _ = _render(mini, _env(AIAUDIT_CACHE_DIR=str(cache)))
    assert {p: p.stat().st_mtime_ns for p in sorted(Path(where).glob("*.cache"))} == stamps  # read, not rewritten
    assert cold == plain == warm and b"<html" in plain  # SOURCE_DATE_EPOCH: the same generation time
    assert (Path(where).stat().st_mode & 0o777) == 0o700


def test_a_changed_template_is_compiled_again(tmp_path, monkeypatch):
    from jinja2 import Environment, FileSystemLoader

    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "t.html").write_text("Hello {{ name }}!", encoding="utf-8")
    monkeypatch.setenv("AIAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("AIAUDIT_NO_CACHE", raising=False)

    def render() -> str:
        env = Environment(loader=FileSystemLoader(str(templates)), autoescape=True)
        env.bytecode_cache = templating.bytecode_cache(env)
        return env.get_template("t.html").render(name="<b>")

    assert render() == "Hello &lt;b&gt;!"
    assert render() == "Hello &lt;b&gt;!"  # from the cache
    (templates / "t.html").write_text("Bye {{ name }}.", encoding="utf-8")
    assert render() == "Bye &lt;b&gt;."


def test_other_settings_use_another_folder_and_only_a_private_folder_is_used(tmp_path, monkeypatch):
    from jinja2 import Environment

    monkeypatch.setenv("AIAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("AIAUDIT_NO_CACHE", raising=False)
    one = templating.bytecode_cache(Environment(autoescape=True, trim_blocks=True))
    two = templating.bytecode_cache(Environment(autoescape=True, trim_blocks=False))
    assert one.directory != two.directory
    assert templating._private_folder(tmp_path / "new") and (tmp_path / "new").stat().st_mode & 0o777 == 0o700
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # anyone could plant compiled code here
    assert not templating._private_folder(shared)
    (tmp_path / "file").write_text("x")
    assert not templating._private_folder(tmp_path / "file")
    monkeypatch.setenv("AIAUDIT_NO_CACHE", "1")
    assert templating.bytecode_cache(Environment(autoescape=True)) is None


def test_a_damaged_cache_entry_is_ignored(tmp_path, monkeypatch):
    from jinja2 import DictLoader, Environment

    monkeypatch.setenv("AIAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("AIAUDIT_NO_CACHE", raising=False)

    def env():
        e = Environment(loader=DictLoader({"t": "x{{ 1 + 1 }}"}), autoescape=True)
        e.bytecode_cache = templating.bytecode_cache(e)
        return e

    assert env().get_template("t").render() == "x2"
    for entry in Path(env().bytecode_cache.directory).glob("*.cache"):
        entry.write_bytes(entry.read_bytes()[:20])
    assert env().get_template("t").render() == "x2"


def test_user_cache_dir_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("AIAUDIT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    if sys.platform.startswith("linux"):
        assert templating.user_cache_dir() == tmp_path / "aiaudit"
    monkeypatch.setenv("AIAUDIT_CACHE_DIR", str(tmp_path / "x"))
    assert templating.user_cache_dir() == tmp_path / "x"
