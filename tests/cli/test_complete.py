"""Shell completion: click's protocol completes formats, presets, checklist and framework ids and
languages, and the script ``_AIAUDIT_COMPLETE=bash_source aiaudit`` prints works in a real bash."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aiaudit.cli import cli


def complete(runner, line: str, cwd: Path | None = None) -> list[str]:
    """What click offers for the last word of ``line`` (the bash protocol, as the sourced script asks)."""
    words = line.split(" ")
    env = {"_AIAUDIT_COMPLETE": "bash_complete", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        result = runner.invoke(cli, [], env=env, prog_name="aiaudit", catch_exceptions=False)
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    return [entry.split(",", 1)[1] for entry in result.stdout.splitlines() if entry.startswith("plain,")]


def test_gate_formats(runner):
    assert complete(runner, "aiaudit gate audit.yaml --format ") == ["text", "json", "junit", "sarif", "github", "gitlab"]
    assert complete(runner, "aiaudit gate audit.yaml -f g") == ["github", "gitlab"]


def test_gate_format_file_part(runner, tmp_path):
    (tmp_path / "reports").mkdir()
    assert complete(runner, "aiaudit gate audit.yaml -f sarif:rep", cwd=tmp_path) == ["sarif:reports/"]


def test_report_formats(runner):
    assert complete(runner, "aiaudit report audit.yaml -f ") == ["html", "pdf", "md", "json"]


def test_policy_presets_and_files(runner, tmp_path):
    (tmp_path / "policy.yaml").write_text("kind: policy\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("", encoding="utf-8")
    offered = complete(runner, "aiaudit gate audit.yaml --policy ", cwd=tmp_path)
    assert "preset:genai-baseline" in offered and "preset:kr-ai-basic-act" in offered and "policy.yaml" in offered
    assert "notes.txt" not in offered
    assert complete(runner, "aiaudit gate audit.yaml -p preset:eu", cwd=tmp_path) == [
        "preset:eu-ai-act-high-risk",
        "preset:eu-ai-act-transparency",
    ]
    assert complete(runner, "aiaudit policy show kr") == ["kr-ai-basic-act"]


def test_rubric_presets(runner):
    assert all(v.startswith("preset:") for v in complete(runner, "aiaudit grade subs --rubric preset:"))
    assert complete(runner, "aiaudit grade subs --rubric preset:")


def test_checklist_and_framework_ids(runner):
    assert "genai-baseline" in complete(runner, "aiaudit init -n x -c ")
    assert "genai-baseline" in complete(runner, "aiaudit checklists show ")
    assert "eu-ai-act" in complete(runner, "aiaudit frameworks show ")
    assert complete(runner, "aiaudit checklists coverage genai-baseline -F eu-") == ["eu-ai-act"]


def test_languages_and_statuses(runner):
    assert complete(runner, "aiaudit gate audit.yaml --lang ") == ["en", "ko"]
    assert complete(runner, "aiaudit report audit.yaml --lang k") == ["ko"]
    assert complete(runner, "aiaudit answer audit.yaml SEC-01 -s n") == ["not_met", "na"]


def test_completion_in_a_real_bash(tmp_path):
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    aiaudit = shutil.which("aiaudit", path=str(Path(sys.executable).parent))
    assert aiaudit, "the aiaudit console script is not installed in this environment"
    script = f"""
        eval "$(_AIAUDIT_COMPLETE=bash_source {aiaudit})"
        aiaudit() {{ {aiaudit} "$@"; }}
        COMP_WORDS=(aiaudit gate audit.yaml --format "")
        COMP_CWORD=4
        _aiaudit_completion {aiaudit}
        printf '%s\\n' "${{COMPREPLY[@]}}"
        COMPREPLY=()
        COMP_WORDS=(aiaudit gate audit.yaml --lang "")
        _aiaudit_completion {aiaudit}
        printf '%s\\n' "${{COMPREPLY[@]}}"
    """
    env = dict(os.environ, AIAUDIT_LANG="en")
    proc = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["text", "json", "junit", "sarif", "github", "gitlab", "en", "ko"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_every_documented_shell_has_a_script(shell):
    aiaudit = shutil.which("aiaudit", path=str(Path(sys.executable).parent))
    proc = subprocess.run([aiaudit], env=dict(os.environ, _AIAUDIT_COMPLETE=f"{shell}_source"), capture_output=True, text=True)
    assert proc.returncode == 0 and "_AIAUDIT_COMPLETE" in proc.stdout, proc.stderr
