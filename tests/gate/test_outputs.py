"""Gate output formats: JUnit (Ant XSD), SARIF 2.1.0 (official schema), GitHub, GitLab, JSON, text."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess

import pytest
from lxml import etree

from aiaudit.gate import run_gate
from aiaudit.gate.outputs import FORMATS, parse_spec, render
from aiaudit.gate.outputs.github import escape_data, escape_property

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


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("case", ["passing", "failing"])
def test_junit_is_valid_against_the_ant_xsd(request, case, lang, junit_schema, tmp_path):
    result = request.getfixturevalue(case)
    xml = render("junit", result, lang)
    doc = etree.fromstring(xml.encode("utf-8"))
    assert junit_schema.validate(doc), junit_schema.error_log
    if shutil.which("xmllint"):
        path = tmp_path / "junit.xml"
        path.write_text(xml, encoding="utf-8")
        xsd = request.getfixturevalue("conformance_dir") / "JUnit.xsd"
        proc = subprocess.run(["xmllint", "--noout", "--schema", str(xsd), str(path)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr


def junit_cases(xml: str) -> tuple[etree._Element, dict[str, etree._Element]]:
    doc = etree.fromstring(xml.encode("utf-8"))
    (suite,) = doc.findall("testsuite")
    cases = suite.findall("testcase")
    names = [c.get("name") for c in cases]
    assert len(set(names)) == len(names), names  # GitLab keeps only the first of duplicate names
    return suite, dict(zip(names, cases, strict=True))


def outcome(case: etree._Element) -> str:
    child = next(iter(case), None)
    return "pass" if child is None else child.tag


def assert_counts_add_up(suite: etree._Element) -> None:
    cases = suite.findall("testcase")
    tally = {"pass": 0, "failure": 0, "error": 0, "skipped": 0}
    for case in cases:
        tally[outcome(case)] += 1
    assert int(suite.get("tests")) == len(cases) == sum(tally.values())
    assert int(suite.get("failures")) == tally["failure"]
    assert int(suite.get("errors")) == tally["error"]
    assert int(suite.get("skipped")) == tally["skipped"]


def test_junit_has_one_case_per_rule_and_subject(failing):
    suite, cases = junit_cases(render("junit", failing, "en"))
    assert_counts_add_up(suite)
    # two high items (TR-01 met, SEC-01 partial): both are cases of must-meet/severity/high
    assert outcome(cases["must-meet/severity/high/TR-01"]) == "pass"
    assert outcome(cases["must-meet/severity/high/SEC-01"]) == "failure"
    assert outcome(cases["evidence-required/high/SEC-01"]) == "failure"
    assert outcome(cases["evidence-required/high/TR-01"]) == "pass"
    # a rule without subjects is one case, named by its id alone (no threshold, no title)
    assert outcome(cases["min-score/overall"]) == "failure" and outcome(cases["max-age"]) == "pass"
    assert outcome(cases["must-meet/severity/critical"]) == "pass"  # no applicable critical item
    assert [n for n in cases if n.startswith("cover/eu-ai-act/")] == [f"cover/eu-ai-act/EUAIA-ART{n}" for n in range(9, 16)]
    integrity = cases["evidence-integrity/TR-01 evidence/notice.txt"]
    assert integrity.get("classname") == "evidence-integrity"
    assert integrity.find("failure").text.startswith("audit.yaml:18:9: TR-01: evidence evidence/notice.txt has changed size")
    # the number of failures is the number of (rule, subject) pairs that fail, not rules + violations
    failing_pairs = sum(len(r.failures) for r in failing.rules) + sum(1 for r in failing.rules if not r.passed and not r.failures)
    assert int(suite.get("failures")) == failing_pairs == 12


def test_junit_two_violated_rules_are_two_failures(mini):
    (mini / "policy.yaml").write_text(
        "kind: policy\nid: two\nrules:\n  must_meet: {items: [SEC-01]}\n  evidence_required_for: [high]\n", encoding="utf-8"
    )
    result = run_gate(str(mini / "audit.yaml"), str(mini / "policy.yaml"), today=TODAY)
    suite, cases = junit_cases(render("junit", result, "en"))
    assert_counts_add_up(suite)
    assert suite.get("failures") == "2"
    assert {n for n, c in cases.items() if outcome(c) == "failure"} == {"must-meet/item/SEC-01", "evidence-required/high/SEC-01"}


def test_junit_names_are_the_same_in_english_and_korean(failing):
    en_suite, en = junit_cases(render("junit", failing, "en"))
    ko_suite, ko = junit_cases(render("junit", failing, "ko"))
    assert list(en) == list(ko)
    assert [c.get("classname") for c in en.values()] == [c.get("classname") for c in ko.values()]
    assert all(not re.search(r"\d+%|[가-힣]", name) for name in en)  # ids only: no threshold, no translated text
    assert en_suite.get("name") == ko_suite.get("name")
    # the messages follow the language
    assert en["must-meet/severity/high/SEC-01"].find("failure").get("message") == "SEC-01 (high) is partially met; it must be met"
    assert "충족해야 합니다" in ko["must-meet/severity/high/SEC-01"].find("failure").get("message")


def test_junit_a_fixed_item_turns_its_case_green(failing, mini):
    before_suite, before = junit_cases(render("junit", failing, "en"))
    audit = mini / "audit.yaml"
    text = audit.read_text(encoding="utf-8").replace(
        "  SEC-01:\n    status: partial\n    notes: Tested manually only.\n",
        "  SEC-01:\n    status: met\n    notes: Red-teamed.\n    evidence: [{path: evidence/notice.txt}]\n",
    )
    audit.write_text(text, encoding="utf-8")
    fixed = run_gate(str(audit), "preset:eu-ai-act-high-risk", today=TODAY)
    after_suite, after = junit_cases(render("junit", fixed, "en"))
    # the same cases, run after run; citing new evidence adds that file's integrity case
    assert [n for n in after if n in before] == list(before)
    assert set(after) - set(before) == {"evidence-integrity/SEC-01 evidence/notice.txt"}
    for name in ("must-meet/severity/high/SEC-01", "evidence-required/high/SEC-01"):
        assert outcome(before[name]) == "failure" and outcome(after[name]) == "pass", name
    assert int(after_suite.get("failures")) <= int(before_suite.get("failures")) - 2
    assert_counts_add_up(after_suite)


def test_junit_reports_waived_items_as_skipped(passing):
    suite, cases = junit_cases(render("junit", passing, "en"))
    assert_counts_add_up(suite)
    assert suite.get("failures") == "0" and suite.get("skipped") == "1"
    skipped = [n for n, c in cases.items() if outcome(c) == "skipped"]
    assert skipped == ["must-meet/severity/high/SEC-01"]
    message = cases[skipped[0]].find("skipped").get("message")
    assert "Red team booked" in message and "2027-01-31" in message and "CISO, Kim" in message
    assert outcome(cases["must-meet/severity/high/TR-01"]) == "pass"
    assert outcome(cases["waiver/SEC-01"]) == "pass"


def test_junit_skips_evidence_without_a_recorded_hash(mini):
    audit = mini / "audit.yaml"
    text = audit.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if "evidence/notice.txt" in x)
    audit.write_text(text.replace(line, "      - {path: evidence/notice.txt}"), encoding="utf-8")
    (mini / "policy.yaml").write_text("kind: policy\nid: p\nrules:\n  evidence_integrity: true\n", encoding="utf-8")
    result = run_gate(str(audit), str(mini / "policy.yaml"), today=TODAY)
    suite, cases = junit_cases(render("junit", result, "en"))
    assert_counts_add_up(suite)
    case = cases["evidence-integrity/TR-01 evidence/notice.txt"]
    assert outcome(case) == "skipped" and "no recorded sha256 or size" in case.find("skipped").get("message")


def test_junit_strips_characters_xml_cannot_carry(mini, junit_schema):
    # YAML escapes let control characters into strings; XML 1.0 cannot carry them at all, and the
    # file ends up printed in CI logs: they are shown escaped, as everywhere else.
    (mini / "policy.yaml").write_text(PASSING.replace("Red team booked", "Red\\x07team\\e booked"), encoding="utf-8")
    result = run_gate(str(mini / "audit.yaml"), str(mini / "policy.yaml"), today=TODAY)
    assert "\x07" in result.policy.waivers[0].reason
    doc = etree.fromstring(render("junit", result, "en").encode("utf-8"))
    assert junit_schema.validate(doc)
    shown = etree.tostring(doc, encoding="unicode")
    assert "Red\\x07team\\x1b booked" in shown and "\x07" not in shown and "\x1b" not in shown


# --- SARIF --------------------------------------------------------------------------------------


@pytest.mark.parametrize("category", [None, "team-a"])
@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("case", ["passing", "failing"])
def test_sarif_is_valid_against_the_official_schema(request, case, lang, category, sarif_validator):
    log = json.loads(render("sarif", request.getfixturevalue(case), lang, category))
    errors = sorted(sarif_validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert errors == [], [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")


def sarif_run(result, lang="en", **options) -> dict:
    return json.loads(render("sarif", result, lang, **options))["runs"][0]


def test_sarif_has_one_rule_id_per_distinct_check(failing):
    run = sarif_run(failing)
    results = run["results"]
    # GitHub merges results with the same ruleId on the same line into one alert: never let that happen
    keys = [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results]
    assert len(set(keys)) == len(keys)
    ids = {r["ruleId"] for r in results}
    # SEC-01 breaks two rules: two checks, two alerts
    assert {"must-meet/severity/high/SEC-01", "evidence-required/high/SEC-01"} <= ids
    assert "min-score/overall" in ids and "evidence-integrity/TR-01" in ids and "cover/eu-ai-act/EUAIA-ART9" in ids
    rules = run["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    for index, result in enumerate(results):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"], index
    for rule in rules:  # a readable name that is not the id
        assert rule["name"] != rule["id"] and " " not in rule["name"]
    by_id = {r["id"]: r for r in rules}
    assert by_id["must-meet/severity/high/SEC-01"]["name"] == "MustMeetSeverityHigh/SEC-01"
    assert by_id["min-score/overall"]["name"] == "MinScoreOverall"


def test_sarif_rule_ids_do_not_depend_on_the_language(failing):
    en, ko = sarif_run(failing, "en"), sarif_run(failing, "ko")
    assert [r["id"] for r in en["tool"]["driver"]["rules"]] == [r["id"] for r in ko["tool"]["driver"]["rules"]]
    assert [r["name"] for r in en["tool"]["driver"]["rules"]] == [r["name"] for r in ko["tool"]["driver"]["rules"]]
    assert [r["ruleId"] for r in en["results"]] == [r["ruleId"] for r in ko["results"]]
    en_rule = next(r for r in en["tool"]["driver"]["rules"] if r["id"] == "must-meet/severity/high/SEC-01")
    ko_rule = next(r for r in ko["tool"]["driver"]["rules"] if r["id"] == "must-meet/severity/high/SEC-01")
    assert en_rule["shortDescription"]["text"] == "Is the system tested against prompt injection?"
    assert re.search("[가-힣]", ko_rule["shortDescription"]["text"])
    for field in ("fullDescription", "help"):
        assert re.search("[가-힣]", ko_rule[field]["text"]), field
    assert re.search("[가-힣]", ko["results"][0]["message"]["text"])


def test_sarif_rules_have_short_and_full_descriptions_and_help(failing):
    rules = {r["id"]: r for r in sarif_run(failing)["tool"]["driver"]["rules"]}
    for rule in rules.values():
        short, full = rule["shortDescription"]["text"], rule["fullDescription"]["text"]
        assert short and full and short != full and len(short) <= 1024 and len(full) <= 1024, rule["id"]
        assert rule["help"]["text"], rule["id"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
        assert rule["properties"]["precision"] in {"very-high", "high"}
        assert rule["properties"]["problem.severity"] in {"error", "warning", "recommendation"}
        assert len(rule["properties"]["tags"]) <= 20
    sec = rules["must-meet/severity/high/SEC-01"]
    assert "Run a red-team exercise." in sec["help"]["text"] and "OWASP-LLM01" in sec["help"]["markdown"]
    assert sec["properties"]["severity"] == "high" and sec["properties"]["clauses"] == ["OWASP-LLM01", "NIST-GAI-09"]
    assert set(sec["properties"]["frameworks"]) == {"owasp-llm", "nist-ai-rmf"}
    clause = rules["cover/eu-ai-act/EUAIA-ART9"]
    assert clause["properties"]["framework"] == "eu-ai-act" and clause["shortDescription"]["text"].startswith("EUAIA-ART9: ")
    assert clause["helpUri"].startswith("https://")


@pytest.mark.parametrize(
    ("severity", "level"), [("critical", "error"), ("high", "error"), ("medium", "warning"), ("low", "note")]
)
def test_sarif_level_follows_the_item_severity(mini, severity, level):
    checklist = mini / "mini-checklist.yaml"
    text = checklist.read_text(encoding="utf-8")
    checklist.write_text(
        re.sub(r"(id: ACC-01\n(?:.*\n)*?\s+severity: )\w+", rf"\g<1>{severity}", text, count=1), encoding="utf-8"
    )
    (mini / "policy.yaml").write_text("kind: policy\nid: p\nrules:\n  must_meet: {items: [ACC-01]}\n", encoding="utf-8")
    result = run_gate(str(mini / "audit.yaml"), str(mini / "policy.yaml"), today=TODAY)
    (finding,) = sarif_run(result)["results"]
    assert finding["ruleId"] == "must-meet/item/ACC-01"
    assert finding["level"] == level and finding["properties"]["severity"] == severity
    rule = sarif_run(result)["tool"]["driver"]["rules"][0]
    assert rule["defaultConfiguration"]["level"] == level
    issues = json.loads(render("gitlab", result, "en"))
    assert issues[0]["severity"] == {"critical": "critical", "high": "major", "medium": "minor", "low": "info"}[severity]


def test_sarif_rules_failed_as_a_whole_are_errors(failing):
    results = {r["ruleId"]: r for r in sarif_run(failing)["results"]}
    assert results["min-score/overall"]["level"] == "error"
    assert results["cover/eu-ai-act/EUAIA-ART9"]["level"] == "error"


def test_sarif_has_no_fingerprints_github_does_not_understand(failing):
    for result in sarif_run(failing)["results"]:
        assert set(result.get("partialFingerprints", {})) <= {"primaryLocationLineHash"}
        assert "fingerprints" not in result


def test_sarif_results_point_at_the_answer_lines_with_one_line_regions(failing, mini):
    results = {r["ruleId"]: r for r in sarif_run(failing)["results"]}
    lines = (mini / "audit.yaml").read_text(encoding="utf-8").splitlines()

    def region(rule_id):
        location = results[rule_id]["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "audit.yaml"
        return location["region"]

    sec = region("must-meet/severity/high/SEC-01")
    assert sec == {"startLine": audit_line(mini, "SEC-01:"), "startColumn": 3, "endLine": sec["startLine"], "endColumn": 10}
    assert lines[sec["startLine"] - 1][sec["startColumn"] - 1 : sec["endColumn"] - 1] == "SEC-01:"
    integrity = region("evidence-integrity/TR-01")
    assert integrity["startLine"] == integrity["endLine"] == audit_line(mini, "- {path: evidence/notice.txt")
    assert integrity["endColumn"] == len(lines[integrity["startLine"] - 1]) + 1
    overall = region("min-score/overall")
    assert (overall["startLine"], overall["endLine"]) == (audit_line(mini, "answers:"),) * 2
    assert results["must-meet/severity/high/SEC-01"]["message"]["text"] == "SEC-01 (high) is partially met; it must be met"


def test_sarif_columns_count_code_points(mini, monkeypatch):
    monkeypatch.chdir(mini)
    audit = mini / "audit.yaml"
    audit.write_text(audit.read_text(encoding="utf-8").replace("  SEC-01:\n", "  SEC-01:   # 검토 중\n"), encoding="utf-8")
    (mini / "policy.yaml").write_text("kind: policy\nid: p\nrules:\n  must_meet: {items: [SEC-01]}\n", encoding="utf-8")
    run = sarif_run(run_gate("audit.yaml", "policy.yaml", today=TODAY))
    assert run["columnKind"] == "unicodeCodePoints"
    region = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region["endColumn"] == len("  SEC-01:   # 검토 중") + 1


def test_sarif_alert_identity_is_stable_when_lines_move(failing, mini):
    before = sarif_run(failing)["results"]
    audit = mini / "audit.yaml"
    audit.write_text("# a comment that moves every line down\n\n" + audit.read_text(encoding="utf-8"), encoding="utf-8")
    moved = sarif_run(run_gate(str(audit), "preset:eu-ai-act-high-risk", today=TODAY))["results"]
    assert [r["ruleId"] for r in before] == [r["ruleId"] for r in moved]
    assert [r["properties"]["aiauditFingerprint"] for r in before] == [r["properties"]["aiauditFingerprint"] for r in moved]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] + 2 for r in before] == [
        r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in moved
    ]
    fingerprints = [r["properties"]["aiauditFingerprint"] for r in before]
    assert len(set(fingerprints)) == len(fingerprints)


def test_sarif_category_only_when_asked(failing):
    assert "automationDetails" not in sarif_run(failing)
    assert sarif_run(failing, category="audits/team-a")["automationDetails"] == {"id": "audits/team-a/"}
    assert sarif_run(failing, category="team-b/")["automationDetails"] == {"id": "team-b/"}


def test_sarif_category_from_the_command_line(mini, invoke, monkeypatch, sarif_validator):
    monkeypatch.chdir(mini)
    for category, expected in (("team-a", {"id": "team-a/"}), (None, None)):
        args = ["--sarif-category", category] if category else []
        result = invoke("gate", "audit.yaml", "-p", "preset:genai-baseline", "-f", "sarif:out.sarif", *args)
        assert result.exit_code == 1, result.output
        log = json.loads((mini / "out.sarif").read_text(encoding="utf-8"))
        assert not list(sarif_validator.iter_errors(log))
        assert log["runs"][0].get("automationDetails") == expected


def test_sarif_waived_results_are_notes_with_reason_and_expiry(passing):
    run = sarif_run(passing)
    (result,) = run["results"]
    assert result["ruleId"] == "must-meet/severity/high/SEC-01" and result["level"] == "note"
    text = result["message"]["text"]
    assert "Red team booked; 50% done" in text and "CISO, Kim" in text and "2027-01-31" in text
    assert result["properties"]["waiver"] == {
        "reason": "Red team booked; 50% done",
        "approver": "CISO, Kim",
        "expires": "2027-01-31",
    }
    (suppression,) = result["suppressions"]  # for viewers that honour suppressions; GitHub shows the note
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert run["properties"]["passed"] is True


# --- GitHub -------------------------------------------------------------------------------------


def test_github_escaping_follows_the_actions_toolkit():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_github_workflow_commands(failing, mini):
    lines = render("github", failing, "en").splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == sum(len(r.failures) for r in failing.rules) + sum(
        1 for r in failing.rules if not r.passed and not r.failures
    )
    line = audit_line(mini, "SEC-01:")
    expected = (
        f"::error file=audit.yaml,line={line},endLine={line},col=3,title=aiaudit must-meet/severity/high/SEC-01::"
        "SEC-01 (high) is partially met; it must be met"
    )
    assert expected in lines
    assert any("%25" in x for x in errors)  # "68.2%" in the score message is escaped
    assert lines[-1].startswith("FAILED:")


def test_github_annotation_level_follows_severity(mini):
    (mini / "policy.yaml").write_text("kind: policy\nid: p\nrules:\n  must_meet: {items: [ACC-01]}\n", encoding="utf-8")
    result = run_gate(str(mini / "audit.yaml"), str(mini / "policy.yaml"), today=TODAY)
    (annotation,) = [x for x in render("github", result, "en").splitlines() if x.startswith("::")]
    assert annotation.startswith("::warning file=") and ",title=aiaudit must-meet/item/ACC-01::" in annotation  # medium


def test_github_waived_violations_are_notices(passing):
    lines = render("github", passing, "en").splitlines()
    notices = [x for x in lines if x.startswith("::notice ")]
    assert len(notices) == 1 and "Red team booked; 50%25 done" in notices[0]
    assert not any(x.startswith("::error") for x in lines)


def test_github_annotations_cannot_forge_commands_or_drive_the_terminal(mini):
    (mini / "policy.yaml").write_text(PASSING.replace("Red team booked", "Red\\n::error::forged\\e[31m booked"), encoding="utf-8")
    result = run_gate(str(mini / "audit.yaml"), str(mini / "policy.yaml"), today=TODAY)
    out = render("github", result, "en")
    assert all(not line.startswith("::error") for line in out.splitlines())
    assert "\x1b" not in out and "%0A::error::forged" in out


def _markdown_html(text: str) -> str:
    """The summary rendered as GitHub does: CommonMark with tables, raw HTML and autolinks allowed."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")
    return md.render(text)


