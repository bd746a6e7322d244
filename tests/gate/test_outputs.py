"""Gate output formats: JUnit (Ant XSD), SARIF 2.1.0 (official schema), GitHub, GitLab, JSON, text."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess

import jsonschema
import pytest
from lxml import etree

from aiaudit.gate import run_gate
from aiaudit.gate.outputs import FORMATS, parse_spec, render
from aiaudit.gate.outputs.github import escape_data, escape_property
from aiaudit.text import md_escape

TODAY = dt.date(2026, 12, 1)

PASSING = """\
kind: policy
id: passing
rules:
  min_score: {overall: 60}
  must_meet: {severities: [high]}
  evidence_integrity: true
waivers:
  - {item: SEC-01, reason: "Red team booked; 50% done", approver: "CISO, Kim", expires: "2027-01-31"}
"""


@pytest.fixture
def passing(mini, monkeypatch):
    monkeypatch.chdir(mini)
    (mini / "policy.yaml").write_text(PASSING, encoding="utf-8")
    result = run_gate("audit.yaml", "policy.yaml", today=TODAY)
    assert result.passed and result.waived_count == 1
    return result


@pytest.fixture
def failing(mini, monkeypatch):
    monkeypatch.chdir(mini)
    # an EU high-risk system, so that the EU AI Act (and its Art. 9 coverage) reaches it
    audit = mini / "audit.yaml"
    text = (
        audit.read_text(encoding="utf-8")
        .replace("regions: [KR]", "regions: [KR, EU]")
        .replace("risk_tier: limited", "risk_tier: high")
    )
    audit.write_text(text, encoding="utf-8")
    (mini / "evidence" / "notice.txt").write_text("changed after the audit\n", encoding="utf-8")
    result = run_gate("audit.yaml", "preset:eu-ai-act-high-risk", today=TODAY)
    assert not result.passed
    return result


def audit_line(mini, text: str) -> int:
    """1-based line of the first line of the audit that starts with ``text`` (after indentation)."""
    lines = (mini / "audit.yaml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.strip().startswith(text))


# --- registry and --format parsing --------------------------------------------------------------


def test_registry_has_every_format():
    assert set(FORMATS) == {"text", "json", "junit", "sarif", "github", "gitlab"}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("text", ("text", None)),
        ("sarif:out.sarif", ("sarif", "out.sarif")),
        ("JUnit:a/b.xml", ("junit", "a/b.xml")),
        ("json:-", ("json", None)),
    ],
)
def test_parse_spec(spec, expected):
    assert parse_spec(spec) == expected


def test_several_formats_at_once_to_files_and_stdout(mini, invoke, monkeypatch):
    monkeypatch.chdir(mini)
    args = ["-f", "sarif:out.sarif", "-f", "junit:out.xml", "-f", "gitlab:gl.json", "-f", "json:out.json", "-f", "text"]
    result = invoke("gate", "audit.yaml", "--policy", "preset:genai-baseline", "--today", "2026-12-01", *args)
    assert result.exit_code == 1
    assert result.stdout.startswith("aiaudit gate: audit.yaml")
    for name in ("out.sarif", "out.xml", "gl.json", "out.json"):
        assert (mini / name).stat().st_size > 100
        assert f"Wrote {name}" in result.stderr
    assert json.loads((mini / "out.json").read_text())["passed"] is False


def test_files_only_print_the_verdict_on_stderr(mini, invoke, monkeypatch):
    monkeypatch.chdir(mini)
    result = invoke("gate", "audit.yaml", "--policy", "preset:classroom-minimum", "-f", "sarif:o.sarif")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "PASSED: all 4 rules satisfied." in result.stderr


# --- JUnit --------------------------------------------------------------------------------------


@pytest.fixture
def junit_schema(conformance_dir):
    return etree.XMLSchema(etree.parse(str(conformance_dir / "JUnit.xsd")))


@pytest.mark.parametrize("case", ["passing", "failing"])
def test_junit_is_valid_against_the_ant_xsd(request, case, junit_schema, tmp_path):
    result = request.getfixturevalue(case)
    xml = render("junit", result, "en")
    doc = etree.fromstring(xml.encode("utf-8"))
    assert junit_schema.validate(doc), junit_schema.error_log
    if shutil.which("xmllint"):
        path = tmp_path / "junit.xml"
        path.write_text(xml, encoding="utf-8")
        xsd = request.getfixturevalue("conformance_dir") / "JUnit.xsd"
        proc = subprocess.run(["xmllint", "--noout", "--schema", str(xsd), str(path)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr


def test_junit_has_one_testcase_per_rule_and_per_violation(failing):
    doc = etree.fromstring(render("junit", failing, "en").encode("utf-8"))
    (suite,) = doc.findall("testsuite")
    cases = suite.findall("testcase")
    violations = sum(len(r.violations) for r in failing.rules)
    assert len(cases) == len(failing.rules) + violations == int(suite.get("tests"))
    failed = [c for c in cases if c.find("failure") is not None]
    assert len(failed) == int(suite.get("failures")) == len(failing.failed_rules) + violations
    names = [c.get("name") for c in cases]
    # GitLab keeps only the first of duplicate names
    assert len(set(zip([c.get("classname") for c in cases], names, strict=True))) == len(cases)
    assert "must-meet/severity/high SEC-01" in names
    integrity = next(c for c in cases if c.get("name") == "evidence-integrity TR-01")
    assert integrity.find("failure").text.startswith("audit.yaml:18:9: TR-01: evidence evidence/notice.txt has changed size")


def test_junit_reports_waived_items_as_skipped(passing):
    doc = etree.fromstring(render("junit", passing, "en").encode("utf-8"))
    suite = doc.find("testsuite")
    assert suite.get("failures") == "0" and suite.get("skipped") == "1"
    skipped = [c for c in suite.findall("testcase") if c.find("skipped") is not None]
    assert [c.get("name") for c in skipped] == ["must-meet/severity/high SEC-01"]
    assert "Red team booked" in skipped[0].find("skipped").get("message")


def test_junit_strips_characters_xml_cannot_carry(mini, junit_schema):
    # YAML escapes let control characters into strings; XML 1.0 cannot carry them at all.
    (mini / "policy.yaml").write_text(PASSING.replace("Red team booked", "Red\\x07team\\e booked"), encoding="utf-8")
    result = run_gate(str(mini / "audit.yaml"), str(mini / "policy.yaml"), today=TODAY)
    assert "\x07" in result.policy.waivers[0].reason
    doc = etree.fromstring(render("junit", result, "en").encode("utf-8"))
    assert junit_schema.validate(doc)
    assert "Red\ufffdteam\ufffd booked" in etree.tostring(doc, encoding="unicode")


# --- SARIF --------------------------------------------------------------------------------------


@pytest.fixture
def sarif_validator(conformance_dir):
    schema = json.loads((conformance_dir / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


@pytest.mark.parametrize("case", ["passing", "failing"])
def test_sarif_is_valid_against_the_official_schema(request, case, sarif_validator):
    log = json.loads(render("sarif", request.getfixturevalue(case), "en"))
    errors = sorted(sarif_validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert errors == [], [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")


def test_sarif_results_point_at_the_answer_lines(failing, mini):
    run = json.loads(render("sarif", failing, "en"))["runs"][0]
    by_rule = {}
    for r in run["results"]:
        by_rule.setdefault((r["properties"]["policyRule"], r["ruleId"]), r)
    sec = by_rule[("must-meet/severity/high", "SEC-01")]
    region = sec["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == audit_line(mini, "SEC-01:")
    assert sec["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "audit.yaml"
    assert sec["level"] == "error" and sec["message"]["text"].startswith("[must-meet/severity/high] SEC-01")
    integrity = by_rule[("evidence-integrity", "TR-01")]
    assert integrity["locations"][0]["physicalLocation"]["region"]["startLine"] == audit_line(
        mini, "- {path: evidence/notice.txt"
    )
    overall = by_rule[("min-score/overall", "min-score/overall")]
    assert overall["locations"][0]["physicalLocation"]["region"]["startLine"] == audit_line(mini, "answers:")


def test_sarif_rule_metadata_has_severity_help_and_clauses(failing):
    run = json.loads(render("sarif", failing, "en"))["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    sec = rules["SEC-01"]
    assert sec["shortDescription"]["text"] == "Is the system tested against prompt injection?"
    assert sec["defaultConfiguration"]["level"] == "error"
    assert sec["properties"]["severity"] == "high"
    assert sec["properties"]["clauses"] == ["OWASP-LLM01", "NIST-GAI-09"]
    assert set(sec["properties"]["frameworks"]) == {"owasp-llm", "nist-ai-rmf"}
    assert "Run a red-team exercise." in sec["help"]["text"] and "OWASP-LLM01" in sec["help"]["markdown"]
    clause = rules["EUAIA-ART9"]
    assert clause["properties"]["framework"] == "eu-ai-act" and clause["shortDescription"]["text"].startswith("EUAIA-ART9: ")
    for index, result in enumerate(run["results"]):
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"], index


def test_sarif_fingerprints_are_stable_when_lines_move(failing, mini):
    before = json.loads(render("sarif", failing, "en"))["runs"][0]["results"]
    audit = mini / "audit.yaml"
    audit.write_text("# a comment that moves every line down\n\n" + audit.read_text(encoding="utf-8"), encoding="utf-8")
    moved = run_gate(str(audit), "preset:eu-ai-act-high-risk", today=TODAY)
    after = json.loads(render("sarif", moved, "en"))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] + 2 for r in before] == [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after
    ]
    fingerprints = [r["partialFingerprints"]["aiaudit/v1"] for r in before]
    assert len(set(fingerprints)) == len(fingerprints)


def test_sarif_marks_waived_results_as_suppressed(passing):
    run = json.loads(render("sarif", passing, "en"))["runs"][0]
    (result,) = run["results"]
    assert result["ruleId"] == "SEC-01" and result["level"] == "note"
    (suppression,) = result["suppressions"]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert "CISO, Kim" in suppression["justification"]
    assert run["properties"]["passed"] is True


# --- GitHub -------------------------------------------------------------------------------------


def test_github_escaping_follows_the_actions_toolkit():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_workflow_commands(failing, mini):
    lines = render("github", failing, "en").splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == sum(len(r.failures) for r in failing.rules) + sum(
        1 for r in failing.rules if not r.passed and not r.violations
    )
    line = audit_line(mini, "SEC-01:")
    expected = (
        f"::error file=audit.yaml,line={line},col=3,title=aiaudit must-meet/severity/high::"
        "SEC-01 (high) is partially met; it must be met"
    )
    assert expected in lines
    assert any("%25" in x for x in errors)  # "68.2%" in the score message is escaped
    assert lines[-1].startswith("FAILED:")


def test_github_waived_violations_are_notices(passing):
    lines = render("github", passing, "en").splitlines()
    notices = [x for x in lines if x.startswith("::notice ")]
    assert len(notices) == 1 and "Red team booked; 50%25 done" in notices[0]
    assert not any(x.startswith("::error") for x in lines)


def test_github_summary_is_appended_to_the_step_summary(mini, invoke, monkeypatch):
    monkeypatch.chdir(mini)
    summary = mini / "summary.md"
    summary.write_text("previous step\n", encoding="utf-8")
    (mini / "policy.yaml").write_text(PASSING.replace("Red team booked", "Red | team <b>booked</b>"), encoding="utf-8")
    env = {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTIONS": "true"}
    result = invoke("gate", "audit.yaml", "--policy", "policy.yaml", "--format", "github", env=env)
    assert result.exit_code == 0, result.output
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("previous step\n## ✅ aiaudit policy gate")
    assert "| ✅ PASS | `min-score/overall` |" in text
    assert "| ⚪ WAIVED | `audit.yaml:21` | `must-meet/severity/high` |" in text
    assert "Red \\| team &lt;b&gt;booked&lt;/b&gt;" in text and "<b>" not in text


def test_no_step_summary_without_the_github_format(mini, invoke, monkeypatch):
    monkeypatch.chdir(mini)
    summary = mini / "summary.md"
    result = invoke("gate", "audit.yaml", "--policy", "preset:classroom-minimum", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 0
    assert not summary.exists()


def test_markdown_cells_are_one_line_without_html():
    assert md_escape("a|b\n<script>x</script> `c`") == "a\\|b &lt;script&gt;x&lt;/script&gt; \\`c\\`"


# --- GitLab -------------------------------------------------------------------------------------


def test_gitlab_code_quality_report(failing, mini):
    issues = json.loads(render("gitlab", failing, "en"))
    assert isinstance(issues, list)
    assert len(issues) == sum(len(r.failures) for r in failing.rules) + sum(
        1 for r in failing.rules if not r.passed and not r.violations
    )
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"] == "audit.yaml"
        assert isinstance(issue["location"]["lines"]["begin"], int)
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    sec = next(i for i in issues if i["check_name"] == "aiaudit/must-meet/severity/high")
    assert sec["severity"] == "major" and sec["location"]["lines"]["begin"] == audit_line(mini, "SEC-01:")


def test_gitlab_leaves_out_waived_violations(passing):
    assert json.loads(render("gitlab", passing, "en")) == []


# --- JSON and text ------------------------------------------------------------------------------


def test_json_output(failing):
    data = json.loads(render("json", failing, "en"))
    assert data["passed"] is False
    assert data["policy"] == {"id": "eu-ai-act-high-risk", "source": "preset:eu-ai-act-high-risk", "extends": None}
    assert data["scores"]["overall"] == 68.2
    assert data["summary"]["failed"] == len(failing.failed_rules)
    rules = {r["id"]: r for r in data["rules"]}
    (sec,) = rules["must-meet/severity/high"]["violations"]
    assert sec["subject"] == "SEC-01" and sec["outcome"] == "fail" and sec["severity"] == "high" and sec["line"] == 21
    assert [w["code"] for w in data["warnings"]] == ["W402"]


def test_json_records_the_waiver(passing):
    data = json.loads(render("json", passing, "en"))
    (violation,) = next(r for r in data["rules"] if r["id"] == "must-meet/severity/high")["violations"]
    assert violation["waiver"] == {"reason": "Red team booked; 50% done", "approver": "CISO, Kim", "expires": "2027-01-31"}


def test_text_output_lists_rules_violations_and_verdict(failing):
    text = render("text", failing, "en")
    lines = text.splitlines()
    assert lines[0].startswith("aiaudit gate: ") and "policy eu-ai-act-high-risk · 2026-12-01" in lines[0]
    assert any(x.startswith("FAIL    must-meet/severity/high") for x in lines)
    assert any(x.strip().startswith("FAIL    ") and ":21:3: SEC-01 (high)" in x for x in lines)
    assert lines[-1] == f"FAILED: {len(failing.failed_rules)} of {len(failing.rules)} rules violated."


def test_an_expired_waiver_is_located_in_the_policy_file(mini, monkeypatch, sarif_validator):
    monkeypatch.chdir(mini)
    (mini / "policy.yaml").write_text(PASSING.replace("2027-01-31", "2026-11-01"), encoding="utf-8")
    result = run_gate("audit.yaml", "policy.yaml", today=TODAY)
    log = json.loads(render("sarif", result, "en"))
    assert not list(sarif_validator.iter_errors(log))
    waiver = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "waiver/SEC-01")
    location = waiver["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "policy.yaml" and location["region"]["startLine"] == 8
    assert "expired on 2026-11-01" in waiver["message"]["text"]


def test_display_path(tmp_path, monkeypatch):
    from aiaudit.gate.findings import display_path

    monkeypatch.chdir(tmp_path)
    assert display_path(str(tmp_path / "sub" / "audit.yaml")) == "sub/audit.yaml"
    assert display_path("./audit.yaml") == "audit.yaml"
    assert display_path("/elsewhere/audit.yaml") == "/elsewhere/audit.yaml"
