"""Policy files: schema and semantic checks with positions, presets, `extends`, and `aiaudit policy`."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from aiaudit.cli.kinds import kinds
from aiaudit.diagnostics import DiagnosticError, UsageError
from aiaudit.policy.load import load_policy, preset_names, preset_text
from aiaudit.validation import validate_file

PRESETS = ("genai-baseline", "eu-ai-act-high-risk", "eu-ai-act-transparency", "kr-ai-basic-act", "classroom-minimum")


def write(folder, text: str, name: str = "policy.yaml"):
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def codes(path):
    result = validate_file(path, kinds())
    return [(d.code, d.line, d.col) for d in result.diagnostics], result


FULL = """\
kind: policy
id: org-genai
title: {en: Org policy, ko: 조직 정책}
rules:
  min_score: {overall: 70, sections: {transparency: 80}, frameworks: {eu-ai-act: 90}}
  must_meet: {severities: [critical], items: [TR-01], allow_na: false}
  cover_frameworks: [owasp-llm, {framework: eu-ai-act, clauses: ["EUAIA-ART50-*"]}]
  max_age_days: 180
  evidence_required_for: [critical, high]
  evidence_integrity: true
waivers:
  - {item: SEC-01, reason: Red team booked for Q1, approver: CISO, expires: "2027-03-31"}
