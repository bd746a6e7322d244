"""Risk classification: realistic systems → EU AI Act and Korea AI Basic Act categories, with reasoning."""

from __future__ import annotations

import json
import re

import pytest

from aiaudit.audit.classify import QUESTIONS, classify, complete, defaults, normalize, parse_flops
from aiaudit.audit.load import load_audit
from aiaudit.i18n import t
from aiaudit.library.catalog import clause_index


def run(answers: dict, system: dict | None = None, lang: str = "en"):
    full, _ = complete(answers, system or {"name": "x"})
    return classify(full, lang)


# Each case: the answers a team would give, then what the laws say.
SYSTEMS = {
    "cv-screening-for-hiring": (
        {
            "eu_market": True,
            "kr_market": True,
            "annex_iii": [4],
            "profiling": True,
            "kr_areas": ["rights-decisions"],
            "kr_significant": True,
        },
        {
            "category": "high",
            "annex_iii": (4,),
            "kr": ("high-impact",),
            "duties": {"EUAIA-ANX3-4", "EUAIA-ART6-2", "EUAIA-ART14"},
            "kr_duties": {"KR-AIBA-ART33", "KR-AIBA-ART34", "KR-AIBA-ART35"},
        },
    ),
    "text-to-image-app-in-the-eu": (
        {"eu_market": True, "interacts": True, "generates": ["image"], "deepfakes": True},
        {
            "category": "limited",
            "transparency": ("EUAIA-ART50-1", "EUAIA-ART50-2", "EUAIA-ART50-4", "EUAIA-ART50-5"),
            "kr": ("generative",),
        },
    ),
    "chatbot-offered-in-korea": (
        {"eu_market": False, "kr_market": True, "interacts": True, "generates": ["text"]},
        {"category": "limited", "eu_in_scope": False, "kr": ("generative",), "kr_duties": {"KR-AIBA-ART31-1", "KR-AIBA-ART31-2"}},
    ),
    "emotion-recognition-at-work": (
        {"eu_market": True, "prohibited": ["f"], "emotion_or_biometric": True},
        {"category": "prohibited", "prohibited": ("f",), "duties": {"EUAIA-ART5-f", "EUAIA-ART50-3"}, "annex_iii": (1,)},
    ),
    "credit-scoring": (
        {
            "eu_market": True,
            "kr_market": True,
            "annex_iii": [5],
            "profiling": True,
            "kr_areas": ["rights-decisions"],
            "kr_significant": True,
        },
        {"category": "high", "annex_iii": (5,), "duties": {"EUAIA-ANX3-5", "EUAIA-ART27"}, "kr": ("high-impact",)},
    ),
    "gpai-model-over-1e25-flops": (
        {"eu_market": True, "kr_market": True, "gpai_model": True, "training_flops": "3e25", "generates": ["text"]},
        {
            "category": "limited",
            "gpai": True,
            "systemic": True,
            "duties": {"EUAIA-ART51", "EUAIA-ART55-a", "EUAIA-ART53-1a"},
            "kr": ("generative",),
        },
    ),
    "frontier-model-over-1e26-flops": (
        {
            "eu_market": True,
            "kr_market": True,
            "gpai_model": True,
            "training_flops": "2x10^26",
            "kr_state_of_art": True,
            "kr_broad_impact": True,
            "generates": ["text", "image"],
        },
        {"systemic": True, "kr": ("generative", "high-performance"), "kr_duties": {"KR-AIBA-ART32"}},
    ),
    # Korea's Art. 32 safety tier needs all three decree criteria; each one missing keeps the system out of it
    "kr-art32-compute-below-threshold": (
        {"kr_market": True, "training_flops": "9e25", "kr_state_of_art": True, "kr_broad_impact": True, "generates": ["text"]},
        {"kr": ("generative",), "not_kr_duties": {"KR-AIBA-ART32"}},
    ),
    "kr-art32-not-state-of-the-art": (
        {"kr_market": True, "training_flops": "2e26", "kr_state_of_art": False, "kr_broad_impact": True, "generates": ["text"]},
        {"kr": ("generative",), "not_kr_duties": {"KR-AIBA-ART32"}},
    ),
    "kr-art32-no-broad-impact": (
        {"kr_market": True, "training_flops": "2e26", "kr_state_of_art": True, "kr_broad_impact": False, "generates": ["text"]},
        {"kr": ("generative",), "not_kr_duties": {"KR-AIBA-ART32"}},
    ),
    "open-gpai-model-below-threshold": (
        {"eu_market": True, "gpai_model": True, "training_flops": 5e23, "open_source": True},
        {
            "category": "minimal",
            "gpai": True,
            "systemic": False,
            "duties": {"EUAIA-ART53-2", "EUAIA-ART53-1c"},
            "not_duties": {"EUAIA-ART53-1a"},
        },
    ),
    "internal-spam-filter": (
        {"eu_market": True, "kr_market": True},
        {"category": "minimal", "kr": ("none",), "transparency": ()},
    ),
    "exam-proctoring": (
        {"eu_market": True, "annex_iii": [3], "profiling": False, "narrow_task": False},
        {"category": "high", "annex_iii": (3,), "duties": {"EUAIA-ANX3-3", "EUAIA-ART9"}},
    ),
    "ticket-routing-with-art-6-3-derogation": (
        {"eu_market": True, "annex_iii": [4], "profiling": False, "narrow_task": True},
        {"category": "minimal", "annex_iii": (4,), "duties": {"EUAIA-ART6-3"}, "not_duties": {"EUAIA-ART9"}},
    ),
    "machinery-safety-component": (
        {"eu_market": True, "annex_i_product": True},
        {"category": "high", "duties": {"EUAIA-ART6-1", "EUAIA-ART15"}},
    ),
    "hospital-triage-in-korea-without-significant-effect": (
        {"kr_market": True, "kr_areas": ["healthcare"], "kr_significant": False},
        {"kr": ("none",), "kr_duties": {"KR-AIBA-ART33"}},
    ),
}


