"""The core commands through click's CliRunner: validate, init, report, schema, --version."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

from aiaudit import __version__


def test_version(invoke):
    result = invoke("--version")
    assert result.exit_code == 0 and __version__ in result.stdout


def test_python_dash_m_runs_the_cli():
    proc = subprocess.run([sys.executable, "-m", "aiaudit", "--version"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "aiaudit" in proc.stdout


def test_validate_valid_files_exit_0(invoke, mini):
    result = invoke("validate", mini / "audit.yaml", mini / "mini-checklist.yaml")
    assert result.exit_code == 0, result.output
    assert "valid audit" in result.stdout and "valid checklist" in result.stdout


def test_validate_invalid_exit_1_with_one_line_per_problem(invoke, mini):
    bad = mini / "bad.yaml"
    bad.write_text("kind: audit\nformat: 1\nchecklists: [{path: mini-checklist.yaml}]\nsystem: {name: 7}\nanswers: {}\n")
    result = invoke("validate", bad)
    assert result.exit_code == 1
    assert result.stdout.strip().splitlines() == [f"{bad}:4:16: error[E201]: expected string, got integer 7"]


def test_validate_unreadable_exit_2(invoke, tmp_path):
    result = invoke("validate", tmp_path / "missing.yaml")
    assert result.exit_code == 2
    assert "missing.yaml:1:1: error[E001]: no such file" in result.stdout


def test_validate_worst_exit_code_wins(invoke, mini, tmp_path):
    (tmp_path / "syntax.yaml").write_text("a: [\n")
    result = invoke("validate", mini / "audit.yaml", tmp_path / "syntax.yaml", tmp_path / "missing.yaml")
    assert result.exit_code == 2


def test_validate_json_output(invoke, mini):
    (mini / "bad.yaml").write_text("kind: audit\n")
    result = invoke("validate", "--format", "json", mini / "bad.yaml", mini / "audit.yaml")
    payload = json.loads(result.stdout)
    assert payload["errors"] == 4
    first = payload["files"][0]["diagnostics"][0]
    assert first["code"] == "E203" and first["line"] == 1 and first["name"] == "missing-key"
    assert payload["files"][1]["diagnostics"] == []


def test_validate_hostile_file_names_the_file(invoke, tmp_path):
    hostile = tmp_path / "evil.yaml"
    hostile.write_text("kind: audit\nx: !!python/object/apply:os.system ['touch pwned']\n")
    result = invoke("validate", hostile)
    assert result.exit_code == 1
    assert f"{hostile}:2:4: error[E103]" in result.stdout
    assert not (tmp_path / "pwned").exists()


def test_validate_usage_error_exit_2(invoke):
    result = invoke("validate")
    assert result.exit_code == 2


def test_init_creates_audit_with_questions_as_comments(invoke, tmp_path):
    out = tmp_path / "audit.yaml"
    checklist = tmp_path / "c.yaml"
    FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

    checklist.write_bytes((FIXTURES / "mini" / "mini-checklist.yaml").read_bytes())
    result = invoke("init", "-o", out, "-n", "상담봇", "-c", checklist, "--region", "kr", "--lang", "ko")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "# TR-01 [높음] 이용자에게 인공지능 시스템과 상호작용하고 있다는 사실을 알립니까?" in text
    assert "TR-02" not in text  # image marking does not apply to a text-only system
    data = yaml.safe_load(text)
    assert data["system"]["name"] == "상담봇" and data["system"]["regions"] == ["KR"]
    assert data["answers"]["TR-01"] == {"status": "unanswered", "notes": "", "evidence": []}
    assert data["checklists"][0]["path"] == "c.yaml"
    assert invoke("validate", out).exit_code == 0
    # refuses to overwrite
    again = invoke("init", "-o", out, "-n", "X", "-c", checklist)
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert out.read_text(encoding="utf-8") == text
    forced = invoke("init", "-o", out, "-n", "X", "-c", checklist, "--force", "--modality", "image")
    assert forced.exit_code == 0 and "TR-02" in out.read_text(encoding="utf-8")


def test_init_unknown_checklist_is_a_clear_error(invoke, tmp_path):
    result = invoke("init", "-o", tmp_path / "a.yaml", "-n", "X", "-c", "nope.yaml")
    assert result.exit_code == 2
    assert "nope.yaml:1:1: error[E001]" in result.stderr
    assert not (tmp_path / "a.yaml").exists()


def test_report_writes_self_contained_html(invoke, mini, tmp_path):
    out = tmp_path / "report.html"
    result = invoke("report", mini / "audit.yaml", "-o", out)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "상담봇 Mini" in html and "<strong>AI 상담원</strong>" in html
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")


def test_report_escapes_hostile_text(invoke, mini, tmp_path):
    audit = mini / "audit.yaml"
    text = audit.read_text(encoding="utf-8").replace(
        "name: 상담봇 Mini", 'name: "<script>alert(1)</script>"'
    ).replace("Tested manually only.", "<img src=x onerror=alert(1)> [x](javascript:alert(1))")
    audit.write_text(text, encoding="utf-8")
    out = tmp_path / "r.html"
    assert invoke("report", audit, "-o", out).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html and 'href="javascript:' not in html


def test_report_of_invalid_audit_writes_nothing(invoke, mini, tmp_path):
    (mini / "audit.yaml").write_text("kind: audit\nformat: 2\n")
    out = tmp_path / "r.html"
    result = invoke("report", mini / "audit.yaml", "-o", out)
    assert result.exit_code == 1
    assert ":2:9: error[E204]" in result.stderr
    assert not out.exists()


def test_report_unknown_extension_is_usage_error(invoke, mini, tmp_path):
    result = invoke("report", mini / "audit.yaml", "-o", tmp_path / "r.docx")
    assert result.exit_code == 2 and "format" in result.stderr


def test_schema_command_prints_self_contained_schemas(invoke):
    from jsonschema import Draft202012Validator

    assert "audit" in invoke("schema").stdout.split()
    for kind in ("checklist", "audit"):
        result = invoke("schema", kind)
        doc = json.loads(result.stdout)
        Draft202012Validator.check_schema(doc)
        assert "common.json" not in result.stdout
    assert invoke("schema", "recipe").exit_code == 2


def test_printed_schema_validates_the_fixture(invoke, mini):
    from jsonschema import Draft202012Validator

    schema = json.loads(invoke("schema", "audit").stdout)
    data = yaml.safe_load((mini / "audit.yaml").read_text(encoding="utf-8"))
    data["answers"]["TR-01"]["date"] = str(data["answers"]["TR-01"]["date"])
    data["signoff"][0]["date"] = str(data["signoff"][0]["date"])
    assert list(Draft202012Validator(schema).iter_errors(data)) == []


def test_docs_document_every_diagnostic_code():
    from aiaudit.diagnostics import CODES
    ROOT = Path(__file__).resolve().parents[2]

    docs = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    for code in CODES.values():
        assert f"| {code.code} | {code.name} |" in docs
    documented = set(re.findall(r"^\| ([EW]\d{3}) \| ([a-z0-9-]+) \| (?:error|warning) \|", docs, re.M))
    assert documented == {(code.code, code.name) for code in CODES.values()}  # no stale rows either