"""


def test_a_full_policy_is_valid(tmp_path):
    found, result = codes(write(tmp_path, FULL))
    assert found == []
    assert result.kind == "policy"


def test_the_policy_kind_uses_the_gate_check(monkeypatch):
    import aiaudit.policy.load

    seen = []
    monkeypatch.setattr(aiaudit.policy.load, "check_document", lambda doc, options: seen.append((doc, options)) or [])
    assert kinds()["policy"].check("doc", "options") == [] and seen == [("doc", "options")]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a score above 100
        ("rules:\n  min_score: {overall: 120}\n", [("E204", 4, 24)]),
        # an unknown rule (typo), located at the key
        ("rules:\n  max_age: 30\n", [("E202", 4, 3)]),
        # a severity that does not exist
        ("rules:\n  must_meet: {severities: [urgent]}\n", [("E204", 4, 28)]),
        # an unknown framework in min_score, located at its key
        ("rules:\n  min_score:\n    frameworks: {eu-ai-actt: 50}\n", [("E501", 5, 18)]),
        # an unknown framework to cover
        ("rules:\n  cover_frameworks: [nope]\n", [("E501", 4, 22)]),
        # a clause pattern that matches nothing
        ("rules:\n  cover_frameworks:\n    - {framework: owasp-llm, clauses: [OWASP-LLM99]}\n", [("E501", 5, 40)]),
        # neither rules nor extends
        ("waivers: []\n", [("E203", 1, 1)]),
        # empty rules: every audit would pass
        ("rules: {}\n", [("E204", 3, 8)]),
        # extends an unknown preset
        ("extends: nope\n", [("E501", 3, 10)]),
        # a waiver expiry that is not a real date
        (
            "extends: genai-baseline\nwaivers:\n  - {item: TR-01, reason: r, approver: a, expires: '2027-02-30'}\n",
            [("E204", 5, 52)],
        ),
        # a waiver without an approver
        ("extends: genai-baseline\nwaivers:\n  - {item: TR-01, reason: r, expires: '2027-02-01'}\n", [("E203", 5, 5)]),
        # two waivers for one item
        (
            "extends: genai-baseline\nwaivers:\n  - {item: TR-01, reason: r, approver: a, expires: '2027-02-01'}\n"
            "  - {item: TR-01, reason: r, approver: a, expires: '2027-03-01'}\n",
            [("E204", 6, 12)],
        ),
    ],
)
def test_policy_problems_have_exact_positions(tmp_path, body, expected):
    found, _ = codes(write(tmp_path, "kind: policy\nid: p\n" + body))
    assert found == expected


def test_validate_cli_reports_policy_errors_with_file_line_col(tmp_path, invoke):
    path = write(tmp_path, "kind: policy\nid: p\nrules:\n  cover_frameworks: [nope]\n")
    result = invoke("validate", path)
    assert result.exit_code == 1
    assert f"{path}:4:22: error[E501]: unknown framework 'nope'" in result.stdout


@pytest.mark.parametrize("name", PRESETS)
def test_every_required_preset_exists_and_is_valid(name, tmp_path):
    assert name in preset_names()
    path = write(tmp_path, preset_text(name), f"{name}.yaml")
    found, result = codes(path)
    assert found == [], [d.format("en") for d in result.diagnostics]
    policy = load_policy(f"preset:{name}")
    assert policy.id == name
    assert policy.title is not None and policy.title.ko and policy.title.en != policy.title.ko


def test_presets_prefer_severities_sections_and_frameworks_over_item_ids():
    for name in preset_names():
        policy = load_policy(f"preset:{name}")
        assert policy.must_meet_items == ()
        assert policy.waivers == ()


def test_unknown_preset_is_a_usage_error():
    with pytest.raises(UsageError, match="no built-in policy preset 'nope'; available: classroom-minimum"):
        load_policy("preset:nope")


def test_invalid_policy_file_exits_2(tmp_path):
    path = write(tmp_path, "kind: policy\nid: p\nrules:\n  min_score: {overall: high}\n")
    with pytest.raises(DiagnosticError) as info:
        load_policy(str(path))
    assert info.value.exit_code == 2
    assert f"{path}:4:24: error[E201]" in info.value.format("en")


def test_missing_policy_file_exits_2(tmp_path):
    with pytest.raises(DiagnosticError) as info:
        load_policy(str(tmp_path / "missing.yaml"))
    assert info.value.exit_code == 2
    assert "error[E001]: no such file" in info.value.format("en")


def test_a_file_of_another_kind_is_not_a_policy(tmp_path):
    path = write(tmp_path, "kind: rubric\nid: r\n")
    with pytest.raises(DiagnosticError, match=r"E107.*not a policy"):
        load_policy(str(path))


def test_extends_merges_rules_and_adds_waivers(tmp_path):
    path = write(
        tmp_path,
        """\
        kind: policy
        id: ours
        extends: genai-baseline
        rules:
          min_score: {overall: 60}
        waivers:
          - {item: SEC-01, reason: r, approver: a, expires: "2027-01-01"}
        """,
    )
    policy = load_policy(str(path))
    base = load_policy("preset:genai-baseline")
    assert policy.min_overall == 60 and base.min_overall == 70
    assert policy.must_meet_severities == base.must_meet_severities == ("critical",)
    assert policy.max_age_days == base.max_age_days == 365
    assert policy.evidence_integrity is True
    assert [w.item for w in policy.waivers] == ["SEC-01"]
    assert policy.waivers[0].where == (str(path), 7, 5)
    assert policy.title == base.title  # inherited when the policy has none


def test_waiver_positions_and_dates_are_kept(tmp_path):
    policy = load_policy(str(write(tmp_path, FULL)))
    (waiver,) = policy.waivers
    assert (waiver.item, waiver.approver, waiver.expires.isoformat()) == ("SEC-01", "CISO", "2027-03-31")
    assert waiver.where[1:] == (12, 5)
    assert policy.must_meet_items[0][0] == "TR-01"
    assert policy.allow_na is False
    assert [(c.framework, c.clauses) for c in policy.cover] == [("owasp-llm", ()), ("eu-ai-act", ("EUAIA-ART50-*",))]


def test_policy_list_shows_every_preset_with_its_title(invoke):
    result = invoke("policy", "list")
    assert result.exit_code == 0
    for name in PRESETS:
        assert name in result.stdout
    assert "Generative-AI baseline" in result.stdout
    korean = invoke("policy", "list", "--lang", "ko")
    assert "생성형 AI 기본 정책" in korean.stdout


@pytest.mark.parametrize("name", ["eu-ai-act-high-risk", "preset:eu-ai-act-high-risk"])
def test_policy_show_prints_the_preset_yaml(invoke, name):
    result = invoke("policy", "show", name)
    assert result.exit_code == 0
    assert result.stdout == preset_text("eu-ai-act-high-risk")
    assert "id: eu-ai-act-high-risk" in result.stdout


def test_policy_show_unknown_exits_2(invoke):
    result = invoke("policy", "show", "nope")
    assert result.exit_code == 2
    assert "no built-in policy preset 'nope'" in result.stderr
    assert "Traceback" not in result.output


def test_policy_schema_is_printed(invoke):
    result = invoke("schema", "policy")
    assert result.exit_code == 0
    assert '"evidence_integrity"' in result.stdout and '"waivers"' in result.stdout


def test_the_policy_example_in_the_docs_is_valid(tmp_path):
    import re

    ROOT = Path(__file__).resolve().parents[2]

    docs = (ROOT / "docs" / "file-formats.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(# yaml-language-server: \$schema=\./policy.*?)```", docs, re.S).group(1)
    found, _ = codes(write(tmp_path, example))
    assert found == []
    policy = load_policy(str(tmp_path / "policy.yaml"))
    assert policy.extends == "genai-baseline" and policy.min_sections == {"transparency": 80, "safety": 75}
