"""`aiaudit gate`: every rule kind, waivers, exit codes, speed hygiene and the CI integrations.

The mini audit (tests/fixtures/mini): TR-01 met with hashed evidence (high), TR-02 not applicable
(critical, images only), SEC-01 partial (high), SEC-02 na with a justification (low), ACC-01
not_met (medium); overall 68.2%, signed off 2026-11-21.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from importlib import resources
from pathlib import Path

import pytest
import yaml

from aiaudit.diagnostics import DiagnosticError
from aiaudit.gate import FAIL, PASS, WAIVED, run_gate

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 12, 1)


def policy_file(folder: Path, rules: str, waivers: str = "", name: str = "policy.yaml") -> Path:
    text = "kind: policy\nid: test\nrules:\n" + textwrap.indent(textwrap.dedent(rules), "  ")
    if waivers:
        text += "waivers:\n" + textwrap.indent(textwrap.dedent(waivers), "  ")
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def gate(mini: Path, rules: str, waivers: str = "", today: dt.date = TODAY):
    policy = policy_file(mini, rules, waivers)
    return run_gate(str(mini / "audit.yaml"), str(policy), today=today)


def rule(result, rule_id: str):
    matches = [r for r in result.rules if r.id == rule_id]
    assert len(matches) == 1, [r.id for r in result.rules]
    return matches[0]


def violations(result, rule_id: str):
    return [(v.subject, v.outcome, v.where[1]) for v in rule(result, rule_id).violations]


# --- min_score ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("minimum", "outcome"), [(68, PASS), (68.2, PASS), (69, FAIL)])
def test_min_overall_score(mini, minimum, outcome):
    result = gate(mini, f"min_score: {{overall: {minimum}}}\n")
    r = rule(result, "min-score/overall")
    assert r.outcome == outcome
    assert "68.2%" in r.message
    assert result.passed is (outcome == PASS)


def test_min_section_scores(mini):
    result = gate(mini, "min_score:\n  sections: {transparency: 100, safety: 60, fairness: 10}\n")
    assert rule(result, "min-score/section/transparency").outcome == PASS
    safety = rule(result, "min-score/section/safety")
    assert safety.outcome == FAIL and "50%" in safety.message and "60%" in safety.message
    assert safety.where[1] == 21  # the section's first answer (SEC-01)
    missing = rule(result, "min-score/section/fairness")
    assert missing.outcome == FAIL and "no section 'fairness'" in missing.message


def test_min_framework_scores(mini):
    result = gate(mini, "min_score:\n  frameworks: {eu-ai-act: 100, nist-ai-rmf: 50, unesco: 10}\n")
    assert rule(result, "min-score/framework/eu-ai-act").outcome == PASS
    nist = rule(result, "min-score/framework/nist-ai-rmf")
    # coverage of NIST's 38 clauses: GAI-09 half met (SEC-01 partial), GOVERN-2 not met (ACC-01), 36 unaddressed
    assert nist.outcome == FAIL and f"{round(100 * 0.5 / 38, 1)}%" in nist.message
    unesco = rule(result, "min-score/framework/unesco")
    assert unesco.outcome == FAIL and "no item of the audit refers to" in unesco.message


# --- must_meet ----------------------------------------------------------------------------------


def test_must_meet_severities(mini):
    result = gate(mini, "must_meet: {severities: [critical, high, low]}\n")
    critical = rule(result, "must-meet/severity/critical")
    assert critical.outcome == PASS and critical.violations == ()  # TR-02 does not apply (images only)
    high = rule(result, "must-meet/severity/high")
    assert high.outcome == FAIL
    assert violations(result, "must-meet/severity/high") == [("SEC-01", FAIL, 21)]
    assert "SEC-01 (high) is partially met; it must be met" in high.violations[0].message
    assert rule(result, "must-meet/severity/low").outcome == PASS  # SEC-02 is na with a justification


def test_must_meet_na_counts_only_when_allowed(mini):
    result = gate(mini, "must_meet: {severities: [low], allow_na: false}\n")
    assert violations(result, "must-meet/severity/low") == [("SEC-02", FAIL, 24)]


def test_must_meet_items(mini):
    result = gate(mini, "must_meet: {items: [TR-01, TR-02, ACC-01]}\n")
    assert rule(result, "must-meet/item/TR-01").outcome == PASS
    inapplicable = rule(result, "must-meet/item/TR-02")
    assert inapplicable.outcome == PASS and "does not apply" in inapplicable.message
    acc = rule(result, "must-meet/item/ACC-01")
    assert acc.outcome == FAIL and "ACC-01 (medium) is not met" in acc.message
    assert violations(result, "must-meet/item/ACC-01") == [("ACC-01", FAIL, 27)]


def test_an_unanswered_item_points_at_the_answers_key(mini):
    audit = mini / "audit.yaml"
    audit.write_text(audit.read_text().replace("  ACC-01:\n    status: not_met\n", ""), encoding="utf-8")
    result = gate(mini, "must_meet: {items: [ACC-01]}\n")
    assert violations(result, "must-meet/item/ACC-01") == [("ACC-01", FAIL, 13)]
    assert "unanswered" in rule(result, "must-meet/item/ACC-01").message


def test_policy_item_unknown_to_the_audit_is_an_error_with_position(mini, invoke):
    policy = policy_file(mini, "must_meet: {items: [TR-01, NOPE-01]}\n")
    result = invoke("gate", mini / "audit.yaml", "--policy", policy)
    assert result.exit_code == 2
    assert f"{policy}:4:30: error[E501]: must_meet names item 'NOPE-01', which no checklist of the audit has" in result.stderr


# --- cover_frameworks ---------------------------------------------------------------------------


def test_cover_frameworks_selected_clauses(mini):
    result = gate(mini, "cover_frameworks:\n  - {framework: owasp-llm, clauses: [OWASP-LLM01, OWASP-LLM10]}\n")
    r = rule(result, "cover/owasp-llm")
    assert r.outcome == PASS and "all 2 selected clauses" in r.message


def test_cover_frameworks_whole_framework_lists_every_gap(mini):
    result = gate(mini, "cover_frameworks: [owasp-llm]\n")
    r = rule(result, "cover/owasp-llm")
    assert r.outcome == FAIL
    gaps = [v.subject for v in r.violations]
    assert gaps == [f"OWASP-LLM{n:02d}" for n in range(2, 10)]
    assert all(v.subject_kind == "clause" and v.where[1] == 13 for v in r.violations)


def test_cover_of_a_law_that_does_not_reach_the_system_passes(mini):
    result = gate(mini, "cover_frameworks:\n  - {framework: eu-ai-act}\nmin_score:\n  frameworks: {eu-ai-act: 90}\n")
    cover, score = rule(result, "cover/eu-ai-act"), rule(result, "min-score/framework/eu-ai-act")
    assert cover.outcome == PASS and cover.violations == () and "does not reach this system" in cover.message
    assert score.outcome == PASS and "does not reach this system" in score.message


def test_cover_counts_only_applicable_items(mini):
    # EUAIA-ART50-2 is cited only by TR-02, which does not apply to a text-only system.
    audit = mini / "audit.yaml"
    audit.write_text(audit.read_text(encoding="utf-8").replace("regions: [KR]", "regions: [KR, EU]"), encoding="utf-8")
    result = gate(mini, "cover_frameworks:\n  - {framework: eu-ai-act, clauses: [EUAIA-ART50-1, EUAIA-ART50-2]}\n")
    assert [v.subject for v in rule(result, "cover/eu-ai-act").violations] == ["EUAIA-ART50-2"]


# --- max_age_days -------------------------------------------------------------------------------


def test_max_age_counts_from_the_latest_signoff(mini):
    ok = gate(mini, "max_age_days: 10\n")
    r = rule(ok, "max-age")
    assert r.outcome == PASS and "10 days old (dated 2026-11-21 by its latest sign-off)" in r.message
    assert r.where[1] == 30  # the sign-off line
    late = gate(mini, "max_age_days: 9\n")
    assert rule(late, "max-age").outcome == FAIL


def test_max_age_without_signoff_uses_the_latest_answer_date(mini):
    audit = mini / "audit.yaml"
    text = audit.read_text()
    audit.write_text(text[: text.index("signoff:")], encoding="utf-8")
    r = rule(gate(mini, "max_age_days: 30\n"), "max-age")
    assert r.outcome == PASS and "dated 2026-11-20 by its latest answer" in r.message and r.where[1] == 20


def test_max_age_of_an_undated_audit_fails(mini):
    audit = mini / "audit.yaml"
    text = audit.read_text()
    audit.write_text(text[: text.index("signoff:")].replace('    date: "2026-11-20"\n', ""), encoding="utf-8")
    r = rule(gate(mini, "max_age_days: 30\n"), "max-age")
    assert r.outcome == FAIL and "no sign-off date and no answer date" in r.message


def test_max_age_rejects_an_impossible_date(mini):
    audit = mini / "audit.yaml"
    audit.write_text(audit.read_text().replace('date: "2026-11-21"', 'date: "2026-11-31"'), encoding="utf-8")
    # An impossible date makes the audit itself invalid (E408), so the gate cannot use it (exit 2).
    with pytest.raises(DiagnosticError) as info:
        gate(mini, "max_age_days: 30\n")
    assert info.value.exit_code == 2 and [d.code for d in info.value.diagnostics] == ["E408"]


# --- evidence -----------------------------------------------------------------------------------


def test_evidence_required_for_severities(mini):
    result = gate(mini, "evidence_required_for: [high, medium]\n")
    assert violations(result, "evidence-required/high") == [("SEC-01", FAIL, 21)]  # TR-01 cites evidence
    assert "SEC-01 (high) is partially met but cites no evidence" in rule(result, "evidence-required/high").violations[0].message
    medium = rule(result, "evidence-required/medium")
    assert medium.outcome == PASS  # ACC-01 is not_met: nothing to prove


def test_evidence_integrity_passes_when_files_match(mini):
    r = rule(gate(mini, "evidence_integrity: true\n"), "evidence-integrity")
    assert r.outcome == PASS and "all 1 evidence file" in r.message


def test_evidence_integrity_detects_changed_content(mini):
    notice = mini / "evidence" / "notice.txt"
    body = notice.read_bytes()
    notice.write_bytes(body[:-1] + (b"X" if body[-1:] != b"X" else b"Y"))  # same size, new content
    r = rule(gate(mini, "evidence_integrity: true\n"), "evidence-integrity")
    assert r.outcome == FAIL
    (v,) = r.violations
    assert v.subject == "TR-01" and v.where[1:] == (18, 9)
    assert "evidence/notice.txt no longer matches its recorded sha256" in v.message


def test_evidence_integrity_detects_a_changed_size(mini):
    (mini / "evidence" / "notice.txt").write_text("rewritten after the audit\n", encoding="utf-8")
    r = rule(gate(mini, "evidence_integrity: true\n"), "evidence-integrity")
    assert r.outcome == FAIL and "has changed size (37 bytes recorded)" in r.violations[0].message


def test_evidence_integrity_notes_unhashed_files(mini):
    audit = mini / "audit.yaml"
    text = audit.read_text()
    line = next(x for x in text.splitlines() if "evidence/notice.txt" in x)
    audit.write_text(text.replace(line, "      - {path: evidence/notice.txt}"), encoding="utf-8")
    r = rule(gate(mini, "evidence_integrity: true\n"), "evidence-integrity")
    assert r.outcome == PASS
    assert r.notes == ("1 evidence file has no recorded sha256 or size and were not checked",)


# --- waivers ------------------------------------------------------------------------------------

WAIVER = "- {item: SEC-01, reason: Red team booked for January, approver: CISO Kim, expires: '%s'}\n"


def test_a_valid_waiver_turns_the_failure_into_a_pass_with_a_note(mini, invoke):
    result = gate(mini, "must_meet: {severities: [high]}\nevidence_required_for: [high]\n", WAIVER % "2026-12-01")
    assert result.passed
    high = rule(result, "must-meet/severity/high")
    assert high.outcome == PASS
    assert violations(result, "must-meet/severity/high") == [("SEC-01", WAIVED, 21)]
    assert "waived: Red team booked for January (approved by CISO Kim, until 2026-12-01)" in high.violations[0].message
    assert "1 not met but waived" in high.message
    waiver = rule(result, "waiver/SEC-01")
    assert waiver.outcome == PASS
    assert waiver.notes == ("applied to: must-meet/severity/high, evidence-required/high",)
    assert result.waived_count == 2
    cli = invoke("gate", mini / "audit.yaml", "--policy", mini / "policy.yaml", "--today", "2026-12-01")
    assert cli.exit_code == 0
    assert "PASSED: all 4 rules satisfied (2 violations waived)." in cli.stdout


def test_an_expired_waiver_fails_with_a_clear_message(mini, invoke):
    result = gate(mini, "must_meet: {severities: [high]}\n", WAIVER % "2026-11-30")
    assert not result.passed
    assert violations(result, "must-meet/severity/high") == [("SEC-01", FAIL, 21)]
    waiver = rule(result, "waiver/SEC-01")
    assert waiver.outcome == FAIL
    assert waiver.message == (
        "the waiver for SEC-01 expired on 2026-11-30 (approved by CISO Kim); renew it or remove it from the policy"
    )
    assert waiver.where == (str(mini / "policy.yaml"), 6, 5)  # the waiver in the policy file
    cli = invoke("gate", mini / "audit.yaml", "--policy", mini / "policy.yaml", "--today", "2026-12-01")
    assert cli.exit_code == 1
    assert "expired on 2026-11-30" in cli.stdout


def test_an_unneeded_waiver_is_noted(mini):
    result = gate(mini, "must_meet: {severities: [high]}\n", WAIVER.replace("SEC-01", "TR-01") % "2027-01-01")
    assert rule(result, "waiver/TR-01").notes == ("not needed: TR-01 breaks no rule of the policy",)
    assert not result.passed  # SEC-01 still fails


def test_waivers_do_not_change_scores(mini):
    result = gate(mini, "min_score: {overall: 90}\n", WAIVER % "2027-01-01")
    assert rule(result, "min-score/overall").outcome == FAIL


# --- exit codes and the command line ------------------------------------------------------------


def test_exit_0_when_the_policy_holds(mini, invoke):
    policy = policy_file(mini, "min_score: {overall: 60}\nmust_meet: {items: [TR-01]}\n")
    result = invoke("gate", mini / "audit.yaml", "--policy", policy)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "PASSED: all 3 rules satisfied."


def test_exit_1_when_the_policy_is_violated(mini, invoke):
    result = invoke("gate", mini / "audit.yaml", "--policy", "preset:genai-baseline", "--today", "2026-12-01")
    assert result.exit_code == 1
    assert "FAIL    min-score/overall" in result.stdout
    assert result.stdout.splitlines()[-1] == "FAILED: 1 of 6 rules violated."


def test_soft_fail_exits_0_but_says_so(mini, invoke):
    result = invoke("gate", mini / "audit.yaml", "--policy", "preset:genai-baseline", "--soft-fail")
    assert result.exit_code == 0
    assert "FAILED" in result.stdout
    assert "--soft-fail" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.yaml", "--policy", "preset:genai-baseline"], "missing.yaml:1:1: error[E001]: no such file"),
        (["{audit}", "--policy", "missing-policy.yaml"], "missing-policy.yaml:1:1: error[E001]: no such file"),
        (["{audit}", "--policy", "preset:nope"], "no built-in policy preset 'nope'"),
        (["{audit}", "--policy", "{folder}"], "is a directory"),
        (["{audit}", "--policy", "preset:genai-baseline", "--format", "pdf"], "unknown gate format 'pdf'"),
        (["{audit}", "--policy", "preset:genai-baseline", "--format", "sarif:"], "names no file"),
        (["{audit}", "--policy", "preset:genai-baseline", "-f", "sarif:nodir/out.sarif"], "folder 'nodir' does not exist"),
        (["{audit}", "--policy", "preset:genai-baseline", "-f", "json:a.json", "-f", "sarif:a.json"], "the same file"),
        (["{audit}", "{audit}", "--policy", "preset:genai-baseline", "-f", "sarif"], "takes one audit"),
        (["{audit}", "--policy", "preset:genai-baseline", "--today", "2026-13-01"], "--today"),
        (["{audit}", "--policy", "preset:genai-baseline", "--today", "2026-02-30"], "'2026-02-30' is not a date of the calendar"),
        (["{audit}", "--policy", "preset:genai-baseline", "--today", "20261125"], "use YYYY-MM-DD"),
        (["{audit}", "--policy", "preset:genai-baseline", "--today", "2026-W48-3"], "use YYYY-MM-DD"),
        (["{audit}"], "Missing option '-p' / '--policy'"),
    ],
)
def test_exit_2_for_unusable_input(mini, invoke, monkeypatch, args, message):
    monkeypatch.chdir(mini)
    args = [a.format(audit=mini / "audit.yaml", folder=mini) for a in args]
    result = invoke("gate", *args, "--soft-fail")  # --soft-fail never hides errors
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_exit_2_for_an_invalid_audit_even_with_schema_errors(mini, invoke):
    audit = mini / "audit.yaml"
    audit.write_text(audit.read_text().replace("status: partial", "status: maybe"), encoding="utf-8")
    result = invoke("gate", audit, "--policy", "preset:genai-baseline")
    assert result.exit_code == 2
    assert f"{audit}:22:13: error[E204]: 'maybe' is not one of" in result.stderr


def test_exit_2_for_a_yaml_error_in_the_policy(mini, invoke):
    policy = mini / "policy.yaml"
    policy.write_text("kind: policy\nid: p\nrules: [\n", encoding="utf-8")
    result = invoke("gate", mini / "audit.yaml", "--policy", policy)
    assert result.exit_code == 2
    assert f"{policy}:4:1: error[E101]" in result.stderr


def test_warnings_of_the_audit_are_shown(mini, invoke):
    (mini / "evidence" / "notice.txt").write_text("changed\n", encoding="utf-8")
    result = invoke("gate", mini / "audit.yaml", "--policy", "preset:classroom-minimum")
    assert "warning[W402]" in result.stdout
    assert result.exit_code == 1  # classroom-minimum checks evidence integrity


def test_several_audits_as_pre_commit_passes_them(mini, invoke):
    other = mini / "other-audit.yaml"
    other.write_text((mini / "audit.yaml").read_text().replace("status: not_met", "status: met"), encoding="utf-8")
    policy = policy_file(mini, "min_score: {overall: 80}\n")
    result = invoke("gate", mini / "audit.yaml", other, "--policy", policy)
    assert result.exit_code == 1  # the first fails (68.2%), the second passes
    assert result.stdout.count("aiaudit gate:") == 2
    assert "FAILED: 1 of 2 rules violated." in result.stdout and "PASSED: all 2 rules satisfied." in result.stdout


def test_korean_output(mini, invoke):
    result = invoke("gate", mini / "audit.yaml", "--policy", "preset:genai-baseline", "--lang", "ko", "--today", "2026-12-01")
    assert result.exit_code == 1
    assert "전체 점수 68.2%가 최소 기준 70%에 미달합니다" in result.stdout
    assert "실패: 규칙 6개 중 1개를 위반했습니다." in result.stdout


def test_every_gate_message_has_english_and_korean():
    catalog = json.loads(resources.files("aiaudit").joinpath("locales", "gate.json").read_text(encoding="utf-8"))
    placeholders = re.compile(r"\{[#?]?(\w+)")
    only_placeholders = re.compile(r"^[\s{}\w:—-]*$")
    for key, entry in catalog.items():
        words = placeholders.sub("", entry["en"])  # a message that only joins other messages needs no translation
        translated = entry["en"] != entry["ko"] or only_placeholders.match(words.replace("}", ""))
        assert entry.get("en") and entry.get("ko") and translated, key
        assert set(placeholders.findall(entry["en"])) == set(placeholders.findall(entry["ko"])), key


def test_today_defaults_to_the_current_date(mini):
    result = run_gate(str(mini / "audit.yaml"), "preset:classroom-minimum")
    assert result.today == dt.date.today()


# --- speed hygiene ------------------------------------------------------------------------------


def test_gate_never_imports_jinja2_or_weasyprint(mini):
    formats = ["text", "json", "junit:o.xml", "sarif:o.sarif", "github", "gitlab:gl.json"]
    code = textwrap.dedent(
        f"""
        import json, sys
        from aiaudit.cli import main
        sys.argv = ["aiaudit", "gate", "audit.yaml", "--policy", "preset:eu-ai-act-high-risk"]
        for f in {formats!r}:
            sys.argv += ["--format", f]
        try:
            main()
        except SystemExit as exc:
            code = exc.code
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("jinja2", "weasyprint", "markupsafe", "markdown_it"))
        print(json.dumps({{"code": code, "heavy": heavy}}), file=sys.stderr)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=mini, capture_output=True, text=True, check=False)
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    assert report == {"code": 1, "heavy": []}
    assert (mini / "o.sarif").is_file() and (mini / "o.xml").is_file() and (mini / "gl.json").is_file()


