"""Fixtures of the hostile corpus: a fresh mini project per test, and the corpus module on the path."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus


@pytest.fixture
def proj(tmp_path) -> Path:
    """A writable copy of the mini project in ``tmp_path/mini``."""
    return corpus.project(tmp_path)


@pytest.fixture
def cli(runner):
    """Run the CLI in-process; returns click's Result (stdout and stderr apart). Never exit 3."""
    from aiaudit.cli import cli as main

    def run(*args, **kwargs):
        result = runner.invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)
        assert result.exit_code != 3, result.stderr
        return result

    return run