def test_github_summary_is_appended_to_the_step_summary(mini, invoke, monkeypatch):
    monkeypatch.chdir(mini)
    summary = mini / "summary.md"
    summary.write_text("previous step\n", encoding="utf-8")
    (mini / "policy.yaml").write_text(PASSING.replace("Red team booked", "R&D | team <b>booked</b>"), encoding="utf-8")
    env = {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTIONS": "true"}
    result = invoke("gate", "audit.yaml", "--policy", "policy.yaml", "--format", "github", env=env)
    assert result.exit_code == 0, result.output
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("previous step\n## ✅ aiaudit policy gate")
    assert "| ✅ PASS | `min-score/overall` |" in text
    assert "| ⚪ WAIVED | `audit.yaml:21` | `must-meet/severity/high/SEC-01` |" in text
    assert "&amp;" not in text and "&lt;" not in text and "<b>" not in text
    html = _markdown_html(text)
    assert "R&amp;D | team &lt;b&gt;booked&lt;/b&gt;" in html  # shown as written: "R&D | team <b>booked</b>"
    assert "<b>" not in html and "&amp;amp;" not in html
    # two tables: a header and 5 rules (complete included), a header and 1 violation; the "|" from the file splits no row
    assert html.count("<table>") == 2 and html.count("<tr>") == 6 + 2 and html.count("<td>") == 5 * 3 + 1 * 4


@pytest.mark.parametrize(
    "hostile",
    [
        "[click](https://evil.example/x)",
        "![img](https://evil.example/t.png)",
        "<img src=https://evil.example/t.png>",
        "<https://evil.example>",
        "https://evil.example/phish",
        "www.evil.example",
        "a@evil.example",
        "&lt;script&gt;",
        "**bold** _it_ `code` ~~s~~",
        "# heading",
        "- list",
        "1. list",
    ],
)
def test_summary_text_cannot_inject_links_images_or_html(hostile):
    from aiaudit.gate.outputs.github import md_text

    escaped = md_text(f"x {hostile} y")
    html = _markdown_html(f"| a |\n|---|\n| {escaped} |\n")
    body = html.split("<tbody>")[1]
    assert "<a " not in body and "<img" not in body and "<strong>" not in body and "<em>" not in body
    assert "<del>" not in body and "<h1>" not in body and "<li>" not in body
    import html as html_lib

    cell = re.search(r"<td>(.*?)</td>", body, re.S).group(1)
    # a word GitHub would link on its own (a URL, www., an e-mail address) is shown as code; nothing else is
    for shown in re.findall(r"<code>(.*?)</code>", cell):
        assert re.search(r"://|www\.|@", html_lib.unescape(shown)), shown
    assert html_lib.unescape(re.sub(r"</?code>", "", cell)) == f"x {hostile} y"  # shown exactly as written


def test_no_step_summary_without_the_github_format(mini, invoke, monkeypatch):
    monkeypatch.chdir(mini)
    summary = mini / "summary.md"
    result = invoke("gate", "audit.yaml", "--policy", "preset:classroom-minimum", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 0
    assert not summary.exists()


# --- GitLab -------------------------------------------------------------------------------------


def test_gitlab_code_quality_report(failing, mini, assert_code_quality_report):
    issues = json.loads(render("gitlab", failing, "en"))
    assert_code_quality_report(issues)
    assert len(issues) == sum(len(r.failures) for r in failing.rules) + sum(
        1 for r in failing.rules if not r.passed and not r.failures
    )
    sec = next(i for i in issues if i["check_name"] == "aiaudit/must-meet/severity/high/SEC-01")
    assert sec["severity"] == "major" and sec["location"]["lines"]["begin"] == audit_line(mini, "SEC-01:")
    sarif_ids = {r["ruleId"] for r in sarif_run(failing)["results"]}
    assert {i["check_name"].removeprefix("aiaudit/") for i in issues} == sarif_ids


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


# --- unusable input (exit 2) ----------------------------------------------------------------------


@pytest.fixture
def broken(mini, monkeypatch):
    monkeypatch.chdir(mini)
    audit = mini / "audit.yaml"
    audit.write_text(audit.read_text(encoding="utf-8").replace("status: partial", "status: maybe"), encoding="utf-8")
    return mini


def test_unusable_input_is_reported_by_every_output(broken, invoke, sarif_validator, junit_schema, assert_code_quality_report):
    summary = broken / "summary.md"
    args = ["-f", "sarif:o.sarif", "-f", "junit:o.xml", "-f", "gitlab:gl.json", "-f", "json:o.json", "-f", "github"]
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    result = invoke("gate", "audit.yaml", "-p", "preset:genai-baseline", "--sarif-category", "gov", *args, env=env)
    assert result.exit_code == 2
    assert "audit.yaml:22:13: error[E204]: 'maybe' is not one of" in result.stderr
    # GitHub: an annotation on the line
    assert "::error file=audit.yaml,line=22,endLine=22,col=13,title=aiaudit E204::'maybe' is not one of" in result.stdout
    assert "| `audit.yaml:22:13` | `E204` |" in summary.read_text(encoding="utf-8")
    # SARIF: a result on the line, ruleId the diagnostic code
    log = json.loads((broken / "o.sarif").read_text(encoding="utf-8"))
    assert not list(sarif_validator.iter_errors(log))
    run = log["runs"][0]
    (finding,) = run["results"]
    assert finding["ruleId"] == "E204" and finding["level"] == "error"
    assert finding["locations"][0]["physicalLocation"]["region"]["startLine"] == 22
    assert run["tool"]["driver"]["rules"][0]["name"] == "InvalidValue"
    assert run["automationDetails"] == {"id": "gov/"} and run["invocations"][0]["executionSuccessful"] is False
    # JUnit: one error case; counts add up
    doc = etree.parse(str(broken / "o.xml"))
    assert junit_schema.validate(doc), junit_schema.error_log
    suite = doc.getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("errors"), suite.get("failures")) == ("1", "1", "0")
    assert suite.find("testcase").get("name") == "input/E204 audit.yaml:22:13"
    # GitLab: a blocker
    issues = json.loads((broken / "gl.json").read_text(encoding="utf-8"))
    assert_code_quality_report(issues)
    assert [(i["check_name"], i["severity"], i["location"]["lines"]["begin"]) for i in issues] == [
        ("aiaudit/input/E204", "blocker", 22)
    ]
    data = json.loads((broken / "o.json").read_text(encoding="utf-8"))
    assert data["usable"] is False and data["passed"] is False and data["diagnostics"][0]["code"] == "E204"


def test_an_unusable_policy_is_located_in_the_policy_file(mini, invoke, monkeypatch):
    monkeypatch.chdir(mini)
    (mini / "policy.yaml").write_text("kind: policy\nid: p\nrules:\n  must_meet: {items: [NOPE-01]}\n", encoding="utf-8")
    result = invoke("gate", "audit.yaml", "-p", "policy.yaml", "-f", "sarif:o.sarif", "-f", "github", "--lang", "ko")
    assert result.exit_code == 2
    (finding,) = json.loads((mini / "o.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert finding["ruleId"] == "E501"
    assert finding["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "policy.yaml"
    assert re.search("[가-힣]", finding["message"]["text"])
    assert "::error file=policy.yaml,line=4," in result.stdout


def test_unusable_input_exits_2_even_with_soft_fail_and_other_audits(mini, invoke, monkeypatch):
    monkeypatch.chdir(mini)
    (mini / "bad-audit.yaml").write_text("kind: audit\nformat: 1\n", encoding="utf-8")
    result = invoke("gate", "audit.yaml", "bad-audit.yaml", "-p", "preset:classroom-minimum", "--soft-fail", "-f", "github")
    assert result.exit_code == 2
    assert "::error file=bad-audit.yaml," in result.stdout
    assert "PASSED" in result.stdout  # the usable audit was still checked


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_reports_unusable_input(fmt, broken):
    from aiaudit.diagnostics import DiagnosticError
    from aiaudit.gate.findings import GateFailure

    with pytest.raises(DiagnosticError) as info:
        run_gate("audit.yaml", "preset:genai-baseline", today=TODAY)
    out = render(fmt, GateFailure("audit.yaml", "preset:genai-baseline", tuple(info.value.diagnostics)), "en")
    assert out.strip()