# --- integrations -------------------------------------------------------------------------------


def _hook(hook_id: str) -> dict:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return next(h for h in hooks if h["id"] == hook_id)


def _run_hook(hook: dict, filenames: list[str], cwd: Path, args: list[str] | None = None) -> subprocess.CompletedProcess:
    """Run a hook as pre-commit does: entry split with shlex, then args, then the matching filenames."""
    pattern = re.compile(hook.get("files", ""))
    files = [f for f in filenames if pattern.search(f)] if hook.get("pass_filenames", True) else []
    command = [*shlex.split(hook["entry"]), *(hook.get("args", []) if args is None else args), *files]
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    assert shutil.which(command[0], path=env["PATH"]), f"the {command[0]!r} console script is not installed"
    env.pop("AIAUDIT_LANG", None)
    env["LANG"] = "C.UTF-8"
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def test_pre_commit_hooks_are_well_formed():
    for hook_id in ("aiaudit-validate", "aiaudit-gate"):
        hook = _hook(hook_id)
        assert hook["language"] == "python"
        assert shlex.split(hook["entry"])[0] == "aiaudit"
        assert {"id", "name", "entry", "language"} <= set(hook)


def test_pre_commit_validate_hook_runs_like_pre_commit(mini):
    hook = _hook("aiaudit-validate")
    ok = _run_hook(hook, ["audit.yaml", "mini-checklist.yaml", "README.md"], mini)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    (mini / "audit.yaml").write_text((mini / "audit.yaml").read_text().replace("status: met", "status: done"), encoding="utf-8")
    bad = _run_hook(hook, ["audit.yaml", "mini-checklist.yaml"], mini)
    assert bad.returncode == 1
    assert "audit.yaml:15:13: error[E204]" in bad.stdout


def test_pre_commit_gate_hook_runs_like_pre_commit(mini):
    hook = _hook("aiaudit-gate")
    failing = _run_hook(hook, ["audit.yaml", "mini-checklist.yaml", "evidence/notice.txt"], mini)
    assert failing.returncode == 1, failing.stdout + failing.stderr  # genai-baseline needs 70%
    assert "aiaudit gate: audit.yaml · policy genai-baseline" in failing.stdout
    policy_file(mini, "min_score: {overall: 60}\n")
    passing = _run_hook(hook, ["audit.yaml"], mini, args=["--policy", "policy.yaml"])
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "PASSED" in passing.stdout


def test_action_yml_is_a_composite_action_running_the_gate():
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    scripts = "\n".join(s.get("run", "") for s in steps)
    assert "pip install" in scripts and "$ACTION_PATH" in scripts
    assert "aiaudit " in scripts and "--format github" in scripts and "sarif:" in scripts
    # inputs only reach scripts through the environment (no ${{ }} inside run:)
    assert "${{" not in scripts
    assert {"audit", "policy", "upload-sarif", "sarif-file"} <= set(action["inputs"])