@pytest.mark.parametrize("name", list(SYSTEMS))
def test_realistic_systems(name):
    answers, want = SYSTEMS[name]
    result = run(answers)
    if "category" in want:
        assert result.eu_category == want["category"]
        assert result.risk_tier == want["category"]
    if "annex_iii" in want:
        assert result.annex_iii == want["annex_iii"]
    if "transparency" in want:
        assert result.transparency == want["transparency"]
    if "prohibited" in want:
        assert result.prohibited == want["prohibited"]
    if "gpai" in want:
        assert result.gpai is want["gpai"]
    if "systemic" in want:
        assert result.systemic_risk is want["systemic"]
    if "eu_in_scope" in want:
        assert result.eu_in_scope is want["eu_in_scope"]
    if "kr" in want:
        assert result.kr_categories == want["kr"]
    assert want.get("duties", set()) <= set(result.eu_duties)
    assert not (want.get("not_duties", set()) & set(result.eu_duties))
    assert want.get("kr_duties", set()) <= set(result.kr_duties)
    assert not (want.get("not_kr_duties", set()) & set(result.kr_duties))
    # reasoning: every line is a sentence, and the last EU line names the category
    assert result.eu_reasoning[-1].startswith(("EU AI Act category", "No prohibited practice"))
    assert all(line.strip() for line in result.eu_reasoning + result.kr_reasoning)


