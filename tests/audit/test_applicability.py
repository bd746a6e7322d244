"""Which laws reach a system and which of their clauses bind it; framework standing counts only those."""

from __future__ import annotations

import pytest

from aiaudit.audit.applicability import clause_applicability, facts, framework_standing
from aiaudit.audit.evaluation import evaluate
from aiaudit.audit.load import load_audit
from aiaudit.library.catalog import frameworks

EU_HIGH_RISK_PROVIDER_DUTIES = {f"EUAIA-ART{n}" for n in range(9, 16)}


def binding(system: dict, fw_id: str) -> set[str]:
    fw = frameworks()[fw_id]
    f = facts(system)
    scope = framework_standing(fw, f)
    return {c.id for c in fw.clauses if clause_applicability(c, fw, f, scope).applies}


def classified(category: str, role: str = "provider", **eu) -> dict:
    block = {"category": category, "in_scope": True, **eu}
    return {"name": "x", "role": role, "regions": ["EU"], "classification": {"eu_ai_act": block}}


def test_a_korea_only_chatbot_is_not_in_scope_of_the_eu_ai_act():
    system = {"name": "상담봇", "regions": ["KR"], "risk_tier": "limited", "modalities": ["text"]}
    scope = framework_standing(frameworks()["eu-ai-act"], facts(system))
    assert scope.status == "not_in_scope" and not scope.reaches
    assert binding(system, "eu-ai-act") == set()
    assert framework_standing(frameworks()["kr-ai-basic-act"], facts(system)).status == "in_scope"


def test_an_annex_iii_high_risk_provider_is_bound_by_arts_9_to_15():
    system = classified("high", annex_iii=[4])
    bound = binding(system, "eu-ai-act")
    assert bound >= EU_HIGH_RISK_PROVIDER_DUTIES
    assert "EUAIA-ART26" not in bound  # the deployer's duties
    # the application date follows the amended Art. 113 for Annex III systems
    fw = frameworks()["eu-ai-act"]
    art9 = next(c for c in fw.clauses if c.id == "EUAIA-ART9")
    assert clause_applicability(art9, fw, facts(system)).applies_from == "2027-12-02"
    annex_i = classified("high", annex_i=True)
    assert clause_applicability(art9, fw, facts(annex_i)).applies_from == "2028-08-02"


def test_provider_and_deployer_see_different_clauses():
    provider = binding(classified("high", role="provider", annex_iii=[4]), "eu-ai-act")
    deployer = binding(classified("high", role="deployer", annex_iii=[4]), "eu-ai-act")
    both = binding(classified("high", role="provider-deployer", annex_iii=[4]), "eu-ai-act")
    assert "EUAIA-ART9" in provider and "EUAIA-ART9" not in deployer
    assert "EUAIA-ART26" in deployer and "EUAIA-ART26" not in provider
    assert provider | deployer <= both


def test_a_limited_risk_system_is_not_bound_by_high_risk_duties():
    bound = binding(classified("limited", transparency=["EUAIA-ART50-1"]), "eu-ai-act")
    assert not (EU_HIGH_RISK_PROVIDER_DUTIES & bound)
    assert {"EUAIA-ART50-1", "EUAIA-ART4", "EUAIA-ART5-a"} <= bound
    assert "EUAIA-ART50-4" not in bound  # no deepfakes


def test_without_a_classification_high_risk_duties_are_undetermined_not_counted():
    system = {"name": "x", "regions": ["EU"], "risk_tier": "unknown", "modalities": ["text"]}
    fw = frameworks()["eu-ai-act"]
    art9 = next(c for c in fw.clauses if c.id == "EUAIA-ART9")
    result = clause_applicability(art9, fw, facts(system))
    assert not result.applies and not result.determined and "aiaudit classify" in str(result.reason)
    # generative systems mark their output whatever else they are (Art. 50(2)), classified or not
    assert "EUAIA-ART50-2" in binding(system, "eu-ai-act")


def test_korea_art_32_binds_only_the_safety_tier():
    system = {
        "name": "x",
        "regions": ["KR"],
        "classification": {"kr_ai_basic_act": {"categories": ["generative"], "in_scope": True}},
    }
    assert "KR-AIBA-ART32" not in binding(system, "kr-ai-basic-act")
    system["classification"]["kr_ai_basic_act"]["categories"] = ["generative", "high-performance"]
    assert "KR-AIBA-ART32" in binding(system, "kr-ai-basic-act")


AUDIT = """\
kind: audit
format: 1
checklists: [{{id: genai-baseline}}]
system:
  name: Bot
  modalities: [text]
  regions: [{regions}]
  role: provider
  risk_tier: limited
answers:
{answers}
"""


@pytest.fixture
def write(tmp_path):
    def make(regions: str, answers: dict[str, str]) -> object:
        body = "".join(f"  {k}: {{status: {v}, notes: checked}}\n" for k, v in answers.items()) or "  {}\n"
        path = tmp_path / "audit.yaml"
        path.write_text(AUDIT.format(regions=regions, answers=body), encoding="utf-8")
        return evaluate(load_audit(path))

    return make


def test_answering_items_for_high_risk_duties_does_not_move_eu_standing_of_a_limited_system(write):
    # ETH-01 applies to every system; of the EU AI Act it cites only Arts. 9 and 13 (high-risk duties)
    met = write("EU, KR", {"TR-01": "met", "ETH-01": "met"})
    not_met = write("EU, KR", {"TR-01": "met", "ETH-01": "not_met"})
    eth = next(r for r in met.results if r.item.id == "ETH-01")
    assert eth.applicable and {"EUAIA-ART9", "EUAIA-ART13"} == {ref for ref in eth.item.refs if ref.startswith("EUAIA")}
    eu_met, eu_not_met = met.standings()["eu-ai-act"], not_met.standings()["eu-ai-act"]
    assert eu_met.scope.reaches and eu_met.score == eu_not_met.score
    assert {"EUAIA-ART9", "EUAIA-ART13"} <= {row.clause_id for row in eu_met.rows if not row.applicability.applies}
    # NIST (voluntary) does move
    assert met.by_framework()["nist-ai-rmf"].percent > not_met.by_framework()["nist-ai-rmf"].percent


def test_a_framework_out_of_scope_gets_no_percentage(write):
    ev = write("KR", {"TR-01": "met"})
    assert "eu-ai-act" not in ev.by_framework()
    assert ev.standings()["eu-ai-act"].score is None
    assert "kr-ai-basic-act" in ev.by_framework()
