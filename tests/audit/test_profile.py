"""Profile values: what users type (Korean or English) becomes the value conditions test; nothing is dropped silently."""

from __future__ import annotations

import pytest
import yaml

from aiaudit.audit.profile import normalize, normalize_all
from aiaudit.cli.kinds import kinds
from aiaudit.diagnostics import UsageError
from aiaudit.validation import validate_file


@pytest.mark.parametrize(
    ("field", "given", "value"),
    [
        ("regions", "한국", "KR"),
        ("regions", "eu", "EU"),
        ("regions", "유럽연합", "EU"),
        ("regions", "Global", "GLOBAL"),
        ("users", "학생", "students"),
        ("users", "Students", "students"),
        ("users", "미성년자", "minors"),
        ("modalities", "음악", "music"),
        ("modalities", "Voice", "voice"),
        ("role", "배포자", "deployer"),
        ("sectors", "교육", "education"),
    ],
)
def test_korean_and_english_forms(field, given, value):
    assert normalize(field, given) == value


def test_unknown_values_are_refused_with_a_suggestion():
    with pytest.raises(UsageError) as info:
        normalize("users", "studnets")
    assert "did you mean students?" in info.value.format("en")
    assert "students을(를) 뜻했습니까?" in info.value.format("ko")
    with pytest.raises(UsageError):
        normalize("regions", "Narnia")


def test_normalize_all_splits_commas_and_keeps_each_once():
    assert normalize_all("users", ("학생, minors", "students")) == ("students", "minors")


def test_init_accepts_korean_forms_and_writes_a_valid_audit(invoke, tmp_path):
    out = tmp_path / "audit.yaml"
    result = invoke("init", "-n", "봇", "--region", "한국", "--user", "학생", "--modality", "음악", "-o", out)
    assert result.exit_code == 0, result.output
    system = yaml.safe_load(out.read_text(encoding="utf-8"))["system"]
    assert system["regions"] == ["KR"] and system["users"] == ["students"] and system["modalities"] == ["music"]
    assert invoke("validate", out).exit_code == 0
    # the modules that fit are proposed, with the reason
    assert "creative-media" in result.stdout and "education" in result.stdout and "kr-startup" in result.stdout


def test_init_refuses_an_unknown_user_instead_of_dropping_it(invoke, tmp_path):
    result = invoke("init", "-n", "봇", "--user", "Studnets", "-o", tmp_path / "a.yaml")
    assert result.exit_code == 2 and "did you mean students?" in result.stderr
    assert not (tmp_path / "a.yaml").exists()


def test_add_modules_adds_the_proposed_modules(invoke, tmp_path):
    out = tmp_path / "audit.yaml"
    assert invoke("init", "-n", "봇", "--agentic", "--add-modules", "-o", out).exit_code == 0
    ids = [c.get("id") for c in yaml.safe_load(out.read_text(encoding="utf-8"))["checklists"]]
    assert ids == ["genai-baseline", "agents"]


def test_validate_warns_about_unknown_profile_values_and_disagreeing_regions(mini):
    audit = mini / "audit.yaml"
    text = audit.read_text(encoding="utf-8").replace("users: [consumers]", "users: [Studnets]")
    text = text.replace(
        "  risk_tier: limited\n", "  risk_tier: limited\n  classification:\n    eu_ai_act: {category: limited, in_scope: true}\n"
    )
    audit.write_text(text, encoding="utf-8")
    codes = [d.code for d in validate_file(audit, kinds()).diagnostics]
    assert codes.count("W403") == 1 and codes.count("W404") == 1