def test_reasoning_cites_the_clauses_that_decided():
    cv = run(SYSTEMS["cv-screening-for-hiring"][0])
    text = " ".join(cv.eu_reasoning)
    assert "Annex III area 4, Employment and worker management (EUAIA-ANX3-4)" in text
    assert "profiles natural persons" in text and "EUAIA-ART6-3" in text
    kr = " ".join(cv.kr_reasoning)
    assert "hiring or loan screening (KR-AIBA-HIAI-g)" in kr and "KR-AIBA-DEF-HIAI" in kr
    emotion = run(SYSTEMS["emotion-recognition-at-work"][0])
    assert any("Art. 5(1)(f) (EUAIA-ART5-f)" in line for line in emotion.eu_reasoning)
    gpai = run(SYSTEMS["gpai-model-over-1e25-flops"][0])
    assert any("3e+25 FLOPs > 10^25" in line for line in gpai.eu_reasoning)
    chatbot = run(SYSTEMS["chatbot-offered-in-korea"][0])
    assert chatbot.eu_reasoning[0].startswith("Not offered or used in the EU")
    assert any("KR-AIBA-ART31-1" in line for line in chatbot.kr_reasoning)


def test_every_cited_clause_id_exists_in_the_catalog():
    """Duties and reasoning cite real clause ids (EU ids are checked against the shipped catalog)."""
    catalog = clause_index()
    cited: set[str] = set()
    for answers, _ in SYSTEMS.values():
        result = run(answers)
        cited |= set(result.eu_duties) | set(result.kr_duties)
        for line in result.eu_reasoning + result.kr_reasoning:
            cited |= set(re.findall(r"\b(?:EUAIA|KR-AIBA)-[A-Za-z0-9-]*[A-Za-z0-9]", line))
    for q in QUESTIONS:
        cited |= set(q.refs)
    assert "KR-AIBA-HIAI-g" in cited and "EUAIA-ANX3-4" in cited
    for clause in sorted(cited):
        assert clause in catalog, clause


def test_reasoning_in_korean():
    result = run(SYSTEMS["chatbot-offered-in-korea"][0], lang="ko")
    assert "생성형 인공지능" in " ".join(result.kr_reasoning)
    assert result.kr_reasoning[0].startswith("한국에서 제공하거나")


@pytest.mark.parametrize(
    ("question", "raw", "value"),
    [
        ("eu_market", "yes", True),
        ("eu_market", "아니오", False),
        ("annex_iii", "4, 5", ["4", "5"]),
        ("annex_iii", [5, 4, 4], ["4", "5"]),
        ("annex_iii", "-", []),
        ("prohibited", "f", ["f"]),
        ("prohibited", "6", ["f"]),  # option number
        ("generates", "2,1", ["text", "image"]),
        ("kr_areas", "7", ["rights-decisions"]),
        ("training_flops", "3.2e25", 3.2e25),
        ("training_flops", "10^26", 1e26),
        ("training_flops", "", None),
    ],
)
def test_answer_spellings(question, raw, value):
    q = {q.id: q for q in QUESTIONS}[question]
    assert normalize(q, raw) == value


def test_flops_errors():
    from aiaudit.audit.classify import AnswerValueError

    for bad in ("lots", "-1", True):
        with pytest.raises(AnswerValueError):
            parse_flops(bad)


def test_defaults_come_from_the_profile_then_the_last_run():
    system = {"name": "x", "regions": ["DE", "KR"], "modalities": ["text", "image", "code"], "gpai": True}
    base = defaults(system)
    assert base["eu_market"] is True and base["kr_market"] is True
    assert base["generates"] == ["text", "image"]
    assert base["gpai_model"] is True
    system["classification"] = {"answers": {"eu_market": False, "annex_iii": ["4"], "bogus": 1}}
    base = defaults(system)
    assert base["eu_market"] is False and base["annex_iii"] == ["4"]


# --- the command ------------------------------------------------------------------------------------

