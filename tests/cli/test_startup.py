"""Start-up hygiene: a command imports only what it needs, and the command table cannot drift."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import click
import pytest

from aiaudit.cli import COMMANDS, cli

#: (arguments, modules that must not be imported), run on a copy of tests/fixtures/mini.
NOT_IMPORTED = [
    (["--version"], ["jsonschema_rs", "aiaudit.cli.validate", "aiaudit.cli.audit", "aiaudit.cli.gate", "aiaudit.schemas"]),
    (
        ["validate", "audit.yaml"],
        ["aiaudit.grading", "aiaudit.policy", "aiaudit.render", "aiaudit.gate", "aiaudit.library.lint", "difflib", "jinja2"],
    ),
    # status shows the readiness verdict under the policy (aiaudit.policy), the same as the gate's
    (
        ["status", "audit.yaml"],
        ["aiaudit.grading", "aiaudit.render", "aiaudit.gate", "aiaudit.gate.outputs", "jinja2", "aiaudit.cli.audit"]
        + ["aiaudit.audit.create", "aiaudit.audit.upgrade"],
    ),
    (
        ["gate", "audit.yaml", "--policy", "preset:classroom-minimum", "--today", "2026-11-25"],
        ["aiaudit.gate.outputs.junit", "xml.etree", "tempfile", "aiaudit.grading", "aiaudit.render", "jinja2", "_strptime"]
        + ["aiaudit.cli.hook"],
    ),
]


def test_the_command_table_names_every_command_of_every_module():
    by_loader: dict = {}
    for name, load in COMMANDS.items():
        by_loader.setdefault(load, set()).add(name)
    for load, names in by_loader.items():
        assert {c.name for c in load()} == names, load.__name__


def test_every_cli_module_s_commands_are_in_the_table():
    import importlib
    import pkgutil

    import aiaudit.cli

    for info in pkgutil.iter_modules(aiaudit.cli.__path__):
        module = importlib.import_module(f"aiaudit.cli.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            assert command.name in COMMANDS, f"aiaudit.cli.{info.name}: {command.name}"


def test_help_lists_every_command(invoke):
    result = invoke("--help")
    for name in COMMANDS:
        assert f"  {name} " in result.output
    assert cli.get_command(click.Context(cli), "no-such-command") is None


def _imported(mini, args: list[str]) -> dict:
    code = textwrap.dedent(
        f"""
        import json, sys
        from aiaudit.cli import main
        sys.argv = ["aiaudit", *{args!r}]
        try:
            main()
        except SystemExit as exc:
            code = exc.code
        print(json.dumps({{"code": code, "modules": sorted(sys.modules)}}), file=sys.stderr)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=mini, capture_output=True, text=True, check=False)
    return json.loads(proc.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize(("args", "absent"), NOT_IMPORTED, ids=[" ".join(a[:1]) for a, _ in NOT_IMPORTED])
def test_a_command_imports_only_what_it_needs(mini, args, absent):
    report = _imported(mini, args)
    assert report["code"] in (0, 1, None)
    loaded = [m for m in report["modules"] if any(m == a or m.startswith(a + ".") for a in absent)]
    assert loaded == []


def test_the_console_script_tunes_the_collector_and_freezes_at_exit(mini):
    code = textwrap.dedent(
        """
        import atexit, gc, json, sys
        from aiaudit.cli import main
        sys.argv = ["aiaudit", "validate", "audit.yaml"]
        def report():
            print(json.dumps({"threshold": gc.get_threshold(), "frozen": gc.get_freeze_count()}), file=sys.stderr)
        atexit.register(report)  # runs after main's own exit handler (last registered, first run)
        main()
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=mini, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report["threshold"] == [20_000, 20, 20] and report["frozen"] > 0
