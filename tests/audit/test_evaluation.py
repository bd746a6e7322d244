"""The scoring model: status values, weights × severity, na handling, findings order, framework scores."""

from __future__ import annotations

import pytest

from aiaudit.audit.evaluation import evaluate
from aiaudit.audit.load import load_audit
from aiaudit.library.conditions import applies


def test_scores_on_the_mini_audit(mini):
    ev = evaluate(load_audit(mini / "audit.yaml"))
    by_id = {r.item.id: r for r in ev.results}
    assert not by_id["TR-02"].applicable  # image marking, text-only system
    # weights: TR-01 high×2 = 6 (met), SEC-01 high×1 = 3 (partial), SEC-02 low, na justified -> out,
    # ACC-01 medium×1 = 2 (not_met)
    assert ev.overall.earned == pytest.approx(6 + 1.5)
    assert ev.overall.possible == pytest.approx(6 + 3 + 2)
    assert ev.overall.percent == pytest.approx(68.2)
    assert ev.overall.counts == {"met": 1, "partial": 1, "not_met": 1, "na": 1, "unanswered": 0}
    assert [r.item.id for r in ev.findings] == ["SEC-01", "ACC-01"]
    sections = ev.by_section()
    assert sections["transparency"].percent == 100.0 and sections["safety"].percent == 50.0
    principles = ev.by_principle()
    assert principles["accountability"].percent == 0.0 and principles["ethics"].percent is None
    frameworks = ev.by_framework()
    assert frameworks["owasp-llm"].percent == 50.0  # SEC-01 partial; SEC-02 justified na
    # a Korea-only system: the EU AI Act does not reach it, so it gets no figure at all
    assert "eu-ai-act" not in frameworks
    assert ev.standings()["eu-ai-act"].scope.status == "not_in_scope" and ev.standings()["eu-ai-act"].score is None


def test_unanswered_and_unjustified_na_are_gaps(mini):
    audit = mini / "audit.yaml"
    text = audit.read_text(encoding="utf-8").replace(
        "    notes: Internal pilot with five users; no public endpoint.\n", ""
    )
    audit.write_text(text, encoding="utf-8")
    # an unjustified na is invalid for validate, but the model still scores it as a gap
    from aiaudit.audit.load import audit_from_file

    loaded, problems = audit_from_file(audit)
    assert [p.code for p in problems] == ["E402"]
    ev = evaluate(loaded)
    by_id = {r.item.id: r for r in ev.results}
    assert by_id["SEC-02"].scored and by_id["SEC-02"].is_finding
    assert ev.overall.possible == pytest.approx(6 + 3 + 1 + 2)


def test_findings_are_ordered_by_severity_then_weight(mini):
    audit = mini / "audit.yaml"
    text = audit.read_text(encoding="utf-8").replace("status: met", "status: unanswered", 1)
    audit.write_text(text, encoding="utf-8")
    ev = evaluate(load_audit(audit))
    assert [r.item.id for r in ev.findings] == ["TR-01", "SEC-01", "ACC-01"]


@pytest.mark.parametrize(
    ("condition", "system", "expected"),
    [
        (None, {}, True),
        ({"field": "system.modalities", "contains": "image"}, {"modalities": ["text", "image"]}, True),
        ({"field": "system.modalities", "contains": "image"}, {"modalities": ["text"]}, False),
        ({"field": "system.modalities", "contains": "image"}, {}, False),
        ({"field": "system.regions", "intersects": ["EU"]}, {"regions": ["GLOBAL"]}, True),
        ({"field": "system.risk_tier", "equals": "high"}, {"risk_tier": "high"}, True),
        ({"field": "system.risk_tier", "in": ["high", "prohibited"]}, {"risk_tier": "minimal"}, False),
        ({"field": "system.gpai", "exists": False}, {}, True),
        ({"not": {"field": "system.public_facing", "equals": True}}, {"public_facing": True}, False),
        (
            {"all": [{"field": "system.regions", "contains": "KR"}, {"any": [{"field": "system.gpai", "equals": True},
                                                                              {"field": "system.users", "contains": "minors"}]}]},
            {"regions": ["KR"], "users": ["minors"]},
            True,
        ),
        (
            {"field": "system.classification.kr_ai_basic_act.categories", "contains": "high-impact"},
            {"classification": {"kr_ai_basic_act": {"categories": ["generative"]}}},
            False,
        ),
    ],
)
def test_applies_when(condition, system, expected):
    assert applies(condition, system) is expected


def test_the_documented_worked_example_is_what_the_code_computes(mini):
    """docs/scoring.md works the mini audit out by hand; the code must agree, weights and all."""
    from pathlib import Path

    from aiaudit.audit.evaluation import SEVERITY_FACTOR

    doc = (Path(__file__).resolve().parents[2] / "docs" / "scoring.md").read_text(encoding="utf-8")
    assert "`100 × (6 + 1.5 + 0) ÷ (6 + 3 + 2) = 68.2`" in doc
    assert SEVERITY_FACTOR == {"critical": 4, "high": 3, "medium": 2, "low": 1}
    ev = evaluate(load_audit(mini / "audit.yaml"))
    weights = {r.item.id: r.weight for r in ev.results if r.scored}
    assert weights == {"TR-01": 2 * 3, "SEC-01": 1 * 3, "ACC-01": 1 * 2}
    assert ev.overall.percent == round(100 * (6 + 1.5 + 0) / (6 + 3 + 2), 1) == 68.2


def test_built_in_items_count_severity_once():
    """Built-in weights mean importance within a severity (1, or fractions of a split item), never the factor again."""
    from aiaudit.library.builtins import builtin_checklist_ids
    from aiaudit.library.checklists import builtin_checklist

    for checklist_id in builtin_checklist_ids():
        for item in builtin_checklist(checklist_id).items:
            assert item.weight <= 1, (checklist_id, item.id, item.weight)