CHECKLIST = """\
kind: checklist
id: risk
version: 1.0.0
title: {en: Risk-dependent items, ko: 위험 등급별 항목}
description: {en: Items that follow the classification., ko: 분류에 따라 적용되는 항목입니다.}
sections:
  - id: risk
    principle: accountability
    title: {en: Risk management, ko: 위험관리}
    items:
      - id: RM-01
        question: {en: Is there a risk management system?, ko: 위험관리체계가 있습니까?}
        guidance: {en: The plan., ko: 계획서입니다.}
        severity: critical
        refs: [EUAIA-ART9]
        applies_when: {field: system.classification.eu_ai_act.category, equals: high}
        remediation: {en: Set one up., ko: 마련하십시오.}
      - id: RM-02
        question: {en: Are outputs labelled as AI-generated in Korea?, ko: 생성물에 AI 생성물 표시를 합니까?}
        guidance: {en: Screenshot., ko: 화면입니다.}
        severity: high
        refs: [EUAIA-ART50-2]
        applies_when: {field: system.classification.kr_ai_basic_act.categories, contains: generative}
        remediation: {en: Label them., ko: 표시하십시오.}
      - id: RM-03
        question: {en: Is a person accountable?, ko: 책임자가 있습니까?}
        guidance: {en: Org chart., ko: 조직도입니다.}
        severity: low
        refs: [EUAIA-ART4]
        remediation: {en: Name one., ko: 지정하십시오.}
"""

AUDIT = """\
# hand-written audit
kind: audit
format: 1
checklists:
  - {path: risk.yaml}
system:
  name: Hiring assistant   # screens CVs
  regions: [EU, KR]
  modalities: [text]
  risk_tier: unknown
answers: {}
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "risk.yaml").write_text(CHECKLIST, encoding="utf-8")
    path = tmp_path / "audit.yaml"
    path.write_text(AUDIT, encoding="utf-8")
    return path


def test_classify_from_an_answers_file_writes_result_and_applicability_follows(project, invoke):
    answers = project.parent / "answers.yaml"
    answers.write_text(
        "annex_iii: [4]\nprofiling: yes\ninteracts: no\ngenerates: [text]\nkr_areas: [rights-decisions]\nkr_significant: true\n",
        encoding="utf-8",
    )
    result = invoke("classify", project, "--answers", answers, "--date", "2026-11-25")
    assert result.exit_code == 0, result.output
    assert "EU AI Act: high-risk (applies)" in result.stdout
    assert "Korea AI Basic Act: high-impact AI, generative AI (applies)" in result.stdout
    assert "risk_tier high; 3 applicable items (before: 1)" in result.stdout
    assert "taken from the system profile or answered no/none: eu_market, kr_market, prohibited," in result.stderr
    audit = load_audit(project)
    assert audit.system["risk_tier"] == "high"
    eu = audit.system["classification"]["eu_ai_act"]
    assert eu["category"] == "high" and eu["annex_iii"] == [4] and eu["in_scope"] is True
    assert any("EUAIA-ANX3-4" in line for line in eu["reasoning"])
    kr = audit.system["classification"]["kr_ai_basic_act"]
    assert kr["categories"] == ["high-impact", "generative"]
    stored = audit.system["classification"]["answers"]
    assert stored["annex_iii"] == ["4"] and stored["eu_market"] is True
    assert audit.system["classification"]["date"] == "2026-11-25"
    text = project.read_text(encoding="utf-8")
    assert "# hand-written audit" in text and "# screens CVs" in text
    # status sees the new items
    status = invoke("status", project, "--format", "json")
    data = json.loads(status.stdout)
    assert data["applicable"] == 3 and data["classified"] is True and data["risk_tier"] == "high"
    assert [i["id"] for i in data["unanswered_critical"]] == ["RM-01"]


def test_reclassify_replaces_the_old_result(project, invoke):
    answers = project.parent / "answers.yaml"
    answers.write_text("annex_iii: [4]\nprofiling: true\n", encoding="utf-8")
    assert invoke("classify", project, "--answers", answers).exit_code == 0
    answers.write_text(
        "annex_iii: []\ngenerates: []\ninteracts: no\ngpai_model: yes\ntraining_flops: 2e26\n"
        "kr_state_of_art: yes\nkr_broad_impact: yes\n",
        encoding="utf-8",
    )
    result = invoke("classify", project, "--answers", answers)
    assert result.exit_code == 0, result.output
    audit = load_audit(project)
    assert audit.system["risk_tier"] == "minimal"
    eu = audit.system["classification"]["eu_ai_act"]
    assert eu["annex_iii"] == [] and "profiling" not in audit.system["classification"]["answers"]
    assert eu["gpai"] is True and eu["systemic_risk"] is True
    assert audit.system["classification"]["answers"]["training_flops"] == "2e+26"
    assert audit.system["classification"]["kr_ai_basic_act"]["categories"] == ["high-performance"]


def test_answers_file_errors_have_positions(project, invoke):
    answers = project.parent / "answers.yaml"
    answers.write_text("annex_iii: [4, 9]\nprofilin: yes\n", encoding="utf-8")
    before = project.read_bytes()
    result = invoke("classify", project, "--answers", answers)
    assert result.exit_code == 1
    assert f"{answers}:1:12: error[E204]: annex_iii: 9 is not one of the options: 1, 2, 3, 4, 5, 6, 7, 8" in result.stderr
    assert f"{answers}:2:1: error[E202]: unknown question profilin" in result.stderr
    assert project.read_bytes() == before


def test_interactive_classification_with_back_and_defaults(project, invoke):
    keys = "\n".join(
        [
            "",  # eu_market: Enter keeps the profile's yes
            "",  # kr_market: yes
            "-",  # prohibited: none
            "n",  # annex_i_product
            "b",  # back to annex_i_product
            "h",  # help
            "n",  # annex_i_product again
            "3",  # annex_iii: education (exam proctoring)
            "n",  # profiling
            "n",  # narrow task
            "y",  # interacts
            "maybe",  # not an option: asked again
            "",  # generates: keep [text]
            "perhaps",  # not a yes/no answer: asked again
            "n",  # assistive only
            "n",  # deepfakes
            "n",  # emotion or biometric
            "n",  # gpai model
            "",  # training flops: unknown
            "10",  # kr_areas: student evaluation
            "y",  # significant effect
        ]
    )
    result = invoke("classify", project, input=keys + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Is the system offered to users in Korea" in out
    assert "8) Justice and democracy" in out
    assert "maybe is not one of the options: text, image, audio, video, music, voice" in out
    assert "perhaps: answer y or n" in out
    assert "EU AI Act: high-risk (applies)" in out
    audit = load_audit(project)
    eu = audit.system["classification"]["eu_ai_act"]
    assert eu["annex_iii"] == [3]
    assert eu["transparency"] == ["EUAIA-ART50-1", "EUAIA-ART50-2", "EUAIA-ART50-5"]
    assert audit.system["classification"]["kr_ai_basic_act"]["areas"] == ["student-evaluation"]


def test_interactive_classification_in_korean_and_quit(project, invoke):
    before = project.read_bytes()
    result = invoke("classify", project, "--lang", "ko", input="\nq\n")
    assert result.exit_code == 0
    assert "한국의 이용자에게 제공하거나" in result.output
    assert "분류는 바뀌지 않았습니다" in result.output
    assert project.read_bytes() == before


def test_interrupted_classification_writes_nothing(project, invoke):
    before = project.read_bytes()
    result = invoke("classify", project, input="\n\n")
    assert result.exit_code == 130
    assert "Interrupted; the classification was not changed." in result.stderr
    assert project.read_bytes() == before


def test_every_question_and_option_has_both_languages():
    for q in QUESTIONS:
        for prefix in ("classify.q.", "classify.h."):
            assert t(prefix + q.id, "en") != t(prefix + q.id, "ko")
        for option in q.options:
            key = f"classify.o.{q.id}.{option}"
            assert t(key, "en") and t(key, "ko") and t(key, "en") != t(key, "ko")
